"""Scoring by hand-computed examples, missing answers, bands and validity flags."""

import json

import pytest

from assessment import (
    AnswersError,
    AnswerSet,
    load_instrument,
    parse_answers,
    score_answers,
)
from assessment.answers import seconds_per_item
from assessment.profile import NOT_SCORABLE

from ..support.answers import copy_bank, edit_yaml, varied_answers
from ..support.paths import QUESTIONS


def profile(instrument, answers, language="en", seconds=()):
    return score_answers(instrument, AnswerSet(language=language, answers=answers, item_seconds=seconds))


def test_all_minimum_scores_zero_and_low(instrument):
    result = profile(instrument, {i.id: 1 for i in instrument.items})
    for scale in result.scales.values():
        assert (scale.score, scale.band, scale.answered, scale.of) == (0.0, "low", len(instrument.scale(scale.scale_id).items), len(instrument.scale(scale.scale_id).items))


def test_all_maximum_scores_hundred_and_high(instrument):
    result = profile(instrument, {i.id: 5 for i in instrument.items})
    assert {s.score for s in result.scales.values()} == {100.0}
    assert {s.band for s in result.scales.values()} == {"high"}
    assert set(result.flag_ids) == {"straight_lining", "impression_management_high"}


def test_mixed_answers_by_hand(instrument):
    answers = varied_answers(instrument)
    answers.update(pc1=1, pc2=2, pc3=2, pc4=3, pc5=4, pc6=5, pc7=1)  # sum 18 of 7 items
    result = profile(instrument, answers)
    # mean 18/7; (18/7 - 1) / 4 * 100 = 39.2857… → shown 39, above the 37.5 cut: moderate
    assert result.scales["postponing_contact"].score == 39
    assert result.scales["postponing_contact"].exact == 39.29
    assert result.scales["postponing_contact"].band == "moderate"
    assert result.scales["impression_management"].score == 25.0


def test_reverse_items_are_reflected(tmp_path):
    folder = copy_bank(tmp_path)

    def change(d):
        for item in d["items"]:
            if item["id"] in ("wc1", "wc2"):
                item["reverse"] = True

    edit_yaml(folder / "items.yaml", change)
    reversed_bank = load_instrument(folder)
    answers = {i.id: 2 for i in reversed_bank.items}
    answers.update(wc1=5, wc2=4, wc3=3, wc4=3, wc5=3, wc6=3, wc7=3)
    # wc1 5→1, wc2 4→2: values 1,2,3,3,3,3,3 sum 18 → 39.3 moderate
    result = profile(reversed_bank, answers)
    assert (result.scales["weak_close"].score, result.scales["weak_close"].exact) == (39, 39.29)
    # without reversal the same answers sum 24 → (24/7-1)/4*100 = 60.71 → 61, moderate
    plain = profile(load_instrument(QUESTIONS / "v1"), answers)
    assert (plain.scales["weak_close"].score, plain.scales["weak_close"].exact) == (61, 60.71)


def test_a_scale_with_two_thirds_answered_is_scored_from_the_rest(instrument):
    answers = varied_answers(instrument)
    answers.update(wc1=4, wc2=4, wc3=4, wc4=4, wc5=4, wc6=4, wc7=4)
    del answers["wc1"], answers["wc2"]  # 5 of 7 answered; two thirds of 7 is 4.67
    result = profile(instrument, answers).scales["weak_close"]
    assert (result.score, result.band, result.answered, result.of, result.reason) == (75, "high", 5, 7, None)


def test_fewer_than_two_thirds_answered_make_a_scale_not_scorable(instrument):
    answers = varied_answers(instrument)
    del answers["wc1"], answers["wc2"], answers["wc3"]
    result = profile(instrument, answers).scales["weak_close"]
    assert (result.score, result.band, result.answered, result.reason) == (None, None, 4, NOT_SCORABLE)
    assert (result.needed, result.interval, result.exact) == (5, None, None)
    assert result.interpretation is None and result.actions == ()
    # the other scales are untouched
    assert profile(instrument, answers).scales["postponing_contact"].score is not None


def test_a_score_exactly_on_a_cut_point_falls_in_the_upper_band(instrument):
    answers = varied_answers(instrument)
    answers.update(af1=3, af2=4, af3=3, af4=4, af5=3, af6=4)  # six answers, mean 3.5 → 62.5
    del answers["af7"]
    result = profile(instrument, answers).scales["abandoned_follow_up"]
    assert (result.score, result.exact, result.band) == (63, 62.5, "high")


def test_interpretation_and_actions_follow_language(instrument):
    answers = {i.id: 5 for i in instrument.items}
    sv = profile(instrument, answers, "sv").scales["weak_close"]
    en = profile(instrument, answers, "en").scales["weak_close"]
    assert sv.name == "Svaga avslut" and en.name == "Weak closes"
    assert sv.band_label == "Hög" and en.band_label == "High"
    assert sv.interpretation == instrument.scale("weak_close").bands["high"].interpretation["sv"]
    assert len(sv.actions) == len(en.actions) >= 2


