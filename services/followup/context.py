"""What the profile page and the PDF show of the follow-up: the plan, and after a retake
the comparison with the earlier takes. One builder: the PDF's part, to which the page
adds what only it shows (the plan as stored for its form, the reminder, the change chart)."""

from __future__ import annotations

from typing import Any, Callable

from flask import current_app

from assessment.followup import Take, history
from reports import charts
from reports.calendar_links import web_calendar_links
from services.followup.calendar_retake_links import calendar_retake_link
from services.followup.linking import follow_up_code, linked_pair, offers_follow_up_code
from services.followup.plans import plan_of, plan_row, reminder_of
from services.followup.retakes import (
    history_of,
    may_change_previous,
    shows_previous_plan,
)
from services.models import Response
from services.responses import profiles_of

# Who a report is made for: the person (their whole chain and plans) or their coach.
PERSON = "person"
COACH = "coach"


def report_followup(response: Response, language: str, audience: str = PERSON) -> dict[str, Any]:
    """The follow-up parts of the PDF report (see reports.report_model.ProfileReport)."""
    if audience == COACH:
        return coach_followup(response, language)
    found = history_of(response, language)
    history, chain = found if found else (None, [])
    return {
        "plan": plan_of(response),
        "history": history,
        "previous_plan": plan_of(chain[-2]) if chain and shows_previous_plan(response) else None,
    }


def coach_followup(response: Response, language: str) -> dict[str, Any]:
    """The follow-up parts of a coach's render of a shared profile (participant PDF, ZIP):
    at most the linked pair of takes both shared with this coach (services/followup/linking.py);
    never a plan, an earlier plan or any other take of the person."""
    earlier = linked_pair(response)
    found = None
    if earlier is not None:
        profiles = profiles_of([earlier, response], language)
        found = history([Take(r.completed_at.date(), profiles[r.id]) for r in (earlier, response)])
    return {"plan": None, "history": found, "previous_plan": None}


def followup_context(response: Response, language: str, retake_url: Callable[[str], str]) -> dict[str, Any]:
    """The follow-up parts of the profile page: the PDF's, and what only the page shows.
    `retake_url` makes the absolute address of a limited retake link from its token
    (the page's "Add to Google / Outlook" links carry one). Commits a new calendar link."""
    context = report_followup(response, language)
    history = context["history"]
    row = plan_row(response)
    calendar = None
    if row is not None and context["plan"] is not None:
        link = calendar_retake_link(response, row)
        calendar = web_calendar_links(context["plan"], language=language, tz_name=current_app.config["FOLLOW_UP_TIMEZONE"],
                                      retake_url=retake_url(link.token), link_works_until=link.works_until)
    return {
        **context,
        "plan_row": row,
        "may_tick": may_change_previous(response),
        "reminder": reminder_of(response),
        "calendar_links": calendar,
        "change_chart": charts.to_json(charts.change_chart(history)) if history else None,
        # To type when joining the coach's follow-up session (services/followup/linking.py).
        "follow_up_code": follow_up_code(response) if offers_follow_up_code(response) else None,
    }
