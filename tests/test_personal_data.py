"""Deleting a person's data deletes it everywhere it is stored: database rows,
cached PDFs, workshop ZIPs and report jobs in Redis, after each kind of
deletion (self-deletion, workshop deletion, `flask purge`), also when the
deletion lands while that person's PDF is being rendered.

`traces()` looks for the person independently of services/personal_data.py: every
table with a response_id, every file under the report folders (PDF text read
back, ZIP members opened) and every key and value in the test Redis database."""

from __future__ import annotations

import io
import stat
import threading
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from pypdf import PdfReader
from redis import Redis
from rq import Queue, SimpleWorker
from sqlalchemy import select, text, update

import services.reporting.production as production
from app import create_app
from services.db import db
from services.jobs import QUEUE_NAME
from services.models import ReportJob, Response

from .support.answers import varied_answers
from .support.coaches import create_workshop, join_and_complete
from .support.forms import csrf_of
from .support.workshops import make_zip

NAME = "Zelda Quist"


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def traces(app, response_id: int, owner: str, name: str = NAME, redis: Redis | None = None) -> list[str]:
    """Every place where this person is still found."""
    found = []
    with app.app_context():
        with db.engine.connect() as connection:
            for table in db.metadata.sorted_tables:
                column = "id" if table.name == "responses" else "response_id"
                if column in table.c:
                    rows = connection.execute(select(table).where(table.c[column] == response_id)).all()
                    found += [f"{table.name} row" for _ in rows]
    for folder in (app.config["REPORT_CACHE_DIR"], app.config["JOBS_DIR"]):
        for path in Path(folder).rglob("*") if Path(folder).exists() else []:
            if owner in str(path):
                found.append(f"file named after the response: {path}")
            if not path.is_file():
                continue
            data = path.read_bytes()
            if data.startswith(b"%PDF") and name in pdf_text(data):
                found.append(f"PDF with the name: {path}")
            elif zipfile.is_zipfile(path):
                with zipfile.ZipFile(path) as archive:
                    for member in archive.namelist():
                        if name in pdf_text(archive.read(member)):
                            found.append(f"ZIP holding the name: {path}:{member}")
            elif data and not data.startswith(b"%PDF"):
                found.append(f"unexpected file: {path}")
    if redis is not None:
        for key in redis.scan_iter(count=1000):
            kind = redis.type(key).decode()
            values = {"string": lambda: [redis.get(key)], "hash": lambda: list(redis.hgetall(key).values()),
                      "list": lambda: redis.lrange(key, 0, -1), "set": lambda: list(redis.smembers(key)),
                      "zset": lambda: redis.zrange(key, 0, -1),
                      "stream": lambda: [v for _, entry in redis.xrange(key) for v in entry.values()]}.get(kind, list)()
            blob = key + b"".join(v for v in values if isinstance(v, bytes))
            if owner.encode() in blob or name.encode() in blob or b"%PDF" in blob:
                found.append(f"Redis key {key.decode()}")
    return found


def owner_of(app, token: str) -> tuple[int, str]:
    with app.app_context():
        response = Response.by_token(token)
        return response.id, response.token_hash


def workshop_with_zip(app, coach, instrument):
    """A named workshop where Zelda and Bo shared their profiles, Zelda downloaded
    hers, and the coach made the ZIP of both."""
    workshop_id, code = create_workshop(coach, privacy="named")
    zelda = join_and_complete(app.test_client(), instrument, code, name=NAME, share=True)
    join_and_complete(app.test_client(), instrument, code, name="Bo Berg", share=True, offset=1)
    assert NAME in pdf_text(zelda.client.get(zelda.url("/profile.pdf")).data)
    state = make_zip(coach, workshop_id)
    assert state["status"] == "done"
    zipped = zipfile.ZipFile(io.BytesIO(coach.get(state["download"]).data))
    assert any(NAME in pdf_text(zipped.read(m)) for m in zipped.namelist())
    response_id, owner = owner_of(app, zelda.token)
    assert traces(app, response_id, owner)  # the checker sees her before the deletion
    return workshop_id, zelda, state, response_id, owner


