"""Item analysis of one instrument version from stored answer sets: per scale
reliability (alpha with Feldt's interval, omega total with a bootstrap
interval), the SEM on the 0–100 scale, per item statistics, inter-scale
correlations, validity-flag rates, and item means per language.

Assumptions (written down because every figure rests on them):
- Only the answer sets passed in count; the caller passes consenting, completed
  responses of one version.
- Scale statistics use the respondents with a 1–5 answer to every item of that
  scale (complete cases); "does not apply" and skipped items leave a respondent
  out of that scale's reliability, and are counted per item.
- A scale scored by its most extreme answer ("extreme") is analysed on its
  scoring units: 1 where the keyed answer is 5, else 0 (alpha is then KR-20).
- Nothing is reported about fewer than `min_n` people: such a scale, comparison
  or rate is withheld with "not enough data (N = …)"."""

from __future__ import annotations

import math
from collections import Counter
from datetime import datetime
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from .answers import AnswerSet
from .instrument import FLAG_IDS, Instrument, Scale
from .psychometrics import (
    alpha_if_deleted,
    bootstrap_interval,
    corrected_item_total,
    cronbach_alpha,
    feldt_interval,
    omega_total,
    standard_error_of_measurement,
)
from .reliability import MIN_N
from .scoring import score_answers

BOOTSTRAP_RESAMPLES = 1000
HIGHEST, LOWEST = 5, 1


IM_FLAG = "impression_management_high"


def not_enough(n: int) -> str:
    return f"not enough data (N = {n})"


def _not_applicable(answer_set: AnswerSet) -> frozenset[str]:
    return frozenset(getattr(answer_set, "not_applicable", ()) or ())


def _keyed(answer: int, reverse: bool) -> int:
    return 6 - answer if reverse else answer


def _scoring(scale: Scale) -> str:
    return getattr(scale, "scoring", "mean")


def scale_units(scale: Scale, answers: Mapping[str, int]) -> list[float] | None:
    """The scale's scoring units for one respondent, or None unless every item has a 1–5 answer."""
    if any(item.id not in answers for item in scale.items):
        return None
    keyed = [_keyed(answers[item.id], item.reverse) for item in scale.items]
    if _scoring(scale) == "extreme":
        return [1.0 if v == HIGHEST else 0.0 for v in keyed]
    return [float(v) for v in keyed]


def units_to_score(scale: Scale, mean_unit: np.ndarray) -> np.ndarray:
    """Mean scoring unit → the 0–100 scale score."""
    if _scoring(scale) == "extreme":
        return mean_unit * 100
    return (mean_unit - LOWEST) / (HIGHEST - LOWEST) * 100


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None or not math.isfinite(value) else round(float(value), digits)


def _interval(ci: tuple[float, float] | None) -> list[float] | None:
    return [_round(ci[0]), _round(ci[1])] if ci else None


def _item_stats(scale: Scale, answer_sets: Sequence[AnswerSet]) -> list[dict[str, Any]]:
    rows = []
    for item in scale.items:
        values = np.array([a.answers[item.id] for a in answer_sets if item.id in a.answers], dtype=float)
        not_applicable = sum(1 for a in answer_sets if item.id in _not_applicable(a))
        n = len(values)
        rows.append(
            {
                "id": item.id,
                "n": n,
                "mean": _round(values.mean()) if n else None,
                "sd": _round(values.std(ddof=1)) if n > 1 else None,
                "not_applicable": _round(not_applicable / len(answer_sets)) if answer_sets else None,
                "floor": _round(np.mean(values == LOWEST)) if n else None,
                "ceiling": _round(np.mean(values == HIGHEST)) if n else None,
                "reverse": item.reverse,
            }
        )
    return rows


