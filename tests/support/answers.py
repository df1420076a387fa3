"""Answer sets from the real item bank, and item-bank copies a test may edit."""

from __future__ import annotations

import shutil
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


def copy_bank(tmp_path: Path) -> Path:
    """A writable copy of questions/v1 that a test may break on purpose; returns the copy's folder."""
    target = tmp_path / "questions" / "v1"
    shutil.copytree(QUESTIONS / "v1", target)
    return target


def edit_yaml(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
