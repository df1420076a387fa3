"""The ways the app is started, run for real: the README's `make worker`
command, `flask run` without a key, and gunicorn as `make serve` runs it,
whose logs must never hold a private link."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import click
from flask.cli import FlaskGroup
from flask_migrate import upgrade
from redis import Redis
from sqlalchemy import select

from app import create_app
from cli.database import enable_migrations
from reports.report_client import usable_socket_path
from services.db import db
from services.models import ReportJob

from .support.answers import varied_answers
from .support.coaches import create_workshop, join_and_complete, login, make_coach
from .support.forms import csrf_of
from .support.live import HttpBrowser
from .support.paths import ROOT
from .support.processes import LOWEST, command_of, thread_priorities
from .support.run_services import free_port


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


def clean_env(**values) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("SECRET_KEY", "FLASK_DEBUG", "REDIS_URL", "DATABASE_URL", "FLASK_APP")}
    env.update(values)
    return env


def readme_worker_command() -> str:
    line = next(line for line in (ROOT / "README.md").read_text().splitlines() if line.rstrip().split("#")[0].strip().endswith("make worker"))
    return line.split("#")[0].strip()


def test_make_worker_as_the_readme_shows_it_renders_a_zip(app, instrument, tmp_path, redis_url):
    command = readme_worker_command()
    assert command == "REDIS_URL=redis://127.0.0.1:6379/0 DATABASE_URL=… make worker"
    command = command.replace("redis://127.0.0.1:6379/0", redis_url).replace(
        "DATABASE_URL=…", f"DATABASE_URL={app.config['SQLALCHEMY_DATABASE_URI']}")
    redis = Redis.from_url(redis_url)
    redis.flushdb()
    app.config["REDIS_URL"] = redis_url
    coach = app.test_client()
    login(coach, *make_coach(app))
    workshop_id, code = create_workshop(coach, privacy="named")
    join_and_complete(app.test_client(), instrument, code, name="Åsa", share=True)
    coach.post(f"/coach/workshops/{workshop_id}/reports.zip",
               data={"csrf_token": csrf_of(coach.get(f"/coach/workshops/{workshop_id}").text)})
    log = tmp_path / "worker.log"
    # The report store is shared with the web app, as the README says; no SECRET_KEY.
    env = clean_env(REPORT_CACHE_DIR=app.config["REPORT_CACHE_DIR"], JOBS_DIR=app.config["JOBS_DIR"])
    with log.open("w") as out:
        worker = subprocess.Popen(["bash", "-c", command], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    try:
        status = None
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and worker.poll() is None:
            with app.app_context():
                status = db.session.scalar(select(ReportJob.status))
                db.session.remove()
            if status in ("done", "failed"):
                break
            time.sleep(0.5)
    finally:
        stop(worker)
        redis.flushdb()
    output = log.read_text()
    assert status == "done", output[-2000:]
    assert "SECRET_KEY" not in output
    assert coach.get(f"/coach/workshops/{workshop_id}/jobs/1/download").data.startswith(b"PK")


def test_flask_run_without_a_secret_key_refuses_like_gunicorn(tmp_path):
    env = clean_env(REPORT_CACHE_DIR=str(tmp_path / "c"), DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite'}")
    result = subprocess.run([str(ROOT / ".venv/bin/flask"), "--app", "app", "run", "--port", str(free_port())],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "Cannot start: SECRET_KEY is not set" in result.stderr
    # the commands that sign nothing still run without it
    assert subprocess.run([str(ROOT / ".venv/bin/flask"), "--app", "app", "instrument"], cwd=ROOT, env=env,
                          capture_output=True, timeout=60).returncode == 0


# --- gunicorn's logs ------------------------------------------------------------


def test_private_links_never_reach_gunicorns_logs(tmp_path, instrument):
    # A private SQLite database: the test breaks a table to get an error logged with the link.
    database = tmp_path / "served.sqlite"

    served_app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
    enable_migrations(served_app)
    with served_app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        db.engine.dispose()
    port = free_port()
    logs = {name: tmp_path / f"{name}.log" for name in ("access", "error", "stdout", "stderr")}
    env = clean_env(SECRET_KEY="serve-test", DATABASE_URL=f"sqlite:///{database}", RATELIMIT_ENABLED="0",
                    REPORT_CACHE_DIR=str(tmp_path / "cache"), JOBS_DIR=str(tmp_path / "jobs"))
    # As `make serve` runs it: gunicorn reads gunicorn.conf.py from the working directory.
    with logs["stdout"].open("w") as out, logs["stderr"].open("w") as err:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2",
             "--access-logfile", str(logs["access"]), "--error-logfile", str(logs["error"]), "app:create_app()"],
            cwd=ROOT, env=env, stdout=out, stderr=err, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                if HttpBrowser(base).get("/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.25)
        person = HttpBrowser(base)
        status, html, _ = person.get("/")
        status, _, headers = person.post("/start", {"csrf_token": csrf_of(html), "language": "en", "name": ""})
        token = headers["Location"].split("/response/")[1].split("/")[0]
        assert len(token) >= 40
        for path in (f"/response/{token}", f"/response/{token}/page/1", f"/response/{token}/later",
                     f"/response/{token}/delete", f"/response/{token}/profile?lang=sv"):
            person.get(path)
        status, html, _ = person.get(f"/response/{token}/page/1")
        answers = {item.id: str(v) for item, v in zip(instrument.pages[0], varied_answers(instrument).values())}
        fields = {"csrf_token": csrf_of(html), "shown": re.search(r'name="shown" type="hidden" value="([^"]+)"', html).group(1)}
        with sqlite3.connect(database) as connection:
            connection.execute("DROP TABLE page_timings")  # the next save fails, logged with its path
        status, _, _ = person.post(f"/response/{token}/page/1", {**fields, "action": "next", **answers})
        assert status == 503
    finally:
        stop(server)
    text = {name: path.read_text() if path.exists() else "" for name, path in logs.items()}
    assert "/response/[private]/page/1" in text["access"]  # the requests were logged, redacted
    assert "database error on POST /response/[private]/page/1" in text["error"] + text["stderr"]
    for name, content in text.items():
        assert token not in content, f"the private token is in gunicorn's {name} log"


def test_gunicorn_workers_share_one_report_server_at_the_lowest_priority(tmp_path):
    # Started on the first download instead, its imports competed with a workshop's first pages
    # (docs/decisions/0003-layout-process-starts-with-each-gunicorn-worker.md). One per host (docs/decisions/0012-one-report-server-per-host.md), not one per worker (issue 29: a chart browser and a layout
    # process per worker put make serve at 1.1 GB). No PDF is asked for here.
    port = free_port()
    socket_path = str(tmp_path / "rs" / "socket")
    env = clean_env(SECRET_KEY="serve-test", DATABASE_URL=f"sqlite:///{tmp_path / 'served.sqlite'}",
                    REPORT_CACHE_DIR=str(tmp_path / "cache"), JOBS_DIR=str(tmp_path / "jobs"),
                    REPORT_SERVER_SOCKET=socket_path)
    served_socket = usable_socket_path(socket_path)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "2",
         "app:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)

    def report_servers():
        return [int(p.name) for p in Path("/proc").iterdir()
                if p.name.isdigit() and "reports.report_server" in command_of(int(p.name))
                and served_socket in command_of(int(p.name))]

    try:
        found = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (found and os.path.exists(served_socket)):
            found = report_servers()
            time.sleep(0.25)
        time.sleep(2)  # the second worker has asked by now, and found it running
        found = report_servers()
        assert len(found) == 1, f"{len(found)} report servers for two workers"
        priorities = thread_priorities(found)
        assert priorities and set(priorities.values()) == {LOWEST}, priorities
    finally:
        stop(server)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and report_servers():
        time.sleep(0.25)
    assert not report_servers(), "the report server outlived the app that started it"


HEAVY = ("scipy", "weasyprint", "kaleido", "choreographer")
# The modules that import WeasyPrint or kaleido at their top (issue 24: no deferred imports outside cli/).
MAKERS = ("reports.pdf", "reports.layout", "reports.weasyprint_hooks", "reports.chart_export", "reports.browser", "reports.batch",
          "reports.report_server")


def test_the_app_and_every_command_start_without_statistics_pdf_layout_or_a_chart_browser(tmp_path):
    # Issue 29: a process imports only what it uses. Building the app (what `flask run`, gunicorn
    # and every `flask` command do) loads no scipy (the item analysis and the simulation only),
    # no WeasyPrint and no kaleido (the processes that make PDFs only).
    probe = (
        "import sys\n"
        "from app import create_app\n"
        "app = create_app()\n"
        "assert {'simulate', 'item-analysis', 'score', 'report'} <= set(app.cli.commands)\n"
        f"print(sorted(name for name in {HEAVY + MAKERS!r} if name in sys.modules))\n"
    )
    env = {**os.environ, "SECRET_KEY": "probe", "INSTANCE_PATH": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
    # ...nor does making every kind of PDF a web worker serves: the report server makes them.
    maker = (
        "import sys\n"
        "from datetime import date\n"
        "from app import create_app\n"
        "from assessment import AnswerSet, score_answers\n"
        "from assessment.team import release_of, summarise_team\n"
        "from reports.report_model import ProfileReport, team_document\n"
        "from services.reporting import production\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    bank = app.extensions['instrument_bank'].current\n"
        "    answers = {item.id: 1 + n % 5 for n, item in enumerate(bank.items)}\n"
        "    profile = score_answers(bank, AnswerSet('sv', answers, 'Åsa', ()))\n"
        "    team = summarise_team(bank, release_of(bank, [profile] * 4, anonymous=False), language='sv',\n"
        "                          joined=4, completed=4, anonymous=False)\n"
        "    pdfs = [production.render_profile_pdf(ProfileReport(profile, bank, answers, 'Åsa', date(2026, 11, 27))),\n"
        "            production.blank_questionnaire_pdf('sv'),\n"
        "            production.pdf_maker().document_pdf(team_document(team, bank, 'sv', title='T', held_on=date(2026, 11, 27), grid=None))]\n"
        "assert all(pdf.startswith(b'%PDF-') for pdf in pdfs)\n"
        f"print(sorted(name for name in {HEAVY + MAKERS!r} if name in sys.modules))\n"
    )
    server_env = {**env, "REPORT_SERVER_SOCKET": str(tmp_path / "report-server" / "socket")}
    # Into files, not pipes: the report server it starts inherits them and outlives it by seconds,
    # watching for it to go, which a zombie kept by a waiting reader never does.
    with open(tmp_path / "out", "w+") as out, open(tmp_path / "err", "w+") as err:
        status = subprocess.run([sys.executable, "-c", maker], cwd=ROOT, env=server_env, stdout=out, stderr=err,
                                timeout=300).returncode
        out.seek(0), err.seek(0)
        assert status == 0, err.read()
        assert out.read().strip() == "[]"
    # ...and the command that needs scipy does load it (the probe can see an import).
    analysis = "import sys\nimport services.item_analysis\nprint('scipy' in sys.modules)\n"
    result = subprocess.run([sys.executable, "-c", analysis], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "True", result.stderr
    # ...as the maker of PDFs loads WeasyPrint and kaleido at its top.
    pdf = f"import sys\nimport reports.pdf\nprint([name for name in {HEAVY[1:]!r} if name not in sys.modules])\n"
    result = subprocess.run([sys.executable, "-c", pdf], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "[]", result.stderr


# What a `flask` command's process may not import (issue 29, "a command imports only what it uses"):
# statistics, PDF layout and charts, password strength and e-mail validation, the report queue,
# the migrations, QR codes. Each is imported by the commands or pages that use it.
NOT_FOR_SCORING = (*HEAVY, "numpy", "plotly", "zxcvbn", "email_validator", "argon2", "redis", "rq", "alembic",
                   "segno", "openpyxl", "web.pages", "web.questionnaire")


def _modules_after_flask(tmp_path, *args) -> tuple[set[str], str]:
    """The modules a `flask --app app ARGS…` process had imported when it exited, and its output."""
    seen = tmp_path / "modules.txt"
    probe = (
        "import atexit, sys\n"
        f"atexit.register(lambda: open({str(seen)!r}, 'w').write('\\n'.join(sorted(sys.modules))))\n"
        "from flask.cli import main\n"
        f"sys.argv = ['flask', '--app', 'app', *{list(args)!r}]\n"
        "main()\n"
    )
    env = {**os.environ, "SECRET_KEY": "probe", "INSTANCE_PATH": str(tmp_path / "instance")}
    env.pop("FLASK_DEBUG", None)
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return set(seen.read_text().split()), result.stdout


def test_flask_score_and_flask_help_import_nothing_heavy(tmp_path, instrument):
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({"language": "sv", "answers": varied_answers(instrument)}), encoding="utf-8")
    modules, output = _modules_after_flask(tmp_path, "score", str(answers))
    assert json.loads(output)["scales"]["weak_close"]["band"] in ("low", "moderate", "high")
    assert sorted(name for name in NOT_FOR_SCORING if name in modules) == []
    modules, output = _modules_after_flask(tmp_path, "--help")
    assert "score" in output and "item-analysis" in output and "db" in output
    assert sorted(name for name in NOT_FOR_SCORING if name in modules) == []
    # ...and the probe sees an import: the commands that use them do load them.
    modules, output = _modules_after_flask(tmp_path, "db", "heads")
    assert "alembic" in modules and "(head)" in output
    modules, output = _modules_after_flask(tmp_path, "routes")
    assert "web.pages" in modules and "/coach/login" in output


def test_an_app_that_serves_has_every_page_and_a_commands_app_none():

    served = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})  # as gunicorn and tests build it
    assert {"site", "questionnaire", "followup", "join", "accounts", "workshops"} <= set(served.blueprints)
    assert "csrf" in served.extensions and "limiter" in served.extensions
    with click.Context(FlaskGroup()):  # as `flask` builds it to look a command up
        command_app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert not command_app.blueprints and "babel" in command_app.extensions and "sqlalchemy" in command_app.extensions
    assert set(command_app.cli.commands) == set(served.cli.commands)
