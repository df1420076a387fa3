"""The app served as `make serve` serves it (gunicorn, several workers), with a
worker killed while participants are answering: no acknowledged answer is lost."""

import hashlib
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import func, select

from web.extensions import db
from web.models import Answer, Response

ROOT = Path(__file__).resolve().parent.parent
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
SHOWN = re.compile(r'name="shown" type="hidden" value="([^"]+)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Just enough of a browser: cookies, forms posted back, redirects seen, not followed."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())

    def get(self, path: str) -> tuple[int, str, dict]:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, data: dict) -> tuple[int, str, dict]:
        body = urllib.parse.urlencode(data).encode()
        return self._open(urllib.request.Request(self.base + path, data=body, method="POST"))

    def _open(self, request) -> tuple[int, str, dict]:
        try:
            with self.opener.open(request, timeout=30) as reply:
                return reply.status, reply.read().decode(), dict(reply.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), dict(error.headers)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _workers_of(master: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
    return sorted(int(pid) for pid in out.split())


@pytest.fixture
def served(app, tmp_path):
    """gunicorn with two workers on the test database (migrated by the app fixture)."""
    port = _free_port()
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
            if Browser(base).get("/healthz")[0] == 200 and len(_workers_of(server.pid)) == 2:
                break
        except OSError:
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
    failed_requests = []
    lock = threading.Lock()
    half_way = threading.Event()

    def participant(n: int) -> None:
        browser = Browser(base)
        status, html, _ = browser.get("/")
        status, _, headers = browser.post("/start", {"csrf_token": CSRF.search(html).group(1), "language": "en", "name": ""})
        token = headers["Location"].split("/response/")[1].split("/")[0]
        for number, items in enumerate(pages, 1):
            answers = {item: 1 + (n + k) % 5 for k, item in enumerate(items)}
            for _attempt in range(10):  # as a person presses "Next" again after an error
                try:
                    status, html, _ = browser.get(f"/response/{token}/page/{number}")
                    status, _, _ = browser.post(f"/response/{token}/page/{number}", {
                        "csrf_token": CSRF.search(html).group(1), "shown": SHOWN.search(html).group(1),
                        "action": "next", **{k: str(v) for k, v in answers.items()}})
                except (OSError, AttributeError) as exc:  # connection reset by the killed worker
                    with lock:
                        failed_requests.append(repr(exc))
                    time.sleep(0.2)
                    continue
                if status == 302:
                    with lock:
                        acknowledged.append((token, answers))
                        if len(acknowledged) >= len(pages) * 4:
                            half_way.set()
                    break
            time.sleep(0.05)

    threads = [threading.Thread(target=participant, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    assert half_way.wait(60)
    victim = _workers_of(master)[0]
    os.kill(victim, signal.SIGKILL)  # in the middle of the run
    with lock:
        acknowledged_before_the_kill = len(acknowledged)
    for thread in threads:
        thread.join(120)

    assert acknowledged_before_the_kill < 8 * len(pages) == len(acknowledged)  # all got through after the kill
    with app.app_context():
        stored = {}
        for token_hash, item, value in db.session.execute(
                select(Response.token_hash, Answer.item_id, Answer.value).join(Answer, Answer.response_id == Response.id)):
            assert (token_hash, item) not in stored  # no duplicates
            stored[(token_hash, item)] = value
        for token, answers in acknowledged:
            token_hash = hashlib.sha256(token.encode()).hexdigest()
            for item, value in answers.items():
                assert stored.get((token_hash, item)) == value, f"answer {item} of an acknowledged page is missing"
        completed = db.session.scalar(select(func.count()).select_from(Response).where(Response.completed_at.is_not(None)))
        assert completed == 8
    deadline = time.monotonic() + 30
    while victim in _workers_of(master) or len(_workers_of(master)) < 2:
        assert time.monotonic() < deadline, "gunicorn did not replace the killed worker"
        time.sleep(0.2)
