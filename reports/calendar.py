"""The follow-up as an iCalendar (RFC 5545) event: one event on the follow-up
date in the person's time zone, with the plan and an alarm. A calendar is often
shared (a work calendar, an assistant), so the event never holds the private link
(profile, every answer, the delete page): only a limited retake link, or none.
Its words, and the web calendars' links to the same event, are in reports/calendar_links.py."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event

from assessment.followup import Plan

from .calendar_links import EVENT_MINUTES, FOLLOW_UP_AT, event_text

ALARM_BEFORE = timedelta(minutes=30)


def event_uid(private_key: str, domain: str) -> str:
    """Stable for one response, so a re-downloaded file updates the event instead of adding one."""
    return hashlib.sha256(f"follow-up:{private_key}".encode()).hexdigest()[:32] + "@" + domain


def follow_up_ics(plan: Plan, *, language: str, uid: str, sequence: int,
                  stamp: datetime, tz_name: str, at: time = FOLLOW_UP_AT, retake_url: str | None = None,
                  link_works_until: date | None = None) -> bytes:
    zone = ZoneInfo(tz_name)
    start = datetime.combine(plan.follow_up_on, at, tzinfo=zone)
    title, description = event_text(plan, language, retake_url, link_works_until)

    calendar = Calendar()
    calendar.add("prodid", "-//Snubbeltråd//follow-up//" + language.upper())
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")

    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    # A stored time without a zone is UTC (SQLite drops it), not the server's local time.
    event.add("dtstamp", stamp.astimezone(timezone.utc) if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc))
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=EVENT_MINUTES))
    event.add("summary", title)
    event.add("description", description)
    if retake_url:
        event.add("url", retake_url)

    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", title)
    alarm.add("trigger", -ALARM_BEFORE)
    event.add_component(alarm)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
