"""Profile reports made from answers, one chart of every kind, a chart's SVG as XML means it, and
the text read back from a PDF (test_reports, test_report_server, test_chart_browser,
test_plotly_js, domain/test_charts)."""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from datetime import date
from io import BytesIO

from pypdf import PdfReader

from assessment import AnswerSet, score_answers
from assessment.followup import Take, history
from assessment.team import release_of, summarise_team
from reports import charts
from reports.report_model import ProfileReport

from .answers import varied_answers

# plotly names clip paths, definitions, legends and traces after a random id per export
RANDOM_IDS = re.compile(r"(defs-|clip|topdefs-|legend|trace)[0-9a-f]{6}")


def canonical_svg(svg: str) -> str:
    """A chart's SVG as XML means it: its random ids named alike, and every element's attributes
    in one order (canonical XML, C14N 2.0), since plotly writes some of them (the root's `style`
    and `viewBox`, a legend's) in either order from one export to the next. CI once failed a
    test that compared the raw text of two exports over just that."""
    return ET.canonicalize(RANDOM_IDS.sub(r"\1ID", svg))


HOSTILE = 'Åsa "Ö" <script>alert(1)</script> & Co'


def report_for(instrument, language, name=HOSTILE, answers=None, seconds=()):
    answers = answers or varied_answers(instrument)
    profile = score_answers(instrument, AnswerSet(language, answers, name, seconds))
    return ProfileReport(profile, instrument, answers, name, date(2026, 11, 27))


def pdf_text(data: bytes) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(BytesIO(data))
    return reader, [unicodedata.normalize("NFKC", page.extract_text()) for page in reader.pages]


def profiles_of(instrument, language):
    """Six different profiles of `instrument` in `language`."""
    return [score_answers(instrument, AnswerSet(language, varied_answers(instrument, offset))) for offset in range(6)]


def every_chart(instrument, language):
    """One chart of every kind the app draws, by name."""
    profiles = profiles_of(instrument, language)
    profile = profiles[0]
    answers = varied_answers(instrument)
    team = summarise_team(instrument, release_of(instrument, profiles, anonymous=False), language=language,
                          joined=6, completed=6, anonymous=False)
    takes = history([Take(date(2026, 1, day), p) for day, p in enumerate(profiles[:3], 1)])
    return {
        "profile": charts.profile_chart(profile),
        **{f"items {r.scale_id}": charts.scale_items_chart(profile, instrument, answers, r.scale_id)
           for r in profile.of_kind("behaviour")},
        "team": charts.team_distribution_chart(team, instrument, language),
        "scores": charts.score_distribution_chart(
            [(r.name, {"p10": 5, "p25": 20, "p50": 40, "p75": 60, "p90": 85}) for r in profile.of_kind("behaviour")],
            language),
        "change": charts.change_chart(takes),
    }
