"""Suggested plan steps, stored as the two halves of the plan's sentence
"When <situation>, I will <step>." ("När <situation>, ska jag <step>."), so that a
suggestion put into a plan always reads as good Swedish and English (issue 27 §4:
an imperative such as "Gå aldrig …" after "ska jag" was the bug). The steps live in
questions/plan_steps.yaml, keyed by scale (the behaviours and the driver); which of them a
person is offered is decided in assessment/suggestions.py."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

PLAN_STEPS_FILE = Path(__file__).resolve().parent.parent / "questions" / "plan_steps.yaml"


def _starts_lower(text: str) -> bool:
    """Lower case, or the English pronoun "I" ("I'm about to …")."""
    return text[0].islower() or text == "I" or text.startswith(("I ", "I'"))


@dataclass(frozen=True)
class PlanStep:
    scale_id: str
    situation: dict[str, str]  # language -> clause after "When" / "När"
    step: dict[str, str]  # language -> completion after "I will" / "ska jag", lower-case infinitive


class PlanStepsError(ValueError):
    pass


def load_plan_steps(path: Path = PLAN_STEPS_FILE) -> dict[str, tuple[PlanStep, ...]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    steps: dict[str, tuple[PlanStep, ...]] = {}
    for scale_id, entries in data.items():
        found = []
        for n, entry in enumerate(entries, 1):
            situation, step = entry.get("situation") or {}, entry.get("step") or {}
            for part, texts in (("situation", situation), ("step", step)):
                for language, text in texts.items():
                    if not text or text != text.strip() or not _starts_lower(text) or text.endswith("."):
                        raise PlanStepsError(f"{path.name}: {scale_id} step {n}: the {part} in {language} must be a "
                                             f"lower-case sentence part without a full stop, got {text!r}")
            if set(situation) != set(step):
                raise PlanStepsError(f"{path.name}: {scale_id} step {n}: situation and step need the same languages")
            found.append(PlanStep(scale_id, dict(situation), dict(step)))
        steps[scale_id] = tuple(found)
    return steps


@lru_cache(maxsize=1)
def plan_steps() -> dict[str, tuple[PlanStep, ...]]:
    return load_plan_steps()


def as_completion(text: str) -> str:
    """A person's own words as the rest of "When …" or "I will …": no full stop at the end,
    and a capitalised first word lower-cased ("Ring kunden" -> "ring kunden"), so that
    "… ska jag Ring kunden" cannot be written. Left alone: "I", and a word in capitals
    (an abbreviation such as "CRM")."""
    text = " ".join(text.split()).rstrip(".")
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first[0].isupper() and first[1].islower():
        return text[0].lower() + text[1:]
    return text
