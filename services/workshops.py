"""Workshops and their teams. The team of a workshop, as the coach may see it:
every page, PDF, CSV and JSON that shows a coach something about a group goes
through team_of(); the rules themselves are in assessment/team.py. Join codes:
six characters from an alphabet without look-alikes (no 0/O, 1/I/L, 2/Z, 5/S,
8/B), read aloud or off a projector without doubt.

Who may run a workshop: its owner, and the coach accounts it is shared with
(co-facilitators, WorkshopFacilitator). workshop_for() is the one gate every coach route
passes; deleting a workshop and sharing it on are the owner's alone."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone

from flask import current_app
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from assessment.team import (
    TeamRelease,
    TeamSummary,
    release_due,
    release_of,
    summarise_team,
)
from services.accounts import find_coach
from services.db import db
from services.instruments import instrument_bank
from services.models import Coach, Response, Workshop, WorkshopFacilitator
from services.responses import profiles_of

ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
LENGTH = 6


@dataclass(frozen=True)
class GridRow:
    response_id: int
    name: str
    # scale id -> (score, band, 90 % interval, near a band boundary)
    scores: dict[str, tuple[int | None, str | None, tuple[int, int] | None, bool]]


class NotYours(LookupError):
    """No workshop this coach may see (the web answers 404: nothing said about others')."""


class OwnerOnly(PermissionError):
    """A co-facilitator asked for what only the owner may do (the web answers 403)."""


class SharingError(ValueError):
    """A workshop could not be shared with that address; `reason` says why ("no account",
    "own account", "already shared"): the page says it in the coach's language."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _facilitates(coach_id: int):
    return select(WorkshopFacilitator.workshop_id).where(WorkshopFacilitator.coach_id == coach_id)


def workshop_for(coach_id: int, workshop_id: int, *, owner_only: bool = False) -> Workshop:
    """The workshop if this coach owns it or it is shared with them; NotYours otherwise.
    owner_only: a co-facilitator gets OwnerOnly (they know the workshop exists; a stranger does not)."""
    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None:
        raise NotYours(workshop_id)
    if workshop.coach_id == coach_id:
        return workshop
    shared = db.session.get(WorkshopFacilitator, (workshop.id, coach_id)) is not None
    if not shared:
        raise NotYours(workshop_id)
    if owner_only:
        raise OwnerOnly(workshop_id)
    return workshop


def workshops_of(coach_id: int) -> list[Workshop]:
    """Workshops this coach owns or co-facilitates, latest first."""
    return list(db.session.scalars(
        select(Workshop).where(or_(Workshop.coach_id == coach_id, Workshop.id.in_(_facilitates(coach_id))))
        .order_by(Workshop.held_on.desc(), Workshop.id.desc())))


def co_facilitators(workshop: Workshop) -> list[Coach]:
    return list(db.session.scalars(
        select(Coach).join(WorkshopFacilitator, WorkshopFacilitator.coach_id == Coach.id)
        .where(WorkshopFacilitator.workshop_id == workshop.id).order_by(Coach.email)))


def share_workshop(workshop: Workshop, email: str) -> Coach:
    """Share the workshop (and its follow-up sessions) with the coach account with this
    address. SharingError when there is none, it is the owner's, or it already has it. Commits."""
    coach = find_coach(email or "")
    if coach is None:
        raise SharingError("no account")
    if coach.id == workshop.coach_id:
        raise SharingError("own account")
    if db.session.get(WorkshopFacilitator, (workshop.id, coach.id)) is not None:
        raise SharingError("already shared")
    for session in [workshop, *db.session.scalars(select(Workshop).where(Workshop.follow_up_of_id == workshop.id))]:
        if db.session.get(WorkshopFacilitator, (session.id, coach.id)) is None:
            db.session.add(WorkshopFacilitator(workshop_id=session.id, coach_id=coach.id))
    try:
        db.session.commit()
    except IntegrityError:  # the same share sent twice at once: the other request stored it
        db.session.rollback()
        raise SharingError("already shared") from None
    return coach


def unshare_workshop(workshop: Workshop, coach_id: int) -> bool:
    """The co-facilitator no longer sees the workshop or its follow-up sessions. Commits;
    whether it was shared with that coach at all."""
    sessions = select(Workshop.id).where(or_(Workshop.id == workshop.id, Workshop.follow_up_of_id == workshop.id))
    removed = db.session.execute(delete(WorkshopFacilitator).where(
        WorkshopFacilitator.coach_id == coach_id, WorkshopFacilitator.workshop_id.in_(sessions)))
    db.session.commit()
    return removed.rowcount > 0


def shared_responses(workshop: Workshop) -> list[Response]:
    """Completed responses whose owners chose to share them (named mode only)."""
    if not workshop.named:
        return []
    return list(
        db.session.scalars(
            select(Response)
            .where(Response.workshop_id == workshop.id, Response.completed_at.is_not(None), Response.share_with_coach.is_(True))
            .order_by(Response.respondent_name, Response.id)
        )
    )


def _in_anonymous_totals(workshop: Workshop):
    # Paper forms stay out: the coach has read them, and with known answers in
    # the group the totals would give away the one unknown participant.
    return (Response.workshop_id == workshop.id, Response.completed_at.is_not(None), Response.source != "paper")


def team_of(workshop: Workshop, language: str) -> tuple[TeamSummary, list[GridRow]]:
    instrument = instrument_bank().current
    min_group = current_app.config["ANONYMOUS_MIN_GROUP"]
    if workshop.named:
        joined, completed = db.session.execute(
            select(func.count(Response.id), func.count(Response.completed_at)).where(Response.workshop_id == workshop.id)
        ).one()
        included = shared_responses(workshop)
        scored = profiles_of(included, language)
        summary = summarise_team(
            instrument, release_of(instrument, [scored[r.id] for r in included], anonymous=False),
            language=language, joined=joined, completed=completed, anonymous=False, min_group=min_group,
        )
        grid = [
            GridRow(r.id, r.respondent_name or "–",
                    {s.scale_id: (s.score, s.band, s.interval, s.near_cut)
                     for s in scored[r.id].of_kind("behaviour", "driver")})
            for r in included
        ]
        return summary, grid

    web = Response.source != "paper"
    joined, completed, paper = db.session.execute(
        select(
            func.count(Response.id).filter(web),
            func.count(Response.completed_at).filter(web),
            func.count(Response.id).filter(Response.source == "paper"),
        ).where(Response.workshop_id == workshop.id)
    ).one()
    release = _current_release(workshop, min_group)
    summary = summarise_team(instrument, release, language=language, joined=joined, completed=completed,
                             anonymous=True, min_group=min_group, paper=paper)
    return summary, []


def _current_release(workshop: Workshop, min_group: int) -> TeamRelease | None:
    """The stored snapshot, replaced by a new one once min_group have completed since
    (docs/decisions/0011-anonymous-team-results-in-release-steps.md)."""
    since = workshop.team_released_through
    new = db.session.scalar(
        select(func.count(Response.id)).where(
            *_in_anonymous_totals(workshop), *([Response.completed_at > since] if since is not None else [])
        )
    )
    if release_due(new, min_group):
        included = list(db.session.scalars(select(Response).where(*_in_anonymous_totals(workshop))))
        profiles = profiles_of(included, "en")
        release = release_of(instrument_bank().current, list(profiles.values()), anonymous=True)
        through = max(r.completed_at for r in included)
        # Only the first of two simultaneous polls stores its release, so no two
        # snapshots a coach can see differ by fewer than min_group people.
        stored = db.session.execute(
            update(Workshop)
            .where(Workshop.id == workshop.id,
                   Workshop.team_released_through.is_(None) if since is None else Workshop.team_released_through == since)
            .values(team_release=release.to_json(), team_released_through=through)
        ).rowcount
        db.session.commit()
        if not stored:
            db.session.refresh(workshop)
    return TeamRelease.from_json(workshop.team_release) if workshop.team_release else None


def new_join_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise_join_code(text: str) -> str | None:
    """The code as stored, or None if it cannot be one. Case, spaces and dashes are ignored."""
    code = re.sub(r"[\s\-]+", "", text or "").upper()
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def workshop_by_code(text: str) -> Workshop | None:
    """The workshop a participant's typed or linked code names, or None (no such code, or not one)."""
    code = normalise_join_code(text)
    return db.session.scalar(select(Workshop).where(Workshop.join_code == code)) if code else None


def create_workshop(coach_id: int, title: str, held_on, language: str, privacy_mode: str) -> Workshop:
    """A new workshop of this coach with an unused join code. Commits."""
    workshop = Workshop(coach_id=coach_id, title=title.strip(), held_on=held_on, language=language,
                        privacy_mode=privacy_mode, join_code=unused_join_code())
    db.session.add(workshop)
    db.session.commit()
    return workshop


def set_closed(workshop: Workshop, closed: bool) -> None:
    """Close the workshop to new participants (now), or open it again. Commits."""
    workshop.closed_at = datetime.now(timezone.utc) if closed else None
    db.session.commit()


def paper_forms_keyed(workshop: Workshop) -> int:
    """How many paper questionnaires have been keyed in for this workshop."""
    return db.session.scalar(select(func.count(Response.id)).where(Response.workshop_id == workshop.id,
                                                                   Response.source == "paper"))


def unused_join_code() -> str:
    while True:
        code = new_join_code()
        if db.session.scalar(select(Workshop.id).where(Workshop.join_code == code)) is None:
            return code
