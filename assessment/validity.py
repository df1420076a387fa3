"""Validity notes: signs that a protocol may be careless or polished. They are
shown beside the scores and never change them. Thresholds are data, set in the
instrument's validity rules from the simulation harness (`flask simulate`,
several structurally different respondent models) and documented in
questions/README.md.

No rule compares a person with a model's expected profile: a profile may be as
uneven as the person is (high on one behaviour, low on the others) and no note
will question it. `inconsistent` looks only at how the answers to the items of
one scale disagree with each other."""

from __future__ import annotations

import math
from collections import Counter
from statistics import median
from typing import Mapping, Sequence

from .instrument import Instrument
from .profile import Flag

# The within-scale spread needs most of the substantive items: with few answers it says little.
MIN_SHARE_FOR_SPREAD = 2 / 3
# A scale counts towards the spread with at least this many answers.
MIN_ANSWERS_PER_SCALE = 3
# The middle answer of the 1–5 scale ("Sometimes").
MIDPOINT = 3
# The late-pages spread needs at least this many behaviour and driver answers on those pages.
MIN_LATE_ANSWERS = 6


def longest_identical_run(instrument: Instrument, answers: Mapping[str, int], only: int | None = None) -> int:
    """Longest run of identical answers in presentation order that includes at least one
    reverse-keyed item (where the instrument has any); an unanswered item breaks a run.
    With `only`, just runs of that answer count."""
    needs_reverse = any(item.reverse for item in instrument.items)
    longest = run = 0
    previous = None
    has_reverse = False
    for item in instrument.items:
        value = answers.get(item.id)
        if value is None or (only is not None and value != only):
            run, previous, has_reverse = 0, None, False
            continue
        if value == previous:
            run += 1
            has_reverse = has_reverse or item.reverse
        else:
            run, has_reverse = 1, item.reverse
        previous = value
        if has_reverse or not needs_reverse:
            longest = max(longest, run)
    return longest


def straight_lining_run(instrument: Instrument, answers: Mapping[str, int]) -> int:
    """The run the straight_lining rule counts. Where the instrument's run rule needs the
    reverse-keyed share (v3), only a run of the answer given to at least
    `straight_lining_reverse_share` of the answered reverse-keyed items counts (0 when no
    answer is; with `straight_lining_every_scale`, also when that answer is not given to
    most items of every scale): a straight-liner gives the same answer to nearly every fault
    too, a healthy seller who honestly denies a few adjacent faults does not. Otherwise any
    identical run."""
    rules = instrument.validity
    reverse = [answers[i.id] for i in instrument.items if i.reverse and i.id in answers]
    if not rules.straight_lining_run_needs_reverse_share or not reverse:
        return longest_identical_run(instrument, answers)
    value, count = Counter(reverse).most_common(1)[0]
    if count / len(reverse) < rules.straight_lining_reverse_share:
        return 0
    if rules.straight_lining_every_scale and not on_every_scale(instrument, answers, value):
        return 0
    return longest_identical_run(instrument, answers, only=value)


def on_every_scale(instrument: Instrument, answers: Mapping[str, int], value: int) -> bool:
    """Whether `value` is given to more than half of the answered items of every scale (a
    scale without answers does not count). A straight-liner gives the same answer to every
    kind of question; someone who answers a whole scale otherwise – "Never" to every worry,
    "Rarely" to every behaviour – has read the questions."""
    for scale in instrument.scales:
        values = [answers[i.id] for i in scale.items if i.id in answers]
        if values and 2 * values.count(value) <= len(values):
            return False
    return True


def identical_share(answers: Mapping[str, int]) -> float:
    """The share of answers given the most common answer (1–5), over every answered item."""
    if not answers:
        return 0.0
    return Counter(answers.values()).most_common(1)[0][1] / len(answers)


def straight_lining_shares(instrument: Instrument, answers: Mapping[str, int]) -> tuple[float, float | None]:
    """For the answer (1–5) given most often: its share of all answers, and its share of the
    answers to the reverse-keyed items (None when the instrument has none or none is answered).
    The same raw answer on the reverse-keyed items means the same answer whatever the question
    says; a healthy seller's "Never" on every behaviour with the faults admitted does not."""
    if not answers:
        return 0.0, None
    value, count = Counter(answers.values()).most_common(1)[0]
    reverse = [answers[i.id] for i in instrument.items if i.reverse and i.id in answers]
    return count / len(answers), (sum(1 for v in reverse if v == value) / len(reverse) if reverse else None)


def pages_faster_than(item_seconds: Sequence[float], seconds: float) -> int:
    return sum(1 for s in item_seconds if s < seconds)


