"""The instrument model: the item bank in questions/ as immutable dataclasses,
and the limits every version must keep. Reading and validating the YAML files
is `loader.py`'s job."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Mapping

from .reliability import Reliability, RetestReliability

BAND_IDS = ("low", "moderate", "high")
SCALE_KINDS = ("behaviour", "driver", "validity")
MIN_ITEMS = {"behaviour": 6, "driver": 4, "validity": 4}
MAX_ITEMS = {"behaviour": 8, "driver": 8, "validity": 8}
# How item answers become a scale score: "mean" rescales the mean keyed answer
# to 0–100; "extreme" (classic lie scales) counts only the most extreme keyed
# answer (5 after reverse keying) and gives the share of such answers, 0–100.
SCORING_RULES = ("mean", "extreme")
BOUNDARIES = ("low_moderate", "moderate_high")
REQUIRED_SCALES = {
    "postponing_contact": "behaviour",
    "weak_close": "behaviour",
    "abandoned_follow_up": "behaviour",
    "fear_of_pushiness": "driver",
    "impression_management": "validity",
}
TOTAL_ITEMS = (25, 40)
PAGE_SIZES = (6, 10)
ACTIONS_PER_BAND = (2, 4)
RESPONSE_VALUES = (1, 2, 3, 4, 5)
FLAG_IDS = ("straight_lining", "too_fast", "impression_management_high", "inconsistent")

Localized = Mapping[str, str]


class InstrumentError(Exception):
    """The item bank is broken; the message names the file, the place and the problem."""


@dataclass(frozen=True)
class ResponseOption:
    value: int
    label: Localized


@dataclass(frozen=True)
class Item:
    id: str
    scale_id: str
    text: Localized
    reverse: bool = False
    facet: str | None = None
    # Whether "does not apply" is offered for this item: the instrument offers it
    # (v2 on) and the item's scale does not opt out (scales.yaml `not_applicable:
    # false`, e.g. everyday faults, which always apply). Set by the loader.
    offers_not_applicable: bool = False


@dataclass(frozen=True)
class Band:
    id: str
    interpretation: Localized
    actions: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class Example:
    """A phrase from the article and what to say instead."""

    said: Localized
    instead: Localized


@dataclass(frozen=True)
class Scale:
    id: str
    kind: str
    name: Localized
    description: Localized
    cut_points: tuple[float, float]
    bands: Mapping[str, Band]
    items: tuple[Item, ...]
    reliability: Reliability | None = None  # provisional, from the instrument file
    retest: RetestReliability | None = None  # provisional retest reliability, for reliable change
    scoring: str = "mean"
    # Interpretation for a score whose interval crosses a cut point, per boundary.
    near_boundary: Mapping[str, Localized] | None = None
    examples: tuple[Example, ...] = ()
    discussion: Mapping[str, tuple[str, ...]] | None = None

    @property
    def band_limits(self) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
        """The integer scores of each band (low, moderate, high); never overlapping."""
        moderate_from, high_from = (math.ceil(c) for c in self.cut_points)
        return ((0, moderate_from - 1), (moderate_from, high_from - 1), (high_from, 100))


@dataclass(frozen=True)
class ValidityRules:
    straight_lining_run: int
    straight_lining_share: float  # share of identical answers over the whole questionnaire
    too_fast_seconds_per_item: float  # median over the timed pages
    too_fast_page_seconds_per_item: float  # … or this many pages this fast:
    too_fast_pages: int
    # inconsistent: the pooled within-scale SD of the keyed answers (answer steps) at least this
    inconsistent_spread: float
    flag_texts: Mapping[str, Localized]
    # straight-lining by share also needs the same answer on this share of the reverse-keyed items
    straight_lining_reverse_share: float = 0.5
    # … and the run rule too: only a run of the answer given to that share of the faults counts
    straight_lining_run_needs_reverse_share: bool = False
    # … and both rules need that answer on more than half of the answered items of every scale
    straight_lining_every_scale: bool = False
    # the impression-management note needs at least this many answered items
    impression_management_min_answered: int = 5
    # straight-lining by share when the dominant answer is the middle one ("Sometimes")
    straight_lining_midpoint_share: float = 1.0
    # inconsistent also when the answers on the last pages stray this far (RMS, answer steps)
    # from the same scale's earlier answers
    inconsistent_late_spread: float = 5.0
    inconsistent_late_pages: int = 0
    # inconsistent is not given to an extreme responder: more than this share of the behaviour
    # and driver answers at the ends (1 or 5; 1 = off) …
    inconsistent_extreme_share: float = 1.0
    # … with at least this share at each end, unless timed on every page at a median below
    # this many seconds per item (0 = off)
    inconsistent_extreme_each_end: float = 0.0
    inconsistent_extreme_min_seconds_per_item: float = 0.0
    # A person timed on every page at this many seconds per item or more (the fastest page; 0 = off)
    # has read the questions: the spread needs the first figure, the late pages the second.
    inconsistent_reading_seconds_per_item: float = 0.0
    inconsistent_reading_spread: float = 2.0
    inconsistent_reading_late_spread: float = 5.0
    # A person whose last pages (median s/item) went below this share of the earlier pages' pace
    # (0 = off) sped up: the late pages need only the second figure.
    inconsistent_speedup_ratio: float = 0.0
    inconsistent_speedup_late_spread: float = 5.0


@dataclass(frozen=True)
class Instrument:
    id: str
    version: str
    name: Localized
    languages: tuple[str, ...]
    response_options: tuple[ResponseOption, ...]
    scales: tuple[Scale, ...]
    items: tuple[Item, ...]  # in presentation order
    page_size: int
    validity: ValidityRules
    band_labels: Mapping[str, Localized]
    # "Does not apply to me": offered only when the instrument names it (v2 on).
    not_applicable_label: Localized | None = None
    instructions: Localized | None = None
    page_hint: Localized | None = None

    @property
    def offers_not_applicable(self) -> bool:
        """Whether "does not apply" is offered at all (on some items); per item see
        `Item.offers_not_applicable`."""
        return self.not_applicable_label is not None

    @cached_property
    def items_without_not_applicable(self) -> tuple[Item, ...]:
        """Where the instrument offers "does not apply", the items that do not (presentation order)."""
        if not self.offers_not_applicable:
            return ()
        return tuple(item for item in self.items if not item.offers_not_applicable)

    def scale(self, scale_id: str) -> Scale:
        for scale in self.scales:
            if scale.id == scale_id:
                return scale
        raise KeyError(scale_id)

    @cached_property
    def item_ids(self) -> frozenset[str]:
        return frozenset(item.id for item in self.items)

    @cached_property
    def pages(self) -> tuple[tuple[Item, ...], ...]:
        size = self.page_size
        return tuple(self.items[i : i + size] for i in range(0, len(self.items), size))

    def scales_of_kind(self, *kinds: str) -> tuple[Scale, ...]:
        return tuple(scale for scale in self.scales if scale.kind in kinds)

    def to_dict(self) -> dict[str, Any]:
        """The public export printed by `flask instrument`."""
        return {
            "id": self.id,
            "version": self.version,
            "name": dict(self.name),
            "languages": list(self.languages),
            "response_options": [
                {"value": o.value, "label": dict(o.label)} for o in self.response_options
            ],
            "scales": [
                {
                    "id": s.id,
                    "kind": s.kind,
                    "name": dict(s.name),
                    "description": dict(s.description),
                    "cut_points": list(s.cut_points),
                    "band_limits": [list(b) for b in s.band_limits],
                    "scoring": s.scoring,
                    "reliability": s.reliability.to_dict() if s.reliability else None,
                    "items": [
                        {"id": i.id, "text": dict(i.text), "reverse": i.reverse,
                         "not_applicable": i.offers_not_applicable}
                        for i in s.items
                    ],
                }
                for s in self.scales
            ],
            "bands": {b: dict(label) for b, label in self.band_labels.items()},
            "item_order": [item.id for item in self.items],
            "page_size": self.page_size,
            "not_applicable": (
                {"value": "na", "label": dict(self.not_applicable_label)} if self.not_applicable_label else None
            ),
        }
