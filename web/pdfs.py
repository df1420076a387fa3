"""PDF downloads: personal reports come from the report cache when nothing
that shows in them has changed, and are rendered otherwise."""

from __future__ import annotations

from datetime import date
from typing import Iterator, Sequence

from flask import Response as HttpResponse
from flask import current_app, render_template

from reports.batch import render_profile_pdfs
from reports.cache import ReportCache
from reports.chart_export import default_chart_exporter
from reports.pdf import REPORT_VERSION, ProfileReport, render_profile_pdf

from .filenames import file_name
from .language import language_for_file_only
from .models import Response
from .responses import answers_of, instrument_of, profile_of


def report_cache() -> ReportCache:
    return ReportCache(current_app.config["REPORT_CACHE_DIR"])


def chart_exporter():
    return default_chart_exporter(current_app.config["CHART_TIMEOUT"])


def taken_on(response: Response) -> date:
    return (response.completed_at or response.updated_at or response.created_at).date()


def profile_report(response: Response, language: str) -> ProfileReport:
    from .followup_context import report_followup
    from .research import norm_positions

    answers = answers_of(response)
    profile = profile_of(response, language, answers)
    return ProfileReport(
        profile=profile,
        instrument=instrument_of(response),
        answers=answers,
        name=response.respondent_name,
        taken_on=taken_on(response),
        **report_followup(response, language),
        norms=norm_positions(response, profile),
        measurement_url=measurement_url(),
    )


def measurement_url() -> str | None:
    base = current_app.config.get("PUBLIC_URL")
    return f"{base.rstrip('/')}/about/measurement" if base else None


def _cache_key(response: Response, report: ProfileReport, language: str) -> tuple:
    # Everything the report shows is in the key, so a changed name or answer renders anew.
    return (
        response.instrument_id, response.instrument_version, language, REPORT_VERSION,
        response.respondent_name, report.taken_on.isoformat(),
        sorted(report.answers.items()), report.profile.flag_ids,
        # The follow-up pages: the plan, and after a retake the earlier takes and ticks.
        repr(report.plan), repr(report.previous_plan),
        [(t.taken_on.isoformat(), [(r.scale_id, r.exact, r.sem) for r in t.profile.scales.values()])
         for t in report.history.takes] if report.history else None,
        # the reliability behind the intervals and the percentiles change with the data
        sorted((k, r.reliability.source, r.reliability.n, r.reliability.value)
               for k, r in report.profile.scales.items() if r.reliability),
        sorted((k, n.percent_below, n.n, n.frozen_on.isoformat()) for k, n in report.norms.items()),
        report.measurement_url,
    )


def _queued() -> bool:
    return bool(current_app.config.get("REDIS_URL")) and not current_app.config.get("RENDERING_IN_WORKER")


def profile_pdf_bytes(response: Response, language: str, wait: float | None = None) -> bytes | None:
    """The PDF, from the cache or rendered now. With a report queue (REDIS_URL) a
    worker renders it; after `wait` seconds without it, None means "still being made"."""
    report = profile_report(response, language)
    key = _cache_key(response, report, language)
    cache = report_cache()
    cached = cache.get(str(response.id), key)
    if cached is not None:
        return cached
    if _queued():
        from .jobs import render_on_queue

        pdf = render_on_queue(response.id, language, key, wait=wait)
        if pdf is None:
            return None
    else:
        pdf = render_profile_pdf(report, chart_exporter())  # ChartExportError becomes a 503 page (errors.py)
    cache.put(str(response.id), key, pdf)
    return pdf


def profile_pdfs(responses: Sequence[Response], language: str) -> Iterator[bytes]:
    """The PDFs of many responses, in order: cached ones as they are, the rest
    rendered as one batch (see reports/batch.py) and cached."""
    cache = report_cache()
    entries = []
    for response in responses:
        report = profile_report(response, language)
        key = _cache_key(response, report, language)
        entries.append((response, report, key, cache.get(str(response.id), key)))
    rendered = render_profile_pdfs(
        (report for _, report, _, cached in entries if cached is None),
        chart_exporter(), processes=current_app.config["REPORT_PROCESSES"],
    )
    for response, _, key, cached in entries:
        if cached is None:
            cached = next(rendered)
            cache.put(str(response.id), key, cached)
        yield cached


def prepare_profile_pdf(response: Response, language: str) -> None:
    """Queue the PDF as soon as the questionnaire is complete, so that the
    download is usually ready when the person asks for it. Without a queue: nothing."""
    if _queued():
        profile_pdf_bytes(response, language, wait=0)


def profile_filename(response: Response, language: str) -> str:
    return file_name(language, "profile", response.respondent_name or "", taken_on(response).isoformat(), ext="pdf")


def pdf_download(data: bytes, filename: str) -> HttpResponse:
    return HttpResponse(
        data,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )


def send_profile_pdf(response: Response, language: str, back_url: str):
    language_for_file_only()  # the waiting page, too, is about this file
    data = profile_pdf_bytes(response, language, wait=current_app.config["PDF_WAIT_SECONDS"])
    if data is None:
        # Never hold a web thread for long: the page refreshes itself until the PDF is ready.
        page = render_template("pdf_pending.html", back_url=back_url)
        return HttpResponse(page, status=202, headers={"Refresh": "2", "Retry-After": "2", "Cache-Control": "no-store"})
    return pdf_download(data, profile_filename(response, language))


def forget_reports(response: Response) -> None:
    report_cache().forget(str(response.id))
