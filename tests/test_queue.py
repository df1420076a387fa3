"""Report rendering on the Redis-backed RQ queue, against the local Redis
(127.0.0.1:6379), with a real RQ SimpleWorker as `make worker` runs it."""

import io
import threading
import time
import zipfile

import pytest
from pypdf import PdfReader
from redis import Redis
from rq import Queue, SimpleWorker
from rq.registry import FinishedJobRegistry

from web.workshops import jobs

from .conftest import csrf_of
from .helpers import varied_answers
from .workshop_helpers import create_workshop, join_and_complete, login, make_coach

REDIS_URL = "redis://127.0.0.1:6379/14"


@pytest.fixture
def queued_app(app, monkeypatch, tmp_path):
    """The app with REDIS_URL set, and the environment a worker process would get."""
    connection = Redis.from_url(REDIS_URL)
    connection.flushdb()
    app.config["REDIS_URL"] = REDIS_URL
    for name, value in {
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "test-secret",
        "REPORT_CACHE_DIR": str(tmp_path / "worker-cache"),
        "JOBS_DIR": app.config["JOBS_DIR"],
        "REDIS_URL": REDIS_URL,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(jobs, "_worker_app", None)
    yield app, connection
    connection.flushdb()


def work_until(connection, done, seconds=90):
    """Run a report worker until `done()` holds."""
    worker = SimpleWorker([Queue(jobs.QUEUE_NAME, connection=connection)], connection=connection)
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        worker.work(burst=True)
        time.sleep(0.05)
    assert done(), "the queued work did not finish"
    return worker


def test_profile_pdf_is_rendered_by_a_report_worker(queued_app, respondent, instrument):
    app, connection = queued_app
    respondent.start(name="Köad Kö", language="sv")
    respondent.complete(varied_answers(instrument))
    reply = {}
    download = threading.Thread(target=lambda: reply.update(r=respondent.client.get(respondent.url("/profile.pdf"))))
    download.start()
    work_until(connection, lambda: not download.is_alive())
    response = reply["r"]
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert "Köad Kö" in PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    finished = FinishedJobRegistry(queue=Queue(jobs.QUEUE_NAME, connection=connection))
    assert finished.count == 1 and jobs._worker_app is not None
    again = respondent.client.get(respondent.url("/profile.pdf"))  # now from the web app's cache
    assert again.data == response.data and Queue(jobs.QUEUE_NAME, connection=connection).count == 0


def test_zip_job_runs_on_the_queue_with_progress(queued_app, instrument):
    app, connection = queued_app
    coach = app.test_client()
    email, password = make_coach(app)
    login(coach, email, password)
    workshop_id, code = create_workshop(coach, privacy="named")
    people = app.test_client()
    for n, name in enumerate(["Åsa", "Bo", "Cia"]):
        join_and_complete(people, instrument, code, name=name, share=True, offset=n)
    token = csrf_of(coach.get(f"/coach/workshops/{workshop_id}").text)
    coach.post(f"/coach/workshops/{workshop_id}/reports.zip", data={"csrf_token": token})
    assert coach.get(f"/coach/workshops/{workshop_id}/jobs/1.json").get_json()["status"] == "queued"
    assert Queue(jobs.QUEUE_NAME, connection=connection).count == 1
    work_until(connection, lambda: coach.get(f"/coach/workshops/{workshop_id}/jobs/1.json").get_json()["status"] in ("done", "failed"))
    state = coach.get(f"/coach/workshops/{workshop_id}/jobs/1.json").get_json()
    assert state["status"] == "done" and state["done"] == state["total"] == 3
    assert len(zipfile.ZipFile(io.BytesIO(coach.get(state["download"]).data)).namelist()) == 3


def test_no_worker_means_a_clear_error_not_a_hang(queued_app, respondent, instrument, monkeypatch):
    monkeypatch.setattr(jobs, "RENDER_WAIT_SECONDS", 1)
    respondent.start(language="en")
    respondent.complete(varied_answers(instrument))
    started = time.monotonic()
    reply = respondent.client.get(respondent.url("/profile.pdf"))
    assert reply.status_code == 503 and "The PDF could not be made just now" in reply.text
    assert time.monotonic() - started < 10
