"""Item analysis of an instrument version: the JSON shape, withholding below the
minimum N, flagged responses, languages side by side."""

import json
from datetime import datetime, timezone

import numpy as np
import pytest

from assessment import AnswerSet, load_instrument, score_answers
from assessment.item_analysis import MIN_N, analyse, scale_units
from assessment.psychometrics import cronbach_alpha

from ..support.paths import QUESTIONS
from ..support.simulated import simulated_answers, straight_liner

WHEN = datetime(2026, 11, 27, 16, 0, tzinfo=timezone.utc)


def run(instrument, answer_sets, **kw):
    return analyse(instrument, answer_sets, computed_at=WHEN, resamples=kw.pop("resamples", 40), **kw)


def test_below_the_minimum_everything_is_withheld(instrument):
    result = run(instrument, simulated_answers(instrument, MIN_N - 1))
    assert result["n"] == 29
    assert result["withheld"] == "not enough data (N = 29)"
    for scale in result["scales"]:
        assert scale["withheld"] == "not enough data (N = 29)"
        assert scale["items"] == [] and scale["alpha"]["value"] is None and scale["mean"] is None
    assert result["flag_rates"]["flags"] is None and result["flag_rates"]["any"] is None
    assert result["correlations"]["pearson"] is None


def test_stable_json_shape_and_sensible_values(instrument):
    answer_sets = simulated_answers(instrument, 150, seed=4)
    result = json.loads(json.dumps(run(instrument, answer_sets)))
    assert result["instrument"] == {"id": instrument.id, "version": instrument.version}
    assert result["n"] == 150 and result["computed_at"] == "2026-11-27T16:00:00+00:00"
    assert [s["id"] for s in result["scales"]] == [s.id for s in instrument.scales]
    for scale in result["scales"]:
        assert set(scale) >= {"id", "n", "mean", "sd", "alpha", "omega", "sem", "items"}
        assert scale["withheld"] is None and scale["n"] == 150
        alpha, omega = scale["alpha"], scale["omega"]
        assert alpha["ci"][0] < alpha["value"] < alpha["ci"][1]
        assert omega["ci"][0] <= omega["value"] <= omega["ci"][1]
        assert 0.6 < alpha["value"] < 0.95
        # SEM on 0–100 = SD × √(1 − alpha)
        assert scale["sem"] == pytest.approx(scale["sd"] * np.sqrt(1 - alpha["value"]), abs=0.1)
        for item in scale["items"]:
            assert set(item) >= {"id", "n", "mean", "sd", "item_total_r", "alpha_if_deleted", "floor", "ceiling"}
            assert 0 < item["item_total_r"] < 1 and 0 <= item["floor"] <= 1 and item["not_applicable"] == 0
    corr = result["correlations"]["pearson"]
    assert corr["weak_close"]["postponing_contact"] == corr["postponing_contact"]["weak_close"] > 0.2
    assert set(result["flag_rates"]["flags"]) == {"straight_lining", "too_fast", "impression_management_high", "inconsistent"}


def test_scale_alpha_is_the_alpha_of_the_keyed_items(instrument):
    answer_sets = simulated_answers(instrument, 60, seed=5)
    scale = instrument.scale("weak_close")
    x = np.array([scale_units(scale, a.answers) for a in answer_sets])
    result = run(instrument, answer_sets, resamples=0)
    reported = next(s for s in result["scales"] if s["id"] == "weak_close")
    assert reported["alpha"]["value"] == round(cronbach_alpha(x), 3)
    scores = (x.mean(axis=1) - 1) / 4 * 100
    assert reported["mean"] == round(scores.mean(), 1) and reported["sd"] == round(scores.std(ddof=1), 1)


