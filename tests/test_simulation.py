"""The simulation harness: its respondent models do what questions/README.md says,
every respondent goes through the real engine, and `flask simulate` prints it."""

import json

import numpy as np
import pytest

import assessment.simulation.run as simulation_run
from assessment import load_instrument
from assessment.bank import InstrumentBank
from assessment.simulation import calibration as simulation_calibration
from assessment.simulation.calibration import (
    IM_ANSWER_WEIGHTS,
    IM_WEIGHTED_THRESHOLD,
    IM_WEIGHTED_THRESHOLDS,
    im_weighted_rule,
    pooled_answer_log_ratios,
)
from assessment.simulation.models import (
    CALIBRATION_MODELS,
    HELD_OUT_MODEL,
    HELD_OUT_MODELS,
    MODELS,
)
from assessment.simulation.population import Population
from assessment.simulation.respondents import RESPONDENT_TYPES
from assessment.simulation.run import simulate
from assessment.validity import impression_management_weighted_score

from .support.paths import QUESTIONS

CURRENT = InstrumentBank.load(QUESTIONS).current


@pytest.fixture(scope="module")
def population():
    return Population.build(CURRENT, MODELS["main"], np.random.default_rng(1))


def test_honest_answers_are_centred_where_the_model_says(population):
    rng = np.random.default_rng(2)
    keyed = population.keyed_answers(population.traits(4000, rng), rng)
    kinds = {s.id: s.kind for s in CURRENT.scales}
    substantive = np.array([kinds[i.scale_id] != "validity" for i in CURRENT.items])
    assert keyed[:, substantive].mean() == pytest.approx(MODELS["main"].mean_answer, abs=0.08)
    validity = keyed[:, ~substantive]
    assert (validity == 5).mean() == pytest.approx(MODELS["main"].validity_top_share, abs=0.02)


def test_factor_correlations_are_the_models(population):
    rng = np.random.default_rng(3)
    traits = population.traits(20000, rng)
    observed = np.corrcoef(traits, rowvar=False)
    assert np.abs(observed - population.corr).max() < 0.03
    kinds = [s.kind for s in CURRENT.scales]
    b = [k for k, kind in enumerate(kinds) if kind == "behaviour"]
    assert population.corr[b[0], b[1]] == MODELS["main"].behaviour_r


def test_respondent_types_do_what_their_names_say(population):
    rng = np.random.default_rng(4)
    n = 2000
    straight = RESPONDENT_TYPES["straight_lining"][1](population, n, rng)
    assert (straight.raw == straight.raw[:, :1]).all()
    uniform = RESPONDENT_TYPES["uniform_random"][1](population, n, rng)
    shares = np.bincount(uniform.raw.ravel(), minlength=6)[1:] / uniform.raw.size
    assert np.abs(shares - 0.2).max() < 0.01
    honest = RESPONDENT_TYPES["honest"][1](population, n, rng)
    acquiescent = RESPONDENT_TYPES["acquiescent"][1](population, n, rng)
    assert acquiescent.raw.mean() - honest.raw.mean() == pytest.approx(0.6 * (honest.raw < 5).mean(), abs=0.05)
    late = RESPONDENT_TYPES["random_last_pages"][1](population, n, rng)
    assert np.median(late.seconds[:, -1]) < np.median(late.seconds[:, 0]) / 2


def test_every_respondent_is_scored_by_the_real_engine(monkeypatch):
    calls = []
    real = simulation_run.score_answers

    def counting(instrument, answer_set, **kw):
        calls.append(answer_set)
        return real(instrument, answer_set, **kw)

    monkeypatch.setattr(simulation_run, "score_answers", counting)
    report = simulate(CURRENT, n=50, seed=5, types=["honest", "uniform_random"])
    # Each respondent once, plus the honest retest.
    assert len(calls) == 50 * 2 + 50
    assert set(report.types) == {"honest", "uniform_random"}
    assert all(set(a.answers) | set(getattr(a, "not_applicable", ())) == CURRENT.item_ids for a in calls)


def test_a_seeded_run_is_reproducible():
    first = simulate(CURRENT, n=60, seed=9).to_dict()
    second = simulate(CURRENT, n=60, seed=9).to_dict()
    first.pop("seconds"), second.pop("seconds")
    assert first == second
    third = simulate(CURRENT, n=60, seed=10).to_dict()
    third.pop("seconds")
    assert third != first


