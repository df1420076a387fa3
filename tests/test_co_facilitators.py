"""Sharing a workshop with a co-facilitator (issue 28): by the e-mail of their coach
account, from the workshop's page; they see it under My workshops and run it as the
owner does (every coach route: tests/test_workshops.py), except deleting and sharing;
a follow-up session is shared with its first workshop; participants are told when
more than one coach sees what they share; unsharing ends it at once."""

from __future__ import annotations

from sqlalchemy import func, insert, select

from services.db import db
from services.models import Coach, Response, Workshop, WorkshopFacilitator

from .support.coaches import create_workshop, join_and_complete, login, make_coach
from .support.forms import csrf_of
from .support.workshops import share_with

CO = ("co@example.com", "a co-facilitator's long password")


def owner_and_co(app):
    owner = app.test_client()
    login(owner, *make_coach(app))
    make_coach(app, *CO)
    co = app.test_client()
    login(co, *CO)
    return owner, co


def test_sharing_by_e_mail_says_what_is_wrong_and_what_it_gives(app, instrument):
    owner, co = owner_and_co(app)
    workshop_id, code = create_workshop(owner, title="Säljkickoff", privacy="named")
    page = owner.get(f"/coach/workshops/{workshop_id}?lang=en").text
    assert "Only you run this workshop" in page and "except deleting the workshop and sharing it on" in page
    assert co.get(f"/coach/workshops/{workshop_id}").status_code == 404
    unknown = share_with(owner, workshop_id, "nobody@example.com")
    assert unknown.status_code == 422 and "no coach account with this e-mail" in unknown.text
    assert 'aria-invalid="true"' in unknown.text  # on the field, in the error summary's form
    own = share_with(owner, workshop_id, "coach@example.com")
    assert own.status_code == 422 and "your own account" in own.text
    assert share_with(owner, workshop_id, " CO@Example.com").status_code == 302
    again = share_with(owner, workshop_id, "co@example.com")
    assert again.status_code == 422 and "already shared with this coach" in again.text
    owner.get(f"/coach/workshops/{workshop_id}?lang=sv")  # the service gives a reason; the page words it
    again_sv = share_with(owner, workshop_id, "co@example.com")
    assert again_sv.status_code == 422 and "Workshopen är redan delad med den coachen." in again_sv.text
    owner.get(f"/coach/workshops/{workshop_id}?lang=en")
    # The co-facilitator sees it among their workshops, marked, and its page says who shared it.
    listing = co.get("/coach/?lang=en").text
    assert "Säljkickoff" in listing and "shared with you" in listing
    shown = co.get(f"/coach/workshops/{workshop_id}?lang=en").text
    assert "coach@example.com created this workshop and shared it with you" in shown
    assert f"/coach/workshops/{workshop_id}/delete" not in shown and "/share" not in shown
    # A shared profile is theirs to read as well (the participant is told: two coaches).
    join_page = app.test_client().get(f"/join/{code}?lang=en").text
    assert "2 coaches run this workshop together: what you share, each of them sees." in join_page
    person = join_and_complete(app.test_client(), instrument, code, name="Åsa Berg", share=True)
    with app.app_context():
        response_id = db.session.scalar(select(Response.id).where(Response.workshop_id == workshop_id))
    assert co.get(f"/coach/workshops/{workshop_id}/responses/{response_id}/coach.pdf").status_code == 200
    assert person.client.get(person.url("/profile")).status_code == 200
    # Unsharing ends it at once.
    page = owner.get(f"/coach/workshops/{workshop_id}")
    co_id = int(page.text.split("/share/")[1].split("/remove")[0])
    assert owner.post(f"/coach/workshops/{workshop_id}/share/{co_id}/remove",
                      data={"csrf_token": csrf_of(page.text)}).status_code == 302
    assert co.get(f"/coach/workshops/{workshop_id}").status_code == 404
    assert co.get(f"/coach/workshops/{workshop_id}/responses/{response_id}/coach.pdf").status_code == 404
    assert "Säljkickoff" not in co.get("/coach/").text
    again = owner.post(f"/coach/workshops/{workshop_id}/share/{co_id}/remove", data={"csrf_token": csrf_of(page.text)})
    assert again.status_code == 404 and "isn&#39;t shared with that coach" in again.text


