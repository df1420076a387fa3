"""The coach's edition of one person's report: which scale to start the
conversation with, and where the person sits in the team. Pure: the web layer
decides who may see it (only a profile shared with this coach, never in an
anonymous workshop); this module only orders what the profile already says.

Where the person sits is told in bands only: the person's band beside how many
of those who shared fall in each band. No other person's score or name.

Where to start is the person's own "Where to start" (assessment/suggestions.py): the
coach and the person begin with the same scale, the driver included. (The walk: the
profile said start with the fear of seeming pushy, the coach's edition, reading only the
behaviours, said start with weak closing.)"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from .profile import Flag, Profile, ScaleResult
from .suggestions import suggested_steps


@dataclass(frozen=True)
class Placement:
    scale_id: str
    band: str | None  # the person's band; None when not scorable
    team_counts: Mapping[str, int]  # people per band among those who shared, the person included
    team_size: int


@dataclass(frozen=True)
class CoachGuide:
    start_with: ScaleResult | None  # the scale to open with: the profile's "Where to start"
    stands_out: bool  # False when nothing is high or moderate: start with what the person wants
    behaviours: tuple[ScaleResult, ...]  # in the order to talk about them, the start (if a behaviour) first
    driver: ScaleResult | None
    flags: tuple[Flag, ...]
    placements: tuple[Placement, ...]  # empty unless a named team is given


BAND_ORDER = {"high": 2, "moderate": 1, "low": 0}


def coach_guide(profile: Profile, team_scales: tuple | None = None, team_size: int = 0) -> CoachGuide:
    """`team_scales`: the named team's TeamScale rows (band counts of those who shared),
    or None for no placement at all."""
    behaviours = profile.of_kind("behaviour")
    order = tuple(sorted(
        (r for r in behaviours if r.score is not None),
        key=lambda r: (-BAND_ORDER.get(r.band or "", -1), -(r.exact if r.exact is not None else r.score)),
    )) + tuple(r for r in behaviours if r.score is None)
    first = next(iter(suggested_steps(profile, 1)), None)
    if first is not None:
        start = profile.scales[first.scale_id]
        order = tuple(r for r in order if r.scale_id == start.scale_id) + tuple(
            r for r in order if r.scale_id != start.scale_id)
    else:
        start = order[0] if order and order[0].score is not None else None
    drivers = profile.of_kind("driver")
    placements = ()
    if team_scales:
        placements = tuple(
            Placement(row.scale_id, profile.scales[row.scale_id].band if row.scale_id in profile.scales else None,
                      dict(row.band_counts), team_size)
            for row in team_scales
        )
    return CoachGuide(
        start_with=start,
        stands_out=first is not None,
        behaviours=order,
        driver=drivers[0] if drivers else None,
        flags=profile.flags,
        placements=placements,
    )
