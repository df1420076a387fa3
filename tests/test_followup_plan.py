"""The personal plan: saved with the response, shown on the profile, refused
with named problems when wrong (keeping what was saved), and the calendar
file read back by two independent iCalendar parsers."""

from __future__ import annotations

import io
import re
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import markupsafe
import pytest
import vobject
from pypdf import PdfReader

from assessment.followup import Plan as DomainPlan
from assessment.followup import PlanAction as DomainAction
from assessment.followup import on_a_weekday
from assessment.plan_steps import plan_steps
from reports.calendar import follow_up_ics
from reports.i18n import translations
from services.db import db
from services.models import PlanActionRow, PlanRow, Reminder, Response
from services.responses import profile_of

from .support.answers import varied_answers
from .support.app import make_app
from .support.followup import _ics, make_plan, plan_data
from .support.forms import Respondent, csrf_of


def test_plan_is_saved_and_shown_on_the_profile(app, done):
    reply = make_plan(done, **{"actions-1-situation": "I send a quote",
                               "actions-1-step": "book the follow-up call in the same e-mail"})
    assert reply.status_code == 302 and reply.location.endswith("/profile#plan-title")
    profile = done.client.get(done.url("/profile")).text
    assert "When a meeting is about to end without a next step, I will propose a date before we hang up." in profile
    assert "When I send a quote, I will book the follow-up call in the same e-mail." in profile
    due = on_a_weekday(date.today() + timedelta(days=30))
    assert f"Follow-up on {due.day} {due:%B} {due.year}" in profile
    with app.app_context():
        plan = db.session.scalars(db.select(PlanRow)).one()
        assert plan.follow_up_on == due and [a.scale_id for a in plan.actions] == ["weak_close", None]


def test_the_plan_page_offers_the_suggestions_of_the_highest_scores(app, done):
    page = done.client.get(done.url("/plan")).text
    assert 'list="step-suggestions"' in page
    with app.app_context():
        profile = profile_of(Response.by_token(done.token))
    top = max(profile.of_kind("behaviour"), key=lambda r: r.score)
    first = plan_steps()[top.scale_id][0]  # completions of "I will …", not the profile's imperatives
    assert f'<option value="{first.step["en"]}">' in page.replace("&#39;", "'")
    assert f'<option value="{top.actions[0]}">' not in page.replace("&#34;", '"')


@pytest.mark.parametrize("change, problem", [
    ({"actions-0-situation": "", "actions-0-step": ""}, "Write at least one action"),
    ({"actions-0-step": ""}, "Action 1: write what you'll do."),
    ({"actions-0-situation": ""}, "Action 1: write when you'll do it."),
    ({"actions-0-step": "x" * 301}, "Action 1"),
    ({"follow_up": "date", "follow_up_on": ""}, "Enter the follow-up date"),
    ({"follow_up": "date", "follow_up_on": "31/02/2027"}, "The follow-up date isn't a date"),
    ({"follow_up": "date", "follow_up_on": "2001-01-01"}, "The follow-up date must be after today."),
    ({"follow_up": "date", "follow_up_on": (date.today() + timedelta(days=365)).isoformat()},
     f"The follow-up date can be {(date.today() + timedelta(days=364)).isoformat()} at the latest: "
     "we delete answers 365 days after your last change."),
    ({"follow_up": "45"}, "Not a valid choice"),
    ({"email": "not-an-address"}, "Enter an e-mail address"),
    ({"actions-0-scale_id": "nonsense"}, "Not a valid choice"),
])
def test_bad_input_is_named_and_the_saved_plan_is_kept(mail_app, done, change, problem):  # mail: the address field is shown
    assert make_plan(done).status_code == 302
    reply = make_plan(done, **{"actions-0-situation": "I leave the office", "actions-0-step": "call one client"} | change)
    assert reply.status_code == 422
    assert str(markupsafe.escape(problem)) in reply.text and 'class="error-summary"' in reply.text
    profile = done.client.get(done.url("/profile")).text
    assert "I will propose a date before we hang up." in profile


