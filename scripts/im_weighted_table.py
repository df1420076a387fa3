"""The per-model tables of `flask simulate --all-models` with the weighted impression-management
candidate in place of the kept rule (questions/README.md, "The weighted rule: tried, not adopted"):
`.venv/bin/python scripts/im_weighted_table.py [--n 500] [--seeds 5] [--seed 12] [--model M ...]`.

The engine is not changed: in this process only, the IM note of `validity_flags` is given by the
harness's weighted rule (`IM_ANSWER_WEIGHTS`, `IM_WEIGHTED_THRESHOLD` in
assessment/simulation/calibration.py) instead of the high band; every other note is the engine's
own. So every row of the table – not only the IM ones `--im-roc` prints – is what the candidate
would give. About three minutes for the six models on a shared 2-core machine."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import assessment.scoring as scoring  # noqa: E402
import assessment.simulation.run as simulation_run  # noqa: E402
from assessment.instrument import FLAG_IDS  # noqa: E402
from assessment.loader import load_instrument  # noqa: E402
from assessment.profile import Flag  # noqa: E402
from assessment.simulation.calibration import (  # noqa: E402
    IM_ANSWER_WEIGHTS,
    IM_WEIGHTED_THRESHOLD,
    im_weighted_rule,
)
from assessment.simulation.models import CALIBRATION_MODELS, HELD_OUT_MODELS, MODELS  # noqa: E402
from assessment.simulation.seeds import over_seeds  # noqa: E402
from assessment.validity import impression_management_weighted_score, validity_flags  # noqa: E402
from cli.simulate import format_seeds  # noqa: E402

IM = "impression_management_high"


def weighted_validity_flags(instrument, answers, item_seconds, *, impression_management_band, language):
    """The engine's notes, with the IM note given by the weighted candidate instead of the high band."""
    flags = [f for f in validity_flags(instrument, answers, item_seconds,
                                       impression_management_band=impression_management_band, language=language)
             if f.id != IM]
    score, answered = impression_management_weighted_score(instrument, answers, IM_ANSWER_WEIGHTS)
    if im_weighted_rule(score, answered, IM_WEIGHTED_THRESHOLD, instrument.validity.impression_management_min_answered):
        flags.append(Flag(id=IM, text=instrument.validity.flag_texts[IM][language],
                          detail={"weighted": round(score, 2), "answered": answered}))
    return tuple(sorted(flags, key=lambda f: FLAG_IDS.index(f.id)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--model", action="append", choices=sorted(MODELS),
                        help="a model (repeatable); default: the five choosing models and the held-out one")
    args = parser.parse_args()
    scoring.validity_flags = weighted_validity_flags  # this process only: what score_answers calls
    simulation_run.validity_flags = weighted_validity_flags  # and the harness's "without timings" column
    instrument = load_instrument(ROOT / "questions" / "v3")
    print(f"Weighted IM candidate: {IM_ANSWER_WEIGHTS} (keyed answer: weight), threshold {IM_WEIGHTED_THRESHOLD}\n")
    for name in args.model or [*CALIBRATION_MODELS, *HELD_OUT_MODELS]:
        seeds = range(args.seed, args.seed + args.seeds)
        print(format_seeds(over_seeds(instrument, MODELS[name], n=args.n, seeds=seeds)) + "\n", flush=True)


if __name__ == "__main__":
    main()
