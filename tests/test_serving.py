"""The app served as `make serve` serves it (gunicorn, several workers), with a
worker killed while participants are answering: no acknowledged answer is lost."""

import hashlib
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import func, select

from services.db import db
from services.models import Answer, Response

from .support.forms import CSRF, SHOWN
from .support.live import TRANSPORT_ERRORS, HttpBrowser
from .support.paths import ROOT
from .support.run_services import free_port


def _workers_of(master: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
    return sorted(int(pid) for pid in out.split())


@pytest.fixture
def served(app, tmp_path):
    """gunicorn with two workers on the test database (migrated by the app fixture)."""
    port = free_port()
    env = {**os.environ, "SECRET_KEY": "serve-test", "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "REPORT_CACHE_DIR": str(tmp_path / "cache"), "JOBS_DIR": str(tmp_path / "jobs"),
           "RATELIMIT_ENABLED": "0", "PYTHONPATH": str(ROOT)}
    env.pop("REDIS_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4",
         "--timeout", "60", "app:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if HttpBrowser(base).get("/healthz")[0] == 200 and len(_workers_of(server.pid)) == 2:
                break
        except TRANSPORT_ERRORS:
            pass
        time.sleep(0.2)
    else:
        server.kill()
        pytest.fail("gunicorn did not start")
    yield base, server.pid
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(30)


def test_a_killed_worker_loses_no_acknowledged_answer(app, served, instrument):
    base, master = served
    pages = [[item.id for item in page] for page in instrument.pages]
    acknowledged: list[tuple[str, dict]] = []
    sent: dict[str, dict[str, int]] = {}
    failed_requests, unexpected = [], []
    lock = threading.Lock()
    half_way = threading.Event()

    def attempt(request):
        """One press of a button: the reply, or None when the request failed on its
        way (reset, refused, or cut mid-body by the kill) and is pressed again."""
        try:
            return request()
        except TRANSPORT_ERRORS as exc:
            with lock:
                failed_requests.append(repr(exc))
            time.sleep(0.2)
            return None

    def participant(n: int) -> None:
        browser = HttpBrowser(base)
        token = None
        for _attempt in range(10):
            page = attempt(lambda: browser.get("/"))
            start = page and attempt(lambda: browser.post(
                "/start", {"csrf_token": CSRF.search(page[1]).group(1), "language": "en", "name": ""}))
            if start and start[0] == 302:
                token = start[2]["Location"].split("/response/")[1].split("/")[0]
                break
            if start:
                unexpected.append(("start", start[0]))
        if token is None:
            return
        for number, items in enumerate(pages, 1):
            answers = {item: 1 + (n + k) % 5 for k, item in enumerate(items)}
            with lock:
                sent.setdefault(token, {}).update(answers)
            for _attempt in range(10):  # as a person presses "Next" again after an error
                page = attempt(lambda: browser.get(f"/response/{token}/page/{number}"))
                if page is None:
                    continue
                if page[0] != 200:
                    unexpected.append((f"page {number}", page[0]))
                    continue
                reply = attempt(lambda: browser.post(f"/response/{token}/page/{number}", {
                    "csrf_token": CSRF.search(page[1]).group(1), "shown": SHOWN.search(page[1]).group(1),
                    "action": "next", **{k: str(v) for k, v in answers.items()}}))
                if reply is None:
                    continue
                if reply[0] == 302:
                    with lock:
                        acknowledged.append((token, answers))
                        if len(acknowledged) >= len(pages) * 4:
                            half_way.set()
                    break
                unexpected.append((f"page {number} POST", reply[0]))
            time.sleep(0.05)

    threads = [threading.Thread(target=participant, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    assert half_way.wait(120)
    victim = _workers_of(master)[0]
    os.kill(victim, signal.SIGKILL)  # in the middle of the run
    with lock:
        acknowledged_before_the_kill = len(acknowledged)
    for thread in threads:
        thread.join(120)

    assert unexpected == []  # every reply that arrived was a page or a redirect, never an error
    assert acknowledged_before_the_kill < 8 * len(pages) == len(acknowledged)  # all got through after the kill
    with app.app_context():
        stored: dict[str, dict[str, int]] = {}
        for token_hash, item, value in db.session.execute(
                select(Response.token_hash, Answer.item_id, Answer.value).join(Answer, Answer.response_id == Response.id)):
            stored.setdefault(token_hash, {})[item] = value
        completed = db.session.scalar(select(func.count()).select_from(Response).where(Response.completed_at.is_not(None)))
    for token, answers in acknowledged:
        token_hash = hashlib.sha256(token.encode()).hexdigest()
        for item, value in answers.items():
            assert stored.get(token_hash, {}).get(item) == value, f"answer {item} of an acknowledged page is missing"
    # Each response holds exactly what its participant sent: nothing lost, added or stored under another response.
    assert stored == {hashlib.sha256(token.encode()).hexdigest(): answers for token, answers in sent.items()}
    assert completed == 8
    deadline = time.monotonic() + 30
    while victim in _workers_of(master) or len(_workers_of(master)) < 2:
        assert time.monotonic() < deadline, "gunicorn did not replace the killed worker"
        time.sleep(0.2)