def test_scoring_is_deterministic_and_serialises(instrument):
    answers = varied_answers(instrument, offset=1)
    first = profile(instrument, answers, "sv", seconds=(4.0, 5.0))
    second = profile(instrument, dict(reversed(list(answers.items()))), "sv", seconds=(4.0, 5.0))
    assert first == second
    data = json.loads(json.dumps(first.to_dict(), ensure_ascii=False))
    assert data["instrument"] == {"id": "tripwire", "version": "1"}
    assert set(data["scales"]) == {s.id for s in instrument.scales}
    assert data["flags"] == []


# --- validity flags: each fires, and does not fire one step short


def test_straight_lining_fires_at_the_threshold_run(instrument):
    run = instrument.validity.straight_lining_run
    answers = varied_answers(instrument)
    order = [i.id for i in instrument.items]
    for item_id in order[5 : 5 + run]:
        answers[item_id] = 4
    answers[order[4]], answers[order[5 + run]] = 2, 2
    assert "straight_lining" in profile(instrument, answers).flag_ids
    answers[order[5 + run - 1]] = 3  # run is now one shorter
    assert "straight_lining" not in profile(instrument, answers).flag_ids


def test_too_fast_uses_the_median_seconds_per_item(instrument):
    limit = instrument.validity.too_fast_seconds_per_item
    answers = varied_answers(instrument)
    assert "too_fast" in profile(instrument, answers, seconds=(1.0, limit - 0.1, 30.0)).flag_ids
    assert "too_fast" not in profile(instrument, answers, seconds=(1.0, limit, 30.0)).flag_ids
    assert "too_fast" not in profile(instrument, answers, seconds=()).flag_ids


def test_impression_management_high(instrument):
    answers = varied_answers(instrument)
    answers.update(im1=4, im2=4, im3=4, im4=4)  # 75.0: the high cut point
    flagged = profile(instrument, answers)
    assert "impression_management_high" in flagged.flag_ids
    answers["im4"] = 3  # 68.75: moderate
    assert "impression_management_high" not in profile(instrument, answers).flag_ids


def test_impression_management_never_changes_other_scores(instrument):
    answers = varied_answers(instrument)
    before = profile(instrument, answers).scales["weak_close"].score
    answers.update(im1=5, im2=5, im3=5, im4=5)
    after = profile(instrument, answers)
    assert "impression_management_high" in after.flag_ids
    assert after.scales["weak_close"].score == before


def test_flag_texts_are_in_the_respondents_language(instrument):
    answers = {i.id: 5 for i in instrument.items}
    sv = profile(instrument, answers, "sv").flags[0]
    assert sv.text == instrument.validity.flag_texts[sv.id]["sv"]


# --- answers files


@pytest.mark.parametrize(
    "text, message",
    [
        ("{not json", "not valid JSON"),
        ('["a"]', "top level must be a JSON object"),
        ('{"answers": {}}', "'language' is missing"),
        ('{"language": "de", "answers": {}}', "unknown language 'de'"),
        ('{"language": "sv", "answers": {"zz1": 3}}', "unknown item id 'zz1'"),
        ('{"language": "sv", "answers": {"pc1": 6}}', "item 'pc1': answer 6 is outside 1–5"),
        ('{"language": "sv", "answers": {"pc1": 0}}', "item 'pc1': answer 0 is outside 1–5"),
        ('{"language": "sv", "answers": {"pc1": 2.5}}', "item 'pc1': answer 2.5 is not an integer"),
        ('{"language": "sv", "answers": {"pc1": "3"}}', "item 'pc1': answer '3' is not an integer"),
        ('{"language": "sv", "answers": {"pc1": true}}', "item 'pc1': answer True is not an integer"),
        ('{"language": "sv", "answers": []}', "'answers' must be an object"),
        ('{"language": "sv", "answers": {}, "seconds_per_item": -1}', "'seconds_per_item' must be"),
        ('{"language": "sv", "answers": {}, "extra": 1}', "unknown field(s): 'extra'"),
    ],
)
def test_bad_answers_files_name_the_problem(instrument, text, message):
    with pytest.raises(AnswersError) as caught:
        parse_answers(instrument, text)
    assert message in str(caught.value)


def test_answers_file_round_trip(instrument):
    answer_set = parse_answers(
        instrument, '{"language": "sv", "respondent": " Åsa ", "answers": {"pc1": 3}, "seconds_per_item": 4}'
    )
    assert answer_set == AnswerSet(language="sv", answers={"pc1": 3}, respondent="Åsa", item_seconds=(4.0,))


def test_page_times_are_in_page_order_whatever_order_they_are_stored_in(instrument):
    """A page sent again (after "Back") is a later row: the last pages are still the last ones."""
    sizes = [len(page) for page in instrument.pages]
    stored = [(3, 30.0), (1, 10.0), (len(sizes), 99.0), (2, 20.0)]
    by_page = dict(stored)
    assert seconds_per_item(instrument, stored) == tuple(
        by_page[page] / sizes[page - 1] for page in sorted(by_page))
