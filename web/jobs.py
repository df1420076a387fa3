"""Report rendering in the background: personal PDFs and batches (a workshop's
ZIP), with progress the coach's page polls.

Without REDIS_URL a personal PDF is rendered within its request and batches by
one background thread of the web process. With REDIS_URL both go on an RQ queue that any
number of `make worker` processes (on this machine or others sharing the
database and Redis) take from."""

from __future__ import annotations

import hashlib
import io
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from flask import abort, current_app
from redis import Redis
from rq import Queue
from rq.exceptions import NoSuchJobError
from rq.job import Job
from sqlalchemy import delete, select

from reports.chart_export import ChartExportError

from .extensions import db
from .filenames import numbered
from .models import ReportJob, Response, Workshop
from .pdfs import profile_filename, profile_pdf_bytes, profile_pdfs
from .team import shared_responses

QUEUE_NAME = "reports"
_executor: ThreadPoolExecutor | None = None


def _jobs_dir() -> Path:
    path = Path(current_app.config["JOBS_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def latest_job(workshop: Workshop) -> ReportJob | None:
    return db.session.scalar(
        select(ReportJob).where(ReportJob.workshop_id == workshop.id).order_by(ReportJob.id.desc()).limit(1)
    )


def job_of(workshop: Workshop, job_id: int) -> ReportJob:
    job = db.session.get(ReportJob, job_id)
    if job is None or job.workshop_id != workshop.id:
        abort(404)
    return job


def result_of(job: ReportJob) -> bytes | None:
    if job.status != "done" or not job.path:
        return None
    try:
        return Path(job.path).read_bytes()
    except FileNotFoundError:
        return None


def start_zip_job(workshop: Workshop, language: str) -> ReportJob:
    job = ReportJob(workshop_id=workshop.id, kind=f"zip:{language}", status="queued",
                    total=len(shared_responses(workshop)))
    db.session.add(job)
    db.session.commit()
    if current_app.config.get("REDIS_URL"):
        _queue().enqueue(run_in_worker, job.id, job_timeout=1800)
    else:
        global _executor
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-jobs")
        app = current_app._get_current_object()
        _executor.submit(_run_with_app, app, job.id)
    return job


def _run_with_app(app, job_id: int) -> None:
    with app.app_context():
        run_zip_job(job_id)


_worker_app = None
RENDER_WAIT_SECONDS = 120


def _app_for_worker():
    """RQ workers build the app once per process (run them as SimpleWorker, so the
    process and its chart browser live on between jobs)."""
    global _worker_app
    if _worker_app is None:
        from app import create_app

        _worker_app = create_app({"RENDERING_IN_WORKER": True})
    return _worker_app


def run_in_worker(job_id: int) -> None:
    _run_with_app(_app_for_worker(), job_id)


def render_profile_in_worker(response_id: int, language: str) -> bytes:
    with _app_for_worker().app_context():
        response = db.session.get(Response, response_id)
        if response is None:
            raise LookupError(f"response {response_id} no longer exists")
        return profile_pdf_bytes(response, language)


def _queue():
    return Queue(QUEUE_NAME, connection=Redis.from_url(current_app.config["REDIS_URL"]))


def render_on_queue(response_id: int, language: str, key: tuple, wait: float | None) -> bytes | None:
    """Have a report worker render one PDF. The job id is derived from the cache
    key, so asking again while it is queued or running does not render it twice.
    The bytes come back through Redis: workers need no disk shared with the web."""
    queue = _queue()
    job_id = "pdf-" + hashlib.sha256(repr((response_id, key)).encode()).hexdigest()[:24]
    try:
        job = Job.fetch(job_id, connection=queue.connection)
        status = job.get_status(refresh=True)
        if status in ("failed", "stopped", "canceled"):
            # Say so once; the next request queues it afresh.
            job.delete()
            raise ChartExportError(f"the report worker could not render the PDF ({status})")
    except NoSuchJobError:
        job = queue.enqueue(render_profile_in_worker, response_id, language, job_id=job_id,
                            job_timeout=RENDER_WAIT_SECONDS, result_ttl=600, failure_ttl=600)
    deadline = time.monotonic() + (RENDER_WAIT_SECONDS if wait is None else wait)
    while True:
        status = job.get_status(refresh=True)
        if status == "finished":
            return job.return_value()
        if status in ("failed", "stopped", "canceled"):
            raise ChartExportError(f"the report worker could not render the PDF ({status})")
        if time.monotonic() >= deadline:
            if wait is None:
                raise ChartExportError("no report worker finished the PDF in time; is 'make worker' running?")
            return None
        time.sleep(0.05)


def run_zip_job(job_id: int) -> None:
    job = db.session.get(ReportJob, job_id)
    if job is None:
        return
    language = job.kind.split(":", 1)[1]
    try:
        job.status = "running"
        db.session.commit()
        responses = shared_responses(db.session.get(Workshop, job.workshop_id))
        job.total = len(responses)
        db.session.commit()
        buffer = io.BytesIO()
        names: set[str] = set()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
            for response, pdf in zip(responses, profile_pdfs(responses, language)):
                name = numbered(profile_filename(response, language), names)
                names.add(name)
                archive.writestr(name, pdf)
                job.done += 1
                db.session.commit()  # short transactions: progress is visible at once
        path = _jobs_dir() / f"job-{job.id}.zip"
        path.write_bytes(buffer.getvalue())
        job.path = str(path)
        job.status = "done"
        db.session.commit()
    except Exception as exc:  # the coach sees the failure instead of a bar that never moves
        db.session.rollback()
        job = db.session.get(ReportJob, job_id)
        job.status = "failed"
        job.error = str(exc)[:500]
        db.session.commit()
        current_app.logger.exception("report job %s failed", job_id)


def forget_jobs(workshop: Workshop) -> None:
    for job in db.session.scalars(select(ReportJob).where(ReportJob.workshop_id == workshop.id)):
        if job.path:
            Path(job.path).unlink(missing_ok=True)
    db.session.execute(delete(ReportJob).where(ReportJob.workshop_id == workshop.id))