def test_a_chosen_date_and_a_reminder_address_are_stored_and_the_address_can_be_removed(mail_app, done):
    app = mail_app
    chosen = on_a_weekday(date.today() + timedelta(days=45))
    make_plan(done, follow_up="date", follow_up_on=chosen.isoformat(), email="karin@example.com")
    with app.app_context():
        reminder = db.session.get(Reminder, Response.by_token(done.token).id)
        assert (reminder.email, reminder.due_on, reminder.language) == ("karin@example.com", chosen, "en")
    profile = done.client.get(done.url("/profile")).text
    assert "karin@example.com" in profile and f"Follow-up on {chosen.day} {chosen:%B} {chosen.year}" in profile
    make_plan(done, email="")
    with app.app_context():
        assert db.session.scalars(db.select(Reminder)).all() == []


def test_the_plan_needs_the_csrf_token(app, done):
    page = done.client.get(done.url("/plan"))
    data = plan_data(page.text)
    data["csrf_token"] = "forged"
    reply = done.client.post(done.url("/plan"), data=data)
    assert reply.status_code == 400
    with app.app_context():
        assert db.session.scalars(db.select(PlanRow)).all() == []


def test_plan_of_an_unfinished_response_goes_back_to_the_questionnaire(respondent):
    respondent.start()
    reply = respondent.client.get(respondent.url("/plan"))
    assert reply.status_code == 302 and "/page/1" in reply.location or reply.location.endswith(respondent.url())


def test_deleting_the_response_deletes_plan_and_reminder(app, done):
    make_plan(done, email="karin@example.com")
    page = done.client.get(done.url("/delete"))
    done.client.post(done.url("/delete"), data={"csrf_token": csrf_of(page.text)})
    with app.app_context():
        assert db.session.scalars(db.select(PlanRow)).all() == []
        assert db.session.scalars(db.select(PlanActionRow)).all() == []
        assert db.session.scalars(db.select(Reminder)).all() == []


# --- the calendar file ------------------------------------------------------------




def test_calendar_file_read_back_by_icalendar(app, done):
    make_plan(done, follow_up="60")
    data = _ics(done)
    due = on_a_weekday(date.today() + timedelta(days=60))
    calendar = icalendar.Calendar.from_ical(data)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    start = event.decoded("dtstart")
    assert start.date() == due and start.tzinfo.key == "Europe/Stockholm"
    assert start.hour == 9 and start.utcoffset() == ZoneInfo("Europe/Stockholm").utcoffset(start.replace(tzinfo=None))
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Stockholm"]
    alarms = event.walk("VALARM")
    assert len(alarms) == 1 and alarms[0]["ACTION"] == "DISPLAY"
    assert alarms[0].decoded("trigger") == -timedelta(minutes=30)
    description = str(event["DESCRIPTION"])
    assert "When a meeting is about to end without a next step, I will propose a date before we hang up." in description
    assert "Take the questionnaire again to see what's changed:\nhttp" in description and "/retake/" in description
    # Stable: the same UID on a second download, a higher SEQUENCE after the plan changed
    make_plan(done, follow_up="60", **{"actions-0-step": "ask for a date"})
    again = icalendar.Calendar.from_ical(_ics(done)).walk("VEVENT")[0]
    assert again["UID"] == event["UID"] and int(again["SEQUENCE"]) == int(event["SEQUENCE"]) + 1


