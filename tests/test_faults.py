"""Real faults: Redis unreachable (a URL on a closed port), a report worker
killed mid-ZIP, the database unreachable (a closed port for its URL). No
participant or coach sees a 500, nothing claims to be saved when it was not,
and no ZIP stays "running" for ever."""

from __future__ import annotations

import html
import io
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader
from redis import Redis
from rq import Queue, SimpleWorker

import worker as report_worker
from app import create_app
from services.db import db
from services.jobs import QUEUE_NAME
from services.models import ReportJob

from .support.app import make_app
from .support.coaches import create_workshop, join_and_complete, login, make_coach
from .support.forms import csrf_of
from .support.run_services import free_port

ROOT = Path(__file__).resolve().parent.parent


def job_state(coach, workshop_id: int, job_id: int) -> dict:
    reply = coach.get(f"/coach/workshops/{workshop_id}/jobs/{job_id}.json")
    assert reply.status_code == 200, reply.text[:300]
    return reply.get_json()


# --- Redis unreachable ----------------------------------------------------------


@pytest.fixture
def redis_down_app(tmp_path):
    url = f"redis://127.0.0.1:{free_port()}/0"
    app = make_app(tmp_path, REDIS_URL=url, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=url)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_with_redis_down_login_joining_finishing_and_the_pdf_work(redis_down_app):
    app = redis_down_app
    # (not the `instrument` fixture: it makes a second app, and the one limiter follows the last app's settings)
    instrument = app.extensions["instrument_bank"].current
    coach = app.test_client()
    email, password = make_coach(app)
    assert login(coach, email, password).status_code == 302
    workshop_id, code = create_workshop(coach, privacy="named")
    person = join_and_complete(app.test_client(), instrument, code, name="Åsa", share=True)  # asserts 302s
    profile = person.client.get(person.url("/profile"))
    assert profile.status_code == 200
    pdf = person.client.get(person.url("/profile.pdf"))  # the queue is down: made in the request instead
    assert pdf.status_code == 200 and "Åsa" in PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()


def test_with_redis_down_rate_limits_still_count_in_memory(redis_down_app):
    client = redis_down_app.test_client()
    make_coach(redis_down_app)
    statuses = []
    for _ in range(12):
        page = client.get("/coach/login")
        statuses.append(client.post("/coach/login", data={"csrf_token": csrf_of(page.text), "email": "coach@example.com",
                                                          "password": "wrong password"}).status_code)
    assert 500 not in statuses and statuses[0] == 401 and statuses[-1] == 429


def test_a_zip_asked_for_while_redis_is_down_fails_with_a_retry(redis_down_app):
    app = redis_down_app
    instrument = app.extensions["instrument_bank"].current
    coach = app.test_client()
    login(coach, *make_coach(app))
    workshop_id, code = create_workshop(coach, privacy="named")
    join_and_complete(app.test_client(), instrument, code, name="Åsa", share=True)
    reply = coach.post(f"/coach/workshops/{workshop_id}/reports.zip",
                       data={"csrf_token": csrf_of(coach.get(f"/coach/workshops/{workshop_id}").text)})
    assert reply.status_code == 302
    state = job_state(coach, workshop_id, 1)
    assert state["status"] == "failed" and state["error"] == "We couldn't reach the report queue. Try making it again in a minute."
    page = coach.get(f"/coach/workshops/{workshop_id}")
    assert "couldn&#39;t reach the report queue" in page.text
    assert "Prepare all shared profiles as one ZIP" in page.text  # the retry


# --- a ZIP whose process died -----------------------------------------------------


