"""Where report work runs. Without REDIS_URL a personal PDF is rendered in its
request and a ZIP by one in-process job thread. With REDIS_URL both go on an
RQ queue that `make worker` processes take from (worker.py,
named here by its dotted path, so this module never imports it); a worker
writes into the same report store the web reads, so no report bytes pass
through Redis.

Redis being down never fails a participant's request: a PDF that cannot be
queued is rendered in the request instead, and a ZIP that cannot be queued is
marked failed at once, with a retry. A job whose process died is noticed by
its silent heartbeat and shown as failed."""

from __future__ import annotations

import hashlib
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from typing import Iterable

from flask import current_app
from redis import Redis
from redis.exceptions import RedisError
from rq import Worker
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import Job
from sqlalchemy import select, update

from reports.chart_error import ChartExportError
from services.db import db
from services.jobs import connection, job_queue
from services.models import ReportJob, Response, Workshop
from services.reporting.production import run_zip_job
from services.reporting.store import report_store
from services.workshops import shared_responses

log = logging.getLogger(__name__)

RENDER_PROFILE = "worker.render_profile"
RUN_ZIP = "worker.run_zip"
RENDER_TIMEOUT = 120
ZIP_TIMEOUT = 1800
# A job enqueued a moment ago may not be visible in Redis yet.
ENQUEUE_GRACE = timedelta(seconds=10)

# Error codes stored on a failed ReportJob; web/downloads.py words them.
LOST = "lost"
NOT_QUEUED = "not-queued"

_executor: ThreadPoolExecutor | None = None
_waiting_here: set[int] = set()


# --- personal PDFs -----------------------------------------------------------


def profile_job_id(owner: str, language: str, key: tuple) -> str:
    # Per response and content, so asking again while it is queued does not render twice,
    # and a deletion finds every job of that response by its prefix.
    return f"pdf-{owner}-" + hashlib.sha256(repr((language, key)).encode()).hexdigest()[:16]


def request_profile(response: Response, language: str, key: tuple, audience: str = "person") -> tuple[Job, bool]:
    """Make sure a worker renders this PDF: its job, and whether this call queued it (False:
    it was queued already). Raises RedisError when Redis is down."""
    queue = job_queue()
    job_id = profile_job_id(response.token_hash, language, key)
    try:
        job = Job.fetch(job_id, connection=queue.connection)
        status = job.get_status(refresh=True)
        if status in ("failed", "stopped", "canceled"):
            # Say so once; the next request queues it afresh.
            job.delete()
            raise ChartExportError(f"the report worker could not render the PDF ({status})")
        if status != "finished":
            return job, False
    except (NoSuchJobError, InvalidJobOperation):
        pass
    # result_ttl=0: RQ deletes a finished job at once, so nothing of it is left in Redis
    # (the PDF itself goes into the report store, never through Redis).
    return queue.enqueue(RENDER_PROFILE, response.id, response.token_hash, language, audience, job_id=job_id,
                         job_timeout=RENDER_TIMEOUT, result_ttl=0, failure_ttl=600), True


def wait_for_profile(response: Response, language: str, key: tuple, job: Job, wait: float) -> bytes | None:
    store = report_store()
    deadline = time.monotonic() + wait
    while True:
        pdf = store.cached_pdf(response.token_hash, key)
        if pdf is not None:
            return pdf
        try:
            status = job.get_status(refresh=True)
        except InvalidJobOperation:  # finished and deleted: the PDF is in the store (or its response is gone)
            return store.cached_pdf(response.token_hash, key)
        if status in ("failed", "stopped", "canceled"):
            job.delete()
            raise ChartExportError(f"the report worker could not render the PDF ({status})")
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.05)


# --- ZIPs --------------------------------------------------------------------


def start_zip_job(workshop: Workshop, language: str) -> ReportJob:
    job = ReportJob(workshop_id=workshop.id, kind=f"zip:{language}", status="queued",
                    total=len(shared_responses(workshop)), updated_at=datetime.now(timezone.utc))
    db.session.add(job)
    db.session.commit()
    if current_app.config.get("REDIS_URL"):
        try:
            job_queue().enqueue(RUN_ZIP, job.id, job_id=f"zip-{job.id}", job_timeout=ZIP_TIMEOUT,
                             result_ttl=0, failure_ttl=3600)
        except RedisError as exc:
            log.warning("ZIP job %s could not be queued: %s", job.id, exc)
            job.status, job.error = "failed", NOT_QUEUED
            db.session.commit()
    else:
        global _executor
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-jobs")
        _waiting_here.add(job.id)
        _executor.submit(_run_here, current_app._get_current_object(), job.id)
    return job


