"""Which next steps to suggest: only from what is actually high.

A scale in the high band comes first (behaviours and the driver alike, highest
score first), then moderate ones; a low band never gives a suggestion. Within a
band the scales take turns, so that two high scales each get their first step
before either gets a second."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import zip_longest

from .profile import Profile, ScaleResult

SUGGESTING_BANDS = ("high", "moderate")


@dataclass(frozen=True)
class Suggestion:
    scale_id: str
    scale_name: str
    kind: str  # behaviour | driver
    band: str
    band_label: str
    score: int
    action: str


def suggested_steps(profile: Profile, limit: int = 3) -> tuple[Suggestion, ...]:
    steps: list[Suggestion] = []
    for band in SUGGESTING_BANDS:
        results = sorted(
            (r for r in profile.of_kind("behaviour", "driver") if r.band == band and r.score is not None and r.actions),
            key=lambda r: -(r.exact if r.exact is not None else r.score),
        )
        for turn in zip_longest(*(r.actions for r in results)):
            for result, action in zip(results, turn):
                if action is not None:
                    steps.append(_suggestion(result, action))
    return tuple(steps[:limit])


def _suggestion(result: ScaleResult, action: str) -> Suggestion:
    return Suggestion(result.scale_id, result.name, result.kind, result.band, result.band_label or "", result.score, action)


def discussion_order(scales) -> tuple[str, ...]:
    """Which scales a team discusses, in order: its highest behaviour (by median,
    then by how many are high), then the driver. `scales` are team summary rows
    with scale_id, kind, median and band_counts."""
    scored = [s for s in scales if s.median is not None]
    behaviours = sorted((s for s in scored if s.kind == "behaviour"),
                        key=lambda s: (-s.median, -s.band_counts.get("high", 0)))
    drivers = [s for s in scored if s.kind == "driver"]
    return tuple(s.scale_id for s in behaviours[:1] + drivers)