def test_calendar_file_read_back_by_vobject_in_swedish(app, done):
    make_plan(done, follow_up="14")
    calendar = vobject.readOne(_ics(done, "sv").decode("utf-8"), validate=True)
    event = calendar.vevent
    due = on_a_weekday(date.today() + timedelta(days=14))
    start = event.dtstart.value
    assert start.date() == due and (start.hour, start.minute) == (9, 0)
    # vobject builds its own tzinfo from the file's VTIMEZONE: the offset must match the real zone's
    expected = datetime(due.year, due.month, due.day, 9, 0, tzinfo=ZoneInfo("Europe/Stockholm"))
    assert start.utcoffset() == expected.utcoffset()
    assert start.tzname() == expected.tzname()
    assert event.dtstart.params["X-VOBJ-ORIGINAL-TZID"] == ["Europe/Stockholm"]
    assert calendar.vtimezone.tzid.value == "Europe/Stockholm"
    assert event.valarm.trigger.value == -timedelta(minutes=30)
    assert event.valarm.action.value == "DISPLAY"
    assert "Svara på frågorna igen och se vad som har ändrats:\nhttp" in event.description.value
    assert "Din plan:" in event.description.value and "ska jag propose a date" in event.description.value
    assert "Uppföljning" in event.summary.value
    assert event.uid.value.endswith("@snubbeltrad")


def test_the_calendar_file_holds_no_private_link(app, done):
    """Issue 25, F6: the event went into shared work calendars carrying the permanent private
    link (profile, every answer, the delete page)."""
    make_plan(done, follow_up="30")
    for language in ("en", "sv"):
        data = _ics(done, language)
        unfolded = data.replace(b"\r\n ", b"").decode()
        assert done.token not in unfolded and "/response/" not in unfolded
        event = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]
        # Only the limited retake link (tests/test_calendar_links.py follows it)
        assert re.fullmatch(r"http://localhost/retake/[A-Za-z0-9_-]{43}", str(event["URL"]))


def test_time_zone_is_configurable(tmp_path):
    app = make_app(tmp_path, FOLLOW_UP_TIMEZONE="America/New_York")
    client = app.test_client()
    respondent = Respondent(client, app.extensions["instrument_bank"].current)
    respondent.start()
    respondent.complete(varied_answers(respondent.instrument))
    make_plan(respondent)
    event = icalendar.Calendar.from_ical(_ics(respondent)).walk("VEVENT")[0]
    assert event.decoded("dtstart").tzinfo.key == "America/New_York"
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_no_plan_no_calendar_file(done):
    reply = done.client.get(done.url("/follow-up.ics"))
    assert reply.status_code == 404 and "Make a plan first" in reply.text


def test_making_a_plan_is_a_change_that_retention_counts_from(mail_app, done):
    """The privacy page promises deletion "at most N days after your last change":
    a plan (and its reminder) made today must not be purged with last year's answers."""
    app = mail_app
    with app.app_context():
        old = datetime.now(ZoneInfo("UTC")) - timedelta(days=app.config["RETENTION_DAYS"] + 1)
        db.session.execute(db.update(Response).where(Response.id == Response.by_token(done.token).id).values(updated_at=old))
        db.session.commit()
    assert make_plan(done, email="karin@example.com").status_code == 302
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0 and "Deleted 0 expired responses" in result.output, result.output
    assert done.client.get(done.url("/profile")).status_code == 200
    with app.app_context():
        assert db.session.scalars(db.select(Reminder)).one().email == "karin@example.com"


