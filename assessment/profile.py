"""A scored profile: what the scoring engine returns and every view shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

NOT_SCORABLE = "too_many_missing"


@dataclass(frozen=True)
class ScaleResult:
    scale_id: str
    kind: str
    name: str
    score: float | None  # 0–100, one decimal; None when not scorable
    band: str | None  # low | moderate | high
    answered: int
    of: int
    cut_points: tuple[float, float]
    band_label: str | None = None  # the band's name in the profile's language
    reason: str | None = None  # why score is None
    interpretation: str | None = None
    actions: tuple[str, ...] = ()

    @property
    def scorable(self) -> bool:
        return self.score is not None


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
                    "band": r.band,
                    "band_label": r.band_label,
                    "cut_points": list(r.cut_points),
                    "answered": r.answered,
                    "of": r.of,
                    "reason": r.reason,
                    "interpretation": r.interpretation,
                    "actions": list(r.actions),
                }
                for r in self.scales.values()
            },
            "flags": [{"id": f.id, "text": f.text, "detail": dict(f.detail)} for f in self.flags],
        }
