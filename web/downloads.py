"""HTTP replies for reports: a personal PDF (from the store, rendered now, or
"being prepared" while a report worker makes it), a workshop ZIP and its
progress, and the attachment headers of every private download (PDF, ZIP, CSV, xlsx, ics). The only module here that knows about requests."""

from __future__ import annotations

import fcntl
import logging
from contextlib import contextmanager
from pathlib import Path

from flask import Response as HttpResponse
from flask import current_app, render_template, request
from flask_babel import gettext as _
from redis.exceptions import RedisError

from services.followup.context import PERSON
from services.models import ReportJob, Response
from services.reporting import queue
from services.reporting.production import (
    cached_profile_pdf,
    profile_filename,
    render_profile,
)
from services.reporting.store import report_store, zip_expired
from web.common.limits import note_render
from web.language import language_for_file_only

log = logging.getLogger(__name__)


def profile_pdf_bytes(response: Response, language: str, wait: float | None = None, audience: str = PERSON) -> bytes | None:
    """The PDF, from the store or rendered now. With a report queue a worker
    renders it; after `wait` seconds without it, None means "still being made".
    With the queue unreachable it is rendered here, as without a queue."""
    queued = queue.queued()
    # Without a queue and with nothing of this person's cached, the cache key (the whole
    # profile: the costly part of a request that only asks again) need not be worked out
    # while another PDF holds the render slot.
    if queued or report_store().holds_pdfs_of(response.token_hash):
        cached, key = cached_profile_pdf(response, language, audience)
        if cached is not None:
            return cached
    # A request counts against the client's render limit only where it starts a PDF's work:
    # the "being prepared" page asks again every 2 s, and a workshop behind one address
    # would otherwise use up its limit by waiting.
    if queued:
        try:
            job, started = queue.request_profile(response, language, key, audience)
            if started:
                note_render()
            return queue.wait_for_profile(response, language, key, job,
                                          wait if wait is not None else queue.RENDER_TIMEOUT)
        except RedisError as exc:
            log.warning("report queue unreachable, rendering in the request: %s", exc)
    with render_slot() as slot:
        if slot is None:  # other PDFs are being made on this machine: the page asks again shortly
            return None
        note_render()
        return render_profile(response, language, audience)


@contextmanager
def render_slot():
    """One of RENDER_SLOTS machine-wide places to render a PDF in a web
    process (a lock file each, shared by all gunicorn workers), so that PDFs
    never take more than that many cores from the questionnaire pages
    (docs/decisions/0007-one-render-slot-and-cheap-polls.md)."""
    folder = Path(current_app.instance_path) / "render-slots"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    for number in range(current_app.config["RENDER_SLOTS"]):
        handle = open(folder / f".render-slot-{number}", "a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        try:
            yield number
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()
        return
    yield None


def prepare_profile_pdf(response: Response, language: str) -> None:
    """Queue the PDF as soon as the questionnaire is complete, so that the
    download is usually ready when the person asks for it. Without a queue, or
    with the queue unreachable: nothing (the download renders it)."""
    if not queue.queued():
        return
    try:
        cached, key = cached_profile_pdf(response, language)
        if cached is None:
            queue.request_profile(response, language, key)
    except RedisError as exc:
        log.warning("report queue unreachable; the PDF is made when it is downloaded: %s", exc)


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
    data = profile_pdf_bytes(response, language, wait=current_app.config["PDF_WAIT_SECONDS"], audience=audience)
    if data is None:
        # Never hold a web thread for long: the page asks again until the PDF is ready (by
        # itself with static/js/downloads.js, by a <noscript> refresh without it). No Refresh
        # header: it would fetch the PDF a second time after the script has saved it.
        page = render_template("pdf_pending.html", back_url=back_url, poll_url=request.full_path.rstrip("?"))
        return HttpResponse(page, status=202, headers={"Retry-After": "2", "Cache-Control": "no-store"})
    return pdf_download(data, profile_filename(response, language))


# --- ZIPs --------------------------------------------------------------------


def zip_bytes(job: ReportJob) -> bytes | None:
    """A finished ZIP, unless it expired (ZIP_RETENTION_HOURS) or was withdrawn."""
    if job.status != "done" or zip_expired(job):
        return None
    return report_store().zip_bytes(job.id)


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
