"""What a PDF report shows, as HTML and plotly figures: the personal profile
(ProfileReport), the team report, the blank paper questionnaire, the technical note
and the coach's edition. Input is domain data; no request objects in here.

Imports neither WeasyPrint nor kaleido: every web worker imports this module to describe
a report, and hands it to the process that makes the PDF (reports/pdf.py, in the host's
report server, a report worker or a command; issue 29)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Sequence

import plotly.graph_objects as go
from jinja2 import Environment, FileSystemLoader, select_autoescape

from assessment import Instrument, Profile
from assessment.followup import History, Plan
from assessment.norms import NormPosition
from assessment.suggestions import suggested_steps

from . import charts
from .i18n import format_filters, translations

# Bump when the layout changes: it is part of every cache key.
REPORT_VERSION = "3"  # 3: the profile's scale sections flow (7 pages to 6)
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@dataclass(frozen=True)
class ProfileReport:
    """Everything one personal report shows."""

    profile: Profile
    instrument: Instrument
    answers: Mapping[str, int]
    name: str | None
    taken_on: date
    plan: Plan | None = None  # the person's own plan
    history: History | None = None  # earlier takes, when this one is a retake
    previous_plan: Plan | None = None  # the plan of the take before, with its ticks
    # Percentiles from a frozen norm table of this version and language (none before one exists).
    norms: Mapping[str, NormPosition] = field(default_factory=dict)
    measurement_url: str | None = None  # the public page on how well the questionnaire measures

    @property
    def language(self) -> str:
        return self.profile.language


@dataclass(frozen=True)
class ReportDocument:
    """A report other than the personal profile, ready to be laid out: its HTML, and the
    figures it shows keyed by their URL in the page (chart_url). Plain data, so the web
    process that describes it hands it to the report server as it is."""

    html: str
    charts: Mapping[str, go.Figure] = field(default_factory=dict)


@lru_cache(maxsize=None)
def environment(language: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(language), newstyle=True)
    env.filters.update(format_filters(lambda: language))
    return env


def chart_url(name: str) -> str:
    return f"chart:{name}"


def profile_figures(report: ProfileReport) -> list:
    behaviours = report.profile.of_kind("behaviour")
    return [charts.profile_chart(report.profile)] + [
        charts.scale_items_chart(report.profile, report.instrument, report.answers, r.scale_id)
        for r in behaviours
    ] + ([charts.change_chart(report.history)] if report.history else [])


def profile_chart_urls(report: ProfileReport) -> list[str]:
    """The URLs of profile_figures(report) in the page, in the same order."""
    names = ["summary"] + [r.scale_id for r in report.profile.of_kind("behaviour")]
    names += ["change"] if report.history else []
    return [chart_url(name) for name in names]


def profile_html(report: ProfileReport) -> str:
    instrument, profile = report.instrument, report.profile
    language = report.language
    behaviours = profile.of_kind("behaviour")
    scales = {s.id: s for s in instrument.scales}
    return environment(language).get_template("pdf/profile.html").render(
        lang=language,
        report=report,
        profile=profile,
        instrument=instrument,
        behaviours=behaviours,
        driver=profile.of_kind("driver"),
        scales=scales,
        chart_url=chart_url,
        plan=suggested_steps(profile),
        answer_labels={o.value: o.label[language] for o in instrument.response_options}
        | ({"na": instrument.not_applicable_label[language]} if instrument.not_applicable_label else {}),
    )


def team_document(team: Any, instrument: Instrument, language: str, *, title: str, held_on: date,
                  grid: Sequence[Any] | None, before_after: Any = None) -> ReportDocument:
    figures = {}
    if team.scales_shown:
        figures[chart_url("distribution")] = charts.team_distribution_chart(team, instrument, language)
    if before_after is not None and before_after.scales and not (before_after.before.withheld and before_after.after.withheld):
        figures[chart_url("before-after")] = charts.before_after_chart(
            before_after.scales, before_after.before.included, before_after.after.included, language)
    html = environment(language).get_template("pdf/team.html").render(
        lang=language, team=team, instrument=instrument, title=title, held_on=held_on,
        distribution_chart=chart_url("distribution") if chart_url("distribution") in figures else None, grid=grid,
        scales={s.id: s for s in instrument.scales}, before_after=before_after,
        before_after_chart=chart_url("before-after") if chart_url("before-after") in figures else None,
    )
    return ReportDocument(html, figures)


def blank_questionnaire_document(instrument: Instrument, language: str) -> ReportDocument:
    return ReportDocument(environment(language).get_template("pdf/blank.html").render(
        lang=language, instrument=instrument,
    ))


def technical_note_document(analysis: Mapping[str, Any], instrument: Instrument, language: str, *,
                            norms: Mapping[str, Any]) -> ReportDocument:
    """The measurement page for coaches: the cached item analysis as a PDF."""
    names = {s.id: s.name[language] for s in instrument.scales}
    shown = [s for s in analysis.get("scales", []) if not s["withheld"]] if not analysis.get("withheld") else []
    figures = {}
    if shown:
        figures[chart_url("distribution")] = charts.score_distribution_chart(
            [(names[s["id"]], s["distribution"]) for s in shown], language)
    html = environment(language).get_template("pdf/technical_note.html").render(
        lang=language, analysis=analysis, instrument=instrument, names=names, shown=shown, norms=norms,
        distribution_chart=chart_url("distribution") if figures else None,
    )
    return ReportDocument(html, figures)


def coach_edition_document(profile: Profile, instrument: Instrument, guide: Any, *, name: str | None,
                           title: str, taken_on: date, team_size: int) -> ReportDocument:
    """A coach's edition of one shared profile (assessment/coach_guide.py): validity notes
    with what to ask, a conversation guide and, in named workshops, where the person sits
    in the team by bands. No charts."""
    return ReportDocument(environment(profile.language).get_template("pdf/coach_edition.html").render(
        lang=profile.language, profile=profile, instrument=instrument, guide=guide, name=name, title=title,
        taken_on=taken_on, team_size=team_size, scales={s.id: s for s in instrument.scales},
    ))
