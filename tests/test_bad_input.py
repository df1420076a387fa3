"""Bad input answered clearly: join codes behind one office NAT versus a
guesser, NUL characters in any text field, ids beyond the database's integers,
broken numeric settings, and answers files that once escaped as tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask
from limits import parse_many

from config import configure
from services.workshops import ALPHABET, LENGTH

from .support.answers import varied_answers
from .support.app import make_app
from .support.coaches import create_workshop, login, make_coach
from .support.forms import csrf_of
from .support.workshops import share_with

ROOT = Path(__file__).resolve().parent.parent


# --- join codes -----------------------------------------------------------------


def _join(client, code):
    """What one participant's browser does to join: the code page, then the workshop page."""
    page = client.get("/join")
    entered = client.post("/join", data={"csrf_token": csrf_of(page.text), "code": code})
    if entered.status_code != 302:
        return entered.status_code
    page = client.get(entered.location)
    if page.status_code != 200:
        return page.status_code
    return client.post(entered.location, data={"csrf_token": csrf_of(page.text), "language": "en", "name": ""}).status_code


def test_a_whole_workshop_behind_one_nat_gets_in(tmp_path):
    """Fifty people from one address, a few of whom mistype the code first, with the
    production limits (before: 100 attempts a minute per address let 32 of 50 in)."""
    app = make_app(tmp_path, RATELIMIT_ENABLED=True)
    assert app.config["JOIN_FAILURE_LIMIT"] == "20 per hour;100 per day"
    coach = app.test_client()
    email, password = make_coach(app)
    login(coach, email, password)
    _workshop_id, code = create_workshop(coach)
    office = []
    for n in range(50):
        person = app.test_client()
        person.environ_base["REMOTE_ADDR"] = "192.0.2.10"
        if n % 5 == 0:
            assert _join(person, code[:5] + ("A" if code[5] != "A" else "C")) == 400  # a typo first
        office.append(_join(person, code))
    assert office == [302] * 50


def test_form_errors_on_a_workshops_own_page_are_no_guesses(tmp_path):
    """The attack run: twenty 400s for a name one letter too long (or no language) from one
    office address spent the code-guessing budget, and then the right code got 429 for an hour.
    Only a code that opens no workshop counts; a wrong code still does."""
    app = make_app(tmp_path, RATELIMIT_ENABLED=True)
    coach = app.test_client()
    email, password = make_coach(app)
    login(coach, email, password)
    _workshop_id, code = create_workshop(coach, privacy="named")
    office = app.test_client()
    office.environ_base["REMOTE_ADDR"] = "192.0.2.20"
    page = office.get(f"/join/{code}")
    mistakes = [office.post(f"/join/{code}", data={"csrf_token": csrf_of(page.text), "language": "en",
                                                   "name": "Å" * 121}).status_code for _ in range(15)]
    mistakes += [office.post(f"/join/{code}", data={"csrf_token": csrf_of(page.text), "name": "Bo"}).status_code
                 for _ in range(15)]
    assert mistakes == [400] * 30
    assert _join(office, code) == 302, "thirty form errors spent nothing of the budget"
    wrong = [c for c in ("AAAAAA", "CCCCCC") if c != code][0]
    assert [_join(office, wrong) for _ in range(20)] == [400] * 20
    assert _join(office, code) == 429, "wrong codes still count"


def test_a_guesser_is_stopped_per_address(tmp_path):
    app = make_app(tmp_path, RATELIMIT_ENABLED=True)
    coach = app.test_client()
    email, password = make_coach(app)
    login(coach, email, password)
    _workshop_id, code = create_workshop(coach)
    guesser = app.test_client()
    guesser.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    token = csrf_of(guesser.get("/join").text)
    wrong = [c for c in ("AAAAAA", "CCCCCC", "DDDDDD") if c != code][0]
    statuses = [guesser.post("/join", data={"csrf_token": token, "code": wrong}).status_code for _ in range(10)]
    statuses += [guesser.get(f"/join/{wrong}").status_code for _ in range(10)]  # the URL shares the budget
    assert statuses == [400] * 10 + [404] * 10
    assert guesser.post("/join", data={"csrf_token": token, "code": code}).status_code == 429  # even the right one now
    assert guesser.get(f"/join/{code}").status_code == 429
    neighbour = app.test_client()
    neighbour.environ_base["REMOTE_ADDR"] = "198.51.100.8"
    assert _join(neighbour, code) == 302