def test_self_deletion_leaves_nothing_and_withdraws_the_coachs_zip(app, coach, instrument):
    workshop_id, zelda, state, response_id, owner = workshop_with_zip(app, coach, instrument)
    edition = f"/coach/workshops/{workshop_id}/responses/{response_id}/coach.pdf"
    assert NAME in pdf_text(coach.get(edition).data)  # her coach's edition, also downloaded singly
    confirm = zelda.client.get(zelda.url("/delete"))
    assert zelda.client.post(zelda.url("/delete"), data={"csrf_token": csrf_of(confirm.text)}).status_code == 302
    assert traces(app, response_id, owner) == []  # also no cached coach's edition, no ZIP member with her
    assert coach.get(edition).status_code == 404
    assert coach.get(state["download"]).status_code == 404  # the ZIP made before is no longer served
    after = coach.get(f"/coach/workshops/{workshop_id}/jobs/1.json").get_json()
    assert after["status"] == "expired" and "Make it again" in after["error"]
    again = make_zip(coach, workshop_id)  # a new ZIP holds only Bo: his profile and his coach's edition
    archive = zipfile.ZipFile(io.BytesIO(coach.get(again["download"]).data))
    members = sorted(archive.namelist())
    assert again["status"] == "done" and [m.rsplit("-", 3)[0] for m in members] == ["coach-edition-bo-berg", "profile-bo-berg"]
    assert not any(NAME in pdf_text(archive.read(m)) for m in members)


def test_workshop_deletion_leaves_nothing(app, coach, instrument):
    workshop_id, zelda, state, response_id, owner = workshop_with_zip(app, coach, instrument)
    page = coach.get(f"/coach/workshops/{workshop_id}/delete")
    assert coach.post(f"/coach/workshops/{workshop_id}/delete", data={"csrf_token": csrf_of(page.text)}).status_code == 302
    assert traces(app, response_id, owner) == []
    assert list(Path(app.config["JOBS_DIR"]).iterdir()) == []
    assert [p for p in Path(app.config["REPORT_CACHE_DIR"]).rglob("*") if p.is_file()] == []


def test_flask_purge_deletes_old_responses_zips_and_leftovers(app, coach, instrument):
    workshop_id, zelda, state, response_id, owner = workshop_with_zip(app, coach, instrument)
    fresh = join_and_complete(app.test_client(), instrument, create_workshop(coach, title="Ny")[1], name="Fresh")
    leftover = Path(app.config["REPORT_CACHE_DIR"]) / ("f" * 64)  # a response deleted while the disk was full, say
    leftover.mkdir(parents=True)
    (leftover / "x.pdf").write_bytes(b"%PDF-1.7 leftover")
    stray_zip = Path(app.config["JOBS_DIR"]) / "job-999.zip"
    stray_zip.write_bytes(b"PK")
    with app.app_context():
        old = datetime.now(timezone.utc) - timedelta(days=app.config["RETENTION_DAYS"] + 1)
        db.session.execute(update(Response).where(Response.id == response_id).values(updated_at=old))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 expired response, 1 ZIP, 0 expired retake links and 1 leftover of deleted responses." in result.output
    assert traces(app, response_id, owner) == []
    assert not leftover.exists() and not stray_zip.exists()
    assert coach.get(state["download"]).status_code == 404
    # what is younger than its retention stays
    assert fresh.client.get(fresh.url("/profile")).status_code == 200
    assert "Deleted 0 expired responses, 0 ZIPs, 0 expired retake links and 0 leftovers" in app.test_cli_runner().invoke(args=["purge"]).output


def test_zip_files_expire_after_zip_retention_hours(app, coach, instrument):
    workshop_id, code = create_workshop(coach, privacy="named")
    join_and_complete(app.test_client(), instrument, code, name=NAME, share=True)
    state = make_zip(coach, workshop_id)
    path = Path(app.config["JOBS_DIR"]) / "job-1.zip"
    assert coach.get(state["download"]).status_code == 200 and path.exists()
    with app.app_context():
        made = datetime.now(timezone.utc) - timedelta(hours=app.config["ZIP_RETENTION_HOURS"], minutes=1)
        db.session.execute(update(ReportJob).values(updated_at=made))
        db.session.commit()
    assert app.config["ZIP_RETENTION_HOURS"] == 24
    assert coach.get(state["download"]).status_code == 404  # not served once expired, even before the purge
    assert "1 ZIP" in app.test_cli_runner().invoke(args=["purge"]).output
    assert not path.exists()
    with app.app_context():
        assert db.session.get(ReportJob, 1).status == "expired"


