"""What the profile page and the PDF show of the follow-up: the plan, and after a retake
the comparison with the earlier takes."""

from __future__ import annotations

from typing import Any

from reports import charts

from .models import Response
from .plans import plan_of, plan_row, reminder_of
from .retakes import history_of


def followup_context(response: Response, language: str) -> dict[str, Any]:
    found = history_of(response, language)
    history, chain = found if found else (None, [])
    previous = chain[-2] if chain else None
    return {
        "plan": plan_of(response),
        "plan_row": plan_row(response),
        "reminder": reminder_of(response),
        "history": history,
        "previous_plan": plan_of(previous) if previous is not None else None,
        "change_chart": charts.to_json(charts.change_chart(history)) if history else None,
    }


def report_followup(response: Response, language: str) -> dict[str, Any]:
    """The follow-up parts of the PDF report (see reports.pdf.ProfileReport)."""
    found = history_of(response, language)
    history, chain = found if found else (None, [])
    return {
        "plan": plan_of(response),
        "history": history,
        "previous_plan": plan_of(chain[-2]) if chain else None,
    }