def test_the_join_budget_meets_the_year_for_a_guesser_with_100_addresses(tmp_path):
    """The figures in the code comment of web/join/views.py, recomputed from the
    alphabet, the code length and the configured limit."""
    app = Flask("probe", instance_path=str(tmp_path))
    configure(app, {"SECRET_KEY": "x"})
    per_day = min(limit.amount * 86400 / limit.get_expiry() for limit in parse_many(app.config["JOIN_FAILURE_LIMIT"]))
    codes, open_workshops, addresses = len(ALPHABET) ** LENGTH, 50, 100
    expected_guesses = (codes + 1) / (open_workshops + 1)
    days = expected_guesses / (addresses * per_day)
    assert per_day == 100 and days >= 365, days


# --- NUL characters and ids -------------------------------------------------------


def test_nul_characters_are_refused_in_every_text_field(app, client, instrument):
    email, password = make_coach(app)
    coach = app.test_client()
    login(coach, email, password)
    workshop_id, code = create_workshop(coach)

    def post(who, path, **fields):
        page = who.get(path)
        return who.post(path, data={"csrf_token": csrf_of(page.text), **fields})

    replies = {
        "login e-mail": post(app.test_client(), "/coach/login", email="a\x00@example.com", password="x"),
        "workshop title": post(coach, "/coach/workshops/new", title="Team\x00", held_on="2026-11-27",
                               language="en", privacy_mode="anonymous"),
        "join code": post(app.test_client(), "/join", code="AB\x00CDE"),
        "participant name": post(app.test_client(), f"/join/{code}", language="en", name="Per\x00"),
        "paper name": post(coach, f"/coach/workshops/{workshop_id}/paper", name="P\x00", language="en"),
        "password": post(coach, "/coach/password", current=password, new="x\x00" * 8, confirm="x\x00" * 8),
        "query": coach.get("/coach/?lang=sv\x00"),
        "path": app.test_client().get("/join/AB%00CDE"),
    }
    page = client.get("/")
    replies["start name"] = client.post("/start", data={"csrf_token": csrf_of(page.text), "language": "en", "name": "Åsa\x00"})
    app.config["ALLOW_SIGNUP"] = True
    replies["signup e-mail"] = post(app.test_client(), "/coach/signup", email="n\x00@example.com", password="tulpaner i december")
    statuses = {name: reply.status_code for name, reply in replies.items()}
    assert statuses == {name: 400 for name in replies}, statuses
    assert "NUL" in replies["participant name"].text
    assert login(app.test_client(), email, password).status_code == 302  # nothing broke on the way


@pytest.mark.parametrize("path", [
    "/coach/workshops/2147483648", "/coach/workshops/99999999999999999999/team.json",
    "/coach/workshops/1/responses/2147483648.pdf", "/coach/workshops/1/jobs/4294967296.json",
])
def test_ids_beyond_the_database_integers_are_not_found(app, path):
    email, password = make_coach(app)
    coach = app.test_client()
    login(coach, email, password)
    create_workshop(coach)
    assert coach.get(path).status_code == 404
    assert coach.get("/coach/workshops/2147483647").status_code == 404  # the largest id: looked up, not there


def test_a_page_number_beyond_the_integers_is_not_found(respondent):
    respondent.start()
    assert respondent.client.get(respondent.url("/page/2147483648")).status_code == 404
    assert respondent.client.get(respondent.url("/page/99999999999999999999999")).status_code == 404


# --- settings ---------------------------------------------------------------------


@pytest.mark.parametrize("name, value", [("RETENTION_DAYS", "abc"), ("RETENTION_DAYS", "0"), ("REPORT_PROCESSES", "two"),
                                         ("CHART_TIMEOUT", "nan"), ("ANONYMOUS_MIN_GROUP", "2")])
def test_a_bad_numeric_setting_stops_start_up_with_one_line(tmp_path, name, value):
    env = {**os.environ, name: value, "SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}"}
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "purge"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [result.stderr.strip()] and name in result.stderr, result.stderr


# --- answers files ----------------------------------------------------------------


