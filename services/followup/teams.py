"""A workshop's follow-up session: creating it, and what the coach sees of
before and after. Group figures come only from team_of() (the anonymity rules);
per-person change only in named workshops, for people who shared both times."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from assessment.followup import (
    PersonChange,
    TeamScaleChange,
    person_change,
    team_comparison,
)
from assessment.team import TeamSummary
from services.db import db
from services.followup.linking import linkable_takes
from services.models import Retake, Workshop, WorkshopFacilitator
from services.responses import profiles_of
from services.workshops import shared_responses, team_of, unused_join_code


@dataclass(frozen=True)
class BeforeAfter:
    earlier: Workshop
    before: TeamSummary
    after: TeamSummary
    scales: tuple[TeamScaleChange, ...]
    people: tuple[PersonChange, ...]  # named workshops only


def create_follow_up(workshop: Workshop, title: str, held_on: date) -> Workshop:
    """A follow-up session of this workshop, with a join code of its own and its coaches. Commits."""
    follow_up = Workshop(
        coach_id=workshop.coach_id, title=title[:200], held_on=held_on, language=workshop.language,
        privacy_mode=workshop.privacy_mode, join_code=unused_join_code(), follow_up_of_id=workshop.id,
    )
    db.session.add(follow_up)
    db.session.flush()
    # The owner's, whoever of its coaches made it; its co-facilitators run it too.
    for coach_id in db.session.scalars(select(WorkshopFacilitator.coach_id).where(WorkshopFacilitator.workshop_id == workshop.id)):
        db.session.add(WorkshopFacilitator(workshop_id=follow_up.id, coach_id=coach_id))
    db.session.commit()
    return follow_up


def earlier_session(workshop: Workshop) -> Workshop | None:
    if workshop.follow_up_of_id is None:
        return None
    earlier = db.session.get(Workshop, workshop.follow_up_of_id)
    return earlier if earlier is not None and earlier.coach_id == workshop.coach_id else None


def follow_ups_of(workshop: Workshop) -> list[Workshop]:
    return list(db.session.scalars(select(Workshop).where(Workshop.follow_up_of_id == workshop.id).order_by(Workshop.id)))


def before_after(workshop: Workshop, language: str, after: TeamSummary | None = None) -> BeforeAfter | None:
    earlier = earlier_session(workshop)
    if earlier is None:
        return None
    before, _ = team_of(earlier, language)
    if after is None:
        after, _ = team_of(workshop, language)
    people = _matched_people(earlier, workshop, language) if workshop.named and earlier.named else ()
    return BeforeAfter(earlier, before, after, team_comparison(before, after), people)


def _matched_people(earlier: Workshop, workshop: Workshop, language: str) -> tuple[PersonChange, ...]:
    """Participants of the follow-up who joined with their earlier private link and shared both times."""
    now = shared_responses(workshop)
    then = {r.id: r for r in linkable_takes(workshop)}  # the one linking rule
    previous = dict(db.session.execute(
        select(Retake.response_id, Retake.previous_id).where(Retake.response_id.in_([r.id for r in now]))
    ).all()) if now else {}
    # One row per person: if the same earlier link was pasted twice, the latest take stands for them.
    latest = {previous[r.id]: r for r in sorted(now, key=lambda r: r.id) if previous.get(r.id) in then}
    pairs = [(then[earlier_id], r) for earlier_id, r in latest.items()]
    profiles = profiles_of([p for pair in pairs for p in pair], language)
    return tuple(
        person_change(new.respondent_name or "–", profiles[old.id], profiles[new.id]) for old, new in pairs
    )
