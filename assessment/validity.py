"""Validity flags: signs that a protocol may be careless or polished. They are
shown beside the scores and never change them. Thresholds are data, set in the
instrument's validity rules from the simulation harness (`flask simulate`) and
documented in questions/README.md."""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from statistics import median
from typing import Mapping, Sequence

import numpy as np

from .instrument import ExpectedAnswers, Instrument, expected_covariance
from .profile import Flag

# The distance needs most of the questionnaire: with few answers it says little.
MIN_SHARE_FOR_DISTANCE = 2 / 3


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


def identical_share(answers: Mapping[str, int]) -> float:
    """The share of answers given the most common answer (1–5), over every answered item."""
    if not answers:
        return 0.0
    return Counter(answers.values()).most_common(1)[0][1] / len(answers)


def pages_faster_than(item_seconds: Sequence[float], seconds: float) -> int:
    return sum(1 for s in item_seconds if s < seconds)


@lru_cache(maxsize=16)
def _reference(expected: ExpectedAnswers, item_scales: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    means, covariance = expected_covariance(expected, item_scales)
    return means, covariance, np.linalg.inv(covariance)


def mahalanobis_per_item(instrument: Instrument, answers: Mapping[str, int]) -> float | None:
    """Squared Mahalanobis distance of the keyed answers from the pattern expected of an
    honest respondent, divided by the number of answered items (about 1 when honest).
    None when too few items are answered for the distance to mean anything."""
    items = instrument.items
    answered = [k for k, item in enumerate(items) if item.id in answers]
    if not answered or len(answered) < MIN_SHARE_FOR_DISTANCE * len(items):
        return None
    means, covariance, precision = _reference(instrument.validity.expected_answers, tuple(i.scale_id for i in items))
    keyed = np.array([6 - answers[items[k].id] if items[k].reverse else answers[items[k].id] for k in answered], float)
    if len(answered) == len(items):
        deviation = keyed - means
        return float(deviation @ precision @ deviation) / len(items)
    # Some items unanswered: the distance within the answered items' own covariance.
    deviation = keyed - means[answered]
    return float(deviation @ np.linalg.solve(covariance[np.ix_(answered, answered)], deviation)) / len(answered)


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
    share = identical_share(answers)
    if run >= rules.straight_lining_run or share >= rules.straight_lining_share:
        fired.append(
            (
                "straight_lining",
                {
                    "longest_run": run,
                    "run_threshold": rules.straight_lining_run,
                    "identical_share": round(share, 3),
                    "share_threshold": rules.straight_lining_share,
                },
            )
        )

    if item_seconds:
        seconds = median(item_seconds)
        fast_pages = pages_faster_than(item_seconds, rules.too_fast_page_seconds_per_item)
        if seconds < rules.too_fast_seconds_per_item or fast_pages >= rules.too_fast_pages:
            fired.append(
                (
                    "too_fast",
                    {
                        "median_seconds_per_item": round(seconds, 2),
                        "threshold": rules.too_fast_seconds_per_item,
                        "fast_pages": fast_pages,
                        "page_threshold": rules.too_fast_page_seconds_per_item,
                        "pages_needed": rules.too_fast_pages,
                    },
                )
            )

    if impression_management_band == "high":
        fired.append(("impression_management_high", {}))

    distance = mahalanobis_per_item(instrument, answers)
    if distance is not None and distance >= rules.inconsistent_distance:
        fired.append(
            ("inconsistent", {"distance_per_item": round(distance, 2), "threshold": rules.inconsistent_distance})
        )

    return tuple(
        Flag(id=flag_id, text=rules.flag_texts[flag_id][language], detail=detail)
        for flag_id, detail in fired
    )
