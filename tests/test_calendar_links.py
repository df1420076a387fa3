"""Issue 27: "Add to Google / Outlook" beside the .ics file. Every calendar form of the
follow-up carries the same LIMITED retake link (the kind a reminder e-mail carries: it
starts a retake and opens nothing else), never the private link (issue 25, F6: calendars
are shared); the link still works on the follow-up day and for RETAKE_LINK_DAYS after."""

from __future__ import annotations

import html
import re
from datetime import date, datetime, time, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import icalendar
from sqlalchemy import func, select

from assessment.followup import on_a_weekday
from reports.i18n import long_date
from services.db import db
from services.followup.retakes import retake_links_sent_before
from services.models import RetakeLink

from .support.followup import _ics, make_plan
from .support.forms import csrf_of

RETAKE = re.compile(r"https?://[^\s\"'<>]+/retake/([A-Za-z0-9_-]{43,})")


def web_calendar_links(profile_html: str) -> dict[str, str]:
    block = re.search(r'<p class="web-calendars".*?</p>', profile_html, re.S).group(0)
    links = {}
    for href in re.findall(r'href="([^"]+)"', block):
        url = html.unescape(href)
        host = urlsplit(url).netloc
        links[host] = url
    return links


def event_of(google_url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(google_url).query).items()}


def test_the_ics_and_the_web_calendars_carry_one_limited_retake_link_and_no_private_link(app, done):
    make_plan(done, follow_up="90")
    due = on_a_weekday(date.today() + timedelta(days=90))
    last_day = due + timedelta(days=app.config["RETAKE_LINK_DAYS"] - 1)
    found = set()
    for language, works_until in (("en", "The link works up to and including {}."),
                                  ("sv", "Länken fungerar till och med den {}.")):
        profile = done.client.get(done.url(f"/profile?lang={language}")).text
        links = web_calendar_links(profile)
        assert sorted(links) == ["calendar.google.com", "outlook.live.com", "outlook.office.com"]
        google = event_of(links["calendar.google.com"])
        assert google["action"] == "TEMPLATE" and google["ctz"] == "Europe/Stockholm"
        assert google["dates"] == f"{due:%Y%m%d}T090000/{due:%Y%m%d}T093000"
        for host in ("outlook.live.com", "outlook.office.com"):
            outlook = event_of(links[host])
            start = datetime.combine(due, time(9, 0), tzinfo=ZoneInfo("Europe/Stockholm"))
            assert outlook["startdt"] == start.isoformat() and outlook["rru"] == "addevent"
            assert RETAKE.search(outlook["body"]) and works_until.format(long_date(last_day, language)) in outlook["body"]
        assert works_until.format(long_date(last_day, language)) in google["details"]
        assert "propose a date before we hang up" in google["details"]

        ics = _ics(done, language)
        event = icalendar.Calendar.from_ical(ics).walk("VEVENT")[0]
        description = str(event["DESCRIPTION"])
        assert works_until.format(long_date(last_day, language)) in description
        for text in [*links.values(), description, str(event["URL"]), ics.replace(b"\r\n ", b"").decode()]:
            assert done.token not in text and "/response/" not in text, "never the private link"
            found |= set(RETAKE.findall(text))
    assert len(found) == 1, "the page, the file and the web calendars give the same link"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RetakeLink)) == 1, "loading the page again adds no link"

    # The link only starts a retake: its page shows no answers, and the POST begins a new take.
    [token] = found
    page = done.client.get(f"/retake/{token}")
    assert page.status_code == 200 and done.token not in page.text
    started = done.client.post(f"/retake/{token}", data={"csrf_token": csrf_of(page.text)})
    assert started.status_code == 302 and "/page/1" in started.location and done.token not in started.location


def test_the_calendar_link_works_on_the_follow_up_day_and_retake_link_days_after(app, done):
    """A link made today with a reminder's 30 days would be dead on a 60- or 90-day follow-up."""
    make_plan(done, follow_up="90")
    due = on_a_weekday(date.today() + timedelta(days=90))
    done.client.get(done.url("/profile"))
    zone = ZoneInfo(app.config["FOLLOW_UP_TIMEZONE"])
    days = app.config["RETAKE_LINK_DAYS"]
    with app.app_context():
        link = db.session.scalars(select(RetakeLink)).one()
        created = link.created_at
        last_evening = datetime.combine(due + timedelta(days=days - 1), time(23, 0), tzinfo=zone)
        next_morning = datetime.combine(due + timedelta(days=days), time(0, 30), tzinfo=zone)
        assert not created < retake_links_sent_before(last_evening), "still works on its last day"
        assert created < retake_links_sent_before(next_morning), "expired the day after"
    # purge today keeps it (it is not an old link)
    assert app.test_cli_runner().invoke(args=["purge"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RetakeLink)) == 1


def test_a_new_follow_up_date_gives_a_new_link_and_no_plan_no_links(app, done):
    assert 'class="web-calendars"' not in done.client.get(done.url("/profile")).text
    make_plan(done, follow_up="14")
    first = set(RETAKE.findall(_ics(done).replace(b"\r\n ", b"").decode()))
    make_plan(done, follow_up="14", **{"actions-0-step": "ask for a date"})
    assert set(RETAKE.findall(_ics(done).replace(b"\r\n ", b"").decode())) == first, "same date, same link"
    make_plan(done, follow_up="60")
    second = set(RETAKE.findall(_ics(done).replace(b"\r\n ", b"").decode()))
    assert len(second) == 1 and second != first
