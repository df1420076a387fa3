"""Choosing thresholds: each validity index's rate per respondent type at candidate
thresholds (the other rules held fixed), and for impression management candidate
rules side by side with the likelihood-ratio ceiling no rule on those answers can
pass (Neyman–Pearson)."""

from __future__ import annotations

from collections import Counter
from typing import Any, Callable

import numpy as np

from ..instrument import Instrument
from ..scoring import score_answers
from ..validity import (
    MIDPOINT,
    extreme_responder,
    impression_management_counts,
    impression_management_weighted_score,
    late_spread,
    on_every_scale,
    pages_faster_than,
    straight_lining_run,
    straight_lining_shares,
    within_scale_spread,
)
from .models import CALIBRATION_MODELS, MODELS, Model
from .population import Population, phi, scoring_rule
from .respondents import FAKING_SHIFTS
from .run import ITEM_DRAWS, answer_set, draw_sample, exact_of, populations, rate

CANDIDATES = {
    "inconsistent_spread": (1.05, 1.1, 1.15, 1.2, 1.25, 1.3, 1.35),
    "straight_lining_share": (0.7, 0.75, 0.8, 0.85),
    "straight_lining_reverse_share": (0.5, 0.625, 0.75, 0.875),
    "straight_lining_midpoint_share": (0.8, 0.85, 0.9, 0.95),
    "inconsistent_late_spread": (1.3, 1.4, 1.5, 1.6, 1.65, 1.7, 1.8),
    "too_fast_page_seconds_per_item": (1.1, 1.2, 1.3, 1.4, 1.5),
    "too_fast_seconds_per_item": (1.5, 1.7, 2.0),
}
CALIBRATION_TYPES = ("honest", "uniform_random", "straight_lining", "straight_lining_noisy", "rushed",
                     "random_last_pages", "faking_good", "faking_good_3sd", "acquiescent")


def _indices(instrument: Instrument, model: Model, n: int, seed: int, item_draws: int, types=CALIBRATION_TYPES):
    """Per respondent type: every index of every respondent, and the engine's flags."""
    rng = np.random.default_rng(seed)
    pops, sizes = populations(instrument, model, n, rng, item_draws)
    im_scale = next((s for s in instrument.scales if s.kind == "validity"), None)
    behaviour = [s.id for s in instrument.scales if s.kind == "behaviour"]
    out: dict[str, dict[str, np.ndarray]] = {}
    for type_id in types:
        rows: dict[str, list] = {k: [] for k in ("spread", "late", "extreme", "midpoint", "share", "reverse_share", "run", "every_scale",
                                                 "median", "seconds",
                                                 "never", "rarely", "answered", "weighted", "reluctance", "flags", "llr")}
        for pop, size in zip(pops, sizes):
            sample = draw_sample(pop, type_id, size, rng)
            if im_scale is not None and scoring_rule(im_scale) == "extreme":
                cols = pop.factor == list(instrument.scales).index(im_scale)
                keyed = np.where(pop.reverse[None, :], 6 - sample.raw, sample.raw)[:, cols]
                rows["llr"].append(faker_log_likelihood_ratio(pop.subset(cols), keyed, 2.0))
            for k in range(size):
                na = sample.not_applicable[k] if sample.not_applicable is not None else None
                answers = answer_set(pop, sample.raw[k], na, tuple(sample.seconds[k].tolist()))
                spread = within_scale_spread(instrument, answers.answers)
                share, reverse_share = straight_lining_shares(instrument, answers.answers)
                rows["spread"].append(np.nan if spread is None else spread)
                late = late_spread(instrument, answers.answers, instrument.validity.inconsistent_late_pages or 2)
                rows["late"].append(np.nan if late is None else late)
                # the file's extreme-responder exemption from `inconsistent` (off in v1/v2)
                rows["extreme"].append(float(extreme_responder(instrument, answers.answers)))
                values = list(answers.answers.values())
                rows["midpoint"].append(float(max(set(values), key=values.count) == MIDPOINT) if values else 0.0)
                rows["share"].append(share)
                rows["reverse_share"].append(1.0 if reverse_share is None else reverse_share)
                rows["run"].append(straight_lining_run(instrument, answers.answers))
                # the share rule's answer on most items of every scale (where the file asks for it)
                rows["every_scale"].append(float(not instrument.validity.straight_lining_every_scale or bool(
                    values and on_every_scale(instrument, answers.answers, Counter(values).most_common(1)[0][0]))))
                rows["median"].append(float(np.median(sample.seconds[k])))
                rows["seconds"].append(sample.seconds[k])
                never, answered = impression_management_counts(instrument, answers.answers)
                rarely = sum(1 for i in (im_scale.items if im_scale else ())
                             if i.id in answers.answers and (6 - answers.answers[i.id] if i.reverse else answers.answers[i.id]) == 4)
                rows["never"].append(never)
                rows["rarely"].append(rarely)
                rows["answered"].append(answered)
                rows["weighted"].append(impression_management_weighted_score(instrument, answers.answers, IM_ANSWER_WEIGHTS)[0])
                profile = score_answers(instrument, answers)
                known = [exact_of(profile.scales[b]) for b in behaviour if exact_of(profile.scales[b]) is not None]
                rows["reluctance"].append(sum(known) / len(known) if known else np.nan)
                rows["flags"].append(profile.flag_ids)
        out[type_id] = {k: (np.concatenate(v) if k == "llr" and v else np.array(v, dtype=object if k in ("flags", "seconds") else float))
                        for k, v in rows.items()}
    return out