def within_scale_spread(instrument: Instrument, answers: Mapping[str, int]) -> float | None:
    """How much a person's answers to the items of one scale disagree with each other: the
    pooled within-scale standard deviation of the keyed answers over the mean-scored scales
    (behaviours and driver), in answer steps. Each scale's own mean is taken out first, so
    the level of a scale – and how uneven the profile is – does not count at all. Honest
    answers to items of one scale agree (about 0.6–0.9); uniformly random ones do not
    (about 1.4). None when fewer than two thirds of these items have a 1–5 answer."""
    scales = [s for s in instrument.scales if s.kind in ("behaviour", "driver") and s.scoring == "mean"]
    total = sum(len(s.items) for s in scales)
    answered = squares = degrees = 0
    for scale in scales:
        values = [6 - answers[i.id] if i.reverse else answers[i.id] for i in scale.items if i.id in answers]
        answered += len(values)
        if len(values) < MIN_ANSWERS_PER_SCALE:
            continue
        mean = sum(values) / len(values)
        squares += sum((v - mean) ** 2 for v in values)
        degrees += len(values) - 1
    if not total or answered < MIN_SHARE_FOR_SPREAD * total or not degrees:
        return None
    return math.sqrt(squares / degrees)


def late_spread(instrument: Instrument, answers: Mapping[str, int], pages: int) -> float | None:
    """How far the answers on the last `pages` pages stray from the same scale's other answers:
    the root mean square deviation of each late keyed answer from the mean of that scale's
    answers on the earlier pages (behaviours and driver). Answering at random once tired shows
    here while the whole-questionnaire spread still looks honest. None when the late pages hold
    fewer than MIN_LATE_ANSWERS such answers or a scale has no earlier answer."""
    scales = {s.id for s in instrument.scales if s.kind in ("behaviour", "driver") and s.scoring == "mean"}
    late_items = {i.id for page in instrument.pages[-pages:] for i in page} if pages else set()
    early: dict[str, list[int]] = {}
    late: list[tuple[str, int]] = []
    for item in instrument.items:
        if item.scale_id not in scales or item.id not in answers:
            continue
        value = 6 - answers[item.id] if item.reverse else answers[item.id]
        (late.append((item.scale_id, value)) if item.id in late_items else early.setdefault(item.scale_id, []).append(value))
    late = [(s, v) for s, v in late if early.get(s)]
    if len(late) < MIN_LATE_ANSWERS:
        return None
    return math.sqrt(sum((v - sum(early[s]) / len(early[s])) ** 2 for s, v in late) / len(late))


def paced_thresholds(instrument: Instrument, item_seconds: Sequence[float]) -> tuple[float, float, str]:
    """(spread threshold, late-pages threshold, pace) for `inconsistent`. With one timing per
    page: a person at `inconsistent_reading_seconds_per_item` or more on every page ("reading")
    has read the questions, and answers that spread unevenly within a scale are then read as
    theirs, not as careless: the reading thresholds apply. A person whose last pages (median
    s/item) went below `inconsistent_speedup_ratio` times the earlier pages' median ("sped
    up") answered them differently from the rest: the late pages need only
    `inconsistent_speedup_late_spread`. Otherwise ("timed", or "untimed" without a timing per
    page, as on paper) the file's thresholds. Careless answerers in the simulation answer at
    about 1.8 s/item and random answering once tired comes with a speed-up."""
    rules = instrument.validity
    spread, late = rules.inconsistent_spread, rules.inconsistent_late_spread
    pages = len(instrument.pages)
    if not pages or len(item_seconds) != pages:
        return spread, late, "untimed"
    pace = "timed"
    reading = rules.inconsistent_reading_seconds_per_item
    if reading and min(item_seconds) >= reading:
        spread, late, pace = rules.inconsistent_reading_spread, rules.inconsistent_reading_late_spread, "reading"
    k = rules.inconsistent_late_pages
    # Sped up, and below reading pace: a reader who slowed down from 10 s to 4 s an item on the
    # last pages still reads them (the reading thresholds stay).
    if rules.inconsistent_speedup_ratio and 0 < k < pages and (
        median(item_seconds[-k:]) < rules.inconsistent_speedup_ratio * median(item_seconds[:-k])
    ) and not (reading and median(item_seconds[-k:]) >= reading):
        late, pace = rules.inconsistent_speedup_late_spread, "sped up"
    return spread, late, pace


def end_shares(instrument: Instrument, answers: Mapping[str, int]) -> tuple[float, float] | None:
    """Of the behaviour and driver answers: the share at the ends (1 "Never" or 5 "Almost
    always"), and the share at the less used end; None without such answers. An extreme
    responder uses both ends for most answers, and one whose true level lies between two
    answers switches between the ends within a scale – the within-scale spread of a careless
    answerer, from someone who has read every question. Uniformly random answers put about
    two in five at the ends; a low (or high) scorer uses one end only."""
    scales = {s.id for s in instrument.scales if s.kind in ("behaviour", "driver") and s.scoring == "mean"}
    values = [answers[i.id] for i in instrument.items if i.scale_id in scales and i.id in answers]
    if not values:
        return None
    never, always = values.count(1), values.count(5)
    return (never + always) / len(values), min(never, always) / len(values)


