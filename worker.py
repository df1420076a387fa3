"""Entry points of a report worker (`make worker`: RQ's SimpleWorker, so the
process and its chart browser live on between jobs). The queue names these
functions by their dotted path (worker.render_profile, worker.run_zip,
worker.send_reminders_job); nothing in the web app imports this module. Jobs
queued before the move name web.reporting.worker and web.reminder_schedule:
those modules are aliases of this one for one release.

A worker signs nothing (no cookies, no links), so it needs no SECRET_KEY: its
app gets a throwaway one. It reads DATABASE_URL, REPORT_CACHE_DIR and JOBS_DIR
like the web app, and must share the last two with it."""

from __future__ import annotations

import secrets

from flask import Flask

from app import create_app
from reports.batch import InProcessPdfs
from services.db import db
from services.followup.schedule import send_confirmation_now, send_todays_reminders
from services.models import Response
from services.reporting.production import PDF_MAKER, run_zip_job, still_stored
from services.reporting.production import render_profile as render

_app: Flask | None = None


def worker_app() -> Flask:
    global _app
    if _app is None:
        _app = create_app({"RENDERING_IN_WORKER": True, "SECRET_KEY": secrets.token_hex(32)})
        # A report worker makes its PDFs itself (charts by its own browser, layout in its layout
        # process), so that several workers render side by side; web workers ask the report server.
        _app.extensions[PDF_MAKER] = InProcessPdfs(_app.config["CHART_TIMEOUT"], _app.config["REPORT_PROCESSES"])
    return _app


def render_profile(response_id: int, owner: str, language: str, audience: str = "person") -> None:
    """Render one person's PDF into the report store; nothing when the response
    is gone (deleted while queued), and nothing kept if it goes while rendering."""
    with worker_app().app_context():
        response = db.session.get(Response, response_id)
        if response is None or response.token_hash != owner:
            return None
        try:
            render(response, language, audience)
        except Exception:
            # Deleted meanwhile: end quietly, so that RQ keeps no failed job naming it.
            if not still_stored(owner):
                return None
            raise
        return None


def run_zip(job_id: int) -> None:
    with worker_app().app_context():
        run_zip_job(job_id)


def send_reminders_job() -> dict:
    """The daily reminder run (scripts/reminder_cron.py puts it on the queue)."""
    with worker_app().app_context():
        return send_todays_reminders()


def send_confirmation_job(response_id: int) -> bool:
    """One reminder address's confirmation e-mail (queued by the plan page); by id, never the address."""
    with worker_app().app_context():
        return send_confirmation_now(response_id)
