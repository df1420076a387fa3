"""PDF reports with WeasyPrint: the personal profile, the team report and the
blank paper questionnaire. Input is domain data; no request objects in here."""

from __future__ import annotations

import atexit
import gc
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from jinja2 import Environment, FileSystemLoader, select_autoescape
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from assessment import Instrument, Profile
from assessment.suggestions import suggested_steps
from assessment.followup import History, Plan
from assessment.norms import NormPosition  # noqa: F401  (ProfileReport.norms holds these)

from . import charts
from .chart_export import ChartExporter, default_chart_exporter
from .i18n import decimal, fixed, long_date, translations
from .svg import slim_svg

# Bump when the layout changes: it is part of every cache key.
REPORT_VERSION = "2"
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
    plan: Plan | None = None  # the person's own plan
    history: History | None = None  # earlier takes, when this one is a retake
    previous_plan: Plan | None = None  # the plan of the take before, with its ticks
    # Percentiles from a frozen norm table of this version and language (none before one exists).
    norms: Mapping[str, Any] = field(default_factory=dict)
    measurement_url: str | None = None  # the public page on how well the questionnaire measures

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
    env.filters["long_date"] = lambda d: long_date(d, language)
    env.filters["decimal"] = lambda value: decimal(value, language)
    env.filters["fixed2"] = lambda value: fixed(value, language)
    return env


@lru_cache(maxsize=1)
def _fonts() -> FontConfiguration:
    return FontConfiguration()


@lru_cache(maxsize=1)
def _stylesheet() -> CSS:
    # Parsed once per process instead of once per report.
    return CSS(filename=str(TEMPLATES / "pdf" / "report.css"), font_config=_fonts())


def warm_up(languages: Iterable[str]) -> None:
    """Load the fonts, the stylesheet and the templates now rather than in the first report,
    for the instrument's languages (the caller passes them in: `Instrument.languages`)."""
    for language in languages:
        _environment(language).get_template("pdf/profile.html")
    _write_pdf('<html lang="en"><title>warm-up</title><p>Åsa Öström</p></html>')


@atexit.register
def _release_fonts() -> None:
    # Pango objects still alive when the interpreter shuts down are freed after
    # cffi has unloaded Pango, and the process crashes on exit (seen in make bench).
    # Freed here, while the libraries are still loaded.
    _stylesheet.cache_clear()
    _fonts.cache_clear()
    gc.collect()


class _ChartFetcher(URLFetcher):
    """Hands WeasyPrint the report's own charts (`chart:NAME` URLs) and refuses
    every other URL: a report never reads a file or the network, whatever text
    ends up in it. Passing charts this way also spares encoding them into the
    HTML and parsing them back out."""

    def __init__(self, images: Mapping[str, str]):
        super().__init__()
        self.images = images

    def fetch(self, url, headers=None):
        svg = self.images.get(url)
        if svg is None:
            raise ValueError(f"a report loads only its own charts, not {url!r}")
        return URLFetcherResponse(url, svg.encode("utf-8"), {"Content-Type": "image/svg+xml"})


def _write_pdf(html: str, chart_images: Mapping[str, str] | None = None) -> bytes:
    document = HTML(string=html, base_url=str(TEMPLATES / "pdf"), url_fetcher=_ChartFetcher(chart_images or {}))
    return document.write_pdf(
        stylesheets=[_stylesheet()], pdf_variant=PDF_VARIANT, font_config=_fonts(), pdf_identifier=False,
    )


def _chart_svgs(exporter: ChartExporter, figures: Sequence) -> list[str]:
    return [slim_svg(svg) for svg in exporter.svgs(figures)]


def profile_figures(report: ProfileReport) -> list:
    behaviours = report.profile.of_kind("behaviour")
    return [charts.profile_chart(report.profile)] + [
        charts.scale_items_chart(report.profile, report.instrument, report.answers, r.scale_id)
        for r in behaviours
    ] + ([charts.change_chart(report.history)] if report.history else [])


def chart_url(name: str) -> str:
    return f"chart:{name}"


def profile_html(report: ProfileReport) -> str:
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
        chart_url=chart_url,
        plan=suggested_steps(profile),
        answer_labels={o.value: o.label[language] for o in instrument.response_options}
        | ({"na": instrument.not_applicable_label[language]} if instrument.not_applicable_label else {}),
    )


def profile_chart_images_of(report: ProfileReport, exporter: ChartExporter | None = None) -> dict[str, str]:
    """Build and export the report's charts, keyed by their URL in the page:
    the part of a report that needs the browser."""
    svgs = _chart_svgs(exporter or default_chart_exporter(), profile_figures(report))
    names = ["summary"] + [r.scale_id for r in report.profile.of_kind("behaviour")]  # as in profile_figures
    names += ["change"] if report.history else []
    return {chart_url(name): svg for name, svg in zip(names, svgs)}


def lay_out_profile_pdf(report: ProfileReport, chart_images: Mapping[str, str]) -> bytes:
    """The part of a report that needs only WeasyPrint."""
    return _write_pdf(profile_html(report), chart_images)


def render_profile_pdf(report: ProfileReport, exporter: ChartExporter | None = None) -> bytes:
    return lay_out_profile_pdf(report, profile_chart_images_of(report, exporter))


def render_team_pdf(team: Any, instrument: Instrument, language: str, *, title: str, held_on: date,
                    grid: Sequence[Any] | None, exporter: ChartExporter | None = None,
                    before_after: Any = None) -> bytes:
    images = {}
    if team.scales_shown:
        figure = charts.team_distribution_chart(team, instrument, language)
        images[chart_url("distribution")] = _chart_svgs(exporter or default_chart_exporter(), [figure])[0]
    html = _environment(language).get_template("pdf/team.html").render(
        lang=language, team=team, instrument=instrument, title=title, held_on=held_on,
        distribution_chart=chart_url("distribution") if images else None, grid=grid,
        scales={s.id: s for s in instrument.scales}, before_after=before_after,
    )
    return _write_pdf(html, images)


def render_blank_questionnaire_pdf(instrument: Instrument, language: str) -> bytes:
    html = _environment(language).get_template("pdf/blank.html").render(
        lang=language, instrument=instrument,
    )
    return _write_pdf(html)


def render_technical_note_pdf(analysis: Mapping[str, Any], instrument: Instrument, language: str, *,
                              norms: Mapping[str, Any], exporter: ChartExporter | None = None) -> bytes:
    """The measurement page for coaches: the cached item analysis as a PDF."""
    names = {s.id: s.name[language] for s in instrument.scales}
    shown = [s for s in analysis.get("scales", []) if not s["withheld"]] if not analysis.get("withheld") else []
    images = {}
    if shown:
        figure = charts.score_distribution_chart([(names[s["id"]], s["distribution"]) for s in shown], language)
        images[chart_url("distribution")] = _chart_svgs(exporter or default_chart_exporter(), [figure])[0]
    html = _environment(language).get_template("pdf/technical_note.html").render(
        lang=language, analysis=analysis, instrument=instrument, names=names, shown=shown, norms=norms,
        distribution_chart=chart_url("distribution") if images else None,
    )
    return _write_pdf(html, images)
