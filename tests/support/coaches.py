"""Coaches, workshops and participants through the test client."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

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


def completed_person(app, instrument, *, name="", language="en", offset=0) -> Respondent:
    """Someone who took the questionnaire on their own (no workshop), answers varied by `offset`."""
    person = Respondent(app.test_client(), instrument)
    person.start(name=name, language=language)
    person.complete(varied_answers(instrument, offset))
    return person


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


@dataclass
class CoachedWorkshop:
    """A coach, logged in through `client`, with one workshop and the participants who joined it."""

    email: str
    password: str
    client: Any
    workshop_id: int
    code: str
    people: list = field(default_factory=list)  # a Respondent each, in the order of `names`


def coach_with_workshop(app, instrument=None, *, names=(), share=True, title="Säljteamet", privacy="anonymous",
                        language="en") -> CoachedWorkshop:
    """A new coach logged in, a workshop of theirs, and one completed participant per name (each
    through a client of their own, answers varied by their place: join_and_complete's offset)."""
    email, password = make_coach(app)
    client = app.test_client()
    login(client, email, password)
    workshop_id, code = create_workshop(client, title=title, privacy=privacy, language=language)
    people = [join_and_complete(app.test_client(), instrument, code, name=name, share=share, offset=n, language=language)
              for n, name in enumerate(names)]
    return CoachedWorkshop(email, password, client, workshop_id, code, people)
