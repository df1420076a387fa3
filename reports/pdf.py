"""PDF reports with WeasyPrint: the personal profile, the team report and the
blank paper questionnaire. Input is domain data; no request objects in here."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Sequence

from babel.dates import format_date
from jinja2 import Environment, FileSystemLoader, select_autoescape
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from assessment import Instrument, Profile

from . import charts
from .i18n import translations
from .renderer import ChartRenderer, default_renderer

# Bump when the layout changes: it is part of every cache key.
REPORT_VERSION = "1"
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
PDF_VARIANT = "pdf/ua-1"


@dataclass(frozen=True)
class ProfileReport:
    """Everything one personal report shows."""

    profile: Profile
    instrument: Instrument
    answers: Mapping[str, int]
    name: str | None
    taken_on: date

    @property
    def language(self) -> str:
        return self.profile.language


@lru_cache(maxsize=None)
def _environment(language: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(language), newstyle=True)
    env.filters["long_date"] = lambda d: format_date(d, format="long", locale=language)
    return env


@lru_cache(maxsize=1)
def _fonts() -> FontConfiguration:
    return FontConfiguration()


@lru_cache(maxsize=1)
def _stylesheet() -> CSS:
    # Parsed once per process instead of once per report.
    return CSS(filename=str(TEMPLATES / "pdf" / "report.css"), font_config=_fonts())


def _write_pdf(html: str) -> bytes:
    document = HTML(string=html, base_url=str(TEMPLATES / "pdf"))
    return document.write_pdf(
        stylesheets=[_stylesheet()], pdf_variant=PDF_VARIANT, font_config=_fonts(), pdf_identifier=False,
    )


def svg_data_uri(svg: str) -> str:
    # As <img> rather than inline <svg>: inline, every plotly element goes
    # through the HTML style cascade, which made a report ~0.5 s slower.
    # Charts stay vectors either way.
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def profile_figures(report: ProfileReport) -> list:
    behaviours = report.profile.of_kind("behaviour")
    return [charts.profile_chart(report.profile)] + [
        charts.scale_items_chart(report.profile, report.instrument, report.answers, r.scale_id)
        for r in behaviours
    ]


def profile_html(report: ProfileReport, svgs: Sequence[str]) -> str:
    instrument, profile = report.instrument, report.profile
    language = report.language
    behaviours = profile.of_kind("behaviour")
    scales = {s.id: s for s in instrument.scales}
    return _environment(language).get_template("pdf/profile.html").render(
        lang=language,
        report=report,
        profile=profile,
        instrument=instrument,
        behaviours=behaviours,
        driver=profile.of_kind("driver"),
        scales=scales,
        summary_chart=svg_data_uri(svgs[0]),
        behaviour_charts=dict(zip((r.scale_id for r in behaviours), map(svg_data_uri, svgs[1:]))),
        plan=_action_plan(profile),
        answer_labels={o.value: o.label[language] for o in instrument.response_options},
    )


def _action_plan(profile: Profile) -> list[tuple[str, str]]:
    """Three next steps: the first action of each behaviour, highest score first."""
    scored = sorted(
        (r for r in profile.of_kind("behaviour") if r.actions),
        key=lambda r: -(r.score or 0),
    )
    return [(r.name, r.actions[0]) for r in scored][:3]


def render_profile_pdf(report: ProfileReport, renderer: ChartRenderer | None = None) -> bytes:
    renderer = renderer or default_renderer()
    svgs = renderer.svgs(profile_figures(report))
    return _write_pdf(profile_html(report, svgs))


def render_team_pdf(team: Any, instrument: Instrument, language: str, *, title: str, held_on: date,
                    grid: Sequence[Any] | None, renderer: ChartRenderer | None = None) -> bytes:
    renderer = renderer or default_renderer()
    svgs = renderer.svgs([charts.team_distribution_chart(team, language)]) if team.scales_shown else [None]
    html = _environment(language).get_template("pdf/team.html").render(
        lang=language, team=team, instrument=instrument, title=title, held_on=held_on,
        distribution_chart=svg_data_uri(svgs[0]) if svgs[0] else None, grid=grid, scales={s.id: s for s in instrument.scales},
    )
    return _write_pdf(html)


def render_blank_questionnaire_pdf(instrument: Instrument, language: str) -> bytes:
    html = _environment(language).get_template("pdf/blank.html").render(
        lang=language, instrument=instrument,
    )
    return _write_pdf(html)
