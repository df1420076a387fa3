"""Following up a profile: the person's own if-then plan, and whether a retake
differs from the previous take by more than measurement noise.

Reliable change index (Jacobson & Truax, 1991): RCI = (now − then) / S_diff with
S_diff = √2 × SEM when both takes share one SEM, and √(SEM_then² + SEM_now²) when
their SEMs differ (e.g. a reliability estimated from data between the takes).
|RCI| ≥ 1.96 is a change that measurement error alone would produce less than 5 %
of the time (two-sided, normal errors, the SEM taken as known)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Sequence

from .profile import Profile, ScaleResult
from .team import TeamScale, TeamSummary

FOLLOW_UP_DAYS = (14, 30, 60, 90)
DEFAULT_FOLLOW_UP_DAYS = 30
MAX_PLAN_ACTIONS = 3
REAL_CHANGE = 1.96


@dataclass(frozen=True)
class PlanAction:
    """One if-then step: "When <situation>, I will <step>"."""

    situation: str
    step: str
    scale_id: str | None = None
    done: bool | None = None  # ticked at the follow-up: did you do it?


@dataclass(frozen=True)
class Plan:
    actions: tuple[PlanAction, ...]
    follow_up_on: date


@dataclass(frozen=True)
class Change:
    """One scale, then and now."""

    scale_id: str
    name: str
    then: ScaleResult
    now: ScaleResult
    difference: float | None  # now − then, on the 0–100 scale
    se_difference: float | None
    rci: float | None
    sems_differ: bool

    @property
    def real(self) -> bool:
        return self.rci is not None and abs(self.rci) >= REAL_CHANGE

    @property
    def direction(self) -> str | None:
        """"lower" or "higher" for a real change, None for noise or no verdict."""
        if not self.real:
            return None
        return "lower" if self.difference < 0 else "higher"


def _exact(result: ScaleResult) -> float | None:
    return result.exact if result.exact is not None else (float(result.score) if result.score is not None else None)


def reliable_change(then: float, sem_then: float, now: float, sem_now: float) -> tuple[float, float, bool]:
    """(RCI, standard error of the difference, whether the two SEMs differ)."""
    sems_differ = not math.isclose(sem_then, sem_now, rel_tol=1e-9, abs_tol=1e-12)
    se = math.sqrt(sem_then**2 + sem_now**2) if sems_differ else math.sqrt(2) * sem_then
    if se <= 0:
        raise ValueError("a standard error of measurement must be positive")
    return (now - then) / se, se, sems_differ


def compare_results(then: ScaleResult, now: ScaleResult) -> Change:
    a, b = _exact(then), _exact(now)
    sem_a, sem_b = then.sem, now.sem
    difference = rci = se = None
    sems_differ = False
    if a is not None and b is not None:
        difference = b - a
        if sem_a and sem_b:
            rci, se, sems_differ = reliable_change(a, sem_a, b, sem_b)
    return Change(now.scale_id, now.name, then, now, difference, se, rci, sems_differ)


@dataclass(frozen=True)
class Take:
    """One completed response in a chain of retakes."""

    taken_on: date
    profile: Profile


@dataclass(frozen=True)
class History:
    """A chain of takes, oldest first, and the latest take compared with the one before."""

    takes: tuple[Take, ...]
    scale_ids: tuple[str, ...]  # behaviours and driver present in every take
    changes: tuple[Change, ...]  # previous → latest, per shared scale
    questions_changed: bool  # the takes used different instrument versions
    dropped_scales: tuple[str, ...]  # names of scales left out because a take lacks them

    @property
    def then(self) -> Take:
        return self.takes[-2]

    @property
    def now(self) -> Take:
        return self.takes[-1]

    @property
    def sems_differ(self) -> bool:
        return any(c.sems_differ for c in self.changes)

    def series(self, scale_id: str) -> list[ScaleResult]:
        return [take.profile.scales[scale_id] for take in self.takes]


def history(takes: Sequence[Take]) -> History:
    """Compare only what every take measured: scales missing from one take are left out."""
    if len(takes) < 2:
        raise ValueError("a history needs at least two takes")
    takes = tuple(takes)
    latest = takes[-1].profile
    shown = [r.scale_id for r in latest.of_kind("behaviour", "driver")]
    shared = tuple(s for s in shown if all(s in t.profile.scales for t in takes))
    dropped = tuple(
        r.name for t in takes for r in t.profile.of_kind("behaviour", "driver") if r.scale_id not in shared
    )
    versions = {(t.profile.instrument_id, t.profile.instrument_version) for t in takes}
    changes = tuple(compare_results(takes[-2].profile.scales[s], latest.scales[s]) for s in shared)
    return History(takes, shared, changes, len(versions) > 1, tuple(dict.fromkeys(dropped)))


@dataclass(frozen=True)
class TeamScaleChange:
    """One scale of a workshop and its follow-up session, each as the team view may show it."""

    scale_id: str
    name: str
    before: TeamScale | None
    after: TeamScale | None


def team_comparison(before: TeamSummary, after: TeamSummary) -> tuple[TeamScaleChange, ...]:
    """Side by side, only from what summarise_team let through for each session."""
    first = {s.scale_id: s for s in before.scales}
    second = {s.scale_id: s for s in after.scales}
    order = [s.scale_id for s in after.scales] + [s for s in first if s not in second]
    return tuple(
        TeamScaleChange(s, (second.get(s) or first[s]).name, first.get(s), second.get(s)) for s in order
    )


@dataclass(frozen=True)
class PersonChange:
    """A named participant matched across the two sessions."""

    name: str
    changes: tuple[Change, ...]


def person_change(name: str, then: Profile, now: Profile) -> PersonChange:
    shared = [r.scale_id for r in now.of_kind("behaviour", "driver") if r.scale_id in then.scales]
    return PersonChange(name, tuple(compare_results(then.scales[s], now.scales[s]) for s in shared))