def extreme_responder(instrument: Instrument, answers: Mapping[str, int], item_seconds: Sequence[float] = ()) -> bool:
    """More than `inconsistent_extreme_share` of the behaviour and driver answers at the ends,
    and at least `inconsistent_extreme_each_end` at each of them – unless every page is timed
    and the median is below `inconsistent_extreme_min_seconds_per_item`: clicking only the two
    ends without reading is no response style (on paper nobody can tell, and it is exempt)."""
    rules = instrument.validity
    shares = end_shares(instrument, answers)
    hurried = (
        bool(rules.inconsistent_extreme_min_seconds_per_item)
        and len(item_seconds) == len(instrument.pages) > 0
        and median(item_seconds) < rules.inconsistent_extreme_min_seconds_per_item
    )
    return (
        not hurried
        and shares is not None
        and shares[0] > rules.inconsistent_extreme_share
        and shares[1] >= rules.inconsistent_extreme_each_end
    )


def impression_management_counts(instrument: Instrument, answers: Mapping[str, int]) -> tuple[int, int]:
    """(flawless answers, answered items) on the impression-management scale."""
    scale = next((s for s in instrument.scales if s.kind == "validity"), None)
    if scale is None:
        return 0, 0
    values = [6 - answers[i.id] if i.reverse else answers[i.id] for i in scale.items if i.id in answers]
    return sum(1 for v in values if v == 5), len(values)


def impression_management_weighted_score(
    instrument: Instrument, answers: Mapping[str, int], weights: Mapping[int, float]
) -> tuple[float, int]:
    """(weighted score, answered items) on the impression-management scale: the sum of each
    answered fault's weight for its keyed answer (5 = "Never", the flawless one), scaled to all
    of the scale's items when some are blank, so a blank fault counts proportionally. A candidate
    rule of the simulation harness (`flask simulate --im-roc`); the note uses the high band."""
    scale = next((s for s in instrument.scales if s.kind == "validity"), None)
    if scale is None:
        return 0.0, 0
    values = [6 - answers[i.id] if i.reverse else answers[i.id] for i in scale.items if i.id in answers]
    if not values:
        return 0.0, 0
    return sum(weights[v] for v in values) * len(scale.items) / len(values), len(values)


def validity_flags(
    instrument: Instrument,
    answers: Mapping[str, int],
    item_seconds: Sequence[float],
    *,
    impression_management_band: str | None,
    language: str,
) -> tuple[Flag, ...]:
    rules = instrument.validity
    fired: list[tuple[str, dict]] = []

    run = straight_lining_run(instrument, answers)
    share, reverse_share = straight_lining_shares(instrument, answers)
    same_on_reverse = reverse_share is None or reverse_share >= rules.straight_lining_reverse_share
    # "Sometimes" is the commonest honest answer on a frequency scale: it needs a larger share.
    dominant = Counter(answers.values()).most_common(1)[0][0] if answers else None
    needed = rules.straight_lining_midpoint_share if dominant == MIDPOINT else rules.straight_lining_share
    everywhere = not rules.straight_lining_every_scale or (
        dominant is not None and on_every_scale(instrument, answers, dominant)
    )
    if run >= rules.straight_lining_run or (share >= needed and same_on_reverse and everywhere):
        fired.append(
            (
                "straight_lining",
                {
                    "longest_run": run,
                    "run_threshold": rules.straight_lining_run,
                    "identical_share": round(share, 3),
                    "share_threshold": needed,
                    "reverse_keyed_share": None if reverse_share is None else round(reverse_share, 3),
                    "reverse_keyed_threshold": rules.straight_lining_reverse_share,
                    "on_every_scale": everywhere,
                },
            )
        )

    if item_seconds:
        seconds = median(item_seconds)
        fast_pages = pages_faster_than(item_seconds, rules.too_fast_page_seconds_per_item)
        if seconds < rules.too_fast_seconds_per_item or fast_pages >= rules.too_fast_pages:
            fired.append(
                (
                    "too_fast",
                    {
                        "median_seconds_per_item": round(seconds, 2),
                        "threshold": rules.too_fast_seconds_per_item,
                        "fast_pages": fast_pages,
                        "page_threshold": rules.too_fast_page_seconds_per_item,
                        "pages_needed": rules.too_fast_pages,
                    },
                )
            )

    if impression_management_band == "high":
        flawless, answered = impression_management_counts(instrument, answers)
        if answered >= rules.impression_management_min_answered:
            fired.append(("impression_management_high", {"flawless": flawless, "answered": answered}))

    spread = within_scale_spread(instrument, answers)
    late = late_spread(instrument, answers, rules.inconsistent_late_pages)
    spread_needed, late_needed, pace = paced_thresholds(instrument, item_seconds)
    if not extreme_responder(instrument, answers, item_seconds) and (
        (spread is not None and spread >= spread_needed)
        or (late is not None and late >= late_needed)
    ):
        fired.append(
            (
                "inconsistent",
                {
                    "within_scale_sd": None if spread is None else round(spread, 2),
                    "threshold": spread_needed,
                    "late_pages_deviation": None if late is None else round(late, 2),
                    "late_threshold": late_needed,
                    "late_pages": rules.inconsistent_late_pages,
                    "pace": pace,
                },
            )
        )

    return tuple(
        Flag(id=flag_id, text=rules.flag_texts[flag_id][language], detail=detail)
        for flag_id, detail in fired
    )
