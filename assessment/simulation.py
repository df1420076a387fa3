"""Synthetic respondents for calibrating the validity flags and for telling what
a score can and cannot say. Every respondent is drawn from a stated model
(questions/README.md, "The simulation model") and scored by the real engine,
`score_answers`, so the figures describe the code that scores real people.

The model: one normal latent factor per scale (correlated: behaviour–behaviour,
behaviour–driver, and a separate desirable-responding trait behind the
validity scale), items answered through a normal-ogive graded-response model
(loading λ, four category thresholds shifted by an item location), and
per-page reading times from a log-normal person speed and page noise. Careless
answering types replace or distort the honest answers."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from .answers import AnswerSet
from .instrument import Instrument, Scale
from .psychometrics import cronbach_alpha
from .scoring import score_answers
from .validity import validity_flags

# Latent category thresholds of a keyed answer 1–5 (before an item's location shift).
THRESHOLDS = np.array([-1.5, -0.5, 0.5, 1.5])
SUBSTANTIVE_KINDS = ("behaviour", "driver")


@dataclass(frozen=True)
class Model:
    """The assumptions behind one simulation; every figure it prints depends on them."""

    name: str
    description: str
    loadings: tuple[float, float] = (0.50, 0.75)  # substantive items, drawn uniformly
    validity_loadings: tuple[float, float] = (0.50, 0.75)  # validity (IM) items on desirability
    behaviour_r: float = 0.55  # between behaviour factors
    behaviour_driver_r: float = 0.60
    desirability_r: float = -0.20  # desirable responding with every substantive factor
    mean_answer: float = 2.5  # population mean keyed answer on substantive items (25 → 37.5 on 0–100)
    location_spread: float = 0.30  # item locations: uniform ± this around the centre
    validity_top_share: float = 0.10  # honest share of the most extreme keyed answer on a validity item
    seconds_median: float = 5.0  # honest reading time per item
    seconds_person_sd: float = 0.40  # log-normal: person speed
    seconds_page_sd: float = 0.35  # log-normal: page-to-page noise
    careless_seconds_median: float = 1.8  # random / rushed answering, per item
    not_applicable_rate: float = 0.02  # honest "does not apply" per item, where offered


MODELS: dict[str, Model] = {
    m.name: m
    for m in (
        Model(
            name="main",
            description="loadings .50–.75; behaviour r .55, behaviour–driver .60, desirability −.20; "
            "mean answer 2.5; validity items' extreme answer 10 %; 5 s/item (careless 1.8)",
        ),
        Model(
            name="weak",
            description="weaker items and a lower, wider population: loadings .40–.65, mean answer 2.2, "
            "item spread ±.50, validity extreme 15 %, faster and more varied honest readers (4.5 s/item, person sd .45)",
            loadings=(0.40, 0.65),
            validity_loadings=(0.40, 0.65),
            behaviour_r=0.45,
            behaviour_driver_r=0.50,
            mean_answer=2.2,
            location_spread=0.50,
            validity_top_share=0.15,
            seconds_median=4.5,
            seconds_person_sd=0.45,
            careless_seconds_median=2.2,
        ),
        Model(
            name="strong",
            description="stronger items and a higher population: loadings .65–.85, mean answer 2.9, "
            "validity extreme 6 %, desirability −.35",
            loadings=(0.65, 0.85),
            validity_loadings=(0.60, 0.85),
            behaviour_r=0.60,
            behaviour_driver_r=0.65,
            desirability_r=-0.35,
            mean_answer=2.9,
            validity_top_share=0.06,
        ),
    )
}


# --- the population -------------------------------------------------------------


def _phi(x: np.ndarray) -> np.ndarray:
    """Standard normal CDF, vectorised (math.erf per element is exact enough and needs no scipy)."""
    return 0.5 * (1.0 + np.vectorize(math.erf, otypes=[float])(np.asarray(x, dtype=float) / math.sqrt(2.0)))


def _expected_answer(offset: float, spread: float) -> float:
    """Population mean keyed answer of items located at offset ± spread (latent answer N(0, 1))."""
    grid = offset + np.linspace(-spread, spread, 21)
    return float(np.mean(1 + _phi(-(THRESHOLDS[None, :] + grid[:, None])).sum(axis=1)))


def _solve_offset(mean_answer: float, spread: float) -> float:
    lo, hi = -4.0, 4.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if _expected_answer(mid, spread) > mean_answer:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def factor_correlations(instrument: Instrument, model: Model) -> np.ndarray:
    kinds = [s.kind for s in instrument.scales]
    n = len(kinds)
    corr = np.eye(n)
    for a in range(n):
        for b in range(a + 1, n):
            pair = {kinds[a], kinds[b]}
            if "validity" in pair:
                r = model.desirability_r if pair != {"validity"} else 0.0
            elif pair == {"behaviour"} or pair == {"driver"}:
                r = model.behaviour_r
            else:
                r = model.behaviour_driver_r
            corr[a, b] = corr[b, a] = r
    if np.linalg.eigvalsh(corr).min() <= 0:
        raise ValueError(f"model '{model.name}': the factor correlations are not a valid correlation matrix")
    return corr


@dataclass(frozen=True)
class Population:
    """The instrument's items as the model sees them: their factor, loading and location."""

    instrument: Instrument
    model: Model
    item_ids: tuple[str, ...]  # presentation order
    factor: np.ndarray  # item → scale index
    loading: np.ndarray
    location: np.ndarray  # added to THRESHOLDS
    reverse: np.ndarray  # bool: raw answer = 6 − keyed answer
    page: np.ndarray  # item → page index
    corr: np.ndarray
    cholesky: np.ndarray

    @classmethod
    def build(cls, instrument: Instrument, model: Model, rng: np.random.Generator) -> "Population":
        scale_index = {s.id: k for k, s in enumerate(instrument.scales)}
        kinds = {s.id: s.kind for s in instrument.scales}
        items = instrument.items
        factor = np.array([scale_index[i.scale_id] for i in items])
        validity = np.array([kinds[i.scale_id] == "validity" for i in items])
        lo, hi = np.where(validity, model.validity_loadings[0], model.loadings[0]), np.where(
            validity, model.validity_loadings[1], model.loadings[1]
        )
        loading = rng.uniform(lo, hi)
        substantive_offset = _solve_offset(model.mean_answer, model.location_spread)
        # Validity items: located so that the most extreme keyed answer has the stated share.
        validity_offset = -THRESHOLDS[-1] - _probit(model.validity_top_share)
        centre = np.where(validity, validity_offset, substantive_offset)
        location = centre + rng.uniform(-model.location_spread, model.location_spread, len(items))
        page = np.concatenate([[p] * len(items_) for p, items_ in enumerate(instrument.pages)])
        corr = factor_correlations(instrument, model)
        return cls(
            instrument=instrument,
            model=model,
            item_ids=tuple(i.id for i in items),
            factor=factor,
            loading=loading,
            location=location,
            reverse=np.array([i.reverse for i in items]),
            page=page,
            corr=corr,
            cholesky=np.linalg.cholesky(corr),
        )

    def draw_not_applicable(self, shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
        """Honest "does not apply" answers: each item with the model's rate, only where the
        item offers it (the item bank decides; v2's everyday-fault items do not)."""
        offered = np.array([i.offers_not_applicable for i in self.instrument.items])
        return (rng.random(shape) < self.model.not_applicable_rate) & offered[None, :]

    def traits(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return rng.standard_normal((n, len(self.corr))) @ self.cholesky.T

    def keyed_answers(self, traits: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Keyed answers 1–5 (higher = more of the scale) for the given latent traits."""
        theta = traits[:, self.factor]
        noise = rng.standard_normal(theta.shape) * np.sqrt(1 - self.loading**2)
        latent = theta * self.loading + noise
        return 1 + (latent[:, :, None] > (THRESHOLDS[None, None, :] + self.location[None, :, None])).sum(axis=2)

    def raw(self, keyed: np.ndarray) -> np.ndarray:
        return np.where(self.reverse[None, :], 6 - keyed, keyed)

    def true_scores(self, traits: np.ndarray) -> np.ndarray:
        """Each scale's expected 0–100 score given the traits (the score without measurement error)."""
        theta = traits[:, self.factor]
        sd = np.sqrt(1 - self.loading**2)
        # P(keyed answer > c) for the four thresholds.
        above = _phi((theta[:, :, None] * self.loading[None, :, None] - THRESHOLDS[None, None, :] - self.location[None, :, None]) / sd[None, :, None])
        expected = 1 + above.sum(axis=2)
        top = above[:, :, -1]
        scores = np.empty((len(traits), len(self.instrument.scales)))
        for k, scale in enumerate(self.instrument.scales):
            cols = self.factor == k
            if scoring_rule(scale) == "extreme":
                scores[:, k] = top[:, cols].mean(axis=1) * 100
            else:
                scores[:, k] = (expected[:, cols].mean(axis=1) - 1) / 4 * 100
        return scores

    def page_seconds(self, n: int, median: float, rng: np.random.Generator) -> np.ndarray:
        """Seconds per item on each page (what the web app derives from its page timings)."""
        pages = len(self.instrument.pages)
        person = rng.normal(math.log(median), self.model.seconds_person_sd, (n, 1))
        return np.exp(person + rng.normal(0, self.model.seconds_page_sd, (n, pages)))


def _probit(p: float) -> float:
    lo, hi = -8.0, 8.0
    for _ in range(80):
        mid = (lo + hi) / 2
        if 0.5 * (1 + math.erf(mid / math.sqrt(2))) < p:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def scoring_rule(scale: Scale) -> str:
    return getattr(scale, "scoring", "mean")


# --- respondent types -------------------------------------------------------------------


@dataclass
class Sample:
    """One respondent type's answers, ready for the engine."""

    raw: np.ndarray  # n × items, raw answers 1–5
    seconds: np.ndarray  # n × pages, seconds per item
    traits: np.ndarray  # the latent traits the true scores come from
    not_applicable: np.ndarray | None = None  # n × items bool


def _uniform(rng, shape) -> np.ndarray:
    return rng.integers(1, 6, shape)


def _honest(pop: Population, n: int, rng, traits=None) -> Sample:
    traits = pop.traits(n, rng) if traits is None else traits
    raw = pop.raw(pop.keyed_answers(traits, rng))
    return Sample(raw, pop.page_seconds(n, pop.model.seconds_median, rng), traits)


def _careless_seconds(pop, n, rng):
    return pop.page_seconds(n, pop.model.careless_seconds_median, rng)


def honest(pop, n, rng):
    return _honest(pop, n, rng)


def uniform_random(pop, n, rng):
    base = _honest(pop, n, rng)
    return Sample(_uniform(rng, base.raw.shape), _careless_seconds(pop, n, rng), base.traits)


def straight_lining(pop, n, rng, noise: float = 0.0):
    base = _honest(pop, n, rng)
    raw = np.repeat(_uniform(rng, (n, 1)), base.raw.shape[1], axis=1)
    if noise:
        swap = rng.random(raw.shape) < noise
        raw = np.where(swap, _uniform(rng, raw.shape), raw)
    return Sample(raw, _careless_seconds(pop, n, rng), base.traits)


def rushed(pop, n, rng, share: float = 0.40):
    base = _honest(pop, n, rng)
    swap = rng.random(base.raw.shape) < share
    return Sample(np.where(swap, _uniform(rng, base.raw.shape), base.raw), _careless_seconds(pop, n, rng), base.traits)


def random_last_pages(pop, n, rng, pages: int = 2):
    base = _honest(pop, n, rng)
    last = pop.page >= len(pop.instrument.pages) - pages
    raw = np.where(last[None, :], _uniform(rng, base.raw.shape), base.raw)
    seconds = base.seconds.copy()
    seconds[:, -pages:] = _careless_seconds(pop, n, rng)[:, -pages:]
    return Sample(raw, seconds, base.traits)


def faking_good(pop, n, rng, lower: float = 1.5, desirability: float = 2.0):
    traits = pop.traits(n, rng)
    kinds = np.array([s.kind for s in pop.instrument.scales])
    shift = np.where(kinds == "validity", desirability, -lower)
    # The scores a faker would get honestly are the reference for the bias.
    faked = _honest(pop, n, rng, traits + shift[None, :])
    return Sample(faked.raw, faked.seconds, traits)


def acquiescent(pop, n, rng, p: float = 0.6):
    base = _honest(pop, n, rng)
    up = rng.random(base.raw.shape) < p
    return Sample(np.minimum(5, base.raw + up), base.seconds, base.traits)


RESPONDENT_TYPES: dict[str, tuple[str, Callable[..., Sample]]] = {
    "honest": ("answers from the model", honest),
    "uniform_random": ("every answer uniformly random, careless speed", uniform_random),
    "straight_lining": ("one answer everywhere, careless speed", straight_lining),
    "straight_lining_noisy": ("one answer, 15 % random instead", lambda p, n, r: straight_lining(p, n, r, 0.15)),
    "rushed": ("40 % of answers random, careless speed", rushed),
    "random_last_pages": ("honest, then the last two pages random at careless speed", random_last_pages),
    "faking_good": ("substantive traits −1.5 SD, desirability +2 SD", faking_good),
    "acquiescent": ("one step higher on every item with p = .6", acquiescent),
}
# Honest people may answer "does not apply"; careless types do not bother.
USES_NOT_APPLICABLE = ("honest", "faking_good", "acquiescent")


# --- scoring through the engine ----------------------------------------------------


def _answer_set(pop: Population, raw_row, na_row, seconds_row) -> AnswerSet:
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


def score_sample(pop: Population, sample: Sample) -> Scored:
    instrument = pop.instrument
    n = len(sample.raw)
    scores = np.full((n, len(instrument.scales)), np.nan)
    flags, untimed, bands = [], [], []
    for k in range(n):
        na = sample.not_applicable[k] if sample.not_applicable is not None else None
        answer_set = _answer_set(pop, sample.raw[k], na, tuple(sample.seconds[k].tolist()))
        profile = score_answers(instrument, answer_set)
        flags.append(profile.flag_ids)
        # Without timings: the engine's own flag rules once more, on the same answers.
        im = profile.scales.get("impression_management")
        untimed.append(
            tuple(
                f.id
                for f in validity_flags(
                    instrument, answer_set.answers, (), impression_management_band=im.band if im else None, language="en"
                )
            )
        )
        row = []
        for j, result in enumerate(profile.scales.values()):
            value = exact_of(result)
            if value is not None:
                scores[k, j] = value
            row.append(result.band)
        bands.append(row)
    return Scored(flags, untimed, scores, bands)


def band_of(scale: Scale, score: float) -> str:
    moderate_from, high_from = scale.cut_points
    return "high" if score >= high_from else "moderate" if score >= moderate_from else "low"


# --- the statistics ----------------------------------------------------------------------------


def _rate(hits: Sequence[bool]) -> float:
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


ITEM_DRAWS = 10


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
    draws = max(1, min(item_draws, n))
    pops = [Population.build(instrument, model, rng) for _ in range(draws)]
    sizes = [n // draws + (1 if k < n % draws else 0) for k in range(draws)]
    scales = instrument.scales
    flag_ids = _flag_ids(instrument)
    substantive = [k for k, s in enumerate(scales) if s.kind in SUBSTANTIVE_KINDS]
    behaviour = [k for k, s in enumerate(scales) if s.kind == "behaviour"]
    offers_na = bool(getattr(instrument, "offers_not_applicable", False))
    report = Report(f"{instrument.id} v{instrument.version}", model, n, seed, 0.0, flag_ids)

    for type_id in types or RESPONDENT_TYPES:
        description, make = RESPONDENT_TYPES[type_id]
        chunks = []
        for pop, size in zip(pops, sizes):
            sample = make(pop, size, rng)
            if offers_na and type_id in USES_NOT_APPLICABLE and model.not_applicable_rate:
                sample.not_applicable = pop.draw_not_applicable(sample.raw.shape, rng)
            chunks.append((pop, sample, score_sample(pop, sample), pop.true_scores(sample.traits)))
        flags = [f for c in chunks for f in c[2].flags]
        untimed = [f for c in chunks for f in c[2].flags_untimed]
        scores = np.concatenate([c[2].scores for c in chunks])
        true = np.concatenate([c[3] for c in chunks])
        row: dict[str, Any] = {"description": description}
        for flag in flag_ids:
            row[flag] = _rate([flag in f for f in flags])
        row["any"] = _rate([bool(f) for f in flags])
        row["any_untimed"] = _rate([bool(f) for f in untimed])
        row["score_bias"] = float(np.nanmean(scores[:, substantive] - true[:, substantive]))
        report.types[type_id] = row
        if type_id == "honest":
            _honest_statistics(report, rng, chunks, substantive, behaviour)
    report.seconds = time.perf_counter() - started
    return report


def _flag_ids(instrument: Instrument) -> tuple[str, ...]:
    from .instrument import FLAG_IDS

    return tuple(FLAG_IDS)


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
        again = _honest(pop, len(sample.raw), rng, sample.traits)
        again.not_applicable = sample.not_applicable
        retests.append(score_sample(pop, again))
    scores = np.concatenate([c[2].scores for c in chunks])
    true = np.concatenate([c[3] for c in chunks])
    bands = [b for c in chunks for b in c[2].bands]
    flags = [f for c in chunks for f in c[2].flags]
    rebands = [b for r in retests for b in r.bands]
    rescores = np.concatenate([r.scores for r in retests])
    for k, scale in enumerate(scales):
        observed = scores[:, k]
        ok = ~np.isnan(observed)
        true_band = [band_of(scale, t) for t in true[:, k]]
        near = [min(abs(t - c) for c in scale.cut_points) <= 5 for t in true[:, k]]
        same_true = [row[k] == t for row, t, good in zip(bands, true_band, ok) if good]
        same_true_near = [row[k] == t for row, t, good, close in zip(bands, true_band, ok, near) if good and close]
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
        report.scales[scale.id] = {
            "kind": scale.kind,
            "items": len(scale.items),
            "alpha": alpha,
            "sd": sd,
            "sem": sd * math.sqrt(max(0.0, 1 - alpha)),
            "mean": float(np.nanmean(observed)),
            "not_scorable": float(np.mean(~ok)),
            "band_equals_true": _rate(same_true),
            "band_equals_true_near_cut": _rate(same_true_near),
            "same_band_on_retest": _rate(same_retest),
        }
    # Impression management among the least and most reluctant quarters (mean behaviour score).
    reluctance = np.nanmean(scores[:, behaviour], axis=1)
    q1, q3 = np.nanquantile(reluctance, [0.25, 0.75])
    im = np.array(["impression_management_high" in f for f in flags])
    report.honest = {
        "impression_management_least_reluctant_quarter": _rate(im[reluctance <= q1]),
        "impression_management_most_reluctant_quarter": _rate(im[reluctance >= q3]),
        "retest_same_band_all_substantive": _rate(
            [all(a[k] == b[k] for k in substantive) for a, b in zip(bands, rebands)]
        ),
    }


# --- calibration: each index's rate per respondent type at candidate thresholds -------------

CANDIDATES = {
    "inconsistent_distance": (1.6, 1.7, 1.8, 1.9, 2.0, 2.1, 2.2),
    "straight_lining_share": (0.65, 0.7, 0.75, 0.8, 0.85),
    "too_fast_page_seconds_per_item": (1.2, 1.5, 1.8, 2.0),
    "too_fast_seconds_per_item": (1.5, 2.0, 2.5),
}


def calibrate(
    instrument: Instrument,
    *,
    n: int = 2500,
    seed: int = 12,
    model: Model = MODELS["main"],
    item_draws: int = ITEM_DRAWS,
) -> dict[str, Any]:
    """For each validity index, the share of each respondent type at or beyond each candidate
    threshold (the other rules of the file held fixed) – the table the file's thresholds are
    chosen from. Impression management: the share in the high band for each possible cut."""
    from .validity import identical_share, mahalanobis_per_item, pages_faster_than

    rng = np.random.default_rng(seed)
    draws = max(1, min(item_draws, n))
    pops = [Population.build(instrument, model, rng) for _ in range(draws)]
    sizes = [n // draws + (1 if k < n % draws else 0) for k in range(draws)]
    rules = instrument.validity
    im_scale = next((s for s in instrument.scales if s.kind == "validity"), None)
    behaviour = [k for k, s in enumerate(instrument.scales) if s.kind == "behaviour"]
    offers_na = bool(getattr(instrument, "offers_not_applicable", False))
    tables: dict[str, dict[str, dict[str, float]]] = {key: {} for key in CANDIDATES}
    tables["impression_management_high_from"] = {}
    for type_id, (_description, make) in RESPONDENT_TYPES.items():
        distance, share, median_seconds, fast_pages, im_scores, reluctance = [], [], [], [], [], []
        for pop, size in zip(pops, sizes):
            sample = make(pop, size, rng)
            if offers_na and type_id in USES_NOT_APPLICABLE and model.not_applicable_rate:
                sample.not_applicable = pop.draw_not_applicable(sample.raw.shape, rng)
            for k in range(size):
                na = sample.not_applicable[k] if sample.not_applicable is not None else None
                answer_set = _answer_set(pop, sample.raw[k], na, tuple(sample.seconds[k].tolist()))
                distance.append(mahalanobis_per_item(instrument, answer_set.answers))
                share.append(identical_share(answer_set.answers))
                median_seconds.append(float(np.median(sample.seconds[k])))
                fast_pages.append(sample.seconds[k])
                profile = score_answers(instrument, answer_set)
                results = list(profile.scales.values())
                im_scores.append(exact_of(profile.scales[im_scale.id]) if im_scale else None)
                behaviour_scores = [exact_of(results[b]) for b in behaviour]
                known = [x for x in behaviour_scores if x is not None]
                reluctance.append(sum(known) / len(known) if known else np.nan)
        for c in CANDIDATES["inconsistent_distance"]:
            tables["inconsistent_distance"].setdefault(str(c), {})[type_id] = _rate([d is not None and d >= c for d in distance])
        for c in CANDIDATES["straight_lining_share"]:
            tables["straight_lining_share"].setdefault(str(c), {})[type_id] = _rate([x >= c for x in share])
        for c in CANDIDATES["too_fast_page_seconds_per_item"]:
            tables["too_fast_page_seconds_per_item"].setdefault(str(c), {})[type_id] = _rate(
                [pages_faster_than(t, c) >= rules.too_fast_pages for t in fast_pages]
            )
        for c in CANDIDATES["too_fast_seconds_per_item"]:
            tables["too_fast_seconds_per_item"].setdefault(str(c), {})[type_id] = _rate([m < c for m in median_seconds])
        if im_scale:
            scores = np.array([np.nan if x is None else x for x in im_scores])
            m = len(im_scale.items)
            if scoring_rule(im_scale) == "extreme":
                cuts = [(f"{k} of {m} ({100 * k / m:.1f})", 100 * k / m) for k in range(1, m + 1)]
            else:
                cuts = [(f"{c:g}", c) for c in (50.0, 62.5, 75.0, 87.5)]
            for label, c in cuts:
                tables["impression_management_high_from"].setdefault(label, {})[type_id] = _rate(list(scores >= c - 1e-9))
            if type_id == "honest":
                rel = np.array(reluctance)
                least = rel <= np.nanquantile(rel, 0.25)
                for label, c in cuts:
                    tables["impression_management_high_from"][label]["honest, least reluctant quarter"] = _rate(
                        list(scores[least] >= c - 1e-9)
                    )
    return {
        "instrument": f"{instrument.id} v{instrument.version}",
        "model": model.name,
        "n_per_type": n,
        "seed": seed,
        "too_fast_pages": rules.too_fast_pages,
        "tables": tables,
    }


def format_calibration(data: dict[str, Any]) -> str:
    lines = [
        f"Calibration of {data['instrument']}, model '{data['model']}', N = {data['n_per_type']} per type, "
        f"seed {data['seed']}: share of each type at or beyond each candidate threshold.",
    ]
    notes = {
        "inconsistent_distance": "Mahalanobis D² per answered item ≥ threshold",
        "straight_lining_share": "share of identical answers ≥ threshold",
        "too_fast_page_seconds_per_item": f"{data['too_fast_pages']} or more pages below the threshold (s/item)",
        "too_fast_seconds_per_item": "median s/item below the threshold",
        "impression_management_high_from": "impression-management score ≥ threshold (lie-scale rule: k most extreme answers of m; with a \"does not apply\" answer, the share of the answered items)",
    }
    for key, table in data["tables"].items():
        if not table:
            continue
        types = list(next(iter(table.values())))
        lines += ["", f"{key}: {notes[key]}"]
        lines += _table([key, *types], [[c, *(_pct(row.get(t, float("nan"))) for t in types)] for c, row in table.items()])
    return "\n".join(lines)


# --- impression management: candidate flag rules side by side (an ROC) -------------------------

# Candidate rules on the counts of "Never" (the flawless answer, keyed 5) and "Rarely" (keyed 4)
# over the impression-management items. None looks at the behaviour scores: a low behaviour
# score is what a healthy seller has too, so it must not count as a sign of faking.
IM_RULES: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "≥ 3 Never": lambda never, rarely: never >= 3,
    "≥ 4 Never (v2's high band)": lambda never, rarely: never >= 4,
    "≥ 5 Never": lambda never, rarely: never >= 5,
    "≥ 4 Never, or ≥ 3 Never and none above Rarely": lambda never, rarely: (never >= 4) | ((never >= 3) & (never + rarely == 6)),
    "≥ 4 Never, or ≥ 3 Never and at most one above Rarely": lambda never, rarely: (never >= 4) | ((never >= 3) & (never + rarely >= 5)),
    "≥ 4 Never, or ≥ 2 Never and none above Rarely": lambda never, rarely: (never >= 4) | ((never >= 2) & (never + rarely == 6)),
    "none above Rarely": lambda never, rarely: never + rarely == 6,
    "2 × Never + Rarely ≥ 8": lambda never, rarely: 2 * never + rarely >= 8,
    "2 × Never + Rarely ≥ 9": lambda never, rarely: 2 * never + rarely >= 9,
    "2 × Never + Rarely ≥ 10": lambda never, rarely: 2 * never + rarely >= 10,
}
ORACLE_HONEST_RATE = 0.03


def _faker_log_likelihood_ratio(pop: Population, keyed: np.ndarray, shift: float) -> np.ndarray:
    """log P(answers | desirability ~ N(shift, 1)) − log P(answers | N(0, 1)) from the model's own
    item parameters: the most powerful test any rule on these answers could be (Neyman–Pearson)."""
    grid = np.linspace(-6.0, 8.0, 141)
    lam, loc = pop.loading, pop.location
    sd = np.sqrt(1 - lam**2)
    above = _phi((grid[:, None, None] * lam[None, :, None] - THRESHOLDS[None, None, :] - loc[None, :, None]) / sd[None, :, None])
    ones, zeros = np.ones(above.shape[:2] + (1,)), np.zeros(above.shape[:2] + (1,))
    cumulative = np.concatenate([ones, above, zeros], axis=2)
    log_p = np.log(np.clip(cumulative[:, :, :-1] - cumulative[:, :, 1:], 1e-300, None))  # grid × items × 5
    ll = sum(log_p[:, j, keyed[:, j] - 1] for j in range(keyed.shape[1]))  # grid × n
    like = np.exp(ll - ll.max(axis=0, keepdims=True))
    honest_w, faker_w = np.exp(-(grid**2) / 2), np.exp(-((grid - shift) ** 2) / 2)
    return np.log(faker_w @ like) - np.log(honest_w @ like)


def impression_management_roc(
    instrument: Instrument, *, n: int = 2500, seed: int = 12, model: Model = MODELS["main"], item_draws: int = ITEM_DRAWS
) -> dict[str, Any]:
    """For each candidate rule in IM_RULES: the honest IM-flag rate (overall and in the least
    reluctant quarter), the faking-good catch rate (the rule alone, and with the other flags of
    the file), the acquiescent rate and the honest any-flag rate. Every respondent is scored by
    the engine for the other flags and the behaviour scores. The last row is the ceiling: the
    likelihood-ratio test with the model's true item parameters at 3 % of honest respondents."""
    im_scale = next(s for s in instrument.scales if s.kind == "validity")
    if scoring_rule(im_scale) != "extreme":
        raise ValueError(f"{instrument.id} v{instrument.version}: the ROC is for a lie-scale (extreme) IM scale")
    rng = np.random.default_rng(seed)
    draws = max(1, min(item_draws, n))
    pops = [Population.build(instrument, model, rng) for _ in range(draws)]
    sizes = [n // draws + (1 if k < n % draws else 0) for k in range(draws)]
    behaviour = [s.id for s in instrument.scales if s.kind == "behaviour"]
    offers_na = instrument.offers_not_applicable
    data: dict[str, dict[str, np.ndarray]] = {}
    for type_id in ("honest", "faking_good", "acquiescent"):
        make = RESPONDENT_TYPES[type_id][1]
        never, rarely, other, reluctance, llr = [], [], [], [], []
        for pop, size in zip(pops, sizes):
            sample = make(pop, size, rng)
            if offers_na and model.not_applicable_rate:
                sample.not_applicable = pop.draw_not_applicable(sample.raw.shape, rng)
            im_cols = pop.factor == list(instrument.scales).index(im_scale)
            keyed = np.where(pop.reverse[None, :], 6 - sample.raw, sample.raw)[:, im_cols]
            if sample.not_applicable is not None:
                keyed = np.where(sample.not_applicable[:, im_cols], 0, keyed)
            never.append((keyed == 5).sum(axis=1))
            rarely.append((keyed == 4).sum(axis=1))
            im_pop = Population(instrument, model, pop.item_ids, pop.factor[im_cols], pop.loading[im_cols],
                                pop.location[im_cols], pop.reverse[im_cols], pop.page[im_cols], pop.corr, pop.cholesky)
            llr.append(_faker_log_likelihood_ratio(im_pop, np.clip(keyed, 1, 5), 2.0))
            for k in range(size):
                na = sample.not_applicable[k] if sample.not_applicable is not None else None
                profile = score_answers(instrument, _answer_set(pop, sample.raw[k], na, tuple(sample.seconds[k].tolist())))
                other.append(any(f != "impression_management_high" for f in profile.flag_ids))
                known = [exact_of(profile.scales[b]) for b in behaviour if exact_of(profile.scales[b]) is not None]
                reluctance.append(sum(known) / len(known) if known else np.nan)
        data[type_id] = {
            "never": np.concatenate(never), "rarely": np.concatenate(rarely), "other": np.array(other),
            "reluctance": np.array(reluctance), "llr": np.concatenate(llr),
        }
    honest, faker, acq = data["honest"], data["faking_good"], data["acquiescent"]
    least = honest["reluctance"] <= np.nanquantile(honest["reluctance"], 0.25)
    rows = []

    def row(name: str, h: np.ndarray, f: np.ndarray, a: np.ndarray) -> dict[str, Any]:
        return {
            "rule": name,
            "honest_im": _rate(h), "honest_im_least_reluctant_quarter": _rate(h[least]),
            "faking_good_im": _rate(f), "faking_good_any": _rate(f | faker["other"]),
            "honest_any": _rate(h | honest["other"]), "acquiescent_im": _rate(a),
        }

    for name, rule in IM_RULES.items():
        rows.append(row(name, rule(honest["never"], honest["rarely"]), rule(faker["never"], faker["rarely"]),
                        rule(acq["never"], acq["rarely"])))
    cut = float(np.quantile(honest["llr"], 1 - ORACLE_HONEST_RATE))
    rows.append(row(f"ceiling: likelihood ratio with the true item parameters, honest {ORACLE_HONEST_RATE:.0%}",
                    honest["llr"] > cut, faker["llr"] > cut, acq["llr"] > cut))
    return {"instrument": f"{instrument.id} v{instrument.version}", "model": model.name, "n_per_type": n, "seed": seed,
            "rows": rows}


def format_im_roc(data: dict[str, Any]) -> str:
    lines = [
        f"Impression-management flag rules on {data['instrument']}, model '{data['model']}', "
        f"N = {data['n_per_type']} per type, seed {data['seed']} (Never = the flawless answer to an everyday fault).",
        "",
    ]
    head = ["rule", "honest IM", "least reluctant quarter", "faking good (IM)", "faking good (any flag)",
            "honest any flag", "acquiescent IM"]
    keys = ["honest_im", "honest_im_least_reluctant_quarter", "faking_good_im", "faking_good_any", "honest_any",
            "acquiescent_im"]
    lines += _table(head, [[r["rule"], *(_pct(r[k]) for k in keys)] for r in data["rows"]])
    return "\n".join(lines)


# --- printing ---------------------------------------------------------------------------------


def _pct(x: float) -> str:
    return "–" if x != x else f"{100 * x:.1f} %"


def format_report(report: Report) -> str:
    lines = [
        f"Simulation of {report.instrument}, model '{report.model.name}': {report.model.description}",
        f"N = {report.n_per_type} per respondent type (+ {report.n_per_type} honest retests), seed {report.seed}, "
        f"{report.seconds:.1f} s",
        "",
    ]
    flags = list(report.flag_ids)
    head = ["respondent type", *flags, "any flag", "any without timings", "score bias"]
    rows = [
        [t, *(_pct(r[f]) for f in flags), _pct(r["any"]), _pct(r["any_untimed"]), f"{r['score_bias']:+.1f}"]
        for t, r in report.types.items()
    ]
    lines += _table(head, rows)
    if report.honest:
        h = report.honest
        lines += [
            "",
            f"Honest, impression_management_high: least reluctant quarter "
            f"{_pct(h['impression_management_least_reluctant_quarter'])}, most reluctant quarter "
            f"{_pct(h['impression_management_most_reluctant_quarter'])}",
            f"Honest retest, every substantive scale in the same band: {_pct(h['retest_same_band_all_substantive'])}",
            "",
        ]
        head = ["scale", "items", "alpha", "score SD", "SEM", "band = true band", "… within 5 of a cut", "same band on retest"]
        rows = [
            [
                s,
                str(v["items"]),
                f"{v['alpha']:.2f}",
                f"{v['sd']:.1f}",
                f"{v['sem']:.1f}",
                _pct(v["band_equals_true"]),
                _pct(v["band_equals_true_near_cut"]),
                _pct(v["same_band_on_retest"]),
            ]
            for s, v in report.scales.items()
        ]
        lines += _table(head, rows)
    lines += ["", "score bias: mean observed − true score over the substantive scales, in 0–100 points."]
    return "\n".join(lines)


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


# --- the expected answers the `inconsistent` flag measures against ----------------------------


def expected_answers(
    instrument: Instrument, model: Model, *, n: int = 20_000, draws: int = 20, seed: int = 12
) -> dict[str, Any]:
    """Honest keyed answers under the model, summarised as the instrument file stores them:
    per scale the item mean, item SD and mean inter-item correlation; between scales the mean
    correlation of their items. Averaged over `draws` draws of the item loadings and locations,
    so that it describes the model rather than one arbitrary draw of items.
    Printed by `flask simulate --expected-answers`."""
    rng = np.random.default_rng(seed)
    count = len(instrument.scales)
    means, sds, within = np.zeros(count), np.zeros(count), np.zeros(count)
    between = np.zeros((count, count))
    for _ in range(draws):
        pop = Population.build(instrument, model, rng)
        keyed = pop.keyed_answers(pop.traits(n, rng), rng).astype(float)
        corr = np.corrcoef(keyed, rowvar=False)
        for k in range(count):
            cols = np.flatnonzero(pop.factor == k)
            block = corr[np.ix_(cols, cols)]
            means[k] += keyed[:, cols].mean() / draws
            sds[k] += np.sqrt(keyed[:, cols].var(axis=0, ddof=1).mean()) / draws
            within[k] += block[~np.eye(len(cols), dtype=bool)].mean() / draws
            for j in range(k + 1, count):
                between[k, j] += corr[np.ix_(cols, np.flatnonzero(pop.factor == j))].mean() / draws
    scales = instrument.scales
    return {
        "scales": [
            {"scale": s.id, "mean": round(float(means[k]), 2), "sd": round(float(sds[k]), 2), "r": round(float(within[k]), 2)}
            for k, s in enumerate(scales)
        ],
        "between": [
            [scales[k].id, scales[j].id, round(float(between[k, j]), 2)]
            for k in range(count)
            for j in range(k + 1, count)
        ],
    }