def calibrate(
    instrument: Instrument, *, n: int = 2500, seed: int = 12, model: Model = MODELS["main"], item_draws: int = ITEM_DRAWS
) -> dict[str, Any]:
    """For each validity index, the share of each respondent type at or beyond each candidate
    threshold (the other rules of the file held fixed) – the table the file's thresholds are
    chosen from, under one model. Impression management: the share at each k of m."""
    rules = instrument.validity
    data = _indices(instrument, model, n, seed, item_draws)
    tables: dict[str, dict[str, dict[str, float]]] = {key: {} for key in CANDIDATES}
    tables["impression_management_flawless"] = {}
    im_scale = next((s for s in instrument.scales if s.kind == "validity"), None)
    for type_id, d in data.items():
        questioned = d["extreme"] == 0
        for c in CANDIDATES["inconsistent_spread"]:
            tables["inconsistent_spread"].setdefault(str(c), {})[type_id] = rate(list(questioned & (
                (np.nan_to_num(d["spread"]) >= c) | (np.nan_to_num(d["late"]) >= rules.inconsistent_late_spread))))
        spread_hit = np.nan_to_num(d["spread"]) >= rules.inconsistent_spread
        late_hit = np.nan_to_num(d["late"]) >= rules.inconsistent_late_spread
        for c in CANDIDATES["inconsistent_late_spread"]:
            tables["inconsistent_late_spread"].setdefault(str(c), {})[type_id] = rate(
                list(questioned & (spread_hit | (np.nan_to_num(d["late"]) >= c))))
        mid = d["midpoint"] == 1.0
        for c in CANDIDATES["straight_lining_midpoint_share"]:
            need = np.where(mid, c, rules.straight_lining_share)
            hit = (d["share"] >= need) & (d["reverse_share"] >= rules.straight_lining_reverse_share) & (d["every_scale"] == 1)
            tables["straight_lining_midpoint_share"].setdefault(str(c), {})[type_id] = rate(
                list(hit | (d["run"] >= rules.straight_lining_run)))
        del late_hit
        for c in CANDIDATES["straight_lining_share"]:
            hit = (d["share"] >= c) & (d["reverse_share"] >= rules.straight_lining_reverse_share) & (d["every_scale"] == 1)
            tables["straight_lining_share"].setdefault(str(c), {})[type_id] = rate(list(hit | (d["run"] >= rules.straight_lining_run)))
        for c in CANDIDATES["straight_lining_reverse_share"]:
            hit = (d["share"] >= rules.straight_lining_share) & (d["reverse_share"] >= c) & (d["every_scale"] == 1)
            tables["straight_lining_reverse_share"].setdefault(str(c), {})[type_id] = rate(list(hit | (d["run"] >= rules.straight_lining_run)))
        for c in CANDIDATES["too_fast_page_seconds_per_item"]:
            tables["too_fast_page_seconds_per_item"].setdefault(str(c), {})[type_id] = rate(
                [pages_faster_than(t, c) >= rules.too_fast_pages for t in d["seconds"]])
        for c in CANDIDATES["too_fast_seconds_per_item"]:
            tables["too_fast_seconds_per_item"].setdefault(str(c), {})[type_id] = rate(list(d["median"] < c))
        if im_scale is not None and scoring_rule(im_scale) == "extreme":
            m = len(im_scale.items)
            ok = d["answered"] >= rules.impression_management_min_answered
            for k in range(2, m + 1):
                hit = ok & (d["never"] >= np.ceil(k / m * d["answered"] - 1e-9))
                tables["impression_management_flawless"].setdefault(f"{k} of {m}", {})[type_id] = rate(list(hit))
                if type_id == "honest":
                    least = d["reluctance"] <= np.nanquantile(d["reluctance"], 0.25)
                    tables["impression_management_flawless"][f"{k} of {m}"]["honest, least reluctant quarter"] = rate(list(hit[least]))
    return {"instrument": f"{instrument.id} v{instrument.version}", "model": model.name, "n_per_type": n,
            "seed": seed, "too_fast_pages": rules.too_fast_pages, "tables": tables}


