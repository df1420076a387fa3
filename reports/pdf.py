"""PDF reports with WeasyPrint: the personal profile, the team report and the
blank paper questionnaire. Input is domain data; no request objects in here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from jinja2 import Environment, FileSystemLoader, select_autoescape

from assessment import Instrument, Profile
from assessment.followup import History, Plan
from assessment.norms import NormPosition  # noqa: F401  (ProfileReport.norms holds these)
from assessment.suggestions import suggested_steps

from . import charts
from .chart_export import ChartExporter, default_chart_exporter
from .i18n import format_filters, translations
from .svg import slim_svg

# Bump when the layout changes: it is part of every cache key.
REPORT_VERSION = "2"
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
    env.filters.update(format_filters(lambda: language))
    return env


def warm_up(languages: Iterable[str]) -> None:
    """Load the fonts, the stylesheet and the templates now rather than in the first report,
    for the instrument's languages (the caller passes them in: `Instrument.languages`)."""
    for language in languages:
        _environment(language).get_template("pdf/profile.html")
    _write_pdf('<html lang="en"><title>warm-up</title><p>Åsa Öström</p></html>')


def _write_pdf(html: str, chart_images: Mapping[str, str] | None = None) -> bytes:
    # WeasyPrint (0.5 s of import, Pango and its fonts) is loaded by the first layout, not by
    # every process that imports this module for ProfileReport or the figures (the web workers,
    # every flask command): see reports/layout.py and the per-file ignore in pyproject.toml.
    from . import layout

    return layout.write_pdf(html, chart_images)


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


def render_profile_pdf_in_process(report: ProfileReport, exporter: ChartExporter | None = None) -> bytes:
    """One PDF made whole in this thread (charts, then layout). A web process uses
    reports.batch.render_profile_pdf instead, which keeps the layout off its threads."""
    return lay_out_profile_pdf(report, profile_chart_images_of(report, exporter))


def render_team_pdf(team: Any, instrument: Instrument, language: str, *, title: str, held_on: date,
                    grid: Sequence[Any] | None, exporter: ChartExporter | None = None,
                    before_after: Any = None) -> bytes:
    figures = {}
    if team.scales_shown:
        figures[chart_url("distribution")] = charts.team_distribution_chart(team, instrument, language)
    if before_after is not None and before_after.scales and not (before_after.before.withheld and before_after.after.withheld):
        figures[chart_url("before-after")] = charts.before_after_chart(
            before_after.scales, before_after.before.included, before_after.after.included, language)
    images = dict(zip(figures, _chart_svgs(exporter or default_chart_exporter(), list(figures.values())))) if figures else {}
    html = _environment(language).get_template("pdf/team.html").render(
        lang=language, team=team, instrument=instrument, title=title, held_on=held_on,
        distribution_chart=chart_url("distribution") if chart_url("distribution") in images else None, grid=grid,
        scales={s.id: s for s in instrument.scales}, before_after=before_after,
        before_after_chart=chart_url("before-after") if chart_url("before-after") in images else None,
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


def render_coach_edition_pdf(profile: Profile, instrument: Instrument, guide: Any, *, name: str | None,
                             title: str, taken_on: date, team_size: int) -> bytes:
    """A coach's edition of one shared profile (assessment/coach_guide.py): validity notes
    with what to ask, a conversation guide and, in named workshops, where the person sits
    in the team by bands. No charts, so no browser: quick enough to make in the request."""
    html = _environment(profile.language).get_template("pdf/coach_edition.html").render(
        lang=profile.language, profile=profile, instrument=instrument, guide=guide, name=name, title=title,
        taken_on=taken_on, team_size=team_size, scales={s.id: s for s in instrument.scales},
    )
    return _write_pdf(html)
