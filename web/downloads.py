"""HTTP replies for reports: a personal PDF (or the "being prepared" page while it is made;
services/reporting/delivery.py decides where it comes from), a workshop ZIP and its
progress, and the attachment headers of every private download (PDF, ZIP, CSV, xlsx, ics)."""

from __future__ import annotations

from flask import Response as HttpResponse
from flask import current_app, render_template, request
from flask_babel import gettext as _

from services.followup.context import PERSON
from services.models import ReportJob, Response
from services.reporting import queue
from services.reporting.delivery import profile_pdf_bytes
from services.reporting.production import profile_filename
from web.common.limits import note_render
from web.language import language_for_file_only

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ICS = "text/calendar"


def attachment(data: bytes | str, filename: str, mimetype: str) -> HttpResponse:
    """A file to save under `filename`, kept in no cache: every download here holds someone's
    answers, a workshop's or a person's (file_name() makes `filename` safe to quote)."""
    return HttpResponse(data, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"})


def pdf_download(data: bytes, filename: str) -> HttpResponse:
    return attachment(data, filename, "application/pdf")


def send_profile_pdf(response: Response, language: str, back_url: str, audience: str = PERSON):
    language_for_file_only()  # the waiting page, too, is about this file
    data = profile_pdf_bytes(response, language, wait=current_app.config["PDF_WAIT_SECONDS"], audience=audience,
                             on_render=note_render)
    if data is None:
        # Never hold a web thread for long: the page asks again until the PDF is ready (by
        # itself with static/js/downloads.js, by a <noscript> refresh without it). No Refresh
        # header: it would fetch the PDF a second time after the script has saved it.
        page = render_template("pdf_pending.html", back_url=back_url, poll_url=request.full_path.rstrip("?"))
        return HttpResponse(page, status=202, headers={"Retry-After": "2", "Cache-Control": "no-store"})
    return pdf_download(data, profile_filename(response, language))


# --- ZIPs --------------------------------------------------------------------


def zip_download(data: bytes, filename: str) -> HttpResponse:
    return attachment(data, filename, "application/zip")


def job_error_text(job: ReportJob) -> str | None:
    if job.status == "expired":
        return _("This ZIP isn't kept any more (it expired, or someone in it deleted their answers). Make it again.")
    if job.status != "failed":
        return None
    if job.error == queue.LOST:
        return _("The report worker stopped before the ZIP was finished. Please make it again.")
    if job.error == queue.NOT_QUEUED:
        return _("We couldn't reach the report queue. Try making it again in a minute.")
    return job.error or _("Unknown error.")
