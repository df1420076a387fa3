"""Respondent types: honest answers from the model, and careless or polished
answering that replaces or distorts them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .population import Population, Styles


@dataclass
class Sample:
    """One respondent type's answers, ready for the engine."""

    raw: np.ndarray  # n × items, raw answers 1–5
    seconds: np.ndarray  # n × pages, seconds per item
    traits: np.ndarray  # the latent traits the true scores come from
    not_applicable: np.ndarray | None = None  # n × items bool
    styles: Styles | None = None  # the response style each honest-process respondent answers with


def _uniform(rng, shape) -> np.ndarray:
    return rng.integers(1, 6, shape)


def _honest(pop: Population, n: int, rng, traits=None, styles: Styles | None = None) -> Sample:
    """Honest answers; a retest passes the same traits and the same response styles (a style
    belongs to the person, not to the occasion)."""
    traits = pop.traits(n, rng) if traits is None else traits
    styles = pop.styles(n, rng) if styles is None else styles
    raw = pop.raw(pop.keyed_answers(traits, rng, styles))
    seconds = pop.page_seconds(n, pop.model.seconds_median, rng, pop.model.reading_mixture)
    return Sample(raw, seconds, traits, styles=styles)


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
    "faking_good_3sd": ("substantive traits −1.5 SD, desirability +3 SD",
                        lambda p, n, r: faking_good(p, n, r, desirability=3.0)),
    "acquiescent": ("one step higher on every item with p = .6", acquiescent),
}
# Honest people may answer "does not apply"; careless types do not bother.
USES_NOT_APPLICABLE = ("honest", "faking_good", "faking_good_3sd", "acquiescent")
FAKING_SHIFTS = {"faking_good": 2.0, "faking_good_3sd": 3.0}
