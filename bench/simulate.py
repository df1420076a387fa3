"""The speed of `flask --app app simulate`: respondents simulated and scored per
second, beside the engine alone scoring the same number of answer sets (the
floor: the harness scores every respondent through score_answers, with and
without timings, so it cannot beat the engine).

Usage: .venv/bin/python bench/simulate.py [--n 2500] [--version 2]
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from assessment import AnswerSet, score_answers  # noqa: E402
from assessment.bank import InstrumentBank  # noqa: E402
from assessment.simulation import RESPONDENT_TYPES, simulate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2500, help="respondents per type")
    parser.add_argument("--version", help="instrument version (default: current)")
    args = parser.parse_args()
    bank = InstrumentBank.load(ROOT / "questions")
    instrument = bank.get(bank.current.id, args.version) if args.version else bank.current

    started = time.perf_counter()
    report = simulate(instrument, n=args.n, seed=1)
    harness = time.perf_counter() - started
    respondents = args.n * (len(RESPONDENT_TYPES) + 1)  # every type, plus the honest retest
    engine_calls = 2 * respondents  # with and without timings

    rng = np.random.default_rng(1)
    ids = [i.id for i in instrument.items]
    sets = [
        AnswerSet("en", dict(zip(ids, row.tolist())), None, tuple(rng.uniform(1, 8, len(instrument.pages)).tolist()))
        for row in rng.integers(1, 6, (engine_calls, len(ids)))
    ]
    started = time.perf_counter()
    for answer_set in sets:
        score_answers(instrument, answer_set)
    engine = time.perf_counter() - started

    print(f"{platform.node()} · Python {platform.python_version()} · {instrument.id} v{instrument.version}")
    print("| measure | figure |")
    print("|---|---|")
    print(f"| simulate: {respondents:,} respondents ({args.n:,} × {len(RESPONDENT_TYPES)} types + retest) | {harness:.1f} s ({respondents / harness:,.0f} respondents/s) |")
    print(f"| baseline: the engine alone, {engine_calls:,} score_answers calls | {engine:.1f} s ({engine_calls / engine:,.0f} calls/s) |")
    print(f"| harness overhead over the engine | {100 * (harness / engine - 1):+.0f} % |")
    assert report.types


if __name__ == "__main__":
    main()
