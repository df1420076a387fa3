"""Follow-up dates on weekdays (issue 27 §6): a Saturday or Sunday moves to the
Monday after, and each choice shows the day it falls on."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import session
from flask_babel import format_date

from assessment.followup import FOLLOW_UP_DAYS, on_a_weekday
from services.db import db
from services.models import PlanRow, Response

from .support.answers import varied_answers
from .support.followup import make_plan
from .support.forms import Respondent


@pytest.mark.parametrize("day,expected", [
    (date(2027, 3, 6), date(2027, 3, 8)),  # Saturday -> Monday
    (date(2027, 3, 7), date(2027, 3, 8)),  # Sunday -> Monday
    (date(2027, 3, 8), date(2027, 3, 8)),  # Monday stays
    (date(2027, 3, 12), date(2027, 3, 12)),  # Friday stays
])
def test_a_weekend_day_moves_to_the_monday_after(day, expected):
    assert on_a_weekday(day) == expected


def test_every_choice_shows_its_weekday_and_a_weekend_date_is_saved_as_monday(app, client, instrument):
    person = Respondent(client, instrument)
    person.start(language="sv")
    person.complete(varied_answers(instrument))
    page = client.get(person.url("/plan?lang=sv")).text
    with app.test_request_context("/?lang=sv"):
        session["lang"] = "sv"
        for days in FOLLOW_UP_DAYS:
            shown = format_date(on_a_weekday(date.today() + timedelta(days=days)), "EEEE d MMMM")
            assert f"{days} dagar: {shown}" in page
            assert not shown.startswith(("lördag", "söndag"))
    saturday = date.today() + timedelta(days=(5 - date.today().weekday()) % 7 or 7)
    assert saturday.weekday() == 5
    assert make_plan(person, follow_up="date", follow_up_on=saturday.isoformat()).status_code == 302
    with app.app_context():
        plan = db.session.scalars(db.select(PlanRow).where(PlanRow.response_id == Response.by_token(person.token).id)).one()
        assert plan.follow_up_on == saturday + timedelta(days=2)
