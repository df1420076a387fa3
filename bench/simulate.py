"""The speed of `flask --app app simulate`: respondents simulated and scored per
second, beside the engine alone scoring the same number of answer sets (the floor:
the harness scores every respondent through score_answers, so it cannot beat
the engine). Wall and CPU time are both printed: on a shared machine the wall
time says more about the neighbours than about the code.

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
from assessment.simulation.respondents import RESPONDENT_TYPES  # noqa: E402
from assessment.simulation.run import simulate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2500, help="respondents per type")
    parser.add_argument("--version", help="instrument version (default: current)")
    args = parser.parse_args()
    bank = InstrumentBank.load(ROOT / "questions")
    instrument = bank.get(bank.current.id, args.version) if args.version else bank.current

    started, cpu = time.perf_counter(), time.process_time()
    report = simulate(instrument, n=args.n, seed=1)
    harness, harness_cpu = time.perf_counter() - started, time.process_time() - cpu
    respondents = args.n * (len(RESPONDENT_TYPES) + 1)  # every type, plus the honest retest
    engine_calls = respondents  # one score_answers per respondent

    rng = np.random.default_rng(1)
    ids = [i.id for i in instrument.items]
    sets = [
        AnswerSet("en", dict(zip(ids, row.tolist())), None, tuple(rng.uniform(1, 8, len(instrument.pages)).tolist()))
        for row in rng.integers(1, 6, (engine_calls, len(ids)))
    ]
    started, cpu = time.perf_counter(), time.process_time()
    for answer_set in sets:
        score_answers(instrument, answer_set)
    engine, engine_cpu = time.perf_counter() - started, time.process_time() - cpu

    print(f"{platform.node()} · Python {platform.python_version()} · {instrument.id} v{instrument.version}")
    print("| measure | wall | CPU | rate (CPU) |")
    print("|---|---|---|---|")
    print(f"| simulate: {respondents:,} respondents ({args.n:,} × {len(RESPONDENT_TYPES)} types + retest) "
          f"| {harness:.1f} s | {harness_cpu:.1f} s | {respondents / harness_cpu:,.0f} respondents/s |")
    print(f"| baseline: the engine alone, {engine_calls:,} score_answers calls "
          f"| {engine:.1f} s | {engine_cpu:.1f} s | {engine_calls / engine_cpu:,.0f} calls/s |")
    print(f"| harness cost over the engine alone (CPU) | | {harness_cpu - engine_cpu:+.1f} s | |")
    assert report.types


if __name__ == "__main__":
    main()
