"""The team of a workshop, as the coach may see it. Every page, PDF, CSV and
JSON that shows a coach something about a group goes through team_of(); the
rules themselves are in assessment/team.py."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select, update

from assessment.team import TeamRelease, TeamSummary, release_due, release_of, summarise_team

from .extensions import db, instrument_bank
from .models import Response, Workshop
from .responses import profiles_of


@dataclass(frozen=True)
class GridRow:
    response_id: int
    name: str
    # scale id -> (score, band, 90 % interval, near a band boundary)
    scores: dict[str, tuple[int | None, str | None, tuple[int, int] | None, bool]]


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
    """The stored snapshot, replaced by a new one once min_group have completed since."""
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
