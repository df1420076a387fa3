"""Validity flags: signs that a protocol may be careless or polished. They are
shown beside the scores and never change them. Thresholds are data, set in the
instrument's validity rules and documented in questions/README.md."""

from __future__ import annotations

from statistics import median
from typing import Mapping, Sequence

from .instrument import Instrument
from .profile import Flag


def longest_identical_run(instrument: Instrument, answers: Mapping[str, int]) -> int:
    """Longest run of identical answers in presentation order; an unanswered item breaks a run."""
    longest = run = 0
    previous = None
    for item in instrument.items:
        value = answers.get(item.id)
        if value is None:
            run, previous = 0, None
            continue
        run = run + 1 if value == previous else 1
        previous = value
        longest = max(longest, run)
    return longest


def inconsistent_pairs(instrument: Instrument, answers: Mapping[str, int]) -> list[tuple[str, str]]:
    distance = instrument.validity.inconsistent_distance
    return [
        (a, b)
        for a, b in instrument.validity.consistency_pairs
        if a in answers and b in answers and abs(answers[a] - answers[b]) >= distance
    ]


def validity_flags(
    instrument: Instrument,
    answers: Mapping[str, int],
    item_seconds: Sequence[float],
    *,
    impression_management_band: str | None,
    language: str,
) -> tuple[Flag, ...]:
    rules = instrument.validity
    fired: list[tuple[str, dict]] = []

    run = longest_identical_run(instrument, answers)
    if run >= rules.straight_lining_run:
        fired.append(("straight_lining", {"longest_run": run, "threshold": rules.straight_lining_run}))

    if item_seconds:
        seconds = median(item_seconds)
        if seconds < rules.too_fast_seconds_per_item:
            fired.append(
                (
                    "too_fast",
                    {
                        "median_seconds_per_item": round(seconds, 2),
                        "threshold": rules.too_fast_seconds_per_item,
                    },
                )
            )

    if impression_management_band == "high":
        fired.append(("impression_management_high", {}))

    pairs = inconsistent_pairs(instrument, answers)
    if len(pairs) >= rules.inconsistent_min_pairs:
        fired.append(("inconsistent", {"pairs": [list(p) for p in pairs]}))

    return tuple(
        Flag(id=flag_id, text=rules.flag_texts[flag_id][language], detail=detail)
        for flag_id, detail in fired
    )
