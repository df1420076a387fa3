"""Reliability of a scale score and the standard error of measurement (SEM)
that gives every score its interval: SEM = SD × √(1 − reliability)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

SOURCES = ("provisional", "data")
# Two-sided 90 % interval of the normal distribution.
Z_90 = 1.6448536269514722


@dataclass(frozen=True)
class Reliability:
    value: float  # e.g. Cronbach's alpha, 0 < value < 1
    sd: float  # SD of the 0–100 scale score the SEM is computed with
    source: str  # "provisional" (instrument file) | "data" (stored responses)
    n: int | None = None  # responses behind a data estimate
    computed_on: date | None = None
    basis: str | None = None  # where a provisional value comes from

    def __post_init__(self):
        if not 0 < self.value < 1:
            raise ValueError(f"reliability {self.value} must be between 0 and 1")
        if not self.sd > 0:
            raise ValueError(f"score SD {self.sd} must be above 0")
        if self.source not in SOURCES:
            raise ValueError(f"reliability source {self.source!r} must be one of {SOURCES}")

    @property
    def sem(self) -> float:
        return self.sd * math.sqrt(1 - self.value)

    def to_dict(self) -> dict:
        return {
            "value": self.value,
            "sd": self.sd,
            "sem": round(self.sem, 2),
            "source": self.source,
            "n": self.n,
            "computed_on": self.computed_on.isoformat() if self.computed_on else None,
            "basis": self.basis,
        }
