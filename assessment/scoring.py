"""Scoring: per scale, the mean item value rescaled to 0–100, its band, and the
interpretation in the respondent's language. Deterministic and exact: means are
kept as fractions so that a score on a cut point always falls in the same band."""

from __future__ import annotations

from fractions import Fraction
from typing import Mapping

from .answers import AnswerSet
from .instrument import Instrument, Scale
from .profile import NOT_SCORABLE, Profile, ScaleResult
from .validity import validity_flags

MAX_MISSING_PER_SCALE = 1


def item_value(answer: int, reverse: bool) -> int:
    return 6 - answer if reverse else answer


def exact_score(scale: Scale, answers: Mapping[str, int]) -> tuple[Fraction | None, int]:
    """The 0–100 score as an exact fraction (None if not scorable), and how many items were answered."""
    values = [item_value(answers[i.id], i.reverse) for i in scale.items if i.id in answers]
    missing = len(scale.items) - len(values)
    if not values or missing > MAX_MISSING_PER_SCALE:
        return None, len(values)
    mean = Fraction(sum(values), len(values))
    return (mean - 1) / 4 * 100, len(values)


def band_for(scale: Scale, score: Fraction) -> str:
    moderate_from, high_from = (Fraction(str(c)) for c in scale.cut_points)
    if score >= high_from:
        return "high"
    if score >= moderate_from:
        return "moderate"
    return "low"


def score_scale(
    scale: Scale, answers: Mapping[str, int], language: str, band_labels: Mapping[str, Mapping[str, str]]
) -> ScaleResult:
    score, answered = exact_score(scale, answers)
    common = dict(
        scale_id=scale.id,
        kind=scale.kind,
        name=scale.name[language],
        answered=answered,
        of=len(scale.items),
        cut_points=scale.cut_points,
    )
    if score is None:
        return ScaleResult(score=None, band=None, reason=NOT_SCORABLE, **common)
    band = scale.bands[band_for(scale, score)]
    return ScaleResult(
        score=round(float(score), 1),
        band=band.id,
        band_label=band_labels[band.id][language],
        interpretation=band.interpretation[language],
        actions=tuple(band.actions.get(language, ())),
        **common,
    )


def score_answers(instrument: Instrument, answer_set: AnswerSet) -> Profile:
    """Score an answer set against its own instrument. Flags are reported, never applied."""
    language = answer_set.language
    results = {
        scale.id: score_scale(scale, answer_set.answers, language, instrument.band_labels) for scale in instrument.scales
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