def test_sharing_needs_the_csrf_token(app):
    owner, _co = owner_and_co(app)
    workshop_id, _ = create_workshop(owner)
    assert owner.post(f"/coach/workshops/{workshop_id}/share", data={"email": CO[0]}).status_code == 400
    assert "shared with you" not in _co.get("/coach/?lang=en").text


def test_a_follow_up_session_goes_with_its_first_workshop(app):
    owner, co = owner_and_co(app)
    first, _ = create_workshop(owner, title="Vår", privacy="named")
    assert share_with(owner, first, CO[0]).status_code == 302
    # The co-facilitator creates the follow-up: it is the owner's, and the co-facilitator runs it.
    page = co.get(f"/coach/workshops/{first}")
    made = co.post(f"/coach/workshops/{first}/follow-up", data={"csrf_token": csrf_of(page.text), "held_on": "2027-02-01"})
    assert made.status_code == 302
    later = int(made.location.rstrip("/").rsplit("/", 1)[1])
    with app.app_context():
        follow_up = db.session.get(Workshop, later)
        owner_id = db.session.get(Workshop, first).coach_id
        assert follow_up.coach_id == owner_id and follow_up.follow_up_of_id == first
    assert co.get(f"/coach/workshops/{later}").status_code == 200
    assert owner.get(f"/coach/workshops/{later}").status_code == 200
    # Sharing is set on the first workshop only, and unsharing it covers the follow-up.
    assert share_with(owner, later, "someone@example.com").status_code == 409
    page = owner.get(f"/coach/workshops/{first}")
    co_id = int(page.text.split("/share/")[1].split("/remove")[0])
    owner.post(f"/coach/workshops/{first}/share/{co_id}/remove", data={"csrf_token": csrf_of(page.text)})
    assert co.get(f"/coach/workshops/{later}").status_code == 404


def test_a_co_facilitator_sees_the_same_released_size_of_an_anonymous_workshop(app, instrument):
    owner, co = owner_and_co(app)
    workshop_id, code = create_workshop(owner, privacy="anonymous")
    share_with(owner, workshop_id, CO[0])
    for n in range(6):
        join_and_complete(app.test_client(), instrument, code, offset=n)
    mine = owner.get(f"/coach/workshops/{workshop_id}/team.json").get_json()
    theirs = co.get(f"/coach/workshops/{workshop_id}/team.json").get_json()
    assert mine == theirs  # one release for the workshop: two coaches cannot difference it


def test_the_same_share_sent_twice_at_once_says_it_is_shared_not_a_server_error(app, monkeypatch):
    """The other request stores the share between this one's check and its commit."""
    owner, _co = owner_and_co(app)
    workshop_id, _code = create_workshop(owner, title="Dubbelklick", privacy="named")
    with app.app_context():
        co_id = db.session.scalar(select(Coach.id).where(Coach.email == CO[0]))
    real_get = db.session.get
    stored_by_the_other_request = []

    def checked_just_before_the_other_request_stored_it(model, key, **options):
        if model is WorkshopFacilitator:
            if not stored_by_the_other_request:
                with db.engine.begin() as other_request:
                    other_request.execute(insert(WorkshopFacilitator).values(workshop_id=workshop_id, coach_id=co_id))
                stored_by_the_other_request.append(key)
            return None
        return real_get(model, key, **options)

    monkeypatch.setattr(db.session, "get", checked_just_before_the_other_request_stored_it)
    reply = share_with(owner, workshop_id, CO[0])
    monkeypatch.undo()
    assert reply.status_code == 422 and "already shared with this coach" in reply.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(WorkshopFacilitator)) == 1
