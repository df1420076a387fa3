"""The follow-up event's words (title, plan, how to take the questionnaire again) and the
"add to Google / Outlook" links that open it in a web calendar; the .ics file of the same
event is reports/calendar.py. Apart from it so that the profile page, the PDF report and
the reminder e-mail, which show these, import no icalendar (issue 29). A calendar is often
shared, so the event never holds the private link: only a limited retake link, or none."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from assessment.followup import Plan

from .i18n import long_date, translations

EVENT_MINUTES = 30


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
