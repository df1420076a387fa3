"""PDF downloads: personal reports come from the report cache when nothing
that shows in them has changed, and are rendered otherwise."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from flask import Response as HttpResponse
from flask import current_app

from reports.cache import ReportCache
from reports.pdf import REPORT_VERSION, ProfileReport, render_profile_pdf
from reports.renderer import default_renderer

from .models import Response
from .responses import answers_of, instrument_of, profile_of


def report_cache() -> ReportCache:
    return ReportCache(current_app.config["REPORT_CACHE_DIR"])


def renderer():
    return default_renderer(current_app.config["CHART_TIMEOUT"])


def taken_on(response: Response) -> date:
    return (response.completed_at or response.updated_at or response.created_at).date()


def profile_report(response: Response, language: str) -> ProfileReport:
    return ProfileReport(
        profile=profile_of(response, language),
        instrument=instrument_of(response),
        answers=answers_of(response),
        name=response.respondent_name,
        taken_on=taken_on(response),
    )


def profile_pdf_bytes(response: Response, language: str) -> bytes:
    report = profile_report(response, language)
    # Everything the report shows is in the key, so a changed name or answer renders anew.
    key = (
        response.instrument_id, response.instrument_version, language, REPORT_VERSION,
        response.respondent_name, report.taken_on.isoformat(),
        sorted(report.answers.items()), report.profile.flag_ids,
    )
    cache = report_cache()
    cached = cache.get(str(response.id), key)
    if cached is not None:
        return cached
    if current_app.config.get("REDIS_URL") and not current_app.config.get("RENDERING_IN_WORKER"):
        # Rendered by a report worker (make worker), so web workers stay free for pages.
        from .workshops.jobs import render_on_queue

        pdf = render_on_queue(response.id, language)
    else:
        pdf = render_profile_pdf(report, renderer())  # ChartExportError becomes a 503 page (errors.py)
    cache.put(str(response.id), key, pdf)
    return pdf


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60]


def profile_filename(response: Response, language: str) -> str:
    stem = "profil" if language == "sv" else "profile"
    parts = [stem, slug(response.respondent_name or ""), taken_on(response).isoformat()]
    return "-".join(p for p in parts if p) + ".pdf"


def pdf_download(data: bytes, filename: str) -> HttpResponse:
    return HttpResponse(
        data,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )


def send_profile_pdf(response: Response, language: str) -> HttpResponse:
    return pdf_download(profile_pdf_bytes(response, language), profile_filename(response, language))


def forget_reports(response: Response) -> None:
    report_cache().forget(str(response.id))
