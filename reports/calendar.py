"""The follow-up as an iCalendar (RFC 5545) event: one event on the follow-up
date in the person's time zone, with the plan, the retake link and an alarm."""

from __future__ import annotations

import hashlib
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event

from assessment.followup import Plan

from .i18n import translations

EVENT_MINUTES = 30
ALARM_BEFORE = timedelta(minutes=30)


def event_uid(private_key: str, domain: str) -> str:
    """Stable for one response, so a re-downloaded file updates the event instead of adding one."""
    return hashlib.sha256(f"follow-up:{private_key}".encode()).hexdigest()[:32] + "@" + domain


def plan_text(plan: Plan, language: str) -> str:
    _ = translations(language).gettext
    return "\n".join(
        f"{n}. " + _("When %(situation)s, I will %(step)s.") % {"situation": a.situation.rstrip("."), "step": a.step.rstrip(".")}
        for n, a in enumerate(plan.actions, 1)
    )


def follow_up_ics(plan: Plan, *, language: str, retake_url: str, uid: str, sequence: int,
                  stamp: datetime, tz_name: str, at: time = time(9, 0)) -> bytes:
    _ = translations(language).gettext
    zone = ZoneInfo(tz_name)
    start = datetime.combine(plan.follow_up_on, at, tzinfo=zone)
    title = _("Follow-up: my sales call plan")
    description = "\n\n".join([
        _("Your plan:"), plan_text(plan, language),
        _("Take the questionnaire again to see what's changed:") + "\n" + retake_url,
    ])

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
    event.add("url", retake_url)

    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", title)
    alarm.add("trigger", -ALARM_BEFORE)
    event.add_component(alarm)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
