"""Report rendering on the Redis-backed RQ queue, against the test run's own
redis-server, with a real RQ SimpleWorker as `make worker` runs it."""

import io
import threading
import time
import zipfile
from pathlib import Path

from pypdf import PdfReader
from rq import Queue

import services.reporting.production as production
import worker as report_worker
from reports.chart_error import ChartExportError
from reports.chart_export import ChartExporter
from services.jobs import QUEUE_NAME
from services.models import Response
from services.reporting import queue as report_queue
from services.reporting.production import cached_profile_pdf

from .support.answers import varied_answers
from .support.coaches import create_workshop, join_and_complete, login, make_coach
from .support.forms import csrf_of
from .support.jobs import work_until


def test_profile_pdf_is_rendered_by_a_report_worker(queued_app, respondent, instrument):
    app, connection = queued_app
    respondent.start(name="Köad Kö", language="sv")
    respondent.complete(varied_answers(instrument))
    reply = {}
    # A browser keeps following the page as long as it takes; the test as long as the worker
    # may take: a chart browser whose start hangs is given up and started once more (CI once
    # saw it: the second start made the PDF after 64 s, when this download had given up at 30).
    patience = ChartExporter.START_ATTEMPTS * ChartExporter.START_TIMEOUT + ChartExporter.START_PAUSE + 30

    def download_like_a_browser():  # follows the "being prepared" page's refresh
        deadline = time.monotonic() + patience
        while time.monotonic() < deadline:
            reply["r"] = respondent.client.get(respondent.url("/profile.pdf"))
            if reply["r"].status_code != 202:
                return
            time.sleep(0.5)

    download = threading.Thread(target=download_like_a_browser)
    download.start()
    work_until(connection, lambda: not download.is_alive(), seconds=patience + 10)
    response = reply["r"]
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert "Köad Kö" in PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert report_worker._app is not None  # rendered by the worker
    assert len(list(Path(app.config["REPORT_CACHE_DIR"]).rglob("*.pdf"))) == 1  # once, into the shared report store
    again = respondent.client.get(respondent.url("/profile.pdf"))  # now from the web app's cache
    assert again.data == response.data and Queue(QUEUE_NAME, connection=connection).count == 0


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
    queued = [job.func_name for job in Queue(QUEUE_NAME, connection=connection).jobs]
    assert queued.count("worker.run_zip") == 1
    work_until(connection, lambda: coach.get(f"/coach/workshops/{workshop_id}/jobs/1.json").get_json()["status"] in ("done", "failed"))
    state = coach.get(f"/coach/workshops/{workshop_id}/jobs/1.json").get_json()
    assert state["status"] == "done" and state["done"] == state["total"] == 3, state
    # progress counts people; each has their profile and their coach's edition in the ZIP
    members = zipfile.ZipFile(io.BytesIO(coach.get(state["download"]).data)).namelist()
    assert sorted(m.rsplit("-", 3)[0] for m in members) == sorted(
        f"{kind}-{slug}" for kind in ("profile", "coach-edition") for slug in ("asa", "bo", "cia"))


def test_completing_queues_the_pdf_and_a_slow_download_does_not_hold_a_thread(queued_app, respondent, instrument):
    app, connection = queued_app
    app.config["PDF_WAIT_SECONDS"] = 0.5
    respondent.start(language="en")
    respondent.complete(varied_answers(instrument))
    queue = Queue(QUEUE_NAME, connection=connection)
    assert queue.count == 1  # queued at completion, before anyone asked
    started = time.monotonic()
    reply = respondent.client.get(respondent.url("/profile.pdf"))
    assert reply.status_code == 202 and "We're preparing your PDF" in reply.text
    assert reply.headers["Retry-After"] == "2" and "Refresh" not in reply.headers  # the page asks again itself
    assert time.monotonic() - started < 5
    assert queue.count == 1  # asking again did not queue it twice
    work_until(connection, lambda: queue.count == 0)
    ready = respondent.client.get(respondent.url("/profile.pdf"))
    assert ready.status_code == 200 and ready.data.startswith(b"%PDF-")


def test_only_the_request_that_queues_a_pdf_is_told_it_started_it(queued_app, respondent, instrument):
    # What counts against a client's render limit (web/common/limits.py): asking again
    # while a PDF is queued starts nothing.
    app, connection = queued_app
    respondent.start(language="en")
    respondent.complete(varied_answers(instrument))  # its English PDF is queued on completion
    with app.test_request_context():
        response = Response.by_token(respondent.token)
        english, swedish = (cached_profile_pdf(response, language)[1] for language in ("en", "sv"))
        assert report_queue.request_profile(response, "en", english)[1] is False
        assert report_queue.request_profile(response, "sv", swedish)[1] is True
        assert report_queue.request_profile(response, "sv", swedish)[1] is False
    assert Queue(QUEUE_NAME, connection=connection).count == 2


def test_a_failed_render_in_the_worker_gives_the_friendly_error(queued_app, respondent, instrument, monkeypatch):
    def broken(*args, **kwargs):
        raise ChartExportError("no Chromium found for chart export")

    monkeypatch.setattr(production, "render_profile_pdf", broken)
    app, connection = queued_app
    respondent.start(language="en")
    respondent.complete(varied_answers(instrument))
    work_until(connection, lambda: Queue(QUEUE_NAME, connection=connection).count == 0)
    reply = respondent.client.get(respondent.url("/profile.pdf"))
    assert reply.status_code == 503 and "We couldn&#39;t make the PDF just now" in reply.text