def test_a_zip_whose_report_worker_was_killed_shows_as_failed_and_can_be_made_again(app, instrument, tmp_path, monkeypatch,
                                                                                     redis_url):
    redis = Redis.from_url(redis_url)
    redis.flushdb()
    coach = app.test_client()
    login(coach, *make_coach(app))
    workshop_id, code = create_workshop(coach, privacy="named")
    for n in range(6):
        join_and_complete(app.test_client(), instrument, code, name=f"Person {n}", share=True, offset=n)
    # The queue from here on, so that the ZIP is the worker's only job and renders all six.
    app.config.update(REDIS_URL=redis_url, REPORT_JOB_STALE_SECONDS=3)
    coach.post(f"/coach/workshops/{workshop_id}/reports.zip",
               data={"csrf_token": csrf_of(coach.get(f"/coach/workshops/{workshop_id}").text)})
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], REPORT_CACHE_DIR=app.config["REPORT_CACHE_DIR"],
               JOBS_DIR=app.config["JOBS_DIR"], PYTHONPATH=str(ROOT))
    worker = subprocess.Popen([str(Path(sys.executable).parent / "rq"), "worker", QUEUE_NAME, "--url", redis_url,
                               "--path", str(ROOT), "--worker-class", "rq.worker.SimpleWorker"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            state = job_state(coach, workshop_id, 1)
            if state["status"] != "queued":
                break
            time.sleep(0.2)
        assert state["status"] == "running" and state["done"] < state["total"], state
    finally:
        os.killpg(worker.pid, signal.SIGKILL)  # the worker dies mid-ZIP
        worker.wait(30)
    stuck = job_state(coach, workshop_id, 1)
    assert stuck["status"] == "running"  # its heartbeat is recent: not yet given up
    time.sleep(3.5)
    lost = job_state(coach, workshop_id, 1)
    assert lost["status"] == "failed"
    assert lost["error"] == "The report worker stopped before the ZIP was finished. Please make it again."
    assert "The report worker stopped" in coach.get(f"/coach/workshops/{workshop_id}").text
    assert not list(Path(app.config["JOBS_DIR"]).glob("job-1.zip"))
    # Make it again: a live worker finishes the new job.
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("REPORT_CACHE_DIR", app.config["REPORT_CACHE_DIR"])
    monkeypatch.setenv("JOBS_DIR", app.config["JOBS_DIR"])
    monkeypatch.setattr(report_worker, "_app", None)
    coach.post(f"/coach/workshops/{workshop_id}/reports.zip",
               data={"csrf_token": csrf_of(coach.get(f"/coach/workshops/{workshop_id}").text)})
    SimpleWorker([Queue(QUEUE_NAME, connection=redis)], connection=redis).work(burst=True)
    again = job_state(coach, workshop_id, 2)
    redis.flushdb()
    assert again["status"] == "done" and again["done"] == 6


def test_an_in_process_zip_lost_with_its_web_worker_shows_as_failed(app, instrument):
    coach = app.test_client()
    login(coach, *make_coach(app))
    workshop_id, code = create_workshop(coach, privacy="named")
    with app.app_context():  # as a gunicorn worker killed while it made this ZIP leaves it
        db.session.add(ReportJob(workshop_id=workshop_id, kind="zip:en", status="running", done=3, total=12))
        db.session.commit()
    app.config["REPORT_JOB_STALE_SECONDS"] = 1
    time.sleep(1.2)
    state = job_state(coach, workshop_id, 1)
    assert state["status"] == "failed" and "stopped before the ZIP was finished" in state["error"]


# --- the database unreachable ---------------------------------------------------


@pytest.fixture
def database_down(app, tmp_path):
    """The same app (same key) once more, with its database URL on a closed port."""
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/gone"
    down = create_app({**{k: app.config[k] for k in ("TESTING", "SECRET_KEY", "REPORT_CACHE_DIR", "JOBS_DIR", "RATELIMIT_ENABLED")},
                       "SQLALCHEMY_DATABASE_URI": url})
    yield down
    with down.app_context():
        db.engine.dispose()


def test_with_the_database_down_error_pages_work_and_claim_nothing(app, instrument, database_down):
    coach = app.test_client()
    login(coach, *make_coach(app))
    person = join_and_complete(app.test_client(), instrument, create_workshop(coach)[1], complete=False)
    page = person.client.get(person.url("/page/1"))
    fields = {"csrf_token": csrf_of(page.text), "action": "next",
              "shown": re.search(r'name="shown" type="hidden" value="([^"]+)"', page.text).group(1),
              **{item.id: "3" for item in instrument.pages[0]}}
    # The same browsers, now talking to the app whose database is gone.
    for client in (coach, person.client):
        client.application = database_down
    replies = {
        "coach's workshops": coach.get("/coach/"),
        "start": person.client.post("/start", data={"csrf_token": fields["csrf_token"], "language": "en", "name": ""}),
        "answer a page": person.client.post(person.url("/page/1"), data=fields),
        "profile": person.client.get(person.url("/profile")),
        "team json": coach.get("/coach/workshops/1/team.json"),
    }
    for what, reply in replies.items():
        assert reply.status_code == 503, (what, reply.status_code, reply.text[:300])
        body = reply.text
        assert "safe" not in body and "Internal Server Error" not in body, what
        assert "wasn't saved" in html.unescape(body), what
    assert "<h1>The service can&#39;t reach its database just now</h1>" in replies["coach's workshops"].text
    assert replies["team json"].get_json()["error"] == "The service can't reach its database just now"
