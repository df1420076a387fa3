"""The presenter view: a full-screen deck for the projector. It shows only
what the team view may show (team_of), never a name or a grid."""

from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from assessment.suggestions import discussion_order
from reports import charts

from ...common.links import absolute_url
from ...extensions import instrument_bank
from ...language import current_language
from ...team import team_of
from ...team_followup import follow_ups_of
from .blueprint import bp, join_url, owned_workshop

# Discussion prompts per scale: questions a group can talk about without anyone
# having to say their own score.
PROMPTS = {
    "postponing_contact": (
        _l("Think of a call you put off recently. What reason did you give yourself – and what would have happened if you'd made it?"),
        _l("What does a “bad time” to call look like in our market? How often is it really bad?"),
    ),
    "weak_close": (
        _l("How do you end a good meeting? Say your last sentence out loud."),
        _l("What stops us from proposing a dated next step before we leave the room?"),
    ),
    "abandoned_follow_up": (
        _l("How many times do you follow up a quote before you let it go? Where does that number come from?"),
        _l("What could a fourth follow-up say that isn't “just checking in”?"),
    ),
    "fear_of_pushiness": (
        _l("Where does “pushy” begin for you – and where does “clear” end?"),
        _l("Which of your customers would thank you for being more direct?"),
    ),
}
GENERIC_PROMPTS = (
    _l("Where did you see yourself in these questions?"),
    _l("What's one small thing you could try this week?"),
)
TIMER_MINUTES = (3, 5, 10)


def _deck(workshop, language):
    summary, _grid = team_of(workshop, language)
    return {
        "summary": summary,
        "chart": charts.to_json(charts.team_distribution_chart(summary, instrument_bank().current, language)) if summary.included else None,
        "discussion": discussion_order(summary.scales),
    }


def _follow_up_date(workshop):
    """The date of the workshop's follow-up session, if the coach has set one up."""
    sessions = follow_ups_of(workshop)
    return sessions[0].held_on if sessions else None


@bp.get("/workshops/<int:workshop_id>/present")
@login_required
def present(workshop_id: int):
    workshop = owned_workshop(workshop_id)
    language = current_language()
    deck = _deck(workshop, language)
    return render_template(
        "coach/workshops/present.html", workshop=workshop, join_url=join_url(workshop),
        join_base=absolute_url("join.enter_code"), prompts=PROMPTS, generic_prompts=GENERIC_PROMPTS,
        timer_minutes=TIMER_MINUTES, scales=instrument_bank().current.scales_of_kind("behaviour", "driver"), follow_up_on=_follow_up_date(workshop), **deck,
    )


@bp.get("/workshops/<int:workshop_id>/present.json")
@login_required
def present_json(workshop_id: int):
    workshop = owned_workshop(workshop_id)
    deck = _deck(workshop, current_language())
    summary = deck["summary"]
    return {
        "joined": summary.joined,
        "completed": str(summary.completed),
        "withheld": summary.withheld,
        "included": summary.included,
        "scales": [
            {"id": s.scale_id, "median": s.median, "band_counts": dict(s.band_counts)} for s in summary.scales
        ],
        "chart": deck["chart"],
        "discussion": list(deck["discussion"]),
    }
