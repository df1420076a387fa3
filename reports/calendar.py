"""The follow-up as an iCalendar (RFC 5545) event: one event on the follow-up
date in the person's time zone, with the plan and an alarm. A calendar is often
shared (a work calendar, an assistant), so the event never holds the private link
(profile, every answer, the delete page): only a limited retake link, or none."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from assessment.followup import Plan

from .i18n import long_date, translations

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


FOLLOW_UP_AT = time(9, 0)


def event_text(plan: Plan, language: str, retake_url: str | None = None,
               link_works_until: date | None = None) -> tuple[str, str]:
    """The event's title and description, the same in the .ics file and the web calendars' links."""
    _ = translations(language).gettext
    title = _("Follow-up: my sales call plan")
    if retake_url:
        how = _("Take the questionnaire again to see what's changed:") + "\n" + retake_url
        if link_works_until is not None:
            how += "\n" + _("The link works up to and including %(date)s.") % {"date": long_date(link_works_until, language)}
    else:
        how = _("Take the questionnaire again to see what's changed: open your profile with the private "
                "link you saved and choose “Take it again”.")
    return title, "\n\n".join([_("Your plan:"), plan_text(plan, language), how])


def follow_up_ics(plan: Plan, *, language: str, uid: str, sequence: int,
                  stamp: datetime, tz_name: str, at: time = FOLLOW_UP_AT, retake_url: str | None = None,
                  link_works_until: date | None = None) -> bytes:
    zone = ZoneInfo(tz_name)
    start = datetime.combine(plan.follow_up_on, at, tzinfo=zone)
    title, description = event_text(plan, language, retake_url, link_works_until)

    from icalendar import Alarm, Calendar, Event

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


@dataclass(frozen=True)
class WebCalendarLinks:
    """"Add to Google / Outlook" beside the .ics file: the same event, opened in the web calendar."""

    google: str
    outlook: str  # Outlook.com (personal accounts)
    office: str  # Outlook on the web with a work or school account (Microsoft 365)


def web_calendar_links(plan: Plan, *, language: str, tz_name: str, retake_url: str | None = None,
                       link_works_until: date | None = None, at: time = FOLLOW_UP_AT) -> WebCalendarLinks:
    title, description = event_text(plan, language, retake_url, link_works_until)
    start = datetime.combine(plan.follow_up_on, at, tzinfo=ZoneInfo(tz_name))
    end = start + timedelta(minutes=EVENT_MINUTES)
    google = "https://calendar.google.com/calendar/render?" + urlencode({
        "action": "TEMPLATE", "text": title, "details": description, "ctz": tz_name,
        "dates": f"{start:%Y%m%dT%H%M%S}/{end:%Y%m%dT%H%M%S}",  # local times in ctz
    })
    outlook_query = urlencode({
        "path": "/calendar/action/compose", "rru": "addevent", "subject": title, "body": description,
        "startdt": start.isoformat(), "enddt": end.isoformat(),
    })
    return WebCalendarLinks(
        google=google,
        outlook="https://outlook.live.com/calendar/0/deeplink/compose?" + outlook_query,
        office="https://outlook.office.com/calendar/0/deeplink/compose?" + outlook_query,
    )
