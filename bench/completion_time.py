"""How long the questionnaire takes, per version and language: the reading-time
model in assessment/completion_time.py (described there) run over every version's
real texts, v2 beside v1 (the baseline). Not a timing of this machine. The start
and join pages promise the rounded median ("about N minutes").

Usage: .venv/bin/python bench/completion_time.py [--n 20000] [--seed 1]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assessment.bank import InstrumentBank  # noqa: E402
from assessment.completion_time import completion_seconds, typical_minutes, words  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    bank = InstrumentBank.load(ROOT / "questions")
    print(f"completion time, reading-time model (N = {args.n} per row, seed {args.seed})")
    print(f"{'version':>7} {'lang':>4} {'items':>5} {'words':>5} {'median':>8} {'p90':>8}")
    for (_, version), instrument in sorted(bank.instruments.items()):
        for language in instrument.languages:
            seconds = completion_seconds(instrument, language, args.n, args.seed)
            total_words = sum(words(i.text[language]) for i in instrument.items)
            print(f"{version:>7} {language:>4} {len(instrument.items):>5} {total_words:>5} "
                  f"{np.median(seconds) / 60:>6.1f} m {np.percentile(seconds, 90) / 60:>6.1f} m")
    for (_, version), instrument in sorted(bank.instruments.items()):
        print(f"version {version}: the pages say 'about {typical_minutes(instrument)} minutes'")
    print("target: median under 8 minutes (issue #12); v1 is the baseline")


if __name__ == "__main__":
    main()
