"""The instrument's items as a respondent model sees them (factor, loading, category
thresholds), the people it draws (latent traits, response styles, reading speed),
and their keyed answers through a normal-ogive graded-response model."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..instrument import Instrument, Scale
from .models import ACQUIESCENT_SHIFT, EXTREME_OFFSETS, MIDPOINT_OFFSETS, Model

# Latent category thresholds of a keyed answer 1–5 (before an item's own gaps and location).
THRESHOLDS = np.array([-1.5, -0.5, 0.5, 1.5])
SUBSTANTIVE_KINDS = ("behaviour", "driver")


def phi(x) -> np.ndarray:
    """Standard normal CDF, vectorised (math.erf per element is exact enough and needs no scipy)."""
    return 0.5 * (1.0 + np.vectorize(math.erf, otypes=[float])(np.asarray(x, dtype=float) / math.sqrt(2.0)))


def probit(p: float) -> float:
    lo, hi = -8.0, 8.0
    for _ in range(80):
        mid = (lo + hi) / 2
        if 0.5 * (1 + math.erf(mid / math.sqrt(2))) < p:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _expected_answer(offset: float, spread: float) -> float:
    """Population mean keyed answer of items located at offset ± spread (latent answer N(0, 1))."""
    grid = offset + np.linspace(-spread, spread, 21)
    return float(np.mean(1 + phi(-(THRESHOLDS[None, :] + grid[:, None])).sum(axis=1)))


def solve_offset(mean_answer: float, spread: float) -> float:
    lo, hi = -4.0, 4.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if _expected_answer(mid, spread) > mean_answer:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def scoring_rule(scale: Scale) -> str:
    return getattr(scale, "scoring", "mean")


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


@dataclass
class Styles:
    """Per person: offsets added to the four category thresholds, and a shift of the raw
    answer's latent (acquiescence). Zeros for a plain respondent."""

    offsets: np.ndarray  # n × 4
    raw_shift: np.ndarray  # n
    kind: np.ndarray  # n: "plain" | "extreme" | "midpoint" | "acquiescent"

    @classmethod
    def plain(cls, n: int) -> "Styles":
        return cls(np.zeros((n, 4)), np.zeros(n), np.full(n, "plain", dtype=object))


