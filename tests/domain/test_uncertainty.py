"""Scores with honest uncertainty: integer scores, the exact value, the 90 %
interval from the SEM (checked by hand), near-cut labels, reliabilities from
data overriding the provisional ones, and "does not apply" answers."""

import json
import math
from datetime import date

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
from assessment.profile import NOT_SCORABLE, TOO_MANY_NOT_APPLICABLE
from assessment.reliability import Reliability
from assessment.scoring import NEAR_BOUNDARY_PROBABILITY, shown_score

from ..support.answers import copy_bank, edit_yaml, varied_answers
from ..support.paths import QUESTIONS


@pytest.fixture(scope="module")
def v1():
    return load_instrument(QUESTIONS / "v1")


@pytest.fixture(scope="module")
def with_na(tmp_path_factory):
    """v1 with the "does not apply" option switched on (v2 has it; v1 does not)."""
    folder = copy_bank(tmp_path_factory.mktemp("na"))
    edit_yaml(folder / "instrument.yaml",
              lambda d: d.update(not_applicable_option={"sv": "Inte aktuellt för mig", "en": "Does not apply to me"}))
    return load_instrument(folder)


def score(instrument, answers, *, na=frozenset(), language="en", **kwargs):
    return score_answers(instrument, AnswerSet(language, answers, not_applicable=frozenset(na)), **kwargs)


def test_sem_is_sd_times_root_of_one_minus_reliability():
    assert Reliability(0.79, 18.8, "provisional").sem == pytest.approx(18.8 * math.sqrt(0.21))
    assert Reliability(0.75, 20.0, "data", n=240).sem == pytest.approx(10.0)
    for bad in (dict(value=1.0, sd=20), dict(value=0.8, sd=0), dict(value=0.8, sd=20, source="guess")):
        with pytest.raises(ValueError):
            Reliability(**{"source": "provisional", **bad})


def test_v1_carries_the_reviews_provisional_reliabilities(v1):
    expected_sem = {"postponing_contact": 8.6, "weak_close": 8.5, "abandoned_follow_up": 8.8,
                    "fear_of_pushiness": 9.6, "impression_management": 11.4}
    for scale in v1.scales:
        assert scale.reliability.source == "provisional" and "INSTRUMENT-REVIEW" in scale.reliability.basis
        assert scale.reliability.sem == pytest.approx(expected_sem[scale.id], abs=0.05)


def test_interval_by_hand(v1):
    answers = varied_answers(v1)
    answers.update(pc1=1, pc2=2, pc3=2, pc4=3, pc5=4, pc6=5, pc7=1)  # exact 39.2857
    result = score(v1, answers).scales["postponing_contact"]
    # SEM = 18.8 × √(1 − .79) = 8.6152; 1.645 × SEM = 14.171
    # 39.2857 − 14.171 = 25.11 → 25; 39.2857 + 14.171 = 53.46 → 53
    assert (result.score, result.exact, result.interval) == (39, 39.29, (25, 53))
    assert result.sem == pytest.approx(8.6152, abs=1e-3)
    # 25 < 38 ≤ 53: the interval crosses the low/moderate cut
    assert result.near_cut and result.near_boundary == ("low", "moderate")
    assert result.interpretation == v1.scale("postponing_contact").near_boundary["low_moderate"]["en"]
    assert result.actions == tuple(v1.scale("postponing_contact").bands["moderate"].actions["en"])


def test_interval_is_clamped_to_0_100_and_far_scores_are_not_near_a_cut(v1):
    top = score(v1, {i.id: 5 for i in v1.items}).scales["weak_close"]
    bottom = score(v1, {i.id: 1 for i in v1.items}).scales["weak_close"]
    # SEM 19.0 × √.2 = 8.497; 1.645 × 8.497 = 13.98
    assert top.interval == (86, 100) and bottom.interval == (0, 14)
    assert not top.near_cut and not bottom.near_cut and top.near_boundary is None
    assert top.interpretation == v1.scale("weak_close").bands["high"].interpretation["en"]


def test_one_step_from_a_cut_is_near_it_and_the_nearest_boundary_is_named(v1):
    answers = varied_answers(v1)
    answers.update(wc1=4, wc2=4, wc3=4, wc4=4, wc5=3, wc6=3, wc7=3)  # exact 64.29, shown 64, high
    result = score(v1, answers, language="sv").scales["weak_close"]
    assert (result.score, result.band, result.interval) == (64, "high", (50, 78))
    assert result.near_boundary == ("moderate", "high")
    assert result.interpretation.startswith("Ditt resultat ligger nära gränsen mellan måttlig och hög")