BAD_FILES = {
    "deep nesting": ('{"language": "sv", "answers": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested far too deeply"),
    "deep nesting in an object": ('{"language": "sv", "answers": {"pc1": ' + '{"a": ' * 50_000 + "1" + "}" * 50_001 + "}",
                                  "nested far too deeply"),
    "a 5000-digit integer": ('{"language": "sv", "answers": {"pc1": 1' + "0" * 5000 + "}}", "far too many digits"),
    "a 4000-digit integer": ('{"language": "sv", "answers": {"pc1": 1' + "0" * 4000 + "}}", "outside 1–5"),
    "a 400-digit timing": ('{"language": "sv", "answers": {}, "seconds_per_item": 1' + "0" * 400 + "}", "seconds_per_item"),
    "a lone surrogate in a name": ('{"language": "sv", "respondent": "\\ud800", "answers": {}}', "lone surrogate"),
    "a lone surrogate in an item id": ('{"language": "sv", "answers": {"\\udc00x": 3}}', "lone surrogate"),
    "NaN": ('{"language": "sv", "answers": {}, "seconds_per_item": NaN}', "NaN is not a number"),
    "Infinity": ('{"language": "sv", "answers": {}, "seconds_per_item": Infinity}', "Infinity is not a number"),
    "-Infinity in pages": ('{"language": "sv", "answers": {}, "seconds_per_page": [-Infinity]}', "-Infinity is not a number"),
    "a newline in an item id": ('{"language": "sv", "answers": {"x\\ny": 3}}', "unknown item id 'x\\ny'"),
}


@pytest.mark.parametrize("case", BAD_FILES)
@pytest.mark.parametrize("command", ["score", "report"])
def test_bad_answers_files_exit_2_with_one_line(runner, tmp_path, case, command):
    content, message = BAD_FILES[case]
    path = tmp_path / "answers.json"
    path.write_text(content, encoding="utf-8")
    args = ["score", str(path)] if command == "score" else ["report", str(path), "-o", str(tmp_path / "out.pdf")]
    result = runner.invoke(args=args)
    assert result.exit_code == 2, (result.exit_code, result.exception)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0] and len(lines[0]) < 300, lines
    assert result.stdout == "" and not (tmp_path / "out.pdf").exists()


def test_a_deeply_nested_file_in_a_real_process(tmp_path):
    """The same through `flask score` as a user runs it: exit 2, one line, no traceback."""
    path = tmp_path / "deep.json"
    path.write_text(BAD_FILES["deep nesting"][0], encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "FLASK_DEBUG")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'x.sqlite'}"
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "score", str(path)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and result.stderr.strip().count("\n") == 0 and "nested far too deeply" in result.stderr


def test_a_file_with_a_utf8_bom_is_accepted(runner, tmp_path, instrument):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"language": "sv", "answers": varied_answers(instrument)}).encode())
    result = runner.invoke(args=["score", str(path)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["scales"]["weak_close"]["score"] is not None
    lines = tmp_path / "bom.jsonl"
    lines.write_bytes(b"\xef\xbb\xbf" + json.dumps({"language": "en", "answers": varied_answers(instrument)}).encode() + b"\n")
    assert runner.invoke(args=["score", "--jsonl", str(lines)]).exit_code == 0


def test_refused_methods_conflicts_and_forbidden_actions_get_the_sites_error_page(app, client):
    """403, 405 and 409 are the site's page in the visitor's language, with its header and a way
    on, never the framework's bare page."""
    login(client, *make_coach(app))
    workshop_id, _code = create_workshop(client, privacy="named")
    page = client.get(f"/coach/workshops/{workshop_id}?lang=en")
    client.post(f"/coach/workshops/{workshop_id}/follow-up", data={"csrf_token": csrf_of(page.text), "held_on": "2027-03-01"})
    follow_up_id = workshop_id + 1
    make_coach(app, "co@example.com", "en annan lång fras")
    share_with(client, workshop_id, "co@example.com")
    co = app.test_client()
    login(co, "co@example.com", "en annan lång fras")
    cases = {
        403: co.get(f"/coach/workshops/{workshop_id}/delete?lang=en"),  # a co-facilitator may not delete
        405: client.get("/coach/logout"),
        409: client.post(f"/coach/workshops/{follow_up_id}/follow-up",
                         data={"csrf_token": csrf_of(page.text), "held_on": "2027-04-01"}),
    }
    for status, reply in cases.items():
        assert reply.status_code == status
        assert 'class="site-header"' in reply.text and 'class="site-footer"' in reply.text, status
    assert "This is already a follow-up session" in cases[409].text
    assert "not a link" in cases[405].text and "POST" in cases[405].headers["Allow"]
    assert "Not allowed" in cases[403].text
    swedish = client.get("/coach/logout?lang=sv")
    assert swedish.status_code == 405 and 'lang="sv"' in swedish.text and "This address" not in swedish.text
