"""What tests, bench/ and scripts/ share: building an app on a private
database, driving its forms as a browser does, answer sets from the real item
bank, coaches and workshops, a live server, a plain HTTP browser, Chromium
helpers, and private services (PostgreSQL schema, Redis) for one test run.
Fixtures live in conftest.py; everything here is plain functions and classes."""

from __future__ import annotations

import http.client
import http.cookiejar
import os
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "questions"
MIGRATIONS = ROOT / "migrations"

# --- one test run's private services ----------------------------------------

# Variables a developer's shell may carry that would point a test at shared state.
SHARED_ENVIRONMENT = ("DATABASE_URL", "REDIS_URL", "RATELIMIT_STORAGE_URI", "REPORT_CACHE_DIR", "JOBS_DIR",
                      "SECRET_KEY", "INSTANCE_PATH")


def free_port() -> int:
    """A port bound once and closed: free for a server to take, and until one does,
    nothing listens there (connections are refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresSchema:
    """A schema of its own in the database TEST_DATABASE_URL names, for one run:
    two runs against one database never see each other's tables, and only this
    run's schema is ever dropped."""

    def __init__(self, url: str):
        self.admin_url = sqlalchemy_url(url)
        self.name = f"test_{os.getpid()}_{secrets.token_hex(4)}"
        separator = "&" if "?" in self.admin_url else "?"
        self.url = f"{self.admin_url}{separator}options=-csearch_path%3D{self.name}"

    def __enter__(self) -> PostgresSchema:
        self._execute(f'CREATE SCHEMA "{self.name}"')
        return self

    def __exit__(self, *exc) -> None:
        self._execute(f'DROP SCHEMA "{self.name}" CASCADE')

    def _execute(self, statement: str) -> None:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.admin_url)
        try:
            with engine.begin() as conn:
                conn.execute(text(statement))
        finally:
            engine.dispose()


def sqlalchemy_url(url: str) -> str:
    return "postgresql+psycopg://" + url.split("://", 1)[1]