@dataclass(frozen=True)
class Population:
    """The instrument's items as the model sees them: their factor, loading and category thresholds."""

    instrument: Instrument
    model: Model
    item_ids: tuple[str, ...]  # presentation order
    factor: np.ndarray  # item → scale index
    loading: np.ndarray
    cuts: np.ndarray  # items × 4: each item's category thresholds on the keyed latent
    reverse: np.ndarray  # bool: raw answer = 6 − keyed answer
    page: np.ndarray  # item → page index
    corr: np.ndarray
    cholesky: np.ndarray

    @classmethod
    def build(cls, instrument: Instrument, model: Model, rng: np.random.Generator) -> "Population":
        scale_index = {s.id: k for k, s in enumerate(instrument.scales)}
        kinds = {s.id: s.kind for s in instrument.scales}
        items = instrument.items
        count = len(items)
        factor = np.array([scale_index[i.scale_id] for i in items])
        validity = np.array([kinds[i.scale_id] == "validity" for i in items])
        lo = np.where(validity, model.validity_loadings[0], model.loadings[0])
        hi = np.where(validity, model.validity_loadings[1], model.loadings[1])
        loading = rng.uniform(lo, hi)
        # Each item's own category thresholds: gaps of 1 (the common model) or jittered.
        gaps = np.ones((count, 3))
        if model.threshold_jitter:
            gaps = rng.uniform(1 - model.threshold_jitter, 1 + model.threshold_jitter, (count, 3))
        base = np.concatenate([np.zeros((count, 1)), np.cumsum(gaps, axis=1)], axis=1)
        base -= base.mean(axis=1, keepdims=True)
        substantive_offset = solve_offset(model.mean_answer, model.location_spread)
        location = substantive_offset + rng.uniform(-model.location_spread, model.location_spread, count)
        # Validity items: located so that "Never" (the most extreme keyed answer) has the stated share.
        if model.validity_top_share_range:
            top = rng.uniform(*model.validity_top_share_range, count)
        else:
            top = np.full(count, model.validity_top_share)
        top_cut = np.array([-probit(t) for t in top])  # P(latent > top_cut) = top
        validity_location = top_cut - base[:, -1]
        if not model.validity_top_share_range:
            validity_location = validity_location + rng.uniform(-model.location_spread, model.location_spread, count)
        location = np.where(validity, validity_location, location)
        page = np.concatenate([[p] * len(items_) for p, items_ in enumerate(instrument.pages)])
        corr = factor_correlations(instrument, model)
        return cls(
            instrument=instrument,
            model=model,
            item_ids=tuple(i.id for i in items),
            factor=factor,
            loading=loading,
            cuts=base + location[:, None],
            reverse=np.array([i.reverse for i in items]),
            page=page,
            corr=corr,
            cholesky=np.linalg.cholesky(corr),
        )

    def subset(self, columns: np.ndarray) -> "Population":
        return Population(self.instrument, self.model, tuple(np.array(self.item_ids)[columns]), self.factor[columns],
                          self.loading[columns], self.cuts[columns], self.reverse[columns], self.page[columns],
                          self.corr, self.cholesky)

    def draw_not_applicable(self, shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
        """Honest "does not apply" answers: each item with the model's rate, only where the
        item offers it (the item bank decides; the everyday faults do not)."""
        offered = np.array([i.offers_not_applicable for i in self.instrument.items])
        return (rng.random(shape) < self.model.not_applicable_rate) & offered[None, :]

    def traits(self, n: int, rng: np.random.Generator) -> np.ndarray:
        traits = rng.standard_normal((n, len(self.corr))) @ self.cholesky.T
        share = self.model.uneven_share
        if share:
            kinds = np.array([s.kind for s in self.instrument.scales])
            behaviours = np.flatnonzero(kinds == "behaviour")
            drivers = np.flatnonzero(kinds == "driver")
            uneven = np.flatnonzero(rng.random(n) < share)
            own = rng.choice(behaviours, len(uneven))
            sd = self.model.uneven_person_sd
            for b in behaviours:
                level = np.where(own == b, self.model.uneven_high, self.model.uneven_low)
                traits[uneven, b] = level + sd * rng.standard_normal(len(uneven))
            for d in drivers:
                traits[uneven, d] = self.model.uneven_high + sd * rng.standard_normal(len(uneven))
        return traits

    def styles(self, n: int, rng: np.random.Generator) -> Styles:
        m = self.model
        styles = Styles.plain(n)
        draw = rng.random(n)
        edges = np.cumsum([m.extreme_share, m.midpoint_share, m.acquiescent_share])
        extreme, midpoint = draw < edges[0], (draw >= edges[0]) & (draw < edges[1])
        acquiescent = (draw >= edges[1]) & (draw < edges[2])
        styles.offsets[extreme] = EXTREME_OFFSETS
        styles.offsets[midpoint] = MIDPOINT_OFFSETS
        styles.raw_shift[acquiescent] = ACQUIESCENT_SHIFT
        styles.kind[extreme], styles.kind[midpoint], styles.kind[acquiescent] = "extreme", "midpoint", "acquiescent"
        if m.person_threshold_scale_sd or m.person_threshold_shift_sd or m.person_acquiescence_sd:
            # everyone their own thresholds: a continuous style, not a class
            scale = np.exp(rng.normal(0, m.person_threshold_scale_sd, n))
            shift = rng.normal(0, m.person_threshold_shift_sd, n)
            styles.offsets += THRESHOLDS[None, :] * (scale[:, None] - 1) + shift[:, None]
            styles.raw_shift += rng.normal(0, m.person_acquiescence_sd, n)
            styles.kind[styles.kind == "plain"] = "personal"
        return styles

    def keyed_answers(self, traits: np.ndarray, rng: np.random.Generator, styles: Styles | None = None) -> np.ndarray:
        """Keyed answers 1–5 (higher = more of the scale) for the given latent traits."""
        theta = traits[:, self.factor]
        noise = rng.standard_normal(theta.shape) * np.sqrt(1 - self.loading**2)
        latent = theta * self.loading + noise
        cuts = np.broadcast_to(self.cuts[None, :, :], latent.shape + (4,))
        if styles is not None:
            latent = latent + styles.raw_shift[:, None] * np.where(self.reverse, -1.0, 1.0)[None, :]
            cuts = cuts + styles.offsets[:, None, :]
        return 1 + (latent[:, :, None] > cuts).sum(axis=2)

    def raw(self, keyed: np.ndarray) -> np.ndarray:
        return np.where(self.reverse[None, :], 6 - keyed, keyed)

    def above(self, theta_by_item: np.ndarray) -> np.ndarray:
        """P(keyed answer above each category threshold): n × items × 4 (no response style)."""
        sd = np.sqrt(1 - self.loading**2)
        return phi((theta_by_item[:, :, None] * self.loading[None, :, None] - self.cuts[None, :, :]) / sd[None, :, None])

    def true_scores(self, traits: np.ndarray) -> np.ndarray:
        """Each scale's expected 0–100 score given the traits (the score without measurement error)."""
        above = self.above(traits[:, self.factor])
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

    def page_seconds(self, n: int, median: float, rng: np.random.Generator,
                     mixture: tuple[tuple[float, float], ...] | None = None) -> np.ndarray:
        """Seconds per item on each page (what the web app derives from its page timings); with a
        mixture, each person's median pace comes from one of its (share, median) components."""
        pages = len(self.instrument.pages)
        centre = np.full((n, 1), math.log(median))
        if mixture:
            shares = np.array([s for s, _ in mixture]) / sum(s for s, _ in mixture)
            centre = np.log(np.array([m for _, m in mixture]))[rng.choice(len(mixture), size=n, p=shares)][:, None]
        person = centre + rng.normal(0, self.model.seconds_person_sd, (n, 1))
        return np.exp(person + rng.normal(0, self.model.seconds_page_sd, (n, pages)))
