"""The instrument loader: reads one version's YAML files (questions/vN/) into the
model of `instrument.py`, validated on load so that a broken file stops start-up
with one message naming the file, the item or scale, and the problem."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from .instrument import (
    ACTIONS_PER_BAND,
    BAND_IDS,
    BOUNDARIES,
    FLAG_IDS,
    MAX_ITEMS,
    MIN_ITEMS,
    PAGE_SIZES,
    REQUIRED_SCALES,
    RESPONSE_VALUES,
    SCALE_KINDS,
    SCORING_RULES,
    TOTAL_ITEMS,
    Band,
    Example,
    Instrument,
    InstrumentError,
    Item,
    ResponseOption,
    Scale,
    ValidityRules,
)
from .reliability import Reliability, RetestReliability

# libyaml's safe parser where PyYAML has it (its wheels do): with the pure-Python one, parsing
# the bank made up most of an app's start (a test's app: 0.19 s, now 0.07 s). Same data; the
# same error positions, in libyaml's words.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Optional validity rules: `inconsistent` by reading pace (off unless given).
PACED_INCONSISTENT = (
    "inconsistent_extreme_min_seconds_per_item",
    "inconsistent_reading_seconds_per_item",
    "inconsistent_reading_spread",
    "inconsistent_reading_late_spread",
    "inconsistent_speedup_ratio",
    "inconsistent_speedup_late_spread",
)

class _Reader:
    """Reads one YAML file and reports problems with its name attached."""

    def __init__(self, path: Path, languages: tuple[str, ...]):
        self.path = path
        self.languages = languages

    def fail(self, where: str, problem: str) -> InstrumentError:
        return InstrumentError(f"{self.path}: {where}: {problem}")

    def load(self) -> Any:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InstrumentError(f"{self.path}: file is missing") from None
        except UnicodeDecodeError as exc:
            raise InstrumentError(f"{self.path}: not UTF-8 text ({exc.reason})") from None
        try:
            data = yaml.load(text, Loader=_SAFE_LOADER)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f"line {mark.line + 1}" if mark else "somewhere"
            problem = getattr(exc, "problem", None) or str(exc)
            raise InstrumentError(f"{self.path}: {line}: not valid YAML ({problem})") from None
        if not isinstance(data, dict):
            raise InstrumentError(f"{self.path}: top level must be a mapping")
        return data

    def field(self, data: Any, key: str, where: str, kind: type | tuple[type, ...]) -> Any:
        if not isinstance(data, dict) or key not in data:
            raise self.fail(where, f"'{key}' is missing")
        value = data[key]
        if isinstance(value, bool) and kind in (int, float, (int, float)):
            raise self.fail(where, f"'{key}' must be a number, not {value!r}")
        if not isinstance(value, kind):
            expected = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            raise self.fail(where, f"'{key}' must be {expected}, not {type(value).__name__}")
        return value

    def text(self, data: Any, key: str, where: str) -> dict[str, str]:
        value = self.field(data, key, where, dict)
        for lang in self.languages:
            text = value.get(lang)
            if not isinstance(text, str) or not text.strip():
                raise self.fail(where, f"'{key}' has no text in '{lang}'")
        extra = set(value) - set(self.languages)
        if extra:
            raise self.fail(where, f"'{key}' has unknown language(s) {sorted(extra)}")
        return {lang: " ".join(value[lang].split()) for lang in self.languages}

    def text_lists(
        self, data: Any, key: str, where: str, count: tuple[int, int]
    ) -> dict[str, tuple[str, ...]]:
        value = self.field(data, key, where, dict)
        lists: dict[str, tuple[str, ...]] = {}
        for lang in self.languages:
            entries = value.get(lang)
            if not isinstance(entries, list) or not all(
                isinstance(e, str) and e.strip() for e in entries
            ):
                raise self.fail(where, f"'{key}' needs a list of texts in '{lang}'")
            if not count[0] <= len(entries) <= count[1]:
                raise self.fail(
                    where,
                    f"'{key}' in '{lang}' has {len(entries)} entries; {count[0]}–{count[1]} required",
                )
            lists[lang] = tuple(" ".join(e.split()) for e in entries)
        if len({len(v) for v in lists.values()}) > 1:
            raise self.fail(where, f"'{key}' has a different number of entries per language")
        return lists


def load_instrument(folder: str | Path) -> Instrument:
    """Load and validate the instrument in `folder` (e.g. questions/v1)."""
    folder = Path(folder)
    head = _Reader(folder / "instrument.yaml", ())
    meta = head.load()
    languages = tuple(head.field(meta, "languages", "instrument", list))
    if sorted(languages) != ["en", "sv"]:
        raise head.fail("instrument", f"'languages' must be sv and en, not {list(languages)}")
    head.languages = languages

    instrument_id = head.field(meta, "id", "instrument", str)
    version = str(head.field(meta, "version", "instrument", (str, int)))
    name = head.text(meta, "name", "instrument")
    options = _response_options(head, meta)
    band_raw = head.field(meta, "band_labels", "instrument", dict)
    band_labels = {b: head.text(band_raw, b, "band_labels") for b in BAND_IDS}
    not_applicable = head.text(meta, "not_applicable_option", "instrument") if "not_applicable_option" in meta else None
    instructions = head.text(meta, "instructions", "instrument") if "instructions" in meta else None
    page_hint = head.text(meta, "page_hint", "instrument") if "page_hint" in meta else None
    page_size = head.field(meta, "page_size", "instrument", int)
    if not PAGE_SIZES[0] <= page_size <= PAGE_SIZES[1]:
        raise head.fail("instrument", f"'page_size' is {page_size}; {PAGE_SIZES[0]}–{PAGE_SIZES[1]} required")

    items = _items(_Reader(folder / "items.yaml", languages))
    scales = _scales(_Reader(folder / "scales.yaml", languages), items, offers_not_applicable=not_applicable is not None)
    ordered = _item_order(head, meta, items)
    validity = _validity(head, meta, items)

    return Instrument(
        id=instrument_id,
        version=version,
        name=name,
        languages=languages,
        response_options=options,
        scales=scales,
        items=ordered,
        page_size=page_size,
        validity=validity,
        band_labels=band_labels,
        not_applicable_label=not_applicable,
        instructions=instructions,
        page_hint=page_hint,
    )


def _response_options(r: _Reader, meta: dict) -> tuple[ResponseOption, ...]:
    raw = r.field(meta, "response_options", "instrument", list)
    options = []
    for n, entry in enumerate(raw, 1):
        where = f"response option {n}"
        value = r.field(entry, "value", where, int)
        options.append(ResponseOption(value=value, label=r.text(entry, "label", where)))
    values = tuple(o.value for o in options)
    if values != RESPONSE_VALUES:
        raise r.fail("response_options", f"values must be {list(RESPONSE_VALUES)} in order, not {list(values)}")
    return tuple(options)


def _items(r: _Reader) -> dict[str, Item]:
    data = r.load()
    raw = r.field(data, "items", "items", list)
    items: dict[str, Item] = {}
    for n, entry in enumerate(raw, 1):
        item_id = r.field(entry, "id", f"item {n}", str)
        where = f"item '{item_id}'"
        if item_id in items:
            raise r.fail(where, "id is used twice")
        reverse = entry.get("reverse", False)
        if not isinstance(reverse, bool):
            raise r.fail(where, f"'reverse' must be true or false, not {reverse!r}")
        facet = entry.get("facet")
        if facet is not None and not isinstance(facet, str):
            raise r.fail(where, "'facet' must be text")
        items[item_id] = Item(
            id=item_id,
            scale_id=r.field(entry, "scale", where, str),
            text=r.text(entry, "text", where),
            reverse=reverse,
            facet=facet,
        )
    if not TOTAL_ITEMS[0] <= len(items) <= TOTAL_ITEMS[1]:
        raise r.fail("items", f"{len(items)} items; {TOTAL_ITEMS[0]}–{TOTAL_ITEMS[1]} required")
    return items


def _scales(r: _Reader, items: dict[str, Item], *, offers_not_applicable: bool = False) -> tuple[Scale, ...]:
    """Load the scales; also settles, per item, whether "does not apply" is offered
    (updating `items` in place), so that every form and check reads it from one place."""
    data = r.load()
    raw = r.field(data, "scales", "scales", list)
    scales: list[Scale] = []
    for n, entry in enumerate(raw, 1):
        scale_id = r.field(entry, "id", f"scale {n}", str)
        where = f"scale '{scale_id}'"
        if any(s.id == scale_id for s in scales):
            raise r.fail(where, "id is used twice")
        kind = r.field(entry, "kind", where, str)
        if kind not in SCALE_KINDS:
            raise r.fail(where, f"kind '{kind}' is not one of {list(SCALE_KINDS)}")
        cut_points = _cut_points(r, entry, where)
        bands = _bands(r, entry, where, kind)
        allows_na = entry.get("not_applicable", True)
        if not isinstance(allows_na, bool):
            raise r.fail(where, f"'not_applicable' must be true or false, not {allows_na!r}")
        if not offers_not_applicable and "not_applicable" in entry:
            raise r.fail(where, "'not_applicable' is set but instrument.yaml offers no 'not_applicable_option'")
        for item in [i for i in items.values() if i.scale_id == scale_id]:
            items[item.id] = replace(item, offers_not_applicable=offers_not_applicable and allows_na)
        scale_items = tuple(i for i in items.values() if i.scale_id == scale_id)
        if not MIN_ITEMS[kind] <= len(scale_items) <= MAX_ITEMS[kind]:
            raise r.fail(
                where,
                f"has {len(scale_items)} items; a {kind} scale needs {MIN_ITEMS[kind]}–{MAX_ITEMS[kind]}",
            )
        scoring = entry.get("scoring", "mean")
        if scoring not in SCORING_RULES:
            raise r.fail(where, f"'scoring' is {scoring!r}; use one of {list(SCORING_RULES)}")
        reliability = _reliability(r, entry, where)
        retest = _retest(r, entry, where) if "retest" in entry else None
        near_boundary = None
        if kind != "validity" or "near_boundary" in entry:
            raw_near = r.field(entry, "near_boundary", where, dict)
            near_boundary = {b: r.text(raw_near, b, f"{where} near_boundary") for b in BOUNDARIES}
            extra = set(raw_near) - set(BOUNDARIES)
            if extra:
                raise r.fail(where, f"unknown near_boundary key(s) {sorted(extra)}; use {list(BOUNDARIES)}")
        examples = tuple(
            Example(said=r.text(e, "said", f"{where} example {k}"), instead=r.text(e, "instead", f"{where} example {k}"))
            for k, e in enumerate(entry.get("examples") or [], 1)
        )
        discussion = r.text_lists(entry, "discussion", where, (1, 5)) if "discussion" in entry else None
        scales.append(
            Scale(
                id=scale_id,
                kind=kind,
                name=r.text(entry, "name", where),
                description=r.text(entry, "description", where),
                cut_points=cut_points,
                bands=bands,
                items=scale_items,
                reliability=reliability,
                retest=retest,
                scoring=scoring,
                near_boundary=near_boundary,
                examples=examples,
                discussion=discussion,
            )
        )
    known = {s.id for s in scales}
    for item in items.values():
        if item.scale_id not in known:
            raise InstrumentError(
                f"{r.path.parent / 'items.yaml'}: item '{item.id}': scale '{item.scale_id}' is not defined in scales.yaml"
            )
    for scale_id, kind in REQUIRED_SCALES.items():
        found = next((s for s in scales if s.id == scale_id), None)
        if found is None:
            raise r.fail(f"scale '{scale_id}'", "is missing")
        if found.kind != kind:
            raise r.fail(f"scale '{scale_id}'", f"must be of kind '{kind}', not '{found.kind}'")
    return tuple(scales)


def _retest(r: _Reader, entry: dict, where: str) -> RetestReliability:
    raw = r.field(entry, "retest", where, dict)
    where = f"{where} retest"
    value = float(r.field(raw, "value", where, (int, float)))
    mean = float(r.field(raw, "mean", where, (int, float)))
    sd = float(r.field(raw, "sd", where, (int, float)))
    basis = r.field(raw, "basis", where, str)
    if not 0 < value < 1:
        raise r.fail(where, f"'value' {value} must be between 0 and 1")
    if not 0 <= mean <= 100 or not 0 < sd <= 50:
        raise r.fail(where, "'mean' must be within 0–100 and 'sd' above 0 and at most 50")
    if not basis.strip():
        raise r.fail(where, "'basis' must say where the value comes from")
    return RetestReliability(value=value, mean=mean, sd=sd, source="provisional", basis=" ".join(basis.split()))


def _reliability(r: _Reader, entry: dict, where: str) -> Reliability:
    raw = r.field(entry, "reliability", where, dict)
    where = f"{where} reliability"
    value = float(r.field(raw, "value", where, (int, float)))
    sd = float(r.field(raw, "sd", where, (int, float)))
    source = r.field(raw, "source", where, str)
    basis = r.field(raw, "basis", where, str)
    if source != "provisional":
        raise r.fail(where, f"'source' must be 'provisional' in an instrument file, not {source!r}")
    if not 0 < value < 1:
        raise r.fail(where, f"'value' {value} must be between 0 and 1")
    if not 0 < sd <= 50:
        raise r.fail(where, f"'sd' {sd} must be above 0 and at most 50 (points on the 0–100 scale)")
    if not basis.strip():
        raise r.fail(where, "'basis' must say where the value comes from")
    return Reliability(value=value, sd=sd, source=source, basis=" ".join(basis.split()))


def _cut_points(r: _Reader, entry: dict, where: str) -> tuple[float, float]:
    raw = r.field(entry, "cut_points", where, list)
    if len(raw) != 2 or not all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in raw):
        raise r.fail(where, f"'cut_points' must be two numbers [moderate_from, high_from], not {raw!r}")
    low, high = float(raw[0]), float(raw[1])
    if not 0 < low < high <= 100:
        raise r.fail(where, f"'cut_points' {raw} must be ordered and within 0–100 (0 < moderate_from < high_from ≤ 100)")
    return (low, high)


def _bands(r: _Reader, entry: dict, where: str, kind: str) -> dict[str, Band]:
    raw = r.field(entry, "bands", where, dict)
    bands = {}
    for band_id in BAND_IDS:
        band_where = f"{where} band '{band_id}'"
        if band_id not in raw:
            raise r.fail(band_where, "has no interpretation (band is missing)")
        band = raw[band_id]
        interpretation = r.text(band, "interpretation", band_where)
        if kind == "behaviour":
            actions = r.text_lists(band, "actions", band_where, ACTIONS_PER_BAND)
        elif isinstance(band, dict) and "actions" in band:
            actions = r.text_lists(band, "actions", band_where, (1, ACTIONS_PER_BAND[1]))
        else:
            actions = {lang: () for lang in r.languages}
        bands[band_id] = Band(id=band_id, interpretation=interpretation, actions=actions)
    extra = set(raw) - set(BAND_IDS)
    if extra:
        raise r.fail(where, f"unknown band(s) {sorted(extra)}; bands are {list(BAND_IDS)}")
    return bands


def _item_order(r: _Reader, meta: dict, items: dict[str, Item]) -> tuple[Item, ...]:
    order = r.field(meta, "item_order", "instrument", list)
    seen: set[str] = set()
    for item_id in order:
        if item_id not in items:
            raise r.fail("item_order", f"item '{item_id}' is not in items.yaml")
        if item_id in seen:
            raise r.fail("item_order", f"item '{item_id}' is listed twice")
        seen.add(item_id)
    missing = [i for i in items if i not in seen]
    if missing:
        raise r.fail("item_order", f"items {missing} are not placed in the order")
    return tuple(items[i] for i in order)


def _validity(r: _Reader, meta: dict, items: dict[str, Item]) -> ValidityRules:
    raw = r.field(meta, "validity", "instrument", dict)
    where = "validity"
    texts_raw = r.field(raw, "flags", where, dict)
    flag_texts = {}
    for flag_id in FLAG_IDS:
        if flag_id not in texts_raw:
            raise r.fail(f"{where} flags", f"no text for flag '{flag_id}'")
        flag_texts[flag_id] = r.text(texts_raw, flag_id, f"{where} flags")
    number = (int, float)
    for retired in ("inconsistent_distance", "expected_answers"):
        if retired in raw:
            raise r.fail(where, f"'{retired}' is retired: `inconsistent` compares answers within each scale "
                                "('inconsistent_spread'), never with a model's expected profile")
    rules = ValidityRules(
        straight_lining_run=r.field(raw, "straight_lining_run", where, int),
        straight_lining_share=float(r.field(raw, "straight_lining_share", where, number)),
        straight_lining_reverse_share=float(r.field(raw, "straight_lining_reverse_share", where, number)),
        straight_lining_run_needs_reverse_share=r.field(raw, "straight_lining_run_needs_reverse_share", where, bool),
        straight_lining_every_scale=r.field(raw, "straight_lining_every_scale", where, bool),
        too_fast_seconds_per_item=float(r.field(raw, "too_fast_seconds_per_item", where, number)),
        too_fast_page_seconds_per_item=float(r.field(raw, "too_fast_page_seconds_per_item", where, number)),
        too_fast_pages=r.field(raw, "too_fast_pages", where, int),
        inconsistent_spread=float(r.field(raw, "inconsistent_spread", where, number)),
        impression_management_min_answered=r.field(raw, "impression_management_min_answered", where, int),
        straight_lining_midpoint_share=float(r.field(raw, "straight_lining_midpoint_share", where, number)),
        inconsistent_late_spread=float(r.field(raw, "inconsistent_late_spread", where, number)),
        inconsistent_late_pages=r.field(raw, "inconsistent_late_pages", where, int),
        inconsistent_extreme_share=float(
            r.field(raw, "inconsistent_extreme_share", where, number) if "inconsistent_extreme_share" in raw else 1.0
        ),
        inconsistent_extreme_each_end=float(
            r.field(raw, "inconsistent_extreme_each_end", where, number)
            if "inconsistent_extreme_each_end" in raw else 0.0
        ),
        **{key: float(r.field(raw, key, where, number)) for key in PACED_INCONSISTENT if key in raw},
        flag_texts=flag_texts,
    )
    if rules.straight_lining_run < 3:
        raise r.fail(where, "'straight_lining_run' must be at least 3")
    if not 0.5 < rules.straight_lining_share <= 1:
        raise r.fail(where, "'straight_lining_share' must be above 0.5 and at most 1")
    if not 0 < rules.straight_lining_reverse_share <= 1:
        raise r.fail(where, "'straight_lining_reverse_share' must be above 0 and at most 1")
    if rules.straight_lining_run_needs_reverse_share and rules.straight_lining_reverse_share <= 0.5:
        raise r.fail(where, "'straight_lining_run_needs_reverse_share' needs 'straight_lining_reverse_share' above 0.5 "
                            "(one answer given to most of the reverse-keyed items)")
    if not 0 < rules.too_fast_page_seconds_per_item <= rules.too_fast_seconds_per_item:
        raise r.fail(where, "'too_fast_page_seconds_per_item' must be above 0 and at most 'too_fast_seconds_per_item'")
    if rules.too_fast_pages < 1:
        raise r.fail(where, "'too_fast_pages' must be at least 1")
    if not 0.5 < rules.inconsistent_spread < 2:
        raise r.fail(where, "'inconsistent_spread' must be above 0.5 and below 2 (answer steps; "
                            "honest answers spread about 0.6–0.9 within a scale, uniformly random ones about 1.4)")
    if not rules.straight_lining_share <= rules.straight_lining_midpoint_share <= 1:
        raise r.fail(where, "'straight_lining_midpoint_share' must be from 'straight_lining_share' to 1")
    if not 0.5 < rules.inconsistent_late_spread <= 4:
        raise r.fail(where, "'inconsistent_late_spread' must be above 0.5 and at most 4 (answer steps)")
    if not 0.5 <= rules.inconsistent_extreme_share <= 1:
        raise r.fail(where, "'inconsistent_extreme_share' must be from 0.5 to 1 (1: off; uniformly random "
                            "answers put about 0.4 of the answers at the ends)")
    if not 0 <= rules.inconsistent_extreme_each_end <= rules.inconsistent_extreme_share / 2:
        raise r.fail(where, "'inconsistent_extreme_each_end' must be from 0 to half of 'inconsistent_extreme_share'")
    if not 0 <= rules.inconsistent_extreme_min_seconds_per_item <= 10:
        raise r.fail(where, "'inconsistent_extreme_min_seconds_per_item' must be from 0 (off) to 10 seconds")
    if rules.inconsistent_reading_seconds_per_item and not (
        rules.inconsistent_reading_seconds_per_item > 0
        and rules.inconsistent_spread <= rules.inconsistent_reading_spread <= 2
        and rules.inconsistent_late_spread <= rules.inconsistent_reading_late_spread <= 5
    ):
        raise r.fail(where, "'inconsistent_reading_seconds_per_item' must be 0 (off) or above 0, with "
                            "'inconsistent_reading_spread' from 'inconsistent_spread' to 2 and "
                            "'inconsistent_reading_late_spread' from 'inconsistent_late_spread' to 5 "
                            "(reading every page raises the thresholds, never lowers them)")
    if not 0 <= rules.inconsistent_speedup_ratio < 1 or (
        rules.inconsistent_speedup_ratio and not 0.5 < rules.inconsistent_speedup_late_spread <= rules.inconsistent_late_spread
    ):
        raise r.fail(where, "'inconsistent_speedup_ratio' must be 0 (off) to below 1, with "
                            "'inconsistent_speedup_late_spread' above 0.5 and at most 'inconsistent_late_spread'")
    pages = -(-len(items) // meta["page_size"]) if isinstance(meta.get("page_size"), int) else 0
    if not 0 <= rules.inconsistent_late_pages < max(pages, 1):
        raise r.fail(where, f"'inconsistent_late_pages' must be 0 (off) to {max(pages - 1, 0)} (fewer than the pages)")
    im_items = sum(1 for i in items.values() if i.scale_id == "impression_management")
    if not 1 <= rules.impression_management_min_answered <= im_items:
        raise r.fail(where, f"'impression_management_min_answered' must be 1–{im_items} (the scale's items)")
    return rules
