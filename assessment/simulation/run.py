"""Scoring simulated respondents through the real engine (`score_answers`) and the
figures of one run: flag rates per respondent type, and for honest respondents
reliability, band agreement, how many see "near the boundary", and how often an
unchanged person is told of a clear change on a retest."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from ..answers import AnswerSet
from ..followup import compare_profiles
from ..instrument import FLAG_IDS, Instrument, Scale
from ..psychometrics import cronbach_alpha
from ..scoring import score_answers
from ..validity import validity_flags
from .models import MODELS, Model
from .population import SUBSTANTIVE_KINDS, Population, scoring_rule
from .respondents import RESPONDENT_TYPES, USES_NOT_APPLICABLE, Sample, _honest

ITEM_DRAWS = 10


def answer_set(pop: Population, raw_row, na_row, seconds_row) -> AnswerSet:
    values = raw_row.tolist()
    ids = pop.item_ids
    if na_row is not None and na_row.any():
        skipped = frozenset(ids[k] for k in np.flatnonzero(na_row))
        answers = {i: v for i, v in zip(ids, values) if i not in skipped}
        return AnswerSet("en", answers, None, seconds_row, not_applicable=skipped)
    return AnswerSet("en", dict(zip(ids, values)), None, seconds_row)


def exact_of(result) -> float | None:
    """The unrounded 0–100 score of a ScaleResult (`exact` where the engine has it)."""
    exact = getattr(result, "exact", None)
    return float(exact) if exact is not None else (float(result.score) if result.score is not None else None)


@dataclass
class Scored:
    flags: list[tuple[str, ...]]  # with timings
    flags_untimed: list[tuple[str, ...]]
    scores: np.ndarray  # n × scales, NaN when not scorable
    bands: list[list[str | None]]
    near: np.ndarray  # n × scales: the profile shows a near-boundary note
    profiles: list = field(default_factory=list)


def score_sample(pop: Population, sample: Sample, *, keep_profiles: bool = False) -> Scored:
    instrument = pop.instrument
    n = len(sample.raw)
    scores = np.full((n, len(instrument.scales)), np.nan)
    near = np.zeros((n, len(instrument.scales)), bool)
    flags, untimed, bands, profiles = [], [], [], []
    for k in range(n):
        na = sample.not_applicable[k] if sample.not_applicable is not None else None
        answers = answer_set(pop, sample.raw[k], na, tuple(sample.seconds[k].tolist()))
        profile = score_answers(instrument, answers)
        if keep_profiles:
            profiles.append(profile)
        flags.append(profile.flag_ids)
        # Without timings: the engine's own flag rules once more, on the same answers.
        im = profile.scales.get("impression_management")
        untimed.append(
            tuple(
                f.id
                for f in validity_flags(
                    instrument, answers.answers, (), impression_management_band=im.band if im else None, language="en"
                )
            )
        )
        row = []
        for j, result in enumerate(profile.scales.values()):
            value = exact_of(result)
            if value is not None:
                scores[k, j] = value
            near[k, j] = bool(getattr(result, "near_boundary", None))
            row.append(result.band)
        bands.append(row)
    return Scored(flags, untimed, scores, bands, near, profiles)


def band_of(scale: Scale, score: float) -> str:
    moderate_from, high_from = scale.cut_points
    return "high" if score >= high_from else "moderate" if score >= moderate_from else "low"


def rate(hits: Sequence[bool]) -> float:
    return float(np.mean(hits)) if len(hits) else float("nan")


@dataclass
class Report:
    instrument: str
    model: Model
    n_per_type: int
    seed: int
    seconds: float
    flag_ids: tuple[str, ...]
    types: dict[str, dict[str, Any]] = field(default_factory=dict)
    scales: dict[str, dict[str, Any]] = field(default_factory=dict)
    honest: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "instrument": self.instrument,
            "model": {k: v for k, v in self.model.__dict__.items()},
            "n_per_type": self.n_per_type,
            "seed": self.seed,
            "respondents_scored": self.n_per_type * len(self.types) + self.n_per_type,
            "seconds": round(self.seconds, 1),
            "flags": list(self.flag_ids),
            "types": self.types,
            "scales": self.scales,
            "honest": self.honest,
        }


def populations(instrument: Instrument, model: Model, n: int, rng, item_draws: int = ITEM_DRAWS):
    """The item parameters drawn `item_draws` times, and how many respondents each draw gets."""
    draws = max(1, min(item_draws, n))
    pops = [Population.build(instrument, model, rng) for _ in range(draws)]
    sizes = [n // draws + (1 if k < n % draws else 0) for k in range(draws)]
    return pops, sizes


def draw_sample(pop: Population, type_id: str, size: int, rng) -> Sample:
    sample = RESPONDENT_TYPES[type_id][1](pop, size, rng)
    if pop.instrument.offers_not_applicable and type_id in USES_NOT_APPLICABLE and pop.model.not_applicable_rate:
        sample.not_applicable = pop.draw_not_applicable(sample.raw.shape, rng)
    return sample


def simulate(
    instrument: Instrument,
    *,
    n: int = 2500,
    seed: int = 12,
    model: Model = MODELS["main"],
    types: Sequence[str] | None = None,
    item_draws: int = ITEM_DRAWS,
) -> Report:
    """Simulate `n` respondents of each type (plus a retest of the honest ones) and score them all.
    The item loadings and locations are drawn `item_draws` times and the respondents spread
    evenly over the draws, so the figures describe the model, not one lucky draw of items."""
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    pops, sizes = populations(instrument, model, n, rng, item_draws)
    scales = instrument.scales
    substantive = [k for k, s in enumerate(scales) if s.kind in SUBSTANTIVE_KINDS]
    behaviour = [k for k, s in enumerate(scales) if s.kind == "behaviour"]
    report = Report(f"{instrument.id} v{instrument.version}", model, n, seed, 0.0, tuple(FLAG_IDS))

    for type_id in types or RESPONDENT_TYPES:
        description = RESPONDENT_TYPES[type_id][0]
        chunks = []
        for pop, size in zip(pops, sizes):
            sample = draw_sample(pop, type_id, size, rng)
            chunks.append((pop, sample, score_sample(pop, sample, keep_profiles=type_id == "honest"),
                           pop.true_scores(sample.traits)))
        flags = [f for c in chunks for f in c[2].flags]
        untimed = [f for c in chunks for f in c[2].flags_untimed]
        scores = np.concatenate([c[2].scores for c in chunks])
        true = np.concatenate([c[3] for c in chunks])
        row: dict[str, Any] = {"description": description}
        for flag in FLAG_IDS:
            row[flag] = rate([flag in f for f in flags])
        row["any"] = rate([bool(f) for f in flags])
        row["any_untimed"] = rate([bool(f) for f in untimed])
        row["score_bias"] = float(np.nanmean(scores[:, substantive] - true[:, substantive]))
        report.types[type_id] = row
        if type_id == "honest":
            _honest_statistics(report, rng, chunks, substantive, behaviour)
    report.seconds = time.perf_counter() - started
    return report


def scored_units(pop: Population, sample: Sample, k: int) -> np.ndarray:
    """What scale k's score is the mean of, per item: keyed answers, or for a scale scored
    by the lie-scale rule whether the answer is the most extreme one (its alpha is KR-20)."""
    keyed = np.where(pop.reverse[None, :], 6 - sample.raw, sample.raw)[:, pop.factor == k]
    return (keyed == 5).astype(float) if scoring_rule(pop.instrument.scales[k]) == "extreme" else keyed


def _honest_statistics(report: Report, rng, chunks, substantive, behaviour) -> None:

    scales = chunks[0][0].instrument.scales
    # Retest: the same people (same traits, same items), answering again with fresh noise.
    retests = []
    for pop, sample, _scored, _true in chunks:
        again = _honest(pop, len(sample.raw), rng, sample.traits, sample.styles)
        again.not_applicable = sample.not_applicable
        retests.append(score_sample(pop, again, keep_profiles=True))
    scores = np.concatenate([c[2].scores for c in chunks])
    true = np.concatenate([c[3] for c in chunks])
    near = np.concatenate([c[2].near for c in chunks])
    bands = [b for c in chunks for b in c[2].bands]
    flags = [f for c in chunks for f in c[2].flags]
    rebands = [b for r in retests for b in r.bands]
    rescores = np.concatenate([r.scores for r in retests])
    firsts = [p for c in chunks for p in c[2].profiles]
    seconds = [p for r in retests for p in r.profiles]
    for k, scale in enumerate(scales):
        observed = scores[:, k]
        ok = ~np.isnan(observed)
        true_band = [band_of(scale, t) for t in true[:, k]]
        close = [min(abs(t - c) for c in scale.cut_points) <= 5 for t in true[:, k]]
        same_true = [row[k] == t for row, t, good in zip(bands, true_band, ok) if good]
        same_true_near = [row[k] == t for row, t, good, c in zip(bands, true_band, ok, close) if good and c]
        both = ok & ~np.isnan(rescores[:, k])
        same_retest = [a[k] == b[k] for a, b, good in zip(bands, rebands, both) if good]
        # Alpha within each draw of items (complete answers only), averaged over the draws.
        alphas, weights = [], []
        for pop, sample, _scored, _true in chunks:
            complete = np.ones(len(sample.raw), bool)
            if sample.not_applicable is not None:
                complete = ~sample.not_applicable[:, pop.factor == k].any(axis=1)
            alpha = cronbach_alpha(scored_units(pop, sample, k)[complete])
            if alpha is not None:
                alphas.append(alpha)
                weights.append(int(complete.sum()))
        alpha = float(np.average(alphas, weights=weights))
        sd = float(np.nanstd(observed, ddof=1))
        retest_r = float(np.corrcoef(observed[both], rescores[both, k])[0, 1])
        report.scales[scale.id] = {
            "kind": scale.kind,
            "items": len(scale.items),
            "alpha": alpha,
            "sd": sd,
            "sem": sd * math.sqrt(max(0.0, 1 - alpha)),
            "mean": float(np.nanmean(observed)),
            "retest_r": retest_r,
            "not_scorable": float(np.mean(~ok)),
            "band_equals_true": rate(same_true),
            "band_equals_true_near_cut": rate(same_true_near),
            "same_band_on_retest": rate(same_retest),
            "near_boundary_shown": rate(list(near[ok, k])),
        }
    # Impression management among the least and most reluctant quarters (mean behaviour score).
    reluctance = np.nanmean(scores[:, behaviour], axis=1)
    q1, q3 = np.nanquantile(reluctance, [0.25, 0.75])
    im = np.array(["impression_management_high" in f for f in flags])
    # An unchanged person's retake: any "clearly lower/higher" verdict across the substantive scales.
    verdicts = [compare_profiles(a, b) for a, b in zip(firsts, seconds)]
    report.honest = {
        "impression_management_least_reluctant_quarter": rate(im[reluctance <= q1]),
        "impression_management_most_reluctant_quarter": rate(im[reluctance >= q3]),
        "retest_same_band_all_substantive": rate(
            [all(a[k] == b[k] for k in substantive) for a, b in zip(bands, rebands)]
        ),
        "near_boundary_any_substantive": rate(list(near[:, substantive].any(axis=1))),
        "unchanged_any_clear_change": rate([any(c.direction for c in v) for v in verdicts]),
    }