def analyse_scale(
    scale: Scale, answer_sets: Sequence[AnswerSet], *, min_n: int = MIN_N, resamples: int = BOOTSTRAP_RESAMPLES, seed: int = 0
) -> dict[str, Any]:
    complete = [u for u in (scale_units(scale, a.answers) for a in answer_sets) if u is not None]
    n = len(complete)
    result: dict[str, Any] = {
        "id": scale.id,
        "kind": scale.kind,
        "scoring": _scoring(scale),
        "n": n,
        "mean": None,
        "sd": None,
        "alpha": {"value": None, "ci": None},
        "omega": {"value": None, "ci": None},
        "sem": None,
        "distribution": None,
        "items": [],
        "withheld": None,
    }
    if n < min_n:
        result["withheld"] = not_enough(n)
        return result
    x = np.array(complete)
    scores = units_to_score(scale, x.mean(axis=1))
    sd = float(scores.std(ddof=1))
    alpha = cronbach_alpha(x)
    # A lie scale's scoring units are binary (flawless or not): a factor model on their phi
    # correlations understates the loadings, so its omega would be biased. KR-20 (the alpha of
    # binary units) alone is reported for it.
    binary = _scoring(scale) == "extreme"
    omega = None if binary else omega_total(x)
    items = _item_stats(scale, answer_sets)
    for row, r, deleted in zip(items, corrected_item_total(x), alpha_if_deleted(x)):
        row["item_total_r"] = _round(r)
        row["alpha_if_deleted"] = _round(deleted)
    result.update(
        mean=_round(scores.mean(), 1),
        sd=_round(sd, 1),
        alpha={
            "value": _round(alpha),
            "ci": _interval(feldt_interval(alpha, n, x.shape[1])) if alpha is not None else None,
        },
        omega={
            "value": _round(omega),
            "ci": _interval(bootstrap_interval(x, omega_total, resamples=resamples, seed=seed))
            if omega is not None and resamples
            else None,
            "resamples": resamples,
            "note": "binary scoring units: KR-20 alone (omega on phi correlations would be biased)" if binary else None,
        },
        sem=_round(standard_error_of_measurement(sd, alpha), 1) if alpha is not None and 0 < alpha < 1 else None,
        distribution={
            f"p{q}": _round(float(np.percentile(scores, q)), 1) for q in (10, 25, 50, 75, 90)
        },
        items=items,
    )
    return result


def _scale_scores(instrument: Instrument, profiles) -> dict[str, list[float | None]]:
    scores: dict[str, list[float | None]] = {s.id: [] for s in instrument.scales}
    for profile in profiles:
        for scale_id, result in profile.scales.items():
            value = getattr(result, "exact", None)
            scores[scale_id].append(float(value) if value is not None else (None if result.score is None else float(result.score)))
    return scores


def correlations(instrument: Instrument, profiles, *, min_n: int = MIN_N) -> dict[str, Any]:
    """Pearson correlations of the 0–100 scale scores, over people scored on both scales."""
    scores = _scale_scores(instrument, profiles)
    ids = [s.id for s in instrument.scales]
    matrix: dict[str, dict[str, float | None]] = {}
    smallest = None
    for a in ids:
        matrix[a] = {}
        for b in ids:
            pairs = [(x, y) for x, y in zip(scores[a], scores[b]) if x is not None and y is not None]
            smallest = len(pairs) if smallest is None else min(smallest, len(pairs))
            if a == b or len(pairs) < min_n:
                matrix[a][b] = 1.0 if a == b and len(pairs) >= min_n else None
                continue
            xs, ys = np.array(pairs).T
            matrix[a][b] = _round(np.corrcoef(xs, ys)[0, 1]) if xs.std() > 0 and ys.std() > 0 else None
    smallest = smallest or 0
    return {
        "scales": ids,
        "n": smallest,
        "pearson": matrix if smallest >= min_n else None,
        "withheld": None if smallest >= min_n else not_enough(smallest),
    }