class RedisServer:
    """A private redis-server on a free port for one test run, without
    persistence, stopped (and its folder removed) afterwards."""

    def __init__(self):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            raise RuntimeError("redis-server is not installed: run scripts/system-deps.sh (make test does)")
        self.folder = Path(tempfile.mkdtemp(prefix="snub-redis-"))
        self.process: subprocess.Popen | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def __enter__(self) -> RedisServer:
        for _attempt in range(5):  # another process may take the free port before redis binds it
            self.port = free_port()
            self.process = subprocess.Popen(
                [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                 "--dir", str(self.folder), "--logfile", str(self.folder / "redis.log")],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if self._wait_ready():
                return self
            self.process.kill()
            self.process.wait()
        raise RuntimeError(f"redis-server did not start: {(self.folder / 'redis.log').read_text(errors='replace')[-500:]}")

    def _wait_ready(self) -> bool:
        from redis import Redis
        from redis.exceptions import ConnectionError as RedisConnectionError

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                return bool(Redis.from_url(self.url, socket_timeout=1).ping())
            except RedisConnectionError:
                time.sleep(0.05)
        return False

    def __exit__(self, *exc) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


# The run's database: set once by the session fixture in conftest.py (None: a SQLite file per test).
RUN_DATABASE_URL: str | None = None

# A folder of this run's (set by conftest.py): the first SQLite database the migrations build
# is kept there, and every later app gets a copy of it instead of migrating again
# (about 0.25 s per test idle, 0.6-0.9 s on a loaded machine). Each test still has its own file.
SQLITE_TEMPLATE_DIR: Path | None = None


# --- the app ------------------------------------------------------------------


def make_app(tmp_path: Path, **overrides):
    """The app on this test's own instance folder, report cache and job files,
    on this run's database (migrated; emptied for each test on PostgreSQL)."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from app import create_app
    from web.extensions import db

    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SQLALCHEMY_DATABASE_URI": RUN_DATABASE_URL or f"sqlite:///{tmp_path / 'test.sqlite'}",
        "REPORT_CACHE_DIR": str(tmp_path / "report-cache"),
        "JOBS_DIR": str(tmp_path / "jobs"),
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
    }
    config.update(overrides)
    own_sqlite = None if RUN_DATABASE_URL or "SQLALCHEMY_DATABASE_URI" in overrides else tmp_path / "test.sqlite"
    template = SQLITE_TEMPLATE_DIR / "migrated.sqlite" if SQLITE_TEMPLATE_DIR and own_sqlite else None
    copied = template is not None and template.exists() and _sqlite_copy(template, own_sqlite)
    app = create_app(config)
    on_run_database = bool(RUN_DATABASE_URL) and config["SQLALCHEMY_DATABASE_URI"] == RUN_DATABASE_URL
    with app.app_context():
        # The run's PostgreSQL schema is migrated once, by the first app (no test migrates it back).
        if not copied and not (on_run_database and _run_database_migrated):
            upgrade(directory=str(MIGRATIONS))
            _note_migrated(on_run_database)
            if template is not None and not template.exists():
                _sqlite_copy(own_sqlite, template)
        if on_run_database:
            tables = ", ".join(t.name for t in reversed(db.metadata.sorted_tables))
            db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            db.session.commit()
    return app


_run_database_migrated = False


def _note_migrated(on_run_database: bool) -> None:
    global _run_database_migrated
    _run_database_migrated = _run_database_migrated or on_run_database


def _sqlite_copy(source: Path, target: Path) -> bool:
    """A consistent copy through SQLite's backup API (the app writes in WAL mode)."""
    import sqlite3

    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()
    return True


# --- driving forms as a browser does --------------------------------------------

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
SHOWN = re.compile(r'id="shown" name="shown" type="hidden" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = CSRF.search(html) or re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def checked_answers(html: str) -> dict[str, int]:
    """The radios a page shows as ticked: {item id: value}."""
    found = {}
    for tag in re.findall(r"<input[^>]*>", html):
        if " checked" in tag and 'type="radio"' in tag:
            name = re.search(r'name="([^"]+)"', tag).group(1)
            found[name] = int(re.search(r'value="([^"]+)"', tag).group(1))
    return found


def page_fields(html: str) -> dict[str, str]:
    return {"csrf_token": csrf_of(html), "shown": SHOWN.search(html).group(1)}


class Respondent:
    """Takes the questionnaire through the test client."""

    def __init__(self, client, instrument):
        self.client = client
        self.instrument = instrument
        self.token = None

    def start(self, name="", language="en", path="/", data=None):
        page = self.client.get(path)
        reply = self.client.post(
            "/start" if path == "/" else path,
            data={"csrf_token": csrf_of(page.text), "name": name, "language": language, **(data or {})},
        )
        assert reply.status_code == 302, reply.text[:500]
        self.token = reply.location.split("/response/")[1].split("/")[0]
        return reply

    def url(self, suffix=""):
        return f"/response/{self.token}{suffix}"

    def answer_page(self, number, answers, action="next", extra=None):
        page = self.client.get(self.url(f"/page/{number}"))
        assert page.status_code == 200, page.text[:300]
        data = {**page_fields(page.text), "action": action, **{k: str(v) for k, v in answers.items()}, **(extra or {})}
        return self.client.post(self.url(f"/page/{number}"), data=data)

    def complete(self, answers):
        for number, items in enumerate(self.instrument.pages, 1):
            reply = self.answer_page(number, {i.id: answers[i.id] for i in items if i.id in answers})
            assert reply.status_code == 302, reply.text[:500]
        return reply


# --- answer sets and item banks -------------------------------------------------


def varied_answers(instrument, offset: int = 0) -> dict[str, int]:
    """Answers that avoid every validity flag: no long runs, no dominant answer, IM low,
    and close enough to the expected answer pattern."""
    answers = {}
    for k, item in enumerate(instrument.items):
        answers[item.id] = 2 if item.scale_id == "impression_management" else (k + offset) % 3 + 2
    return answers


def copy_bank(tmp_path: Path) -> Path:
    """A writable copy of questions/v1 that a test may break on purpose; returns the copy's folder."""
    target = tmp_path / "questions" / "v1"
    shutil.copytree(QUESTIONS / "v1", target)
    return target


def edit_yaml(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


# --- coaches, workshops and participants through the test client ----------------


def make_coach(app, email="coach@example.com", password="correct horse battery"):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-coach", email, "--password-stdin"], input=password + "\n")
    assert result.exit_code == 0, result.output
    return email, password


def login(client, email, password):
    page = client.get("/coach/login")
    return client.post("/coach/login", data={"csrf_token": csrf_of(page.text), "email": email, "password": password})


def create_workshop(client, title="Säljteamet", privacy="anonymous", language="en"):
    page = client.get("/coach/workshops/new")
    reply = client.post("/coach/workshops/new", data={
        "csrf_token": csrf_of(page.text), "title": title, "held_on": "2026-11-27",
        "language": language, "privacy_mode": privacy})
    assert reply.status_code == 302, reply.text[:400]
    workshop_id = int(reply.location.rstrip("/").split("/")[-1])
    code = re.search(r'class="join-code"[^>]*>([A-Z0-9]{6})<', client.get(reply.location).text).group(1)
    return workshop_id, code


def join_and_complete(client, instrument, code, *, name="", share=False, offset=0, language="en", complete=True):
    person = Respondent(client, instrument)
    page = client.get(f"/join/{code}")
    data = {"csrf_token": csrf_of(page.text), "language": language, "name": name}
    if share:
        data["share_with_coach"] = "y"
    reply = client.post(f"/join/{code}", data=data)
    assert reply.status_code == 302, reply.text[:400]
    person.token = reply.location.split("/response/")[1].split("/")[0]
    if complete:
        person.complete(varied_answers(instrument, offset))
    return person


# --- servers and an HTTP browser --------------------------------------------------


class LiveServer:
    """The app served by werkzeug on a free port in a thread, for browser tests."""

    def __init__(self, app):
        from werkzeug.serving import make_server

        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


# A request that failed on its way: the connection was refused or reset, or the
# reply was cut mid-body (http.client.IncompleteRead) – a person would press again.
TRANSPORT_ERRORS = (OSError, http.client.HTTPException)


class HttpBrowser:
    """Just enough of a browser over real HTTP: cookies kept, forms posted back,
    redirects seen but not followed. Transport failures raise TRANSPORT_ERRORS."""

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


# --- Chromium (Debian's: Playwright cannot download its own here) -----------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes: {v['nodes'][0]['target']})" for v in results.response["violations"]]


def tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab until the element matching `selector` has focus, as a keyboard user would."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"could not reach {selector} with Tab")


# --- layout measured in the browser: overflow, words broken across lines, clipped content ---

# Runs in the page. Returns a list of human-readable problems.
_MEASURE = r"""
() => {
  const problems = [];
  const root = document.documentElement;
  const clippedAway = (el) => { for (let a = el; a; a = a.parentElement) { if (getComputedStyle(a).clip.startsWith("rect")) return true; } return false; };
  const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden" && !clippedAway(el);
  if (root.scrollWidth > root.clientWidth) {
    const widest = Array.from(document.querySelectorAll("body *")).filter((el) => el.getBoundingClientRect().right > root.clientWidth + 1 && !clippedAway(el))
      .map((el) => `<${el.tagName.toLowerCase()} class="${el.className.baseVal ?? el.className}">`).slice(0, 3);
    problems.push(`page is ${root.scrollWidth}px wide in a ${root.clientWidth}px window: ${widest.join(", ")}`);
  }
  // Content cut off by a box that hides overflow, or scrolling that nobody asked for.
  for (const el of document.querySelectorAll("body *")) {
    if (!visible(el) || el.closest("svg, .visually-hidden, .js-plotly-plot, .plotly")) continue;
    const style = getComputedStyle(el);
    if (el.matches("input, textarea, select, progress")) continue;
    if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0) {
      if (["hidden", "clip"].includes(style.overflowX)) problems.push(`cut off: <${el.tagName.toLowerCase()} class="${el.className}"> "${el.textContent.trim().slice(0, 40)}"`);
      else if (["auto", "scroll"].includes(style.overflowX) && !el.matches("[data-scrolls]")) problems.push(`scrolls sideways: <${el.tagName.toLowerCase()} class="${el.className}"> "${el.textContent.trim().slice(0, 40)}"`);
    }
  }
  // Words broken across two lines.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement;
    if (!parent || !visible(parent) || parent.closest("svg, script, style, .visually-hidden, code, .link-field, [data-url]")) continue;
    const re = /[^\s–—\-\/·:()]+/g;
    let m;
    while ((m = re.exec(node.data))) {
      if (m[0].length < 2 || m[0].includes(".") && m[0].length > 12) continue;
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const tops = new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.top)));
      if (tops.size > 1) problems.push(`word broken across lines: "${m[0]}" in <${parent.tagName.toLowerCase()}>`);
    }
  }
  // Chart text must lie inside its chart.
  for (const chart of document.querySelectorAll(".chart-area")) {
    if (!visible(chart)) continue;
    const box = chart.getBoundingClientRect();
    for (const text of chart.querySelectorAll("svg text")) {
      if (!text.textContent.trim()) continue;
      const r = text.getBoundingClientRect();
      if (r.width === 0) continue;
      if (r.left < box.left - 1 || r.right > box.right + 1) problems.push(`chart text cut: "${text.textContent}" spans ${Math.round(r.left - box.left)}..${Math.round(r.right - box.left)} of ${Math.round(box.width)}px`);
    }
    // ... and no two labels in it on top of each other.
    const labels = Array.from(chart.querySelectorAll("svg .annotation-text")).map((t) => [t.textContent, t.getBoundingClientRect()]).filter(([, r]) => r.width > 0);
    labels.forEach(([a, ra], i) => labels.slice(i + 1).forEach(([b, rb]) => {
      if (ra.left < rb.right - 1 && rb.left < ra.right - 1 && ra.top < rb.bottom - 1 && rb.top < ra.bottom - 1) problems.push(`chart labels overlap: "${a}" and "${b}"`);
    }));
  }
  return problems;
}
"""


def layout_problems(page) -> list[str]:
    return page.evaluate(_MEASURE)


def plot_area_width(page, chart_selector: str = ".chart-area") -> tuple[float, float]:
    """(width of the chart's plot area, width of the chart) in pixels."""
    return tuple(page.evaluate(
        """(s) => { const c = document.querySelector(s); const p = c.querySelector('.nsewdrag');
                    return [p.getBoundingClientRect().width, c.getBoundingClientRect().width]; }""",
        chart_selector,
    ))


# --- processes -----------------------------------------------------------------


def descendants_of(root: int) -> list[int]:
    """Every process below `root` (children, their children, …), read from /proc."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


SCHED_IDLE = 5  # a thread's policy in /proc/…/stat (field 41)
LOWEST = (19, SCHED_IDLE)  # reports/cpu_priority.py


def thread_priorities(pids) -> dict[tuple[int, int], tuple[int, int]]:
    """(nice value, scheduling policy) of every thread of these processes, read from /proc:
    on Linux both belong to a thread, and Chromium sets its threads' own (display -8,
    foreground 0). The lowest priority is LOWEST."""
    found = {}
    for pid in pids:
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                fields = Path(f"/proc/{pid}/task/{tid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            found[(pid, int(tid))] = (int(fields[16]), int(fields[38]))
    return found


def command_of(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""