# --- impression management: a weighted rule ------------------------------------------------------

# The weight of each keyed answer to an everyday fault (5 = "Never", the flawless answer): the log
# of how much more often a faker (desirability +2 SD) gives it than an honest person, each share
# the mean over the five choosing models (`pooled_answer_log_ratios`, N = 4,000 per type and model,
# seed 21), rounded to 0.1. Not fitted on one model, and 'personal' is not among them. One weight
# per answer, not per fault: in every model the faults are exchangeable (each one's "Never" rate
# is drawn afresh with the items), so no model says which fault is the stronger evidence.
IM_ANSWER_WEIGHTS = {5: 1.4, 4: 0.1, 3: -0.9, 2: -1.8, 1: -2.8}
# The weighted rule's candidate thresholds (on the score scaled to all eight faults). 6.6 (e.g. six
# "Never" and two "Sometimes"): the highest 2-SD catch in the worst choosing model with honest IM
# ≤ 3 % and its least reluctant quarter ≤ 5 % in each of the five, from the IM answers alone (seed
# 21, N = 4,000). Over seeds 12–16 it breaks the honest targets under 'styles' and 'personal', and
# still misses the faking targets: the note keeps the high band (questions/README.md).
IM_WEIGHTED_THRESHOLD = 6.6
IM_WEIGHTED_THRESHOLDS = (6.0, 6.3, IM_WEIGHTED_THRESHOLD, 7.0, 7.3)


def im_weighted_rule(weighted, answered, threshold: float, min_answered: int):
    """The weighted candidate rule (arrays or numbers): the weighted answers, scaled to all faults
    (`impression_management_weighted_score`), at least `threshold`, with at least `min_answered`
    faults answered – as the note never fires on fewer than the file's minimum."""
    return (np.asarray(answered) >= min_answered) & (np.asarray(weighted) >= threshold - 1e-9)


def pooled_answer_log_ratios(
    instrument: Instrument, *, models=CALIBRATION_MODELS, n: int = 4000, seed: int = 21, faker: str = "faking_good",
    item_draws: int = ITEM_DRAWS,
) -> dict[int, float]:
    """Per keyed answer 1–5 to the impression-management items: log(share among `faker` / share
    among honest respondents), each share the mean over `models` – where IM_ANSWER_WEIGHTS come from."""
    im = next(k for k, s in enumerate(instrument.scales) if s.kind == "validity")
    shares: dict[str, list[np.ndarray]] = {"honest": [], faker: []}
    for name in models:
        rng = np.random.default_rng(seed)
        pops, sizes = populations(instrument, MODELS[name], n, rng, item_draws)
        for type_id in shares:
            counts = np.zeros(5)
            for pop, size in zip(pops, sizes):
                raw = draw_sample(pop, type_id, size, rng).raw
                keyed = np.where(pop.reverse[None, :], 6 - raw, raw)[:, pop.factor == im]
                counts += np.bincount(keyed.ravel() - 1, minlength=5)
            shares[type_id].append(counts / counts.sum())
    honest, faking = np.mean(shares["honest"], axis=0), np.mean(shares[faker], axis=0)
    return {answer: float(np.log(faking[answer - 1] / honest[answer - 1])) for answer in range(1, 6)}


# --- impression management: candidate flag rules side by side (an ROC) -------------------------

def im_rules(m: int) -> dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]]:
    """Candidate rules on the counts of "Never" (the flawless answer) and "Rarely" over m faults.
    None looks at the behaviour scores: a low behaviour score is what a healthy seller has too."""
    rules: dict[str, Callable] = {}
    for k in range(max(2, m - 4), m + 1):
        rules[f"≥ {k} Never"] = lambda never, rarely, k=k: never >= k
    for k in range(max(2, m - 4), m):
        rules[f"≥ {k + 1} Never, or ≥ {k} Never and none above Rarely"] = (
            lambda never, rarely, k=k: (never >= k + 1) | ((never >= k) & (never + rarely == m)))
    for w in range(2 * m - 5, 2 * m):
        rules[f"2 × Never + Rarely ≥ {w}"] = lambda never, rarely, w=w: 2 * never + rarely >= w
    return rules


ORACLE_HONEST_RATE = 0.03


