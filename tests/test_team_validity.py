"""Team summaries say how many of the profiles in them carry a validity note:
on the team page (and its live JSON), in the team PDF and in the CSV export."""

from __future__ import annotations

import csv
import io

from pypdf import PdfReader
from sqlalchemy import update

from services.db import db
from services.models import PageTiming, Response
from services.responses import profile_of

from .support.coaches import create_workshop, join_and_complete


def read_calmly(app, token: str) -> None:
    """The test client answers in milliseconds (too_fast); give one person honest page times."""
    with app.app_context():
        response = Response.by_token(token)
        db.session.execute(update(PageTiming).where(PageTiming.response_id == response.id).values(seconds=40.0))
        db.session.commit()


def flagged_of(app, tokens) -> int:
    with app.app_context():
        return sum(1 for t in tokens if profile_of(Response.by_token(t)).flags)


def test_named_team_page_json_and_pdf_count_profiles_with_a_validity_note(app, coach, instrument, tmp_path):
    workshop_id, code = create_workshop(coach, privacy="named")
    people = app.test_client()
    calm = join_and_complete(people, instrument, code, name="Calm", share=True, offset=0)
    join_and_complete(people, instrument, code, name="Quick", share=True, offset=1)
    join_and_complete(people, instrument, code, name="Quicker", share=True, offset=2)
    read_calmly(app, calm.token)
    assert flagged_of(app, [calm.token]) == 0  # the calm one has no note; the two quick ones have too_fast

    summary = coach.get(f"/coach/workshops/{workshop_id}/team.json").get_json()["summary"]
    assert (summary["flagged"], summary["included"]) == (2, 3)
    page = coach.get(f"/coach/workshops/{workshop_id}").text
    assert '<span data-count="flagged">2</span> of <span data-count="included">3</span>' in page
    assert "With a validity note" in page

    reply = coach.get(f"/coach/workshops/{workshop_id}/team.pdf?lang=sv")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(reply.data)).pages).split())
    assert "Med validitetsanmärkning 2 av 3" in text
    assert "En validitetsanmärkning betyder" in text
    (tmp_path / "team.pdf").write_bytes(reply.data)


def test_anonymous_csv_counts_profiles_with_a_validity_note(app, coach, instrument):
    workshop_id, code = create_workshop(coach)
    people = [join_and_complete(app.test_client(), instrument, code, offset=k) for k in range(5)]
    for person in people[:2]:
        read_calmly(app, person.token)
    rows = list(csv.DictReader(io.StringIO(coach.get(f"/coach/workshops/{workshop_id}/scores.csv").data.decode("utf-8-sig"))))
    # The totals are the release made at the coach's first look after five completions:
    # the two calm ones carry no note, the three quick ones do.
    assert rows and {r["with_validity_note"] for r in rows} == {"3"}
    assert {r["completed"] for r in rows} == {"5"}