def test_band_follows_the_shown_integer_and_limits_never_overlap(v1):
    assert v1.scale("weak_close").band_limits == ((0, 37), (38, 62), (63, 100))
    assert v1.scale("impression_management").band_limits == ((0, 49), (50, 74), (75, 100))
    assert [shown_score(x) for x in (37.49, 37.5, 62.5, 0.5, 99.5)] == [37, 38, 63, 1, 100]


def test_a_reliability_from_data_overrides_the_provisional_one(v1):
    answers = varied_answers(v1)
    answers.update(pc1=1, pc2=2, pc3=2, pc4=3, pc5=4, pc6=5, pc7=1)
    data = Reliability(0.91, 20.0, "data", n=412, computed_on=date(2026, 11, 1))
    result = score(v1, answers, reliabilities={"postponing_contact": data})
    pc = result.scales["postponing_contact"]
    # SEM = 20 × √.09 = 6; 1.645 × 6 = 9.87 → 29.42 … 49.16
    assert pc.reliability is data and pc.sem == pytest.approx(6.0) and pc.interval == (29, 49)
    assert result.scales["weak_close"].reliability.source == "provisional"
    exported = result.to_dict()["scales"]["postponing_contact"]
    assert exported["reliability"]["source"] == "data" and exported["reliability"]["n"] == 412
    assert exported["interval"] == [29, 49] and exported["exact"] == 39.29 and exported["score"] == 39


def test_not_applicable_is_excluded_and_counted(with_na):
    answers = varied_answers(with_na)
    answers.update(af1=4, af2=4, af3=2, af4=2, af5=4)
    del answers["af6"], answers["af7"]
    result = score(with_na, answers, na={"af6", "af7"}).scales["abandoned_follow_up"]
    # five answers 4,4,2,2,4: mean 3.2 → 55
    assert (result.score, result.answered, result.not_applicable, result.of) == (55, 5, 2, 7)


def test_too_many_not_applicable_make_a_scale_not_scorable_with_the_reason(with_na):
    answers = varied_answers(with_na)
    na = {"af5", "af6", "af7"}
    for item_id in na:
        del answers[item_id]
    result = score(with_na, answers, na=na).scales["abandoned_follow_up"]
    assert (result.score, result.answered, result.not_applicable, result.needed) == (None, 4, 3, 5)
    assert result.reason == TOO_MANY_NOT_APPLICABLE
    del answers["af4"]
    missing = score(with_na, answers).scales["abandoned_follow_up"]
    assert missing.reason == NOT_SCORABLE


def test_answers_file_takes_na_only_where_the_instrument_offers_it(v1, with_na):
    answers = varied_answers(v1)
    answers["pc1"] = "na"
    text = json.dumps({"language": "en", "answers": answers})
    parsed = parse_answers(with_na, text)
    assert parsed.not_applicable == {"pc1"} and "pc1" not in parsed.answers
    with pytest.raises(AnswersError, match="'pc1': \"na\" \\(does not apply\\) is not an answer in version 1"):
        parse_answers(v1, text)
    answers["pc1"] = "NA"
    with pytest.raises(AnswersError, match="'pc1': answer 'NA' is not an integer 1–5 or \"na\""):
        parse_answers(with_na, json.dumps({"language": "en", "answers": answers}))


def test_an_item_cannot_be_both_answered_and_not_applicable(v1):
    with pytest.raises(AnswersError, match="'pc1' is both answered and 'does not apply'"):
        AnswerSet("en", {"pc1": 3}, not_applicable=frozenset({"pc1"}))


def test_extreme_scoring_counts_only_the_most_extreme_keyed_answer(tmp_path):
    folder = copy_bank(tmp_path)

    def change(d):
        for scale in d["scales"]:
            if scale["id"] == "impression_management":
                scale["scoring"] = "extreme"

    edit_yaml(folder / "scales.yaml", change)

    def reverse_im(d):
        for item in d["items"]:
            if item["scale"] == "impression_management":
                item["reverse"] = True

    edit_yaml(folder / "items.yaml", reverse_im)
    bank = load_instrument(folder)
    answers = varied_answers(bank)
    answers.update(im1=1, im2=1, im3=2, im4=5)  # reversed: 5, 5, 4, 1 → two flawless of four
    result = score(bank, answers).scales["impression_management"]
    assert (result.score, result.exact) == (50, 50.0)
    answers.update(im1=2)  # one step short of flawless no longer counts
    assert score(bank, answers).scales["impression_management"].score == 25


