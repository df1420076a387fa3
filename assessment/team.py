"""Team summaries for workshops: counts, and per behaviour and driver the
median and how many fall in each band. Anonymous groups below
MIN_ANONYMOUS_GROUP completed profiles get counts only, never scores."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median
from typing import Sequence

from .instrument import BAND_IDS, Instrument
from .profile import Profile

MIN_ANONYMOUS_GROUP = 3


@dataclass(frozen=True)
class TeamScale:
    scale_id: str
    kind: str
    name: str
    cut_points: tuple[float, float]
    scores: tuple[float, ...]
    median: float | None
    band_counts: dict[str, int]
    not_scorable: int


@dataclass(frozen=True)
class TeamSummary:
    joined: int
    completed: int
    included: int  # profiles the charts are made of
    scales: tuple[TeamScale, ...]
    withheld: bool  # True: too few for an anonymous summary

    @property
    def in_progress(self) -> int:
        return self.joined - self.completed

    @property
    def scales_shown(self) -> bool:
        return bool(self.scales)

    def to_dict(self) -> dict:
        return {
            "joined": self.joined,
            "in_progress": self.in_progress,
            "completed": self.completed,
            "included": self.included,
            "withheld": self.withheld,
            "min_group": MIN_ANONYMOUS_GROUP,
            "scales": [
                {
                    "id": s.scale_id,
                    "kind": s.kind,
                    "name": s.name,
                    "median": s.median,
                    "band_counts": s.band_counts,
                    "not_scorable": s.not_scorable,
                    "cut_points": list(s.cut_points),
                }
                for s in self.scales
            ],
        }


def summarise_team(
    instrument: Instrument,
    profiles: Sequence[Profile],
    *,
    language: str,
    joined: int,
    completed: int,
    anonymous: bool,
) -> TeamSummary:
    """`profiles` are the completed profiles the coach may see in aggregate."""
    if anonymous and len(profiles) < MIN_ANONYMOUS_GROUP:
        return TeamSummary(joined, completed, 0, (), withheld=True)
    rows = []
    for scale in instrument.scales_of_kind("behaviour", "driver"):
        results = [p.scales[scale.id] for p in profiles if scale.id in p.scales]
        scores = tuple(sorted(r.score for r in results if r.score is not None))
        counts = {band: sum(1 for r in results if r.band == band) for band in BAND_IDS}
        rows.append(
            TeamScale(
                scale_id=scale.id,
                kind=scale.kind,
                name=scale.name[language],
                cut_points=scale.cut_points,
                scores=scores,
                median=round(median(scores), 1) if scores else None,
                band_counts=counts,
                not_scorable=sum(1 for r in results if r.score is None),
            )
        )
    return TeamSummary(joined, completed, len(profiles), tuple(rows), withheld=False)
