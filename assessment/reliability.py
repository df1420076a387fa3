"""Reliability of a scale score and the standard error of measurement (SEM)
that gives every score its interval: SEM = SD × √(1 − reliability)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

SOURCES = ("provisional", "data")
# No statistic from stored answers (an item analysis, a data-based reliability, a norm
# position) is shown about fewer people than this.
MIN_N = 30
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


def spearman_brown(reliability: float, factor: float) -> float:
    """The reliability of a scale lengthened (factor > 1) or shortened (factor < 1) with parallel
    items: ρ' = f·ρ / (1 + (f − 1)·ρ) (Spearman 1910; Brown 1910)."""
    return factor * reliability / (1 + (factor - 1) * reliability)


def sem_for_answered(reliability: Reliability, answered: int, of: int) -> float:
    """The SEM of a score made of `answered` of the scale's `of` items: the reliability shortened by
    Spearman–Brown, the true-score variance unchanged (σ²_T = ρ·SD²), so SEM² = σ²_T·(1 − ρ')/ρ'.
    With every item answered this is the scale's SEM; with 6 of 8 it is √(8/6) times larger."""
    if answered >= of:
        return reliability.sem
    shortened = spearman_brown(reliability.value, answered / of)
    true_variance = reliability.value * reliability.sd**2
    return math.sqrt(true_variance * (1 - shortened) / shortened)


@dataclass(frozen=True)
class RetestReliability:
    """How a scale's scores hold from one take to the next when nothing has changed: the retest
    correlation and the population mean and SD the regression to the mean goes towards. Provisional
    (from the instrument file, with its basis) until stored retakes give one (`source: data`)."""

    value: float  # retest correlation r12, 0 < r < 1
    mean: float  # population mean of the 0–100 score
    sd: float  # population SD of the 0–100 score
    source: str  # "provisional" | "data"
    basis: str | None = None
    n: int | None = None  # retake pairs behind a data estimate

    def __post_init__(self):
        if not 0 < self.value < 1:
            raise ValueError(f"retest reliability {self.value} must be between 0 and 1")
        if not self.sd > 0:
            raise ValueError(f"score SD {self.sd} must be above 0")
        if self.source not in SOURCES:
            raise ValueError(f"retest reliability source {self.source!r} must be one of {SOURCES}")

    def to_dict(self) -> dict:
        return {"value": self.value, "mean": self.mean, "sd": self.sd, "source": self.source,
                "basis": self.basis, "n": self.n}
