"""How long the questionnaire takes: a reading-time model run over every
version's real texts, v2 beside v1 (the baseline). Not a timing of this
machine: the figures come from the stated model below and the word counts of
the items, instructions and page hints each respondent reads.

Model (per simulated respondent, seeded):
- reading speed, log-normal across people: median 180 words/min (slow,
  careful reading of short statements; fluent adults read 200–260), log-SD 0.30;
- per item, after reading it: choosing an answer, log-normal, median 2.5 s,
  log-SD 0.40 (about the 2 s floor of Huang et al. 2012 plus deliberation);
- per page: reading the page hint, plus 4 s to look over the page, press Next
  and wait for the next page;
- once: the start page (name, language) 30 s, and the instructions on page 1.

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

WORDS_PER_MINUTE = 180.0
READING_LOG_SD = 0.30
ANSWER_SECONDS = 2.5
ANSWER_LOG_SD = 0.40
PAGE_SECONDS = 4.0
START_SECONDS = 30.0
# v1 had no hint of its own in the item bank; its page showed this sentence.
V1_HINT = {"en": "How often does this happen in your work? Think of the last few months.",
           "sv": "Hur ofta händer det här i ditt arbete? Tänk på de senaste månaderna."}


def words(text: str) -> int:
    return len(text.split())


def completion_seconds(instrument, language: str, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    item_words = np.array([words(item.text[language]) for item in instrument.items])
    hint = instrument.page_hint[language] if instrument.page_hint else V1_HINT[language]
    once_words = words(instrument.instructions[language]) if instrument.instructions else 0
    pages = len(instrument.pages)
    read_words = item_words.sum() + once_words + pages * words(hint)
    words_per_second = np.exp(rng.normal(np.log(WORDS_PER_MINUTE / 60), READING_LOG_SD, n))
    answering = np.exp(rng.normal(np.log(ANSWER_SECONDS), ANSWER_LOG_SD, (n, len(item_words)))).sum(axis=1)
    return START_SECONDS + read_words / words_per_second + answering + pages * PAGE_SECONDS


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
    print("target: median under 8 minutes (issue #12); v1 is the baseline")


if __name__ == "__main__":
    main()