def test_files_are_readable_by_their_owner_only(app, coach, instrument):
    workshop_id, code = create_workshop(coach, privacy="named")
    person = join_and_complete(app.test_client(), instrument, code, name=NAME, share=True)
    person.client.get(person.url("/profile.pdf"))
    assert make_zip(coach, workshop_id)["status"] == "done"
    paths = [p for folder in (app.config["REPORT_CACHE_DIR"], app.config["JOBS_DIR"]) for p in Path(folder).rglob("*")]
    assert any(p.suffix == ".zip" for p in paths) and any(p.suffix == ".pdf" for p in paths)
    for path in paths:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, f"{path} is {oct(mode)}"


def test_a_new_sqlite_file_is_readable_by_its_owner_only(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'new' / 'data.sqlite'}"})
    with app.app_context():
        db.session.execute(text("CREATE TABLE t (x TEXT)"))
        db.session.commit()
        db.engine.dispose()
    for path in (tmp_path / "new").iterdir():  # the database and its -wal/-shm files
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, f"{path} is {oct(path.stat().st_mode)}"


# --- the deletion lands while the PDF is being rendered ------------------------


def delete_during_render(monkeypatch, app, person):
    """Make the next render delete the person (as their other tab would) after
    the layout is done and before the PDF is stored: the race, every time."""
    real = production.render_profile_pdf
    deleted = threading.Event()

    def render_then_delete(*args, **kwargs):
        pdf = real(*args, **kwargs)
        if not deleted.is_set():
            other_tab = app.test_client()
            worker = threading.Thread(target=lambda: other_tab.post(
                person.url("/delete"), data={"csrf_token": csrf_of(other_tab.get(person.url("/delete")).text)}))
            worker.start()
            worker.join(60)
            deleted.set()
        return pdf

    monkeypatch.setattr(production, "render_profile_pdf", render_then_delete)
    return deleted


def test_a_render_finishing_after_deletion_stores_nothing(app, respondent, instrument, monkeypatch):
    respondent.start(name=NAME, language="en")
    respondent.complete(varied_answers(instrument))
    response_id, owner = owner_of(app, respondent.token)
    deleted = delete_during_render(monkeypatch, app, respondent)
    reply = respondent.client.get(respondent.url("/profile.pdf"))
    assert deleted.is_set()
    assert reply.status_code == 200 and NAME in pdf_text(reply.data)  # the person who asked still gets it
    assert traces(app, response_id, owner) == []


def work_off(connection) -> None:
    SimpleWorker([Queue(QUEUE_NAME, connection=connection)], connection=connection).work(burst=True)


def test_a_report_worker_finishing_after_deletion_stores_nothing(queued_app, respondent, instrument, monkeypatch):
    app, connection = queued_app
    respondent.start(name=NAME, language="en")
    respondent.complete(varied_answers(instrument))  # queues the PDF
    response_id, owner = owner_of(app, respondent.token)
    assert traces(app, response_id, owner, redis=connection)  # the job in Redis names the response
    deleted = delete_during_render(monkeypatch, app, respondent)
    work_off(connection)
    assert deleted.is_set()
    assert traces(app, response_id, owner, redis=connection) == []


def test_deleting_while_the_pdf_is_queued_leaves_nothing_in_redis(queued_app, respondent, instrument):
    app, connection = queued_app
    respondent.start(name=NAME, language="en")
    respondent.complete(varied_answers(instrument))  # queues the PDF; no worker has taken it yet
    response_id, owner = owner_of(app, respondent.token)
    assert any("rq:job:pdf-" in t for t in traces(app, response_id, owner, redis=connection))
    confirm = respondent.client.get(respondent.url("/delete"))
    respondent.client.post(respondent.url("/delete"), data={"csrf_token": csrf_of(confirm.text)})
    assert traces(app, response_id, owner, redis=connection) == []
    work_off(connection)  # a worker coming along later finds nothing to render
    assert traces(app, response_id, owner, redis=connection) == []


def test_a_rendered_pdf_leaves_nothing_in_redis(queued_app, respondent, instrument):
    app, connection = queued_app
    respondent.start(name=NAME, language="en")
    respondent.complete(varied_answers(instrument))
    work_off(connection)
    assert NAME in pdf_text(respondent.client.get(respondent.url("/profile.pdf")).data)
    response_id, owner = owner_of(app, respondent.token)
    assert not any("Redis" in t for t in traces(app, response_id, owner, redis=connection))
