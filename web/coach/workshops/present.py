"""The presenter view: a full-screen deck for the projector. It shows only
what the team view may show (team_of), never a name or a grid."""

from __future__ import annotations

from flask import render_template, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from assessment.suggestions import discussion_order
from services.followup.teams import follow_ups_of
from services.instruments import instrument_bank
from services.workshops import team_of

from ...common.links import absolute_url
from ...language import language_arg, language_choices, language_for_file_only
from .blueprint import bp, join_url, owned_workshop, size_words, team_chart

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
        "chart": team_chart(summary, language),
        "discussion": discussion_order(summary.scales),
    }


def _follow_up_date(workshop):
    """The date of the workshop's follow-up session, if the coach has set one up."""
    sessions = follow_ups_of(workshop)
    return sessions[0].held_on if sessions else None


def room_language(workshop) -> str:
    """The room's language: the workshop's, unless the presenter's switch (?lang=) asks
    for another. It is the projector's only: the coach's own pages keep theirs."""
    language_for_file_only()
    return language_arg(workshop.language)


@bp.get("/workshops/<int:workshop_id>/present")
@login_required
def present(workshop_id: int):
    workshop = owned_workshop(workshop_id)
    language = room_language(workshop)
    with force_locale(language):
        deck = _deck(workshop, language)
        return render_template(
            "coach/workshops/present.html", workshop=workshop, join_url=join_url(workshop),
            join_base=absolute_url("join.enter_code"), prompts=PROMPTS, generic_prompts=GENERIC_PROMPTS,
            timer_minutes=TIMER_MINUTES, scales=instrument_bank().current.scales_of_kind("behaviour", "driver"),
            follow_up_on=_follow_up_date(workshop), size=size_words(deck["summary"]),
            room_languages=[(choice, url_for("workshops.present", workshop_id=workshop.id, lang=choice.value))
                            for choice in language_choices()],
            json_url=url_for("workshops.present_json", workshop_id=workshop.id, lang=language), **deck,
        )


@bp.get("/workshops/<int:workshop_id>/present.json")
@login_required
def present_json(workshop_id: int):
    workshop = owned_workshop(workshop_id)
    language = room_language(workshop)
    with force_locale(language):
        deck = _deck(workshop, language)
        size = size_words(deck["summary"])
    summary = deck["summary"]
    return {
        "joined": summary.joined,
        "completed": size["value"],
        "size": size,
        "withheld": summary.withheld,
        "included": summary.included,
        "scales": [
            {"id": s.scale_id, "median": s.median, "band_counts": dict(s.band_counts)} for s in summary.scales
        ],
        "chart": deck["chart"],
        "discussion": list(deck["discussion"]),
    }
