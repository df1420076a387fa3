"""Validity flags: each fires at its threshold and not one step short, none
changes a score, the texts say which way the scores may be off, and the rules
in the instrument file are validated on load. Runs on every version in the bank."""

import json
import math

import numpy as np
import pytest

from assessment import AnswerSet, AnswersError, InstrumentError, load_instrument, parse_answers, score_answers
from assessment.bank import InstrumentBank
from assessment.validity import mahalanobis_per_item

from .support import QUESTIONS, copy_bank, edit_yaml, varied_answers

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
    step = len(items) / others
    other_positions = {int(k * step) for k in range(others)}
    assert len(other_positions) == others
    return {item: (2 + 2 * (k % 2) if k in other_positions else 3) for k, item in enumerate(items)}


def test_straight_lining_fires_on_the_share_of_identical_answers(instrument):
    rules = instrument.validity
    needed = math.ceil(rules.straight_lining_share * len(instrument.items))
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


# --- inconsistent: the Mahalanobis distance from the expected answers


def _distance_by_hand(instrument, answers) -> float:
    """D² per item computed independently of assessment.validity, from the file's numbers."""
    expected = instrument.validity.expected_answers
    params = {s: (m, sd, r) for s, m, sd, r in expected.scales}
    between = {frozenset((a, b)): r for a, b, r in expected.between}
    items = [i for i in instrument.items if i.id in answers]
    x = np.array([(6 - answers[i.id]) if i.reverse else answers[i.id] for i in items], float)
    mu = np.array([params[i.scale_id][0] for i in items])
    cov = np.array(
        [
            [
                params[a.scale_id][1] ** 2
                if a is b
                else params[a.scale_id][1]
                * params[b.scale_id][1]
                * (params[a.scale_id][2] if a.scale_id == b.scale_id else between[frozenset((a.scale_id, b.scale_id))])
                for b in items
            ]
            for a in items
        ]
    )
    return float((x - mu) @ np.linalg.solve(cov, x - mu)) / len(items)


def _crossing(instrument):
    """Walk from plausible answers towards a zig-zag pattern one item at a time; return the
    first answers whose distance reaches the threshold and the ones just before."""
    threshold = instrument.validity.inconsistent_distance
    answers = varied_answers(instrument)
    for k, item in enumerate(instrument.items):
        before = dict(answers)
        answers[item.id] = 1 if k % 2 else 5
        if mahalanobis_per_item(instrument, answers) >= threshold:
            return answers, before
    raise AssertionError("the zig-zag pattern never reached the threshold")


def test_inconsistent_fires_at_the_threshold_and_not_one_answer_short(instrument):
    flagged, short = _crossing(instrument)
    profile = score_answers(instrument, AnswerSet("en", flagged))
    assert "inconsistent" in profile.flag_ids
    detail = next(f.detail for f in profile.flags if f.id == "inconsistent")
    assert detail["distance_per_item"] == pytest.approx(_distance_by_hand(instrument, flagged), abs=0.006)
    assert detail["threshold"] == instrument.validity.inconsistent_distance
    assert "inconsistent" not in flags(instrument, short)
    assert _distance_by_hand(instrument, short) < instrument.validity.inconsistent_distance


def test_plausible_answers_are_about_one_per_item(instrument):
    assert 0.5 < mahalanobis_per_item(instrument, varied_answers(instrument)) < 1.5


def test_inconsistent_needs_two_thirds_of_the_items(instrument):
    flagged, _ = _crossing(instrument)
    keep = math.ceil(2 / 3 * len(instrument.items))
    ids = [i.id for i in instrument.items]
    enough = {i: flagged[i] for i in ids[:keep]}
    too_few = {i: flagged[i] for i in ids[: keep - 1]}
    assert mahalanobis_per_item(instrument, enough) is not None
    assert mahalanobis_per_item(instrument, too_few) is None
    assert "inconsistent" not in flags(instrument, too_few)


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


def test_rules_need_expected_answers_for_every_scale(tmp_path):
    message = _break_rules(tmp_path, lambda v: v["expected_answers"]["scales"].pop())
    assert "no expected answers for scale(s) ['impression_management']" in message


def test_rules_need_every_between_scale_correlation(tmp_path):
    message = _break_rules(tmp_path, lambda v: v["expected_answers"]["between"].pop())
    assert "no correlation between" in message


def test_rules_refuse_correlations_that_cannot_be(tmp_path):
    def change(v):
        v["expected_answers"]["between"] = [[a, b, -0.9] for a, b, _ in v["expected_answers"]["between"]]

    assert "do not form a valid correlation matrix" in _break_rules(tmp_path, change)


@pytest.mark.parametrize(
    "key, value, message",
    [
        ("straight_lining_share", 0.4, "'straight_lining_share' must be above 0.5"),
        ("too_fast_page_seconds_per_item", 9.0, "at most 'too_fast_seconds_per_item'"),
        ("too_fast_pages", 0, "'too_fast_pages' must be at least 1"),
        ("inconsistent_distance", 0.9, "'inconsistent_distance' must be above 1"),
        ("inconsistent_distance", "high", "'inconsistent_distance' must be int or float"),
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
