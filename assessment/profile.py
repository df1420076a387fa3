"""A scored profile: what the scoring engine returns and every view shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from .reliability import Reliability, RetestReliability

# Why a scale has no score: fewer than two thirds of its items have a 1–5
# answer, because questions were left out or answered "does not apply".
NOT_SCORABLE = "too_many_missing"
TOO_MANY_NOT_APPLICABLE = "too_many_not_applicable"


@dataclass(frozen=True)
class ScaleResult:
    scale_id: str
    kind: str
    name: str
    score: int | None  # the shown score, 0–100; None when not scorable
    band: str | None  # low | moderate | high, from the shown score
    answered: int  # items with a 1–5 answer
    of: int
    cut_points: tuple[float, float]
    band_label: str | None = None  # the band's name in the profile's language
    reason: str | None = None  # why score is None
    interpretation: str | None = None
    actions: tuple[str, ...] = ()
    exact: float | None = None  # the unrounded score
    interval: tuple[int, int] | None = None  # 90 %: exact ± 1.645 SEM, within 0–100
    # "Near the boundary": a neighbouring band is at least NEAR_BOUNDARY_PROBABILITY likely
    # (scoring.py) to hold the true score; the two bands of that boundary.
    near_cut: bool = False
    near_boundary: tuple[str, str] | None = None
    # How likely each band is to hold the true score, given the reliability (behaviours, driver).
    band_probabilities: Mapping[str, float] | None = None
    sem: float | None = None  # of this score: from the answered items (Spearman–Brown)
    reliability: Reliability | None = None
    not_applicable: int = 0  # items answered "does not apply"
    needed: int = 0  # 1–5 answers needed for a score
    band_limits: tuple[tuple[int, int], ...] = ()
    retest: RetestReliability | None = None  # the scale's retest reliability, for reliable change


@dataclass(frozen=True)
class Flag:
    id: str
    text: str
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Profile:
    instrument_id: str
    instrument_version: str
    language: str
    respondent: str | None
    scales: Mapping[str, ScaleResult]  # in instrument order
    flags: tuple[Flag, ...]

    def of_kind(self, *kinds: str) -> tuple[ScaleResult, ...]:
        return tuple(r for r in self.scales.values() if r.kind in kinds)

    @property
    def flag_ids(self) -> tuple[str, ...]:
        return tuple(f.id for f in self.flags)

    def to_dict(self) -> dict[str, Any]:
        return {
            "instrument": {"id": self.instrument_id, "version": self.instrument_version},
            "language": self.language,
            "respondent": self.respondent,
            "bands_are": "provisional criterion bands, not norms",
            "scales": {
                r.scale_id: {
                    "kind": r.kind,
                    "name": r.name,
                    "score": r.score,
                    "exact": r.exact,
                    "interval": list(r.interval) if r.interval else None,
                    "near_cut": r.near_cut,
                    "near_boundary": list(r.near_boundary) if r.near_boundary else None,
                    "band_probabilities": (
                        {b: round(p, 3) for b, p in r.band_probabilities.items()} if r.band_probabilities else None
                    ),
                    "sem": round(r.sem, 2) if r.sem is not None else None,
                    "reliability": r.reliability.to_dict() if r.reliability else None,
                    "band": r.band,
                    "band_label": r.band_label,
                    "cut_points": list(r.cut_points),
                    "band_limits": [list(b) for b in r.band_limits],
                    "answered": r.answered,
                    "not_applicable": r.not_applicable,
                    "of": r.of,
                    "reason": r.reason,
                    "interpretation": r.interpretation,
                    "actions": list(r.actions),
                }
                for r in self.scales.values()
            },
            "flags": [{"id": f.id, "text": f.text, "detail": dict(f.detail)} for f in self.flags],
        }