def test_the_models_differ_in_structure_and_one_is_held_out():
    assert len(CALIBRATION_MODELS) >= 3 and HELD_OUT_MODEL not in CALIBRATION_MODELS
    assert MODELS[HELD_OUT_MODEL].held_out and not any(MODELS[m].held_out for m in CALIBRATION_MODELS)
    rng = np.random.default_rng(11)
    # uneven: many people high on exactly one behaviour and low on the other two
    uneven = Population.build(CURRENT, MODELS["uneven"], rng)
    traits = uneven.traits(4000, rng)
    behaviour = [k for k, s in enumerate(CURRENT.scales) if s.kind == "behaviour"]
    one_high = ((traits[:, behaviour] > 0.6).sum(axis=1) == 1) & ((traits[:, behaviour] < -0.3).sum(axis=1) == 2)
    assert one_high.mean() > 0.3
    plain = Population.build(CURRENT, MODELS["main"], rng).traits(4000, rng)
    assert (((plain[:, behaviour] > 0.6).sum(axis=1) == 1) & ((plain[:, behaviour] < -0.3).sum(axis=1) == 2)).mean() < 0.1
    # styles: extreme responders use the ends, midpoint responders the middle
    styled = Population.build(CURRENT, MODELS["styles"], rng)
    styles = styled.styles(6000, rng)
    keyed = styled.keyed_answers(styled.traits(6000, rng), rng, styles)
    ends = np.isin(keyed, (1, 5)).mean(axis=1)
    middle = (keyed == 3).mean(axis=1)
    assert ends[styles.kind == "extreme"].mean() > ends[styles.kind == "plain"].mean() + 0.15
    assert middle[styles.kind == "midpoint"].mean() > middle[styles.kind == "plain"].mean() + 0.15
    # heterogeneous: each fault its own "Never" base rate
    hetero = Population.build(CURRENT, MODELS["heterogeneous"], rng)
    never = (hetero.keyed_answers(hetero.traits(8000, rng), rng) == 5)[:, hetero.reverse].mean(axis=0)
    assert never.max() - never.min() > 0.08 and 0.01 < never.min() and never.max() < 0.3


def test_the_personal_model_gives_everyone_their_own_thresholds_and_pace():
    # held out: added after the thresholds were chosen, used to check them only
    assert "personal" in HELD_OUT_MODELS and MODELS["personal"].held_out
    assert not set(HELD_OUT_MODELS) & set(CALIBRATION_MODELS)
    rng = np.random.default_rng(5)
    pop = Population.build(CURRENT, MODELS["personal"], rng)
    styles = pop.styles(3000, rng)
    # a continuum, not three classes: nearly everyone's thresholds differ from everyone else's
    assert len(np.unique(styles.offsets.round(6), axis=0)) > 2900 and np.std(styles.raw_shift) > 0.15
    widths = styles.offsets[:, 3] - styles.offsets[:, 0]
    assert widths.min() < -0.8 and widths.max() > 0.8  # some squeeze the scale towards the ends, some widen it
    # honest readers from three paces: the quick ones read at about 3.2 s per item
    medians = np.median(pop.page_seconds(6000, 5.0, rng, MODELS["personal"].reading_mixture), axis=1)
    assert 0.10 < (medians < 3.6).mean() < 0.30 and 0.12 < (medians > 7.0).mean() < 0.35
    plain = np.median(pop.page_seconds(6000, 5.0, rng), axis=1)
    assert (plain < 3.6).mean() < (medians < 3.6).mean()


