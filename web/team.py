"""The team of a workshop, as the coach may see it: counts, the summary the
privacy mode allows, and in named mode the grid of those who shared."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from assessment.team import TeamSummary, summarise_team

from .extensions import db, instrument_bank
from .models import Response, Workshop
from .responses import profiles_of


@dataclass(frozen=True)
class GridRow:
    response_id: int
    name: str
    scores: dict[str, tuple[float | None, str | None]]  # scale id -> (score, band)


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


def completed_responses(workshop: Workshop) -> list[Response]:
    return list(
        db.session.scalars(
            select(Response).where(Response.workshop_id == workshop.id, Response.completed_at.is_not(None)).order_by(Response.id)
        )
    )


def team_of(workshop: Workshop, language: str) -> tuple[TeamSummary, list[GridRow]]:
    joined, completed = db.session.execute(
        select(func.count(Response.id), func.count(Response.completed_at)).where(Response.workshop_id == workshop.id)
    ).one()
    # Anonymous: everyone completed counts in the totals. Named: the charts are
    # made of those who shared, so nobody's scores reach the coach without consent.
    included = completed_responses(workshop) if not workshop.named else shared_responses(workshop)
    scored = profiles_of(included, language)
    profiles = [(r, scored[r.id]) for r in included]
    summary = summarise_team(
        instrument_bank().current,
        [p for _, p in profiles],
        language=language,
        joined=joined,
        completed=completed,
        anonymous=not workshop.named,
    )
    grid = [
        GridRow(
            response_id=r.id,
            name=r.respondent_name or "–",
            scores={s.scale_id: (s.score, s.band) for s in p.of_kind("behaviour", "driver")},
        )
        for r, p in profiles
    ] if workshop.named else []
    return summary, grid
