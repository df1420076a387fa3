"""Validity flags: each fires at its threshold and not one step short, none
changes a score, the texts say which way the scores may be off, and the rules
in the instrument file are validated on load. Runs on every version in the bank."""

import dataclasses
import json
import math

import numpy as np
import pytest

from assessment import (
    AnswersError,
    AnswerSet,
    InstrumentError,
    load_instrument,
    parse_answers,
    score_answers,
)
from assessment.bank import InstrumentBank
from assessment.validity import (
    end_shares,
    extreme_responder,
    identical_share,
    late_spread,
    longest_identical_run,
    on_every_scale,
    paced_thresholds,
    within_scale_spread,
)

from ..support.answers import copy_bank, edit_yaml, varied_answers
from ..support.paths import QUESTIONS

BANK = InstrumentBank.load(QUESTIONS)
VERSIONS = sorted(BANK.instruments.values(), key=lambda i: int(i.version))


@pytest.fixture(params=VERSIONS, ids=lambda i: f"v{i.version}")
def instrument(request):
    return request.param


def flags(instrument, answers, seconds=()):
    return score_answers(instrument, AnswerSet(language="en", answers=answers, item_seconds=seconds)).flag_ids


def test_varied_answers_raise_no_flag(instrument):
    assert flags(instrument, varied_answers(instrument), seconds=(5.0,) * len(instrument.pages)) == ()


# --- straight_lining on the share of identical answers


def _one_answer_dominating(instrument, count: int) -> dict[str, int]:
    """`count` answers of 3 spread over the questionnaire, the rest 2/4, so that no long run forms."""
    items = [i.id for i in instrument.items]
    others = len(items) - count
    forward = [k for k, i in enumerate(instrument.items) if not i.reverse]
    step = len(forward) / others
    other_positions = {forward[int(k * step)] for k in range(others)}
    assert len(other_positions) == others
    return {item: (2 + 2 * (k % 2) if k in other_positions else 3) for k, item in enumerate(items)}


def test_straight_lining_fires_on_the_share_of_identical_answers(instrument):
    rules = instrument.validity
    # the dominant answer here is "Sometimes" (3): it needs the midpoint share
    needed = math.ceil(rules.straight_lining_midpoint_share * len(instrument.items))
    answers = _one_answer_dominating(instrument, needed)
    profile = score_answers(instrument, AnswerSet("en", answers))
    assert "straight_lining" in profile.flag_ids
    detail = next(f.detail for f in profile.flags if f.id == "straight_lining")
    assert detail["longest_run"] < rules.straight_lining_run  # the share, not a run, fired
    assert detail["identical_share"] == round(needed / len(instrument.items), 3)
    assert "straight_lining" not in flags(instrument, _one_answer_dominating(instrument, needed - 1))


# --- too_fast on the pages


def test_too_fast_fires_on_enough_fast_pages_even_when_the_median_is_slow(instrument):
    rules = instrument.validity
    pages = len(instrument.pages)
    fast = rules.too_fast_page_seconds_per_item - 0.01
    seconds = [fast] * rules.too_fast_pages + [6.0] * (pages - rules.too_fast_pages)
    answers = varied_answers(instrument)
    profile = score_answers(instrument, AnswerSet("en", answers, item_seconds=tuple(seconds)))
    detail = next(f.detail for f in profile.flags if f.id == "too_fast")
    assert detail["median_seconds_per_item"] >= rules.too_fast_seconds_per_item
    assert detail["fast_pages"] == rules.too_fast_pages
    seconds[0] = rules.too_fast_page_seconds_per_item  # exactly at the threshold is not faster
    assert "too_fast" not in flags(instrument, answers, tuple(seconds))


def test_too_fast_median_rule_still_holds(instrument):
    limit = instrument.validity.too_fast_seconds_per_item
    answers = varied_answers(instrument)
    assert "too_fast" in flags(instrument, answers, (limit - 0.1, limit - 0.1, 30.0))
    assert "too_fast" not in flags(instrument, answers, (limit - 0.1, limit, 30.0))
    assert "too_fast" not in flags(instrument, answers, ())


# --- straight_lining needs the same answer on the reverse-keyed faults


