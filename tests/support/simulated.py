"""Seeded synthetic respondents for the item-analysis tests: one normal factor
per scale (scales correlated .5), answers cut into 1–5."""

from __future__ import annotations

import numpy as np

from assessment import AnswerSet, score_answers

CUTS = np.array([-1.0, -0.2, 0.6, 1.4])


def simulated_answers(instrument, n: int, *, seed: int = 0, language: str = "en", loading: float = 0.75,
                      honest: bool = False):
    """n answer sets; `honest` keeps the impression-management answers low (1–3),
    so that almost nobody carries a validity flag."""
    rng = np.random.default_rng(seed)
    scales = instrument.scales
    shared = rng.normal(size=(n, 1))
    factors = np.sqrt(0.5) * shared + np.sqrt(0.5) * rng.normal(size=(n, len(scales)))
    rows = [dict() for _ in range(n)]
    for s, scale in enumerate(scales):
        for item in scale.items:
            latent = loading * factors[:, s] + np.sqrt(1 - loading**2) * rng.normal(size=n)
            values = 1 + np.searchsorted(CUTS, latent)
            if honest and scale.kind == "validity":
                values = np.clip(values, 1, 3)
            for row, value in zip(rows, values):
                row[item.id] = int(6 - value if item.reverse else value)
    return [AnswerSet(language=language, answers=row, item_seconds=(6.0,)) for row in rows]


def straight_liner(instrument, language: str = "en", value: int = 3):
    return AnswerSet(language=language, answers={i.id: value for i in instrument.items}, item_seconds=(6.0,))


def unflagged_answers(instrument, n: int, **options):
    """n simulated answer sets none of which carries a validity flag: the evidence counts no
    flagged response (services/evidence.py), so tests that count N use these."""
    sets = [a for a in simulated_answers(instrument, 3 * n, **options) if not score_answers(instrument, a).flags][:n]
    assert len(sets) == n
    return sets