def test_scoring_rule_and_reliability_are_validated_on_load(tmp_path):
    folder = copy_bank(tmp_path)

    def bad_rule(d):
        d["scales"][0]["scoring"] = "median"

    edit_yaml(folder / "scales.yaml", bad_rule)
    with pytest.raises(InstrumentError, match="scale 'postponing_contact': 'scoring' is 'median'"):
        load_instrument(folder)

    folder = copy_bank(tmp_path / "b")

    def no_basis(d):
        del d["scales"][1]["reliability"]["basis"]

    edit_yaml(folder / "scales.yaml", no_basis)
    with pytest.raises(InstrumentError, match="scale 'weak_close' reliability: 'basis' is missing"):
        load_instrument(folder)

    folder = copy_bank(tmp_path / "c")

    def no_near(d):
        del d["scales"][2]["near_boundary"]["moderate_high"]

    edit_yaml(folder / "scales.yaml", no_near)
    with pytest.raises(InstrumentError, match="scale 'abandoned_follow_up' near_boundary: 'moderate_high' is missing"):
        load_instrument(folder)


# --- issue #26: the margin from the answered items, and a "near the boundary" that informs


def test_the_margin_with_does_not_apply_is_spearman_brown_on_the_answered_items():
    """v2 abandoned_follow_up (reliability .82, SD 16.5, 8 items), 6 answered and 2 "does not apply".
    By hand: the full scale's SEM is 16.5 × √.18 = 7.0004. Six of eight items: Spearman–Brown
    ρ₆ = (6/8 × .82) / (1 + (6/8 − 1) × .82) = .615 / .795 = .773585; the true-score variance
    stays .82 × 16.5² = 223.245, so SEM₆ = √(223.245 × (1 − .773585) / .773585) = √65.3400 = 8.0833
    (the review's "about 8.1 points; 7.0 is shown"). 90 % interval: exact ± 1.645 × 8.0833."""
    v2 = InstrumentBank.load(QUESTIONS).get("tripwire", "2")
    af = [i.id for i in v2.scale("abandoned_follow_up").items]
    answers = varied_answers(v2)
    answers.update({af[2]: 3, af[3]: 3, af[4]: 3, af[5]: 3, af[6]: 3, af[7]: 3})
    for item_id in af[:2]:
        answers.pop(item_id)
    result = score_answers(v2, AnswerSet("en", answers, not_applicable=frozenset(af[:2]))).scales["abandoned_follow_up"]
    assert (result.answered, result.not_applicable, result.exact) == (6, 2, 50.0)
    assert result.sem == pytest.approx(8.0833, abs=1e-4)
    assert result.interval == (37, 63)  # 50 ± 13.297 → 36.70 … 63.30
    full = score_answers(v2, AnswerSet("en", {**answers, af[0]: 3, af[1]: 3})).scales["abandoned_follow_up"]
    assert full.sem == pytest.approx(7.0004, abs=1e-4) and full.interval == (38, 62)


def _af_at(instrument, values):
    answers = varied_answers(instrument)
    answers.update(dict(zip([i.id for i in instrument.scale("abandoned_follow_up").items], values)))
    return score_answers(instrument, AnswerSet("en", answers)).scales["abandoned_follow_up"]


def test_near_the_boundary_is_said_only_where_the_neighbouring_band_is_likely():
    """v3 abandoned_follow_up: SEM 15.9 × √.2 = 7.1107; bands meet at 37.5. One answer step is
    3.125 points. On the boundary (37.5, shown 38, moderate): low is Φ(0) = 50 % likely – near.
    One step up (40.625): low is Φ(−3.125 / 7.1107) = Φ(−.4395) = 33.0 % < 35 % – not near."""
    v3 = InstrumentBank.load(QUESTIONS).get("tripwire", "3")
    on = _af_at(v3, [3, 3, 3, 3, 2, 2, 2, 2])  # mean 2.5 → 37.5
    assert (on.exact, on.score, on.band) == (37.5, 38, "moderate")
    assert on.band_probabilities["low"] == pytest.approx(0.5, abs=1e-9)
    assert on.near_cut and on.near_boundary == ("low", "moderate")
    step = _af_at(v3, [3, 3, 3, 3, 3, 2, 2, 2])  # 40.625
    assert step.band_probabilities["low"] == pytest.approx(0.3302, abs=1e-4)
    assert step.band_probabilities["low"] < NEAR_BOUNDARY_PROBABILITY
    assert not step.near_cut and step.near_boundary is None
    assert step.interpretation == v3.scale("abandoned_follow_up").bands["moderate"].interpretation["en"]
    assert sum(step.band_probabilities.values()) == pytest.approx(1.0)
