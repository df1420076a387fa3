"""The same simulation over several seeds: the mean of each figure per model (the
targets of issue #26 are means over at least five seeds per model)."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..instrument import Instrument
from .models import Model
from .run import simulate


def over_seeds(instrument: Instrument, model: Model, *, n: int, seeds: Sequence[int]) -> dict[str, Any]:
    """Mean (and range) over the seeds of every per-type rate, every honest figure and every scale figure."""
    reports = [simulate(instrument, n=n, seed=s, model=model) for s in seeds]

    def mean(getter) -> dict[str, float]:
        values = np.array([getter(r) for r in reports], float)
        return {"mean": float(values.mean()), "min": float(values.min()), "max": float(values.max())}

    first = reports[0]
    return {
        "instrument": first.instrument,
        "model": model.name,
        "held_out": model.held_out,
        "description": model.description,
        "n_per_type": n,
        "seeds": list(seeds),
        "flags": list(first.flag_ids),
        "types": {
            t: {k: mean(lambda r, t=t, k=k: r.types[t][k]) for k, v in row.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
            for t, row in first.types.items()
        },
        "honest": {k: mean(lambda r, k=k: r.honest[k]) for k in first.honest},
        "scales": {
            s: {k: mean(lambda r, s=s, k=k: r.scales[s][k]) for k, v in row.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
            for s, row in first.scales.items()
        },
    }
