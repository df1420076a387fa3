"""Answer sets from the real item bank, and item-bank copies a test may edit."""

from __future__ import annotations

import math
import shutil
from fractions import Fraction
from pathlib import Path

import yaml

from .paths import QUESTIONS

# --- answer sets and item banks -------------------------------------------------


def varied_answers(instrument, offset: int = 0) -> dict[str, int]:
    """Answers that avoid every validity flag: no long runs, no dominant answer, IM low,
    and close enough to the expected answer pattern."""
    answers = {}
    for k, item in enumerate(instrument.items):
        answers[item.id] = 2 if item.scale_id == "impression_management" else (k + offset) % 3 + 2
    return answers


def _scale_totals(instrument, scale_id: str) -> dict[int, int]:
    """{shown score: sum of item values (1–5, after reverse keying) that gives it} for a mean-scored scale."""
    n = len(next(s for s in instrument.scales if s.id == scale_id).items)
    # Shown half up, as a profile shows it.
    return {math.floor(Fraction(total - n, 4 * n) * 100 + Fraction(1, 2)): total for total in range(n, 5 * n + 1)}


def answers_with_score(instrument, scale_id: str, score: int, offset: int = 0) -> dict[str, int]:
    """varied_answers, with one (mean-scored) scale answered so that its shown score is `score`."""
    answers = varied_answers(instrument, offset)
    items = next(s for s in instrument.scales if s.id == scale_id).items
    n, total = len(items), _scale_totals(instrument, scale_id)[score]
    values = [total // n + (1 if k < total % n else 0) for k in range(n)]
    for item, value in zip(items, values):
        answers[item.id] = 6 - value if item.reverse else value
    return answers


def scores_with_median(instrument, scale_id: str, median: float) -> tuple[int, int]:
    """Two scores the scale can give whose median is `median` (e.g. 62.5: 59 and 66 on eight items)."""
    possible = sorted(_scale_totals(instrument, scale_id))
    return next((a, b) for a in possible for b in possible if a < b and a + b == 2 * median and b - a < 12)


def copy_bank(tmp_path: Path) -> Path:
    """A writable copy of questions/v1 that a test may break on purpose; returns the copy's folder."""
    target = tmp_path / "questions" / "v1"
    shutil.copytree(QUESTIONS / "v1", target)
    return target


def edit_yaml(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