def test_the_same_answer_everywhere_but_the_faults_is_not_straight_lining():
    """A healthy seller: "Never" on every behaviour and driver item, the faults admitted."""
    for instrument in VERSIONS:
        if not any(i.reverse for i in instrument.items):
            continue
        rules = instrument.validity
        # every other fault, so that no run of identical answers forms across two faults
        reverse = [i for i in instrument.items if i.reverse]
        reverse = reverse[::2] + reverse[1::2]
        answers = {i.id: (3 if i.reverse else 1) for i in instrument.items}
        assert "straight_lining" not in flags(instrument, answers)
        # one step short of firing and firing: the same "Never" on just under / at the share of the faults
        needed = math.ceil(rules.straight_lining_reverse_share * len(reverse))
        for i in reverse[: needed - 1]:
            answers[i.id] = 1
        assert "straight_lining" not in flags(instrument, answers), instrument.version
        answers[reverse[needed - 1].id] = 1
        profile = score_answers(instrument, AnswerSet("en", answers))
        assert "straight_lining" in profile.flag_ids, instrument.version
        detail = next(f.detail for f in profile.flags if f.id == "straight_lining")
        assert detail["reverse_keyed_share"] == round(needed / len(reverse), 3)


def test_the_run_counts_only_when_its_answer_is_on_the_faults_share(instrument):
    """v3: a run of `straight_lining_run` fires when its answer is also given to
    `straight_lining_reverse_share` of the faults, not one fault short and not one answer shorter;
    v1 and v2 (the run rule without the share) fire on the run alone."""
    rules = instrument.validity
    run = rules.straight_lining_run
    answers = varied_answers(instrument)
    order = [i.id for i in instrument.items]
    for item_id in order[5 : 5 + run]:
        answers[item_id] = 4
    answers[order[4]], answers[order[5 + run]] = 2, 2
    faults = [i.id for i in instrument.items if i.reverse]
    inside = [f for f in faults if answers[f] == 4]
    outside = [f for f in faults if order.index(f) < 4 or order.index(f) > 5 + run]
    needed = math.ceil(rules.straight_lining_reverse_share * len(faults)) - len(inside) if faults else 0
    for f in outside[:needed]:
        answers[f] = 4
    if rules.straight_lining_every_scale:  # v3: and on more than half of every scale's items, outside the run
        for scale in instrument.scales:
            ids = [i.id for i in scale.items]
            free = [i for i in ids if (order.index(i) < 4 or order.index(i) > 5 + run) and answers[i] != 4]
            for item_id in free[: max(len(ids) // 2 + 1 - sum(answers[i] == 4 for i in ids), 0)]:
                answers[item_id] = 4
        assert on_every_scale(instrument, answers, 4)
    assert longest_identical_run(instrument, answers, only=4) == run
    assert identical_share(answers) < rules.straight_lining_share  # the run fires, not the share
    assert "straight_lining" in flags(instrument, answers)
    if rules.straight_lining_run_needs_reverse_share and needed > 0:
        answers[outside[needed - 1]] = 2  # the run's answer on one fault fewer than the share
        assert "straight_lining" not in flags(instrument, answers)
        answers[outside[needed - 1]] = 4
    answers[order[5 + run - 1]] = 3  # the run one answer shorter
    assert "straight_lining" not in flags(instrument, answers)


def test_straight_lining_needs_the_answer_on_most_items_of_every_scale():
    """v3: one answer everywhere but a whole scale (the driver) answered otherwise is not
    straight-lining; with that answer on more than half of the scale's items it is."""
    v3 = BANK.get("tripwire", "3")
    assert v3.validity.straight_lining_every_scale
    driver = [i.id for i in v3.scale("fear_of_pushiness").items]
    answers = {i.id: (1 if i.id in driver else 2) for i in v3.items}
    assert "straight_lining" not in flags(v3, answers)
    half = len(driver) // 2  # 3 of 7: not more than half
    for item_id in driver[:half]:
        answers[item_id] = 2
    assert "straight_lining" not in flags(v3, answers)
    answers[driver[half]] = 2  # 4 of 7
    profile = score_answers(v3, AnswerSet("en", answers))
    assert "straight_lining" in profile.flag_ids
    assert next(f.detail for f in profile.flags if f.id == "straight_lining")["on_every_scale"] is True


# --- inconsistent: answers to the items of one scale disagreeing with each other


def _spread_by_hand(instrument, answers) -> float:
    """Pooled within-scale SD computed independently of assessment.validity."""
    squares, df = 0.0, 0
    for scale in instrument.scales_of_kind("behaviour", "driver"):
        x = np.array([answers[i.id] for i in scale.items if i.id in answers], float)
        squares += ((x - x.mean()) ** 2).sum()
        df += len(x) - 1
    return math.sqrt(squares / df)


def _crossing(instrument):
    """Walk from answers that agree within each scale towards a zig-zag one item at a time;
    return the first answers whose spread reaches the threshold and the ones just before."""
    threshold = instrument.validity.inconsistent_spread
    answers = {i.id: 3 for i in instrument.items}
    seen: dict[str, int] = {}
    for item in (i for i in instrument.items if not i.reverse):
        before = dict(answers)
        seen[item.scale_id] = seen.get(item.scale_id, 0) + 1
        answers[item.id] = 1 if seen[item.scale_id] % 2 else 5
        if within_scale_spread(instrument, answers) >= threshold:
            return answers, before
    raise AssertionError("the zig-zag pattern never reached the threshold")


def test_inconsistent_fires_at_the_threshold_and_not_one_answer_short(instrument):
    flagged, short = _crossing(instrument)
    profile = score_answers(instrument, AnswerSet("en", flagged))
    assert "inconsistent" in profile.flag_ids
    detail = next(f.detail for f in profile.flags if f.id == "inconsistent")
    assert detail["within_scale_sd"] == pytest.approx(_spread_by_hand(instrument, flagged), abs=0.006)
    assert detail["threshold"] == instrument.validity.inconsistent_spread
    assert "inconsistent" not in flags(instrument, short)
    assert _spread_by_hand(instrument, short) < instrument.validity.inconsistent_spread


def test_an_uneven_but_consistent_profile_is_not_inconsistent(instrument):
    """Every scale at its own level, however far apart: no disagreement within a scale."""
    levels = {"postponing_contact": 5, "weak_close": 1, "abandoned_follow_up": 1, "fear_of_pushiness": 5}
    answers = {i.id: levels.get(i.scale_id, 3) for i in instrument.items}
    assert within_scale_spread(instrument, answers) == 0
    assert "inconsistent" not in flags(instrument, answers)


def test_inconsistent_needs_two_thirds_of_the_items(instrument):
    flagged, _ = _crossing(instrument)
    substantive = [i.id for s in instrument.scales_of_kind("behaviour", "driver") for i in s.items]
    keep = math.ceil(2 / 3 * len(substantive))
    enough = {i: flagged[i] for i in substantive[:keep]}
    too_few = {i: flagged[i] for i in substantive[: keep - 1]}
    assert within_scale_spread(instrument, enough) is not None
    assert within_scale_spread(instrument, too_few) is None
    assert "inconsistent" not in flags(instrument, too_few)


def test_inconsistent_fires_on_the_late_pages_at_the_threshold_and_not_one_answer_short():
    """Random answering once tired: the last pages stray from the same scale's earlier answers
    while the whole questionnaire's spread stays below its own threshold."""
    for instrument in VERSIONS:
        rules = instrument.validity
        if not rules.inconsistent_late_pages:
            continue
        late = {i.id for page in instrument.pages[-rules.inconsistent_late_pages:] for i in page}
        answers = {i.id: (2 if i.reverse else 3) for i in instrument.items}  # faults admitted "Rarely"
        before, flagged, swing = None, None, 0
        for item in (i for i in instrument.items if i.id in late and not i.reverse):
            before = dict(answers)
            answers[item.id] = 5 if swing % 2 == 0 else 1
            swing += 1
            if late_spread(instrument, answers, rules.inconsistent_late_pages) >= rules.inconsistent_late_spread:
                flagged = answers
                break
        assert flagged is not None, instrument.version
        assert within_scale_spread(instrument, flagged) < rules.inconsistent_spread  # the late rule alone
        profile = score_answers(instrument, AnswerSet("en", flagged))
        assert "inconsistent" in profile.flag_ids, instrument.version
        detail = next(f.detail for f in profile.flags if f.id == "inconsistent")
        assert detail["late_pages_deviation"] >= rules.inconsistent_late_spread
        assert late_spread(instrument, before, rules.inconsistent_late_pages) < rules.inconsistent_late_spread
        assert "inconsistent" not in flags(instrument, before), instrument.version


def _with_rules(instrument, **rules):
    return dataclasses.replace(instrument, validity=dataclasses.replace(instrument.validity, **rules))


def test_an_extreme_responder_is_not_inconsistent_and_one_end_answer_short_of_it_is():
    """v3 (issue #26, second independent check): an honest extreme responder whose level lies
    between two answers switches between "Never" and "Almost always" within a scale. Walk from
    answers all at the ends (alternating within each scale) towards the middle, one answer at a
    time: while more than `inconsistent_extreme_share` are at the ends the spread is not
    questioned; one end answer fewer and it is. The exempt answers got the note without the rule."""
    instrument = BANK.current
    rules = instrument.validity
    assert rules.inconsistent_extreme_share < 1
    scales = instrument.scales_of_kind("behaviour", "driver")
    answers = {i.id: 3 for i in instrument.items}  # faults "Sometimes"
    for scale in scales:
        for k, item in enumerate(scale.items):
            answers[item.id] = 1 if k % 2 == 0 else 5
    inward = [i for row in zip(*(s.items for s in scales)) for i in row]  # one scale after another
    exempt = None
    for item in inward:
        before = dict(answers)
        answers[item.id] = 2 if answers[item.id] == 1 else 4
        if not extreme_responder(instrument, answers):
            exempt = before
            break
    assert exempt is not None
    assert within_scale_spread(instrument, exempt) >= rules.inconsistent_spread
    assert end_shares(instrument, exempt)[0] > rules.inconsistent_extreme_share
    assert "inconsistent" not in flags(instrument, exempt)
    assert "inconsistent" in flags(_with_rules(instrument, inconsistent_extreme_share=1.0), exempt)
    assert end_shares(instrument, answers)[0] <= rules.inconsistent_extreme_share
    assert within_scale_spread(instrument, answers) >= rules.inconsistent_spread
    assert "inconsistent" in flags(instrument, answers)


def test_an_extreme_responder_uses_both_ends():
    """v3: "Never" on most items is a low scorer, not an extreme responder; with the
    "Almost always" answers one short of `inconsistent_extreme_each_end` the spread is
    questioned, at it not."""
    instrument = BANK.current
    rules = instrument.validity
    scales = instrument.scales_of_kind("behaviour", "driver")
    answers = {i.id: 3 for i in instrument.items}
    for scale in scales:
        for k, item in enumerate(scale.items):
            answers[item.id] = 3 if k % 3 == 2 else 1
    middles = [i for row in zip(*(s.items for s in scales)) for i in row if answers[i.id] == 3]
    short = None
    for item in middles:
        before = dict(answers)
        answers[item.id] = 5
        if extreme_responder(instrument, answers):
            short = before
            break
    assert short is not None
    assert end_shares(instrument, short)[0] > rules.inconsistent_extreme_share
    assert end_shares(instrument, short)[1] < rules.inconsistent_extreme_each_end
    assert within_scale_spread(instrument, short) >= rules.inconsistent_spread
    assert "inconsistent" in flags(instrument, short)
    assert end_shares(instrument, answers)[1] >= rules.inconsistent_extreme_each_end
    assert "inconsistent" not in flags(instrument, answers)


# --- v3: `inconsistent` by reading pace (issue #26, pace check)

# An honest "plain" respondent of the independent check (variant A, seed 4, A-4-319), read at
# 4.6–6.6 s/item: spread 1.33 and late pages 1.70, both over the untimed thresholds.
READER = {
    "pc1": 1, "wc1": 2, "af1": 1, "fp1": 3, "pc2": 5, "wc2": 2, "af2": 2, "fp2": 2, "pc3": 5, "wc3": 3,
    "af3": 1, "fp3": 4, "pc4": 3, "wc4": 3, "af4": 1, "fp4": 5, "pc5": 5, "wc5": 1, "af5": 3, "fp5": 4,
    "pc6": 1, "wc6": 4, "af6": 3, "fp6": 3, "pc7": 5, "wc7": 4, "af7": 4, "fp7": 5, "pc8": 3, "wc8": 4,
    "af8": 3, "im1": 2, "im2": 2, "im3": 1, "im4": 2, "im5": 2, "im6": 1, "im7": 1, "im8": 1,
}
READER_PAGES = [52.8, 37.0, 42.5, 37.9, 41.5]


def _per_item(instrument, page_seconds):
    return tuple(s / len(page) for s, page in zip(page_seconds, instrument.pages))


def test_an_honest_reader_who_answers_unevenly_is_not_inconsistent():
    """v3: the same answers get the note on paper and without the reading rule, not when
    every page was read at `inconsistent_reading_seconds_per_item` or more."""
    v3 = BANK.get("tripwire", "3")
    rules = v3.validity
    seconds = _per_item(v3, READER_PAGES)
    assert min(seconds) >= rules.inconsistent_reading_seconds_per_item
    spread, late = within_scale_spread(v3, READER), late_spread(v3, READER, rules.inconsistent_late_pages)
    assert rules.inconsistent_spread <= spread < rules.inconsistent_reading_spread
    assert rules.inconsistent_late_spread <= late < rules.inconsistent_reading_late_spread
    assert "inconsistent" in flags(v3, READER)  # paper
    assert "inconsistent" in flags(_with_rules(v3, inconsistent_reading_seconds_per_item=0.0), READER, seconds)
    profile = score_answers(v3, AnswerSet("en", READER, item_seconds=seconds))
    assert "inconsistent" not in profile.flag_ids
    # one page a hair under reading pace: the file's thresholds, and the note
    fast = (rules.inconsistent_reading_seconds_per_item - 0.01, *seconds[1:])
    assert "inconsistent" in flags(v3, READER, fast)
    at = (rules.inconsistent_reading_seconds_per_item, *seconds[1:])
    assert "inconsistent" not in flags(v3, READER, at)
    # a timing missing for a page: no pace is read, the file's thresholds
    assert "inconsistent" in flags(v3, READER, seconds[:-1])


def test_at_reading_pace_inconsistent_fires_at_the_reading_threshold_and_not_one_answer_short():
    v3 = BANK.get("tripwire", "3")
    rules = v3.validity
    reading = dataclasses.replace(rules, inconsistent_spread=rules.inconsistent_reading_spread)
    flagged, short = _crossing(dataclasses.replace(v3, validity=reading))
    seconds = (rules.inconsistent_reading_seconds_per_item + 2,) * len(v3.pages)
    assert "inconsistent" in flags(v3, flagged, seconds)
    assert within_scale_spread(v3, short) >= rules.inconsistent_spread  # the note on paper …
    assert "inconsistent" in flags(v3, short)
    assert "inconsistent" not in flags(v3, short, seconds)  # … not one answer short at reading pace
    detail = next(f.detail for f in score_answers(v3, AnswerSet("en", flagged, item_seconds=seconds)).flags
                  if f.id == "inconsistent")
    assert detail["pace"] == "reading" and detail["threshold"] == rules.inconsistent_reading_spread


def test_a_random_answerer_at_careless_speed_is_still_inconsistent():
    """Every answer uniformly random at the harness's careless 1.8 s/item: the file's threshold,
    the note; the same answers read on every page at 3.5 s/item would not get it."""
    v3 = BANK.get("tripwire", "3")
    rules = v3.validity
    rng = np.random.default_rng(7)
    for _ in range(200):
        answers = {i.id: int(v) for i, v in zip(v3.items, rng.integers(1, 6, len(v3.items)))}
        spread = within_scale_spread(v3, answers)
        late = late_spread(v3, answers, rules.inconsistent_late_pages)
        if rules.inconsistent_spread <= spread < rules.inconsistent_reading_spread and late < rules.inconsistent_reading_late_spread and not extreme_responder(v3, answers):
            break
    else:
        raise AssertionError("no random answers between the two thresholds")
    assert "inconsistent" in flags(v3, answers, (1.8,) * len(v3.pages))
    assert "inconsistent" not in flags(v3, answers, (3.5,) * len(v3.pages))


def test_random_last_pages_after_a_speed_up_need_only_the_speed_up_threshold():
    """Honest answers at 5 s/item, then the last pages random at 1.8 s/item (below
    `inconsistent_speedup_ratio` times the earlier pace): a late deviation between the
    speed-up threshold and the file's gets the note; the same answers without timings, or
    with the last pages only a little faster, do not."""
    v3 = BANK.get("tripwire", "3")
    rules = v3.validity
    k = rules.inconsistent_late_pages
    late_items = [i for page in v3.pages[-k:] for i in page if not i.reverse]
    answers = {i.id: (2 if i.reverse else 3) for i in v3.items}
    for n, item in enumerate(late_items):
        answers[item.id] = 5 if n % 2 == 0 else 1
        if late_spread(v3, answers, k) >= rules.inconsistent_speedup_late_spread:
            break
    assert rules.inconsistent_speedup_late_spread <= late_spread(v3, answers, k) < rules.inconsistent_late_spread
    assert within_scale_spread(v3, answers) < rules.inconsistent_spread
    early = 5.0
    sped_up = (early,) * (len(v3.pages) - k) + (1.8,) * k
    assert 1.8 < rules.inconsistent_speedup_ratio * early
    assert "inconsistent" in flags(v3, answers, sped_up)
    assert "inconsistent" not in flags(v3, answers)
    just_short = (early,) * (len(v3.pages) - k) + (rules.inconsistent_speedup_ratio * early,) * k
    assert "inconsistent" not in flags(v3, answers, just_short)


def test_clicking_only_the_two_ends_without_reading_is_not_a_response_style():
    """v3 (review of the exemption): answers alternating "Never"/"Almost always" within every
    scale are an extreme responder's at reading pace and on paper (no note), but clicked at the
    harness's careless 1.8 s/item (median below `inconsistent_extreme_min_seconds_per_item`)
    they are inconsistent."""
    v3 = BANK.get("tripwire", "3")
    rules = v3.validity
    answers = {i.id: 3 for i in v3.items}
    for scale in v3.scales_of_kind("behaviour", "driver"):
        for k, item in enumerate(scale.items):
            answers[item.id] = 1 if k % 2 == 0 else 5
    pages = len(v3.pages)
    assert within_scale_spread(v3, answers) >= rules.inconsistent_reading_spread
    assert "inconsistent" not in flags(v3, answers)  # paper
    assert "inconsistent" not in flags(v3, answers, (5.0,) * pages)
    limit = rules.inconsistent_extreme_min_seconds_per_item
    assert "inconsistent" not in flags(v3, answers, (limit,) * pages)
    assert "inconsistent" in flags(v3, answers, (limit - 0.01,) * pages)
    assert "inconsistent" in flags(v3, answers, (1.8,) * pages)


def test_a_reader_who_slows_down_less_on_the_last_pages_keeps_the_reading_thresholds():
    """The speed-up rule is for random answering once tired: last pages still read (at
    `inconsistent_reading_seconds_per_item` or more), however much faster than the first, keep
    the reading thresholds (review: 10, 10, 10 then 4, 4 s/item was held to a stricter one)."""
    v3 = BANK.get("tripwire", "3")
    rules = v3.validity
    k = rules.inconsistent_late_pages
    steady = (4.0,) * len(v3.pages)
    slowing = (10.0,) * (len(v3.pages) - k) + (4.0,) * k
    assert 4.0 < rules.inconsistent_speedup_ratio * 10.0 and 4.0 >= rules.inconsistent_reading_seconds_per_item
    assert paced_thresholds(v3, slowing) == paced_thresholds(v3, steady)
    assert paced_thresholds(v3, slowing)[2] == "reading"
    assert "inconsistent" not in flags(v3, READER, slowing)


def test_only_v3_reads_the_pace():
    for instrument in VERSIONS:
        rules = instrument.validity
        on = instrument.version == "3"
        assert bool(rules.inconsistent_reading_seconds_per_item) == on
        assert bool(rules.inconsistent_speedup_ratio) == on


# --- flags never change scores; texts say which way the scores may be off


def test_no_flag_changes_a_score(instrument):
    flagged, _ = _crossing(instrument)
    fast = (0.5,) * len(instrument.pages)
    with_flags = score_answers(instrument, AnswerSet("en", flagged, item_seconds=fast))
    without_timing = score_answers(instrument, AnswerSet("en", flagged))
    assert {"inconsistent", "too_fast"} <= set(with_flags.flag_ids)
    assert "too_fast" not in without_timing.flag_ids
    for scale in instrument.scales:
        keyed = [(6 - flagged[i.id]) if i.reverse else flagged[i.id] for i in scale.items]
        assert with_flags.scales[scale.id] == without_timing.scales[scale.id]
        if getattr(scale, "scoring", "mean") == "mean":
            exact = getattr(with_flags.scales[scale.id], "exact", None) or with_flags.scales[scale.id].score
            assert exact == pytest.approx((sum(keyed) / len(keyed) - 1) / 4 * 100, abs=0.05)


CARELESS = ("straight_lining", "too_fast", "inconsistent")


def test_flag_texts_state_the_direction_of_the_possible_bias(instrument):
    texts = instrument.validity.flag_texts
    for flag in CARELESS:
        assert "either direction" in texts[flag]["en"], flag
        assert "åt vilket håll som helst" in texts[flag]["sv"], flag
    assert "lower than reality" in texts["impression_management_high"]["en"]
    assert "lägre än verkligheten" in texts["impression_management_high"]["sv"]
    for text in texts.values():
        assert "higher than reality" not in text["en"]


# --- the rules in the instrument file


def _break_rules(tmp_path, change) -> str:
    folder = copy_bank(tmp_path)
    edit_yaml(folder / "instrument.yaml", lambda d: change(d["validity"]))
    with pytest.raises(InstrumentError) as err:
        load_instrument(folder)
    return str(err.value)


def test_the_retired_model_profile_rule_is_refused(tmp_path):
    message = _break_rules(tmp_path, lambda v: v.__setitem__("inconsistent_distance", 1.8))
    assert "'inconsistent_distance' is retired" in message


@pytest.mark.parametrize(
    "key, value, message",
    [
        ("straight_lining_share", 0.4, "'straight_lining_share' must be above 0.5"),
        ("too_fast_page_seconds_per_item", 9.0, "at most 'too_fast_seconds_per_item'"),
        ("too_fast_pages", 0, "'too_fast_pages' must be at least 1"),
        ("inconsistent_spread", 0.4, "'inconsistent_spread' must be above 0.5 and below 2"),
        ("inconsistent_spread", "high", "'inconsistent_spread' must be int or float"),
        ("straight_lining_reverse_share", 0, "'straight_lining_reverse_share' must be above 0"),
        # v1's reverse share is 0.5: no single answer need be given to most of the faults
        ("straight_lining_run_needs_reverse_share", True, "needs 'straight_lining_reverse_share' above 0.5"),
        ("straight_lining_run_needs_reverse_share", "yes", "'straight_lining_run_needs_reverse_share' must be bool"),
        ("straight_lining_every_scale", 1, "'straight_lining_every_scale' must be bool"),
        ("impression_management_min_answered", 99, "'impression_management_min_answered' must be 1–"),
        ("inconsistent_extreme_share", 0.4, "'inconsistent_extreme_share' must be from 0.5 to 1"),
        ("inconsistent_extreme_each_end", 0.6, "'inconsistent_extreme_each_end' must be from 0 to half"),
        ("inconsistent_reading_seconds_per_item", -1, "'inconsistent_reading_seconds_per_item' must be 0 (off)"),
        ("inconsistent_speedup_ratio", 1.5, "'inconsistent_speedup_ratio' must be 0 (off) to below 1"),
    ],
)
def test_rules_with_bad_thresholds_are_refused(tmp_path, key, value, message):
    assert message in _break_rules(tmp_path, lambda v: v.__setitem__(key, value))


# --- timings in answers files


def _file(instrument, **extra) -> str:
    return json.dumps({"language": "en", "answers": varied_answers(instrument), **extra})


def test_answers_file_takes_seconds_per_page(instrument):
    pages = instrument.pages
    seconds = [6.0 * len(p) for p in pages]
    seconds[0] = 1.0 * len(pages[0])
    answer_set = parse_answers(instrument, _file(instrument, seconds_per_page=seconds))
    assert answer_set.item_seconds == pytest.approx([1.0] + [6.0] * (len(pages) - 1))


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"seconds_per_page": [30.0]}, "'seconds_per_page' has 1 entries; the questionnaire has"),
        ({"seconds_per_page": "fast"}, "'seconds_per_page' must be a list of seconds"),
        ({"seconds_per_page": [-1.0]}, "'seconds_per_page' must be a list of seconds"),
        ({"seconds_per_page": [True]}, "'seconds_per_page' must be a list of seconds"),
        ({"seconds_per_page": [], "seconds_per_item": 4}, "not both"),
    ],
)
def test_bad_seconds_per_page_is_refused(instrument, extra, message):
    with pytest.raises(AnswersError, match=message):
        parse_answers(instrument, _file(instrument, **extra))


def test_sometimes_needs_the_larger_share_and_other_answers_the_plain_one():
    v3 = BANK.get("tripwire", "3")
    rules = v3.validity
    assert rules.straight_lining_midpoint_share > rules.straight_lining_share
    plain = math.ceil(rules.straight_lining_share * len(v3.items))
    threes = _one_answer_dominating(v3, plain)
    assert "straight_lining" not in flags(v3, threes)  # 80 % "Sometimes": short of 85 %
    twos = {k: {3: 2, 2: 3}.get(v, v) for k, v in threes.items()}  # the same pattern, "Rarely" dominating
    assert "straight_lining" in flags(v3, twos)