def test_the_stamp_is_utc_whatever_the_server_clock_zone(monkeypatch):
    """SQLite hands back the stored UTC update time without a zone; read as the
    machine's local time, the event's DTSTAMP moved by the server's offset."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        data = follow_up_ics(
            DomainPlan((DomainAction("a quote goes out", "book the next call"),), date(2027, 1, 15)),
            language="en", retake_url="https://example.com/retake", uid="x@snubbeltrad", sequence=1,
            stamp=datetime(2026, 11, 27, 12, 0), tz_name="Europe/Stockholm",
        )
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    event = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]
    assert event.decoded("dtstamp") == datetime(2026, 11, 27, 12, 0, tzinfo=ZoneInfo("UTC"))


def test_a_follow_up_beyond_a_short_retention_is_refused_also_as_a_fixed_choice(tmp_path):
    app = make_app(tmp_path, RETENTION_DAYS=60)
    client = app.test_client()
    respondent = Respondent(client, app.extensions["instrument_bank"].current)
    respondent.start()
    respondent.complete(varied_answers(respondent.instrument))
    reply = make_plan(respondent, follow_up="90")
    assert reply.status_code == 422
    assert "we delete answers 60 days after your last change" in reply.text and 'href="#follow_up-0"' in reply.text
    assert make_plan(respondent, follow_up="30").status_code == 302
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_plan_whose_follow_up_date_has_passed_can_be_edited_and_saved(app, done):
    assert make_plan(done, follow_up="14").status_code == 302
    passed = date.today() - timedelta(days=3)
    with app.app_context():
        db.session.scalars(db.select(PlanRow)).one().follow_up_on = passed
        db.session.commit()
    page = done.client.get(done.url("/plan")).text
    # The passed date is not offered again (it could not be saved); the usual choice is.
    assert passed.isoformat() not in page
    checked = re.findall(r'<input[^>]*name="follow_up"[^>]*>', page)
    assert [re.search(r'value="([^"]+)"', tag).group(1) for tag in checked if "checked" in tag] == ["30"]
    assert make_plan(done).status_code == 302
    with app.app_context():
        assert db.session.scalars(db.select(PlanRow)).one().follow_up_on == on_a_weekday(date.today() + timedelta(days=30))


def test_without_a_mail_server_the_plan_promises_no_reminder_and_keeps_no_address(app, done):
    """No SMTP settings: no reminder can go out, so no field asks for an address, the page says
    to use the calendar instead, and an address posted anyway is not stored."""
    page = done.client.get(done.url("/plan?lang=en"))
    assert 'name="email"' not in page.text and "This site sends no e-mail" in page.text
    assert make_plan(done, email="karin@example.com").status_code == 302
    with app.app_context():
        assert db.session.scalars(db.select(Reminder)).all() == []
    assert "confirmation link" not in done.client.get(done.url("/profile?lang=en")).text


def test_a_made_up_field_is_refused_by_name_and_the_saved_plan_is_kept(app, done):
    assert make_plan(done).status_code == 302
    reply = make_plan(done, **{"actions-0-step": "call two clients", "actions-7-step": "sneaked in"})
    assert reply.status_code == 400 and "actions-7-step" in reply.text and "Nothing was saved" in reply.text
    assert "I will propose a date before we hang up." in done.client.get(done.url("/profile")).text


@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_driver_tripwire_gets_its_step_on_the_plan_page_as_on_the_profile_and_in_the_pdf(app, client, instrument, language):
    """The walk: "Where to start" and the PDF's step 1 were a fear-of-seeming-pushy step, which the plan
    page, offering only behaviour steps, never showed. One owner now (assessment/suggestions.py)."""
    person = Respondent(client, instrument)
    person.start(name="Karin", language=language)
    person.complete({i.id: 5 if i.scale_id == "fear_of_pushiness" else 2 if i.scale_id == "impression_management" else 1
                     for i in instrument.items})
    first = plan_steps()["fear_of_pushiness"][0]
    sentence = translations(language).gettext("When %(situation)s, I will %(step)s.") % {
        "situation": first.situation[language], "step": first.step[language]}
    profile = markupsafe.Markup(client.get(person.url(f"/profile?lang={language}")).text).unescape()
    start_here = profile.split("data-start-here>")[1].split("</p>")[0]
    assert start_here == sentence
    plan = markupsafe.Markup(client.get(person.url(f"/plan?lang={language}")).text).unescape()
    offered = re.findall(r'<button type="button" class="suggestion"[^>]*data-scale="([^"]+)"[^>]*>([^<]+)</button>', plan)
    assert offered[0] == ("fear_of_pushiness", sentence)
    pdf = client.get(person.url(f"/profile.pdf?lang={language}"))
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert " ".join(sentence.split())[:60] in text
