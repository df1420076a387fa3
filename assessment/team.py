"""What a coach may see of a group: the one place that decides it.

Two steps. `release_of` aggregates completed profiles into a language-neutral
`TeamRelease` (medians and band counts, never a list of scores); the web layer
may store it. `summarise_team` turns a release (or none) into the `TeamSummary`
a page, PDF or CSV shows.

Anonymous workshops (the README's "Try a workshop" and the privacy page say the same):
- no scores before `min_group` completions (configurable, never below
  LOWEST_MIN_GROUP);
- a release is a snapshot that the next release replaces only once `min_group`
  more have completed since it (`release_due`), so any two views a coach can
  compare differ by at least `min_group` people, and a deletion changes nothing
  until then; closing the workshop releases no smaller remainder (closing and
  reopening would otherwise reveal one person);
- medians rounded to MEDIAN_STEP, so one person cannot move it onto their score;
- one size, the released one: the completed count a coach sees anywhere (page,
  slide, PDF, JSON, CSV, xlsx) is the number of people in the release shown
  (0 before the first release), never a live count a neighbouring figure could
  be compared with. So there is no "in progress"
  either: joined minus the live count would give the count away.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from fractions import Fraction
from statistics import median
from typing import Mapping, Sequence

from .instrument import BAND_IDS, Instrument
from .profile import Profile
from .scoring import shown_score

DEFAULT_MIN_GROUP = 5
LOWEST_MIN_GROUP = 3
# One answer moves a six-item scale score by about 4 points; a median shown to
# the nearest 10 does not follow a single person.
MEDIAN_STEP = 10


def checked_min_group(value: object) -> int:
    """The anonymity minimum as an int, or ValueError naming the problem."""
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValueError(f"must be a whole number, not {value!r}") from None
    if number < LOWEST_MIN_GROUP:
        raise ValueError(f"must be at least {LOWEST_MIN_GROUP}, not {number}")
    return number


@dataclass(frozen=True)
class Count:
    """A count as shown: exact (low == high) or a range low–high."""

    low: int
    high: int

    @classmethod
    def exact(cls, n: int) -> Count:
        return cls(n, n)

    @classmethod
    def coarse(cls, n: int, step: int) -> Count:
        low = n // step * step
        return cls(low, low + step - 1)

    @property
    def is_exact(self) -> bool:
        return self.low == self.high

    def to_dict(self) -> dict:
        return {"low": self.low, "high": self.high}

    def __str__(self) -> str:
        return str(self.low) if self.is_exact else f"{self.low}–{self.high}"


@dataclass(frozen=True)
class ScaleAggregate:
    scale_id: str
    median: float | None
    band_counts: Mapping[str, int]
    not_scorable: int


@dataclass(frozen=True)
class TeamRelease:
    """Aggregates of `included` completed profiles, in no language."""

    included: int
    scales: tuple[ScaleAggregate, ...]
    flagged: int = 0  # included profiles with at least one validity flag

    def to_json(self) -> str:
        return json.dumps({
            "included": self.included,
            "flagged": self.flagged,
            "scales": [
                {"id": s.scale_id, "median": s.median, "band_counts": dict(s.band_counts), "not_scorable": s.not_scorable}
                for s in self.scales
            ],
        })

    @classmethod
    def from_json(cls, text: str) -> TeamRelease:
        data = json.loads(text)
        return cls(data["included"], tuple(
            ScaleAggregate(s["id"], s["median"], s["band_counts"], s["not_scorable"]) for s in data["scales"]
        ), data.get("flagged", 0))


def release_due(new_completions: int, min_group: int) -> bool:
    """Anonymous: a new release once `min_group` have completed since the last one
    (docs/decisions/0011-anonymous-team-results-in-release-steps.md)."""
    return new_completions >= min_group


def release_of(instrument: Instrument, profiles: Sequence[Profile], *, anonymous: bool) -> TeamRelease:
    rows = []
    for scale in instrument.scales_of_kind("behaviour", "driver"):
        results = [p.scales[scale.id] for p in profiles if scale.id in p.scales]
        scores = [r.score for r in results if r.score is not None]
        rows.append(ScaleAggregate(
            scale_id=scale.id,
            median=_shown_median(scores, anonymous),
            band_counts={band: sum(1 for r in results if r.band == band) for band in BAND_IDS},
            not_scorable=sum(1 for r in results if r.score is None),
        ))
    return TeamRelease(len(profiles), tuple(rows), flagged=sum(1 for p in profiles if p.flags))


def _shown_median(scores: Sequence[float], anonymous: bool) -> float | None:
    """The stored median: to the nearest MEDIAN_STEP (half up: 65 is 70) when anonymous,
    else to one decimal (the page shows `shown_median` of it)."""
    if not scores:
        return None
    if anonymous:
        return float(MEDIAN_STEP * shown_score(Fraction(str(median(scores))) / MEDIAN_STEP))
    return round(median(scores), 1)


def shown_median(value: float | None) -> int | None:
    """A team median as every page, slide, PDF, chart and file shows it: a whole number,
    half up like a person's score (62.5 is 63; scoring.shown_score), never half to even
    (Python's round) nor left to a page's script to round."""
    return None if value is None else shown_score(Fraction(str(value)))


@dataclass(frozen=True)
class TeamScale:
    scale_id: str
    kind: str
    name: str
    cut_points: tuple[float, float]
    median: int | None  # as shown (shown_median): the only median a coach is given
    band_counts: Mapping[str, int]
    not_scorable: int


@dataclass(frozen=True)
class TeamSummary:
    joined: int
    completed: Count
    included: int  # profiles the totals are made of
    scales: tuple[TeamScale, ...]
    withheld: bool  # anonymous, and no release yet
    anonymous: bool
    min_group: int
    paper: int = 0  # anonymous: keyed in on paper, kept out of the totals
    flagged: int = 0  # of `included`, profiles with at least one validity flag
    # (scale id, name) of every behaviour and driver scale, in order, shown or not: the
    # columns of a team table, known before anyone has completed or shared.
    columns: tuple[tuple[str, str], ...] = ()

    @property
    def in_progress(self) -> Count | None:
        """Named workshops only: an anonymous workshop's completed count is the
        released size, not a live count, so joined minus it means nothing."""
        if self.anonymous:
            return None
        return Count.exact(max(0, self.joined - self.completed.low))

    @property
    def scales_shown(self) -> bool:
        return bool(self.scales)

    @property
    def median_step(self) -> int | None:
        return MEDIAN_STEP if self.anonymous else None

    def to_dict(self) -> dict:
        return {
            "joined": self.joined,
            "in_progress": self.in_progress.to_dict() if self.in_progress else None,
            "completed": self.completed.to_dict(),
            "included": self.included,
            "withheld": self.withheld,
            "anonymous": self.anonymous,
            "min_group": self.min_group,
            "median_step": self.median_step,
            "paper": self.paper,
            "flagged": self.flagged,
            "columns": [{"id": scale_id, "name": name} for scale_id, name in self.columns],
            "scales": [
                {
                    "id": s.scale_id,
                    "kind": s.kind,
                    "name": s.name,
                    "median": s.median,
                    "band_counts": dict(s.band_counts),
                    "not_scorable": s.not_scorable,
                    "cut_points": list(s.cut_points),
                }
                for s in self.scales
            ],
        }


def summarise_team(
    instrument: Instrument,
    release: TeamRelease | None,
    *,
    language: str,
    joined: int,
    completed: int,
    anonymous: bool,
    min_group: int = DEFAULT_MIN_GROUP,
    paper: int = 0,
) -> TeamSummary:
    """What the coach sees. `release` is what may be shown of the scores: for an
    anonymous workshop the stored snapshot (None before the first), for a named
    one `release_of` the shared profiles."""
    min_group = checked_min_group(min_group)
    columns = tuple((s.id, s.name[language]) for s in instrument.scales_of_kind("behaviour", "driver"))
    if release is None or release.included == 0 or (anonymous and release.included < min_group):
        shown = Count.exact(0 if anonymous else completed)
        return TeamSummary(joined, shown, 0, (), withheld=anonymous, anonymous=anonymous, min_group=min_group, paper=paper,
                           columns=columns)
    # Anonymous: the one size a coach sees is the release's (see the module's docstring).
    shown = Count.exact(release.included) if anonymous else Count.exact(completed)
    scales = {s.id: s for s in instrument.scales}
    rows = tuple(
        TeamScale(
            scale_id=a.scale_id,
            kind=scales[a.scale_id].kind,
            name=scales[a.scale_id].name[language],
            cut_points=scales[a.scale_id].cut_points,
            median=shown_median(a.median),
            band_counts=a.band_counts,
            not_scorable=a.not_scorable,
        )
        for a in release.scales
        if a.scale_id in scales
    )
    return TeamSummary(joined, shown, release.included, rows, withheld=False, anonymous=anonymous,
                       min_group=min_group, paper=paper, flagged=release.flagged, columns=columns)