def faker_log_likelihood_ratio(pop: Population, keyed: np.ndarray, shift: float) -> np.ndarray:
    """log P(answers | desirability ~ N(shift, 1)) − log P(answers | N(0, 1)) from the model's own
    item parameters: the most powerful test any rule on these answers could be (Neyman–Pearson).
    Response styles are not in it: the ceiling is that of the plain model."""
    grid = np.linspace(-6.0, 9.0, 151)
    above = pop.above(np.repeat(grid[:, None], len(pop.loading), axis=1))  # grid × items × 4
    ones, zeros = np.ones(above.shape[:2] + (1,)), np.zeros(above.shape[:2] + (1,))
    cumulative = np.concatenate([ones, above, zeros], axis=2)
    log_p = np.log(np.clip(cumulative[:, :, :-1] - cumulative[:, :, 1:], 1e-300, None))  # grid × items × 5
    keyed = np.clip(keyed, 1, 5).astype(int)
    ll = sum(log_p[:, j, keyed[:, j] - 1] for j in range(keyed.shape[1]))  # grid × n
    like = np.exp(ll - ll.max(axis=0, keepdims=True))
    honest_w, faker_w = np.exp(-(grid**2) / 2), np.exp(-((grid - shift) ** 2) / 2)
    return np.log(faker_w @ like) - np.log(honest_w @ like)


def impression_management_roc(
    instrument: Instrument, *, n: int = 2500, seed: int = 12, seeds: int = 1, model: Model = MODELS["main"],
    item_draws: int = ITEM_DRAWS,
) -> dict[str, Any]:
    """For each candidate rule: the honest IM-flag rate (overall and in the least reluctant
    quarter), the faking-good catch rate at 2 and 3 SD (the rule alone, and with the other flags),
    and the honest any-flag rate – with the IM note given by that rule instead of the file's. The
    last row is the ceiling: the likelihood-ratio test with the model's true item parameters at
    3 % of honest respondents. With several seeds (seed, seed+1, …) each figure is the mean over them."""
    im_scale = next(s for s in instrument.scales if s.kind == "validity")
    if scoring_rule(im_scale) != "extreme":
        raise ValueError(f"{instrument.id} v{instrument.version}: the ROC is for a lie-scale (extreme) IM scale")
    runs = [_roc_rows(instrument, n, s, model, item_draws, len(im_scale.items)) for s in range(seed, seed + seeds)]
    rows = [{"rule": first["rule"], **{k: float(np.mean([run[j][k] for run in runs])) for k in first if k != "rule"}}
            for j, first in enumerate(runs[0])]
    return {"instrument": f"{instrument.id} v{instrument.version}", "model": model.name, "n_per_type": n, "seed": seed,
            "seeds": list(range(seed, seed + seeds)), "weights": IM_ANSWER_WEIGHTS, "rows": rows}


def _roc_rows(instrument: Instrument, n: int, seed: int, model: Model, item_draws: int, m: int) -> list[dict[str, Any]]:
    data = _indices(instrument, model, n, seed, item_draws, types=("honest", *FAKING_SHIFTS))
    for d in data.values():
        d["other"] = np.array([any(f != "impression_management_high" for f in flags) for flags in d["flags"]])
    honest, f2, f3 = data["honest"], data["faking_good"], data["faking_good_3sd"]
    least = honest["reluctance"] <= np.nanquantile(honest["reluctance"], 0.25)

    def row(name: str, h, a, b) -> dict[str, Any]:
        return {"rule": name, "honest_im": rate(list(h)), "honest_im_least_reluctant_quarter": rate(list(h[least])),
                "faking_good_im": rate(list(a)), "faking_good_any": rate(list(a | f2["other"])),
                "faking_good_3sd_im": rate(list(b)), "faking_good_3sd_any": rate(list(b | f3["other"])),
                "honest_any": rate(list(h | honest["other"]))}

    rows = [row(name, rule(honest["never"], honest["rarely"]), rule(f2["never"], f2["rarely"]), rule(f3["never"], f3["rarely"]))
            for name, rule in im_rules(m).items()]
    enough = instrument.validity.impression_management_min_answered
    for t in IM_WEIGHTED_THRESHOLDS:
        hits = [im_weighted_rule(d["weighted"], d["answered"], t, enough) for d in (honest, f2, f3)]
        chosen = " (chosen at seed 21)" if t == IM_WEIGHTED_THRESHOLD else ""
        rows.append(row(f"weighted answers ≥ {t:g}{chosen}", *hits))
    cut = float(np.quantile(honest["llr"], 1 - ORACLE_HONEST_RATE))
    rows.append(row(f"ceiling: likelihood ratio with the true item parameters, honest {ORACLE_HONEST_RATE:.0%}",
                    honest["llr"] > cut, f2["llr"] > cut, f3["llr"] > cut))
    return rows


__all__ = ["CANDIDATES", "IM_ANSWER_WEIGHTS", "IM_WEIGHTED_THRESHOLD", "IM_WEIGHTED_THRESHOLDS", "calibrate",
           "faker_log_likelihood_ratio", "im_rules", "im_weighted_rule", "impression_management_roc", "phi",
           "pooled_answer_log_ratios"]