def test_simulate_command_prints_the_table(runner):
    result = runner.invoke(args=["simulate", "--n", "60", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "| honest |" in result.output and "| uniform_random |" in result.output
    assert "N = 60 per respondent type" in result.output and "seed 3" in result.output
    assert "alpha" in result.output


def test_simulate_command_json_and_versions(runner):
    result = runner.invoke(args=["simulate", "--n", "60", "--seed", "3", "--json", "--version", "v1", "--model", "weak"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["instrument"] == "tripwire v1" and data["model"]["name"] == "weak" and data["n_per_type"] == 60
    assert set(data["types"]) == set(RESPONDENT_TYPES)
    assert 0 <= data["types"]["honest"]["any"] <= 1
    assert set(data["scales"]) == {s.id for s in load_instrument(QUESTIONS / "v1").scales}


def test_simulate_command_runs_every_model_over_several_seeds(runner):
    result = runner.invoke(args=["simulate", "--all-models", "--seeds", "2", "--n", "50", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [d["model"] for d in data] == [*CALIBRATION_MODELS, *HELD_OUT_MODELS]
    assert data[-1]["held_out"] and data[0]["seeds"] == [12, 13]
    honest = data[0]["types"]["honest"]["any"]
    assert honest["min"] <= honest["mean"] <= honest["max"]
    text = runner.invoke(args=["simulate", "--model", "styles", "--seeds", "2", "--n", "50"]).output
    assert "model 'styles'" in text and "seeds 12, 13" in text and "near-boundary" in text


def test_simulate_command_refuses_an_unknown_version(runner):
    result = runner.invoke(args=["simulate", "--version", "9"])
    assert result.exit_code == 2
    assert "version '9' is not in the item bank" in result.output


# --- the seeded run behind the targets (questions/README.md, "Simulated rates")

SMALL_N = 400
SEED = 12
# From `flask --app app simulate --all-models --n 500 --seeds 5 --seed 12`: model 'main', the means
# over seeds 12–16 (questions/README.md, "Per-model results").
RECORDED = {
    ("honest", "any"): 0.021,
    ("honest", "impression_management_high"): 0.012,
    ("uniform_random", "any"): 0.873,
    ("uniform_random", "any_untimed"): 0.782,
    ("straight_lining", "any"): 1.000,
    ("straight_lining_noisy", "any"): 0.947,
    ("rushed", "any"): 0.530,
    ("random_last_pages", "any"): 0.626,
    ("random_last_pages", "any_untimed"): 0.443,
    ("faking_good", "any"): 0.300,
    ("faking_good_3sd", "any"): 0.625,
    ("acquiescent", "any"): 0.007,
}
# Issue #26's targets met under 'main': (type, rate, at most / at least, value).
TARGETS = [
    ("honest", "any", "max", 0.06),
    ("honest", "impression_management_high", "max", 0.03),
    ("uniform_random", "any", "min", 0.85),
    ("uniform_random", "any_untimed", "min", 0.60),
    ("straight_lining", "any", "min", 0.95),
    # not met: issue #26 wants 95 %; 94.8 % since straight-lining needs 6 of 8 faults and every
    # scale, so that no healthy seller is questioned (questions/README.md): this holds the floor
    ("straight_lining_noisy", "any", "min", 0.94),
    ("random_last_pages", "any", "min", 0.50),
]


def _tolerance(p: float) -> float:
    """Three binomial standard errors of the small run, at least one percentage point."""
    return max(0.01, 3 * (p * (1 - p) / SMALL_N) ** 0.5)


@pytest.fixture(scope="module")
def small_run():
    return simulate(CURRENT, n=SMALL_N, seed=SEED)


def test_rates_have_not_drifted_from_the_recorded_run(small_run):
    for (type_id, rate), recorded in RECORDED.items():
        got = small_run.types[type_id][rate]
        assert abs(got - recorded) <= _tolerance(recorded), (type_id, rate, got, recorded)


def test_targets_hold_in_the_seeded_run(small_run):
    for type_id, rate, kind, value in TARGETS:
        got = small_run.types[type_id][rate]
        slack = _tolerance(value)
        assert got <= value + slack if kind == "max" else got >= value - slack, (type_id, rate, got, value)
    least = small_run.honest["impression_management_least_reluctant_quarter"]
    assert least <= 0.05 + _tolerance(0.05)
    # an unchanged person told of a clear change on any of the four scales
    assert small_run.honest["unchanged_any_clear_change"] <= 0.10 + _tolerance(0.10)


def test_simulate_command_prints_the_calibration_table(runner):
    result = runner.invoke(args=["simulate", "--calibrate", "--n", "60", "--seed", "4", "--json"])
    assert result.exit_code == 0, result.output
    tables = json.loads(result.output)["tables"]
    spread = tables["inconsistent_spread"]
    # A stricter threshold never flags more people of any type than a looser one.
    for looser, stricter in zip(list(spread)[:-1], list(spread)[1:]):
        assert all(spread[stricter][t] <= spread[looser][t] for t in spread[looser])
    assert spread["1.3"]["uniform_random"] > spread["1.3"]["honest"]
    assert set(tables) >= {"inconsistent_late_spread", "straight_lining_midpoint_share", "straight_lining_reverse_share"}
    assert "honest, least reluctant quarter" in next(iter(tables["impression_management_flawless"].values()))


def test_simulate_command_prints_the_impression_management_roc(runner):
    """`--im-roc`: candidate IM flag rules side by side, and the ceiling no rule on these answers can pass."""
    result = runner.invoke(args=["simulate", "--im-roc", "--n", "200", "--seed", "4", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    rows = {r["rule"]: r for r in data["rows"]}
    m = len(CURRENT.scale("impression_management").items)
    assert data["n_per_type"] == 200 and data["seed"] == 4 and data["seeds"] == [4]
    assert len(rows) == len(simulation_calibration.im_rules(m)) + len(IM_WEIGHTED_THRESHOLDS) + 1
    # the weighted rule's thresholds are nested too
    weighted = [r for r in data["rows"] if r["rule"].startswith("weighted answers")]
    assert len(weighted) == len(IM_WEIGHTED_THRESHOLDS)
    for looser, stricter in zip(weighted, weighted[1:]):
        for key in ("honest_im", "faking_good_im", "faking_good_3sd_im", "honest_any"):
            assert stricter[key] <= looser[key]
    # k-of-m cuts are nested: a stricter cut never flags more people of any kind
    for looser, stricter in (("≥ 5 Never", "≥ 6 Never"), ("≥ 6 Never", "≥ 7 Never")):
        for key in ("honest_im", "faking_good_im", "faking_good_3sd_im", "honest_any"):
            assert rows[stricter][key] <= rows[looser][key]
    # every rule flags fakers more often than honest people, and any flag includes the IM flag
    for row in rows.values():
        assert row["faking_good_im"] > row["honest_im"] and row["faking_good_any"] >= row["faking_good_im"]
        assert row["faking_good_3sd_im"] >= row["faking_good_im"] - 0.05
    ceiling = data["rows"][-1]
    assert ceiling["rule"].startswith("ceiling") and abs(ceiling["honest_im"] - 0.03) <= 0.01
    text = runner.invoke(args=["simulate", "--im-roc", "--n", "60", "--seed", "4"]).output
    assert "| ≥ 6 Never |" in text and "N = 60 per type, seed 4" in text
    assert f"| weighted answers ≥ {IM_WEIGHTED_THRESHOLD:g} (chosen at seed 21) |" in text and "Never +1.4" in text
    v1 = runner.invoke(args=["simulate", "--im-roc", "--n", "60", "--version", "1"])
    assert v1.exit_code == 2 and "lie-scale" in v1.output


def test_the_im_roc_averages_over_seeds(runner):
    one = json.loads(runner.invoke(args=["simulate", "--im-roc", "--n", "60", "--seed", "4", "--json"]).output)
    five = json.loads(runner.invoke(args=["simulate", "--im-roc", "--n", "60", "--seed", "5", "--json"]).output)
    both = json.loads(runner.invoke(args=["simulate", "--im-roc", "--n", "60", "--seed", "4", "--seeds", "2",
                                          "--json"]).output)
    assert both["seeds"] == [4, 5]
    for a, b, mean in zip(one["rows"], five["rows"], both["rows"]):
        assert mean["faking_good_im"] == pytest.approx((a["faking_good_im"] + b["faking_good_im"]) / 2)
    text = runner.invoke(args=["simulate", "--im-roc", "--n", "60", "--seed", "4", "--seeds", "2"]).output
    assert "seeds 4–5, mean over the seeds" in text


# --- the weighted impression-management rule (a candidate of the ROC; the note keeps the high band) ---

def _faults_answered(raw: list[int | None]) -> dict[str, int]:
    """Raw answers to the faults in order (1 = "Never", the flawless answer; None = blank)."""
    answers = {i.id: 3 for i in CURRENT.items if i.scale_id != "impression_management"}
    faults = CURRENT.scale("impression_management").items
    answers.update({item.id: value for item, value in zip(faults, raw) if value is not None})
    return answers


def _weighted(raw: list[int | None]) -> tuple[float, int, bool]:
    score, answered = impression_management_weighted_score(CURRENT, _faults_answered(raw), IM_ANSWER_WEIGHTS)
    enough = CURRENT.validity.impression_management_min_answered
    return score, answered, bool(im_weighted_rule(score, answered, IM_WEIGHTED_THRESHOLD, enough))


def test_the_weighted_im_rule_fires_at_its_threshold_and_not_one_step_short():
    """By hand: Never +1.4, Rarely +0.1, Sometimes −0.9, Often −1.8, Almost always −2.8; threshold 6.6."""
    assert IM_WEIGHTED_THRESHOLD == 6.6
    never, rarely, sometimes, often = 1, 2, 3, 4  # raw answers to a reverse-keyed fault
    at = _weighted([never] * 6 + [sometimes] * 2)  # 6 × 1.4 − 2 × 0.9 = 6.6
    assert at[0] == pytest.approx(6.6) and at[2]
    one_worse = _weighted([never] * 6 + [sometimes, often])  # 8.4 − 0.9 − 1.8 = 5.7
    assert one_worse[0] == pytest.approx(5.7) and not one_worse[2]
    one_never_less = _weighted([rarely] + [never] * 5 + [sometimes] * 2)  # 7.0 + 0.1 − 1.8 = 5.3
    assert one_never_less[0] == pytest.approx(5.3) and not one_never_less[2]
    # five "Never" fire with the other three "Rarely" (7.3), not with one of them "Sometimes" (6.3)
    assert _weighted([never] * 5 + [rarely] * 3)[2]
    assert not _weighted([never] * 5 + [rarely] * 2 + [sometimes])[2]
    # six "Never" are always a note under the kept rule (6 of 8); here not when the other two are "Often"
    assert _weighted([never] * 6 + [often] * 2)[0] == pytest.approx(4.8)
    assert not _weighted([never] * 6 + [often] * 2)[2]


def test_the_weighted_im_rule_counts_blank_faults_proportionally_and_never_under_five_answered():
    never, sometimes = 1, 3
    seven = _weighted([never] * 6 + [sometimes, None])  # (8.4 − 0.9) × 8/7
    assert seven[:2] == (pytest.approx(7.5 * 8 / 7), 7) and seven[2]
    six = _weighted([never] * 4 + [sometimes] * 2 + [None] * 2)  # (5.6 − 1.8) × 8/6
    assert six[:2] == (pytest.approx(3.8 * 8 / 6), 6) and not six[2]
    five = _weighted([never] * 5 + [None] * 3)  # 7.0 × 8/5
    assert five[:2] == (pytest.approx(11.2), 5) and five[2]
    four = _weighted([never] * 4 + [None] * 4)  # the same share, but four answered: never flagged
    assert four[:2] == (pytest.approx(11.2), 4) and not four[2]
    assert _weighted([None] * 8) == (0.0, 0, False)


def test_the_im_weights_are_the_pooled_log_likelihood_ratios_of_the_choosing_models():
    """Not fitted on one model, and the held-out one is not among them."""
    derived = pooled_answer_log_ratios(CURRENT)  # the five choosing models, N = 4,000, seed 21
    assert {answer: round(value, 1) for answer, value in derived.items()} == IM_ANSWER_WEIGHTS
    assert [IM_ANSWER_WEIGHTS[a] for a in (5, 4, 3, 2, 1)] == sorted(IM_ANSWER_WEIGHTS.values(), reverse=True)
    assert HELD_OUT_MODEL not in CALIBRATION_MODELS


def test_honest_does_not_apply_is_drawn_only_where_the_item_offers_it(population):
    na = population.draw_not_applicable((4000, len(CURRENT.items)), np.random.default_rng(8))
    offered = np.array([i.offers_not_applicable for i in CURRENT.items])
    assert not na[:, ~offered].any()
    assert na[:, offered].mean() == pytest.approx(MODELS["main"].not_applicable_rate, abs=0.005)