def test_incomplete_scales_leave_people_out_of_that_scale_only(instrument):
    answer_sets = simulated_answers(instrument, 40, seed=6)
    answer_sets[:15] = [
        AnswerSet(a.language, {k: v for k, v in a.answers.items() if k != "pc1"}, item_seconds=a.item_seconds)
        for a in answer_sets[:15]
    ]
    result = run(instrument, answer_sets, resamples=0)
    by_id = {s["id"]: s for s in result["scales"]}
    assert by_id["postponing_contact"]["withheld"] == "not enough data (N = 25)"
    assert by_id["weak_close"]["n"] == 40 and by_id["weak_close"]["withheld"] is None


def test_flagged_responses_counted_and_excluded(instrument):
    answer_sets = simulated_answers(instrument, 60, seed=8) + [straight_liner(instrument) for _ in range(10)]
    result = run(instrument, answer_sets, resamples=0)
    flagged = 10
    assert result["flag_rates"]["flags"]["straight_lining"] == round(flagged / 70, 3)
    assert result["flag_rates"]["any"] >= round(flagged / 70, 3)
    assert result["excluding_flagged"]["n"] <= 60
    assert result["excluding_flagged"]["n"] == round((1 - result["flag_rates"]["any"]) * 70)


def test_language_filter_and_item_means_side_by_side(instrument):
    sv = simulated_answers(instrument, 35, seed=9, language="sv")
    en = simulated_answers(instrument, 45, seed=10, language="en")
    both = run(instrument, sv + en, resamples=0)
    side = both["item_means_by_language"]
    assert side["languages"] == ["sv", "en"] and side["n"] == {"sv": 35, "en": 45}
    first = side["items"][0]
    assert first["sv"] == round(np.mean([a.answers[first["id"]] for a in sv]), 3)
    only_sv = run(instrument, sv + en, language="sv", resamples=0)
    assert only_sv["n"] == 35 and only_sv["language"] == "sv"
    assert only_sv["item_means_by_language"]["languages"] == []
    few_en = run(instrument, sv + en[:10], resamples=0)
    assert few_en["item_means_by_language"]["items"] == []


# --- issue #26: the evidence statistics


def _v3():
    return load_instrument(QUESTIONS / "v3")


def _polished(instrument, answer_set):
    """The same answers with every everyday fault denied ("Never"): the IM note, nothing else."""
    answers = dict(answer_set.answers)
    for item in instrument.scale("impression_management").items:
        answers[item.id] = 1
    return AnswerSet(answer_set.language, answers, item_seconds=(6.0,))


def test_im_reliability_without_flagged_responses_excludes_on_the_other_flags_only():
    v3 = _v3()
    honest = simulated_answers(v3, 60, seed=5, honest=True)
    polished = [_polished(v3, a) for a in simulated_answers(v3, 15, seed=6, honest=True)]
    careless = [straight_liner(v3) for _ in range(5)]
    result = run(v3, honest + polished + careless, resamples=0)
    flags = [score_answers(v3, a).flag_ids for a in honest + polished + careless]
    assert sum("impression_management_high" in f for f in flags) >= 15
    clean = {s["id"]: s for s in result["excluding_flagged"]["scales"]}
    other_flagged = sum(any(x != "impression_management_high" for x in f) for f in flags)
    any_flagged = sum(bool(f) for f in flags)
    # the IM scale keeps the people whose only note is its own; every other scale drops them
    assert clean["impression_management"]["n"] == 80 - other_flagged
    assert clean["weak_close"]["n"] == 80 - any_flagged < clean["impression_management"]["n"]


def test_a_lie_scale_reports_kr20_alone_not_omega_on_phi_correlations():
    v3 = _v3()
    result = run(v3, simulated_answers(v3, 80, seed=7), resamples=0)
    scales = {s["id"]: s for s in result["scales"]}
    im = scales["impression_management"]
    assert im["omega"]["value"] is None and "KR-20 alone" in im["omega"]["note"]
    assert im["alpha"]["value"] is not None  # KR-20 of the flawless/not units
    assert scales["weak_close"]["omega"]["value"] is not None and scales["weak_close"]["omega"]["note"] is None
