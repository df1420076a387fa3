"""A person's position in a frozen norm table of their instrument version and
language: "higher than 64 % of 412 salespeople who took it in Swedish"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from babel.dates import format_date


@dataclass(frozen=True)
class NormPosition:
    percent_below: int  # share of the norm group with a lower shown score
    n: int  # size of the norm group
    language: str  # the language the norm group answered in
    frozen_on: date

    def month(self, locale: str) -> str:
        return format_date(self.frozen_on, "LLLL yyyy", locale=locale)
