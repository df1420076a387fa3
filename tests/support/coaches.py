"""Coaches, workshops and participants through the test client."""

from __future__ import annotations

import re

from .answers import varied_answers
from .forms import Respondent, csrf_of

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
