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
from .reliability import Z_90, Reliability, sem_for_answered
from .validity import validity_flags

# A scale is scored when at least this share of its items has a 1–5 answer.
MIN_ANSWERED_SHARE = Fraction(2, 3)
HIGHEST = 5
# "Near the boundary" is said only where another band is at least this likely to hold the true
# score (given the reliability): about one chance in three. questions/README.md gives the share
# of honest people who see it under each respondent model.
NEAR_BOUNDARY_PROBABILITY = 0.35


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
    """The 90 % confidence interval for the true score, exact ± 1.645 SEM, clamped to 0–100 and
    shown as integers. It says where the score without measurement error lies, with 90 %
    confidence given the reliability – not where a second answer would land."""
    half = Z_90 * sem
    return (shown_score(max(0.0, float(exact) - half)), shown_score(min(100.0, float(exact) + half)))


def _normal_cdf(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def band_probabilities(scale: Scale, exact: Fraction | float, sem: float) -> dict[str, float]:
    """How likely each band is to hold the true score, the true score taken as normal around the
    score with the SEM as its SD (the same model as the interval). Bands meet half a point below
    their first whole score, as the shown score is rounded."""
    edges = [start - 0.5 for start, _ in scale.band_limits[1:]]
    below = [_normal_cdf((edge - float(exact)) / sem) for edge in edges]
    cumulative = [0.0, *below, 1.0]
    return {band: cumulative[k + 1] - cumulative[k] for k, band in enumerate(BAND_IDS)}


def near_boundary_for(band: str, probabilities: dict[str, float]) -> tuple[str, str] | None:
    """The boundary to the neighbouring band when that band is at least NEAR_BOUNDARY_PROBABILITY
    likely (the likelier neighbour when both are), else None."""
    k = BAND_IDS.index(band)
    neighbours = [BAND_IDS[j] for j in (k - 1, k + 1) if 0 <= j < len(BAND_IDS)]
    other = max(neighbours, key=lambda b: probabilities[b])
    if probabilities[other] < NEAR_BOUNDARY_PROBABILITY:
        return None
    return tuple(sorted((band, other), key=BAND_IDS.index))  # type: ignore[return-value]  # two items: a pair


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
        sem=sem_for_answered(reliability, answered, len(scale.items)) if reliability and answered else (
            reliability.sem if reliability else None),
        retest=scale.retest,
    )
    if exact is None:
        reason = TOO_MANY_NOT_APPLICABLE if common["not_applicable"] else NOT_SCORABLE
        return ScaleResult(score=None, band=None, reason=reason, **common)
    score = shown_score(exact)
    band = scale.bands[band_for(scale, score)]
    sem = common["sem"]
    interval = interval_for(exact, sem) if sem else None
    band_id = band_for(scale, score)
    probabilities = band_probabilities(scale, exact, sem) if sem and scale.kind != "validity" else None
    boundary = near_boundary_for(band_id, probabilities) if probabilities else None
    interpretation = band.interpretation[language]
    if boundary and scale.near_boundary:
        interpretation = scale.near_boundary["_".join(boundary)][language]
    return ScaleResult(
        score=score,
        exact=round(float(exact), 2),
        interval=interval,
        near_cut=boundary is not None,
        near_boundary=boundary,
        band_probabilities=probabilities,
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
