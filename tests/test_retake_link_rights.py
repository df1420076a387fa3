"""Issue 25, F12 and F11: what the reminder's retake-only link lets its holder do to the
earlier take (read it beside the new one; never change it) and what deleting removes."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select, update

from services.db import db
from services.models import (
    PlanActionRow,
    PlanRow,
    Reminder,
    Response,
    Retake,
    RetakeLink,
    hash_token,
    new_token,
)

from .support.followup import NOW, THEN, answers_for, make_plan, retake
from .support.forms import Respondent, csrf_of

LONG_AGO = datetime(2026, 1, 1, tzinfo=timezone.utc)


def first_take_with_plan(app, client, instrument):
    first = Respondent(client, instrument)
    first.start(name="Åsa")
    first.complete(answers_for(instrument, THEN))
    make_plan(first)
    link = new_token()
    with app.app_context():
        response = Response.by_token(first.token)
        db.session.add(RetakeLink(token_hash=hash_token(link), response_id=response.id))
        db.session.execute(update(Response).where(Response.id == response.id).values(updated_at=LONG_AGO))
        db.session.commit()
    return first, link


def retake_by_link(client, instrument, link) -> Respondent:
    page = client.get(f"/retake/{link}")
    reply = client.post(f"/retake/{link}", data={"csrf_token": csrf_of(page.text)})
    assert reply.status_code == 302
    new = Respondent(client, instrument)
    new.token = reply.location.split("/response/")[1].split("/")[0]
    new.complete(answers_for(instrument, NOW))
    return new


def test_the_retake_only_link_cannot_tick_the_earlier_plan_or_restart_its_retention(app, client, instrument):
    first, link = first_take_with_plan(app, client, instrument)
    stranger = app.test_client()  # whoever holds the e-mail: a mistyped address, a shared inbox
    new = retake_by_link(stranger, instrument, link)
    html = stranger.get(new.url("/profile")).text
    assert "Your plan from last time" in html and 'name="done-1"' not in html  # shown, not changeable
    reply = stranger.post(new.url("/ticks"), data={"csrf_token": csrf_of(html), "done-1": "yes"})
    assert reply.status_code == 403
    with app.app_context():
        first_id = Response.by_token(first.token).id
        assert [a.done for a in db.session.scalars(select(PlanActionRow).where(PlanActionRow.response_id == first_id))] == [None]
        assert db.session.get(Response, first_id).updated_at == LONG_AGO, "retention restarted"
    # A retake started from the private link still ticks the plan (the owner's own act).
    own = retake(client, first)
    own.complete(answers_for(instrument, NOW))
    html = client.get(own.url("/profile")).text
    assert client.post(own.url("/ticks"), data={"csrf_token": csrf_of(html), "done-1": "yes"}).status_code == 302
    with app.app_context():
        assert db.session.scalars(select(PlanActionRow.done).where(PlanActionRow.response_id == first_id)).all() == [True]
        assert db.session.get(Response, first_id).updated_at > LONG_AGO + timedelta(days=1)


def delete_from(client, take):
    page = client.get(take.url("/delete"))
    assert page.status_code == 200
    reply = client.post(take.url("/delete"), data={"csrf_token": csrf_of(page.text)}, follow_redirects=True)
    return page.text, reply.text


def test_deleting_any_take_deletes_the_whole_chain_with_plans_reminders_and_links(app, client, instrument):
    """Issue 25, F11: deleting a retake left the other takes (name, answers, plan)."""
    first, link = first_take_with_plan(app, client, instrument)
    second = retake(client, first)
    second.complete(answers_for(instrument, NOW))
    make_plan(second)
    third = retake(client, second)
    third.complete(answers_for(instrument, THEN))
    with app.app_context():
        db.session.add(Reminder(response_id=Response.by_token(first.token).id, email="asa@example.com",
                                language="en", due_on=date(2027, 1, 4)))
        db.session.commit()
    before, after = delete_from(client, second)
    assert 'data-deletes-takes="3"' in before and "3 takes, with their plans, reminders and links" in before
    assert "all 3 takes, with their plans, reminders and links" in after
    with app.app_context():
        for table in (Response, PlanRow, PlanActionRow, Reminder, RetakeLink, Retake):
            assert db.session.scalars(select(table)).all() == [], table.__name__
    for take in (first, second, third):
        assert client.get(take.url("/profile")).status_code == 404


def test_a_take_from_the_retake_only_link_deletes_itself_but_not_the_original(app, client, instrument):
    """F11 against F12: the retake-only link cannot change the original, so it cannot delete it either."""
    first, link = first_take_with_plan(app, client, instrument)
    holder = app.test_client()
    new = retake_by_link(holder, instrument, link)
    before, after = delete_from(holder, new)
    assert "data-keeps-take" in before and "data-deletes-takes" not in before
    assert "1 take, with its plan, reminder and links" in after and "is kept" in after
    assert holder.get(new.url("/profile")).status_code == 404
    assert client.get(first.url("/profile")).status_code == 200
    # From the original, everything goes: the original and every take after it.
    again = retake_by_link(holder, instrument, link)
    before, after = delete_from(client, first)
    assert 'data-deletes-takes="2"' in before and "all 2 takes" in after
    assert holder.get(again.url("/profile")).status_code == 404
