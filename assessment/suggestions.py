"""Which next steps to suggest: only from what is actually high.

A scale in the high band comes first (behaviours and the driver alike, highest
score first), then moderate ones; a low band never gives a suggestion. Within a
band the scales take turns, so that two high scales each get their first step
before either gets a second.

The one owner of "the suggested steps": the profile's "Where to start", the PDF's
action plan and the plan page all take them from here, and a step is the two halves
of the plan's sentence "When <situation>, I will <step>." (questions/plan_steps.yaml),
so a suggestion put into a plan is the very step the profile recommended. (The walk:
the profile started with a driver step that the plan page, reading only the
behaviours, never offered.)"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import zip_longest

from .plan_steps import PlanStep, plan_steps
from .profile import Profile, ScaleResult

SUGGESTING_BANDS = ("high", "moderate")


@dataclass(frozen=True)
class Suggestion:
    scale_id: str
    scale_name: str
    kind: str  # behaviour | driver
    band: str
    band_label: str
    score: int
    situation: str  # after "When" / "När", in the profile's language
    step: str  # after "I will" / "ska jag"


def suggested_steps(profile: Profile, limit: int = 3) -> tuple[Suggestion, ...]:
    table = plan_steps()
    steps: list[Suggestion] = []
    for band in SUGGESTING_BANDS:
        results = sorted(
            (r for r in profile.of_kind("behaviour", "driver")
             if r.band == band and r.score is not None and table.get(r.scale_id)),
            key=lambda r: -(r.exact if r.exact is not None else r.score),
        )
        for turn in zip_longest(*(table[r.scale_id] for r in results)):
            for result, step in zip(results, turn):
                if step is not None:
                    steps.append(_suggestion(result, step, profile.language))
    return tuple(steps[:limit])


def also_high(profile: Profile, first: Suggestion | None) -> tuple[ScaleResult, ...]:
    """The behaviours and the driver in the high band besides the one the profile starts with,
    highest first: the article's Yielder (all four high) saw only the driver on the first screen
    and had to scroll to learn that all three habits were high too."""
    return tuple(sorted(
        (r for r in profile.of_kind("behaviour", "driver")
         if r.band == "high" and r.score is not None and (first is None or r.scale_id != first.scale_id)),
        key=lambda r: -(r.exact if r.exact is not None else r.score)))


def plan_suggestions(profile: Profile, limit: int = 6) -> tuple[Suggestion, ...]:
    """The plan page's: the suggested steps, the profile's first one first. With nothing high
    or moderate the profile suggests none, and a plan may still want ideas: then the steps of
    the two highest behaviours."""
    found = suggested_steps(profile, limit)
    if found:
        return found
    table = plan_steps()
    behaviours = sorted((r for r in profile.of_kind("behaviour") if r.score is not None and table.get(r.scale_id)),
                        key=lambda r: -(r.exact if r.exact is not None else r.score))[:2]
    return tuple(_suggestion(r, step, profile.language) for r in behaviours for step in table[r.scale_id][:3])[:limit]


def _suggestion(result: ScaleResult, step: PlanStep, language: str) -> Suggestion:
    return Suggestion(result.scale_id, result.name, result.kind, result.band or "", result.band_label or "",
                      result.score if result.score is not None else 0, step.situation[language], step.step[language])


def discussion_order(scales) -> tuple[str, ...]:
    """Which scales a team discusses, in order: its highest behaviour (by median,
    then by how many are high), then the driver. `scales` are team summary rows
    with scale_id, kind, median and band_counts."""
    scored = [s for s in scales if s.median is not None]
    behaviours = sorted((s for s in scored if s.kind == "behaviour"),
                        key=lambda s: (-s.median, -s.band_counts.get("high", 0)))
    drivers = [s for s in scored if s.kind == "driver"]
    return tuple(s.scale_id for s in behaviours[:1] + drivers)
