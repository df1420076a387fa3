"""Making a PDF's bytes in this process: its charts exported by this process's chart
browser (reports/chart_export.py), then laid out by WeasyPrint (reports/layout.py).
What a report shows is in reports/report_model.py.

Imports WeasyPrint, kaleido and choreographer, so only the processes that make PDFs import
it: the host's report server (reports/report_server.py), the layout processes and report
workers (reports/batch.py, worker.py) and the PDF commands (cli/); a web worker asks the
report server instead (reports/report_client.py; issue 29,
bench/investigations/footprint-start-and-pdf-cost.md, "Footprint and cold start")."""

from __future__ import annotations

from typing import Iterable, Mapping, Sequence

from . import layout
from .chart_export import ChartExporter, default_chart_exporter
from .report_model import (
    ProfileReport,
    ReportDocument,
    environment,
    profile_chart_urls,
    profile_figures,
    profile_html,
)
from .svg import slim_svg


def warm_up(languages: Iterable[str]) -> None:
    """Load the fonts, the stylesheet and the templates now rather than in the first report,
    for the instrument's languages (the caller passes them in: `Instrument.languages`)."""
    for language in languages:
        environment(language).get_template("pdf/profile.html")
    _write_pdf('<html lang="en"><title>warm-up</title><p>Åsa Öström</p></html>')


def _write_pdf(html: str, chart_images: Mapping[str, str] | None = None) -> bytes:
    return layout.write_pdf(html, chart_images)


def _chart_svgs(exporter: ChartExporter, figures: Sequence) -> list[str]:
    return [slim_svg(svg) for svg in exporter.svgs(figures)]


def profile_chart_images_of(report: ProfileReport, exporter: ChartExporter | None = None) -> dict[str, str]:
    """Build and export the report's charts, keyed by their URL in the page:
    the part of a report that needs the browser."""
    svgs = _chart_svgs(exporter or default_chart_exporter(), profile_figures(report))
    return dict(zip(profile_chart_urls(report), svgs))


def lay_out_profile_pdf(report: ProfileReport, chart_images: Mapping[str, str]) -> bytes:
    """The part of a report that needs only WeasyPrint."""
    return _write_pdf(profile_html(report), chart_images)


def render_profile_pdf_in_process(report: ProfileReport, exporter: ChartExporter | None = None) -> bytes:
    """One PDF made whole in this thread (charts, then layout). A report worker uses
    reports.batch.profile_pdf_in_layout_process instead, which keeps the layout off its threads."""
    return lay_out_profile_pdf(report, profile_chart_images_of(report, exporter))


def document_chart_images_of(document: ReportDocument, exporter: ChartExporter | None = None) -> dict[str, str]:
    """A document's charts exported: the part that needs the browser (none for a document without charts)."""
    if not document.charts:
        return {}
    return dict(zip(document.charts, _chart_svgs(exporter or default_chart_exporter(), list(document.charts.values()))))


def lay_out_document_pdf(document: ReportDocument, chart_images: Mapping[str, str]) -> bytes:
    return _write_pdf(document.html, chart_images)


def render_document_pdf(document: ReportDocument, exporter: ChartExporter | None = None) -> bytes:
    """A team report, blank questionnaire, technical note or coach's edition made whole in this thread."""
    return lay_out_document_pdf(document, document_chart_images_of(document, exporter))
