"""Workshop helpers: answers at one level, paper forms keyed in, sharing with a
co-facilitator, and a workshop's personal-data zip.

Import these from here (tests/support/workshops.py), never from another test module."""

from __future__ import annotations

import time

from sqlalchemy import select

from services.db import db
from services.models import ReportJob

from .forms import csrf_of


def level_answers(instrument, level: int, wobble: int = 0) -> dict[str, int]:
    """Everyone answers around `level`; `wobble` makes people differ a little."""
    return {item.id: min(5, max(1, level + ((k + wobble) % 3 == 0) * (1 if level < 5 else -1)))
            for k, item in enumerate(instrument.items)}

def key_in_paper(coach, workshop_id, answers) -> str:
    page = coach.get(f"/coach/workshops/{workshop_id}/paper")
    reply = coach.post(f"/coach/workshops/{workshop_id}/paper", data={
        "csrf_token": csrf_of(page.text), "name": "", "language": "en", **{k: str(v) for k, v in answers.items()}})
    assert reply.status_code == 200, reply.text[:300]
    return reply.text.split("/response/")[1].split('"')[0]

def share_with(coach, workshop_id: int, email: str):
    page = coach.get(f"/coach/workshops/{workshop_id}")
    return coach.post(f"/coach/workshops/{workshop_id}/share", data={"csrf_token": csrf_of(page.text), "email": email})

def make_zip(coach, workshop_id: int) -> dict:
    coach.post(f"/coach/workshops/{workshop_id}/reports.zip",
               data={"csrf_token": csrf_of(coach.get(f"/coach/workshops/{workshop_id}").text)})
    with coach.application.app_context():
        job_id = db.session.scalar(select(ReportJob.id).order_by(ReportJob.id.desc()))
    for _ in range(240):
        state = coach.get(f"/coach/workshops/{workshop_id}/jobs/{job_id}.json").get_json()
        if state["status"] not in ("queued", "running"):
            return state
        time.sleep(0.25)
    raise AssertionError(f"the ZIP was not made: {state}")