def flag_rates(profiles, *, min_n: int = MIN_N) -> dict[str, Any]:
    n = len(profiles)
    if n < min_n:
        return {"n": n, "any": None, "flags": None, "withheld": not_enough(n)}
    counts = Counter(flag for p in profiles for flag in set(p.flag_ids))
    return {
        "n": n,
        "any": _round(sum(1 for p in profiles if p.flags) / n),
        "flags": {flag: _round(counts[flag] / n) for flag in FLAG_IDS},
        "withheld": None,
    }


def item_means_by_language(
    instrument: Instrument, answer_sets: Sequence[AnswerSet], *, min_n: int = MIN_N
) -> dict[str, Any]:
    """Item means side by side for the languages with at least min_n responses."""
    counts = Counter(a.language for a in answer_sets)
    languages = [lang for lang in instrument.languages if counts[lang] >= min_n]
    items = []
    if len(languages) >= 2:
        for item in instrument.items:
            row: dict[str, Any] = {"id": item.id}
            for lang in languages:
                values = [a.answers[item.id] for a in answer_sets if a.language == lang and item.id in a.answers]
                row[lang] = _round(float(np.mean(values))) if len(values) >= min_n else None
            items.append(row)
    return {
        "n": {lang: counts[lang] for lang in instrument.languages},
        "languages": languages if len(languages) >= 2 else [],
        "items": items,
        "withheld": None if len(languages) >= 2 else "needs at least {} responses in each of two languages".format(min_n),
    }


def _section(instrument, answer_sets, profiles, *, min_n, resamples, seed, validity_sets=None) -> dict[str, Any]:
    """`validity_sets`: the answer sets the validity scale is analysed on, when they differ
    (without flagged responses: excluded on the other flags only, never on its own score)."""
    return {
        "n": len(answer_sets),
        "scales": [
            analyse_scale(scale, validity_sets if validity_sets is not None and scale.kind == "validity" else answer_sets,
                          min_n=min_n, resamples=resamples, seed=seed)
            for scale in instrument.scales
        ],
        "correlations": correlations(instrument, profiles, min_n=min_n),
    }


def analyse(
    instrument: Instrument,
    answer_sets: Iterable[AnswerSet],
    *,
    computed_at: datetime,
    language: str | None = None,
    min_n: int = MIN_N,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = 0,
) -> dict[str, Any]:
    """The item analysis as a JSON-ready dict (shape documented in questions/README.md)."""
    answer_sets = [a for a in answer_sets if language is None or a.language == language]
    profiles = [score_answers(instrument, a) for a in answer_sets]
    flagged = [bool(p.flags) for p in profiles]
    unflagged_sets = [a for a, f in zip(answer_sets, flagged) if not f]
    unflagged_profiles = [p for p, f in zip(profiles, flagged) if not f]
    # The impression-management scale without flagged responses: excluded on the other flags
    # only. Excluding on its own high score would cut its upper tail and its reliability with it.
    other_flags = [any(f != IM_FLAG for f in p.flag_ids) for p in profiles]
    validity_sets = [a for a, f in zip(answer_sets, other_flags) if not f]
    everyone = _section(instrument, answer_sets, profiles, min_n=min_n, resamples=resamples, seed=seed)
    return {
        "instrument": {"id": instrument.id, "version": instrument.version},
        "language": language,
        "n": len(answer_sets),
        "computed_at": computed_at.isoformat(timespec="seconds"),
        "min_n": min_n,
        "withheld": None if len(answer_sets) >= min_n else not_enough(len(answer_sets)),
        "scales": everyone["scales"],
        "correlations": everyone["correlations"],
        "flag_rates": flag_rates(profiles, min_n=min_n),
        "excluding_flagged": _section(
            instrument, unflagged_sets, unflagged_profiles, min_n=min_n, resamples=resamples, seed=seed,
            validity_sets=validity_sets,
        ),
        "item_means_by_language": item_means_by_language(instrument, answer_sets, min_n=min_n),
    }
