"""Where a personal PDF comes from when someone downloads it: the report store, a report
worker through the queue (waiting a little, else "still being made"), or rendered now in one
of the machine's render slots; and the finished ZIPs. No request in here: the view passes
what it needs (web/downloads.py)."""

from __future__ import annotations

import fcntl
import logging
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

from flask import current_app
from redis.exceptions import RedisError

from services import jobs
from services.followup.context import PERSON
from services.models import ReportJob, Response
from services.reporting import queue
from services.reporting.production import cached_profile_pdf, render_profile
from services.reporting.store import report_store, zip_expired

log = logging.getLogger(__name__)


def _nothing() -> None:
    return None


def profile_pdf_bytes(response: Response, language: str, wait: float | None = None, audience: str = PERSON,
                      on_render: Callable[[], None] = _nothing) -> bytes | None:
    """The PDF, from the store or rendered now. With a report queue a worker
    renders it; after `wait` seconds without it, None means "still being made".
    With the queue unreachable it is rendered here, as without a queue. `on_render` is
    called where this request starts a PDF's work (the web counts it against the client's
    render limit, web/common/limits.py note_render)."""
    queued = jobs.queued()
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
                on_render()
            return queue.wait_for_profile(response, language, key, job,
                                          wait if wait is not None else queue.RENDER_TIMEOUT)
        except RedisError as exc:
            log.warning("report queue unreachable, rendering in the request: %s", exc)
    with render_slot() as slot:
        if slot is None:  # other PDFs are being made on this machine: the page asks again shortly
            return None
        on_render()
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
    if not jobs.queued():
        return
    try:
        cached, key = cached_profile_pdf(response, language)
        if cached is None:
            queue.request_profile(response, language, key)
    except RedisError as exc:
        log.warning("report queue unreachable; the PDF is made when it is downloaded: %s", exc)


def zip_bytes(job: ReportJob) -> bytes | None:
    """A finished ZIP, unless it expired (ZIP_RETENTION_HOURS) or was withdrawn."""
    if job.status != "done" or zip_expired(job):
        return None
    return report_store().zip_bytes(job.id)
