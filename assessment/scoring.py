"""Scoring: per scale, a 0–100 score, its band, a 90 % interval from the
standard error of measurement, and the interpretation in the respondent's
language. Deterministic and exact: means are kept as fractions, and the band
follows the shown (integer) score, so a score and its band never disagree."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Mapping

from .answers import AnswerSet
from .instrument import BAND_IDS, Instrument, Scale
from .profile import NOT_SCORABLE, TOO_MANY_NOT_APPLICABLE, Profile, ScaleResult
from .reliability import Z_90, Reliability
from .validity import validity_flags

# A scale is scored when at least this share of its items has a 1–5 answer.
MIN_ANSWERED_SHARE = Fraction(2, 3)
HIGHEST = 5


def item_value(answer: int, reverse: bool) -> int:
    return 6 - answer if reverse else answer


def needed_answers(scale: Scale) -> int:
    return math.ceil(MIN_ANSWERED_SHARE * len(scale.items))


def exact_score(scale: Scale, answers: Mapping[str, int]) -> tuple[Fraction | None, int]:
    """The 0–100 score as an exact fraction (None if not scorable), and how many items were answered."""
    values = [item_value(answers[i.id], i.reverse) for i in scale.items if i.id in answers]
    if not values or len(values) < needed_answers(scale):
        return None, len(values)
    if scale.scoring == "extreme":
        return Fraction(sum(1 for v in values if v == HIGHEST), len(values)) * 100, len(values)
    mean = Fraction(sum(values), len(values))
    return (mean - 1) / 4 * 100, len(values)


def shown_score(exact: Fraction | float) -> int:
    """Round half up (never to even): 62.5 shows as 63 and is high."""
    return math.floor(Fraction(exact) + Fraction(1, 2))


def band_for(scale: Scale, score: Fraction | int) -> str:
    moderate_from, high_from = (Fraction(str(c)) for c in scale.cut_points)
    if score >= high_from:
        return "high"
    if score >= moderate_from:
        return "moderate"
    return "low"


def interval_for(exact: Fraction, sem: float) -> tuple[int, int]:
    """The 90 % interval, exact ± 1.645 SEM, clamped to 0–100 and shown as integers."""
    half = Z_90 * sem
    return (shown_score(max(0.0, float(exact) - half)), shown_score(min(100.0, float(exact) + half)))


def crossed_boundary(scale: Scale, exact: Fraction, interval: tuple[int, int]) -> tuple[str, str] | None:
    """The band boundary the interval crosses (the one nearest the score), or None."""
    low, high = interval
    crossed = [
        (abs(float(exact) - (start - 0.5)), (BAND_IDS[k], BAND_IDS[k + 1]))
        for k, (start, _) in enumerate(scale.band_limits[1:])
        if low < start <= high
    ]
    return min(crossed)[1] if crossed else None


def score_scale(
    scale: Scale,
    answers: Mapping[str, int],
    language: str,
    band_labels: Mapping[str, Mapping[str, str]],
    *,
    not_applicable: frozenset[str] = frozenset(),
    reliability: Reliability | None = None,
) -> ScaleResult:
    exact, answered = exact_score(scale, answers)
    reliability = reliability or scale.reliability
    common = dict(
        scale_id=scale.id,
        kind=scale.kind,
        name=scale.name[language],
        answered=answered,
        of=len(scale.items),
        cut_points=scale.cut_points,
        not_applicable=sum(1 for i in scale.items if i.id in not_applicable),
        needed=needed_answers(scale),
        band_limits=scale.band_limits,
        reliability=reliability,
        sem=reliability.sem if reliability else None,
    )
    if exact is None:
        reason = TOO_MANY_NOT_APPLICABLE if common["not_applicable"] else NOT_SCORABLE
        return ScaleResult(score=None, band=None, reason=reason, **common)
    score = shown_score(exact)
    band = scale.bands[band_for(scale, score)]
    interval = interval_for(exact, reliability.sem) if reliability else None
    boundary = crossed_boundary(scale, exact, interval) if interval else None
    interpretation = band.interpretation[language]
    if boundary and scale.near_boundary:
        interpretation = scale.near_boundary["_".join(boundary)][language]
    return ScaleResult(
        score=score,
        exact=round(float(exact), 2),
        interval=interval,
        near_cut=boundary is not None,
        near_boundary=boundary,
        band=band.id,
        band_label=band_labels[band.id][language],
        interpretation=interpretation,
        actions=tuple(band.actions.get(language, ())),
        **common,
    )


def score_answers(
    instrument: Instrument,
    answer_set: AnswerSet,
    *,
    reliabilities: Mapping[str, Reliability] | None = None,
) -> Profile:
    """Score an answer set against its own instrument. Flags are reported, never
    applied. A Reliability in `reliabilities` (from stored responses) replaces
    the instrument file's provisional one for that scale."""
    language = answer_set.language
    reliabilities = reliabilities or {}
    results = {
        scale.id: score_scale(
            scale,
            answer_set.answers,
            language,
            instrument.band_labels,
            not_applicable=answer_set.not_applicable,
            reliability=reliabilities.get(scale.id),
        )
        for scale in instrument.scales
    }
    im = results.get("impression_management")
    flags = validity_flags(
        instrument,
        answer_set.answers,
        answer_set.item_seconds,
        impression_management_band=im.band if im else None,
        language=language,
    )
    return Profile(
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        language=language,
        respondent=answer_set.respondent,
        scales=results,
        flags=flags,
    )