def _run_here(app, job_id: int) -> None:
    _waiting_here.discard(job_id)
    with app.app_context():
        run_zip_job(job_id, on_beat=_keep_waiting_alive)


def _keep_waiting_alive() -> None:
    # Jobs waiting behind this one in this process are alive too.
    waiting = list(_waiting_here)
    if waiting:
        db.session.execute(update(ReportJob).where(ReportJob.id.in_(waiting), ReportJob.status == "queued")
                           .values(updated_at=datetime.now(timezone.utc)))
        db.session.commit()


def stale_after() -> timedelta:
    return timedelta(seconds=current_app.config["REPORT_JOB_STALE_SECONDS"])


def _lost(job: ReportJob, now: datetime) -> bool:
    if job.status not in ("queued", "running"):
        return False
    beat = job.updated_at or job.created_at
    stale = now - beat > stale_after()
    if job.status == "running" or not current_app.config.get("REDIS_URL"):
        return stale
    try:  # queued on RQ: lost if RQ no longer has it, or nobody is there to take it
        conn = connection()
        try:
            status = Job.fetch(f"zip-{job.id}", connection=conn).get_status(refresh=True)
        except (NoSuchJobError, InvalidJobOperation):
            return now - beat > ENQUEUE_GRACE
        if status in ("failed", "stopped", "canceled"):
            return True
        return stale and Worker.count(queue=job_queue(conn)) == 0
    except RedisError:
        return stale


def latest_job(workshop: Workshop) -> ReportJob | None:
    """The workshop's newest ZIP job (a lost one marked so), or None."""
    job = db.session.scalar(
        select(ReportJob).where(ReportJob.workshop_id == workshop.id).order_by(ReportJob.id.desc()).limit(1))
    return check_lost(job)


def job_of_workshop(workshop: Workshop, job_id: int) -> ReportJob | None:
    """This workshop's job with this id (a lost one marked so); None if it is another's or none."""
    job = db.session.get(ReportJob, job_id)
    if job is None or job.workshop_id != workshop.id:
        return None
    return check_lost(job)


def check_lost(job: ReportJob | None) -> ReportJob | None:
    """Mark a job whose process died (or was never reached) as failed; the coach can make it again."""
    if job is not None and _lost(job, datetime.now(timezone.utc)):
        db.session.execute(update(ReportJob).where(ReportJob.id == job.id, ReportJob.status == job.status)
                           .values(status="failed", error=LOST))
        db.session.commit()
        db.session.refresh(job)
        forget_zip_jobs([job.id])
    return job


# --- deletion (called by services.personal_data) ------------------------------------


def forget_owners(owners: Iterable[str]) -> None:
    """Delete every RQ job of these responses (arguments, results, failures)."""
    if not current_app.config.get("REDIS_URL"):
        return
    try:
        conn = connection()
        for owner in owners:
            for key in conn.scan_iter(match=f"rq:job:pdf-{owner}-*", count=500):
                _delete_job(conn, key.decode().removeprefix("rq:job:"))
    except RedisError as exc:  # `flask purge` sweeps what is left once Redis is back
        log.warning("report jobs in Redis could not be deleted now: %s", exc)


def forget_zip_jobs(job_ids: Iterable[int]) -> None:
    if not current_app.config.get("REDIS_URL"):
        return
    try:
        conn = connection()
        for job_id in job_ids:
            _delete_job(conn, f"zip-{job_id}")
    except RedisError as exc:
        log.warning("ZIP jobs in Redis could not be deleted now: %s", exc)


def _delete_job(conn: Redis, job_id: str) -> None:
    try:
        job = Job.fetch(job_id, connection=conn)
        # A running job is left to its worker: RQ deletes it when it ends (result_ttl=0),
        # and deleting it under the worker would make RQ file it as failed instead.
        if job.get_status(refresh=True) != "started":
            job.delete()
    except (NoSuchJobError, InvalidJobOperation):
        pass


def sweep(existing_owners: set[str]) -> int:
    """Delete RQ jobs of responses that no longer exist; returns how many."""
    if not current_app.config.get("REDIS_URL"):
        return 0
    conn = connection()
    gone = []
    for key in conn.scan_iter(match="rq:job:pdf-*", count=500):
        job_id = key.decode().removeprefix("rq:job:")
        owner = job_id.removeprefix("pdf-").rsplit("-", 1)[0]
        if owner not in existing_owners:
            gone.append(job_id)
    for job_id in gone:
        _delete_job(conn, job_id)
    return len(gone)
