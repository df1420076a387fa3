"""The simulation harness: its model does what questions/README.md says, every
respondent goes through the real engine, and `flask simulate` prints it."""

import json

import numpy as np
import pytest
import yaml

import assessment.simulation as simulation
from assessment import load_instrument
from assessment.bank import InstrumentBank
from assessment.simulation import MODELS, RESPONDENT_TYPES, Population, expected_answers, simulate

from .support import QUESTIONS

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
    real = simulation.score_answers

    def counting(instrument, answer_set, **kw):
        calls.append(answer_set)
        return real(instrument, answer_set, **kw)

    monkeypatch.setattr(simulation, "score_answers", counting)
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


def test_expected_answers_in_the_file_are_the_models():
    """The reference the `inconsistent` flag uses is what `--expected-answers` prints (model 'main')."""
    for instrument in InstrumentBank.load(QUESTIONS).instruments.values():
        printed = expected_answers(instrument, MODELS["main"], n=4000, draws=20, seed=31)
        stored = {s: (m, sd, r) for s, m, sd, r in instrument.validity.expected_answers.scales}
        for row in printed["scales"]:
            assert stored[row["scale"]] == pytest.approx((row["mean"], row["sd"], row["r"]), abs=0.05)


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


def test_simulate_command_prints_expected_answers(runner):
    result = runner.invoke(args=["simulate", "--expected-answers", "--version", "1"])
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(result.output)["expected_answers"]
    assert {row["scale"] for row in data["scales"]} == {s.id for s in load_instrument(QUESTIONS / "v1").scales}


def test_simulate_command_refuses_an_unknown_version(runner):
    result = runner.invoke(args=["simulate", "--version", "9"])
    assert result.exit_code == 2
    assert "version '9' is not in the item bank" in result.output


# --- the seeded run behind the targets (questions/README.md, "Simulated rates")

SMALL_N = 400
SEED = 12
# From `flask --app app simulate --n 2500 --seed 12` (model 'main') on the current version.
RECORDED = {
    ("honest", "any"): 0.048,
    ("honest", "impression_management_high"): 0.025,
    ("uniform_random", "any"): 0.998,
    ("uniform_random", "any_untimed"): 0.996,
    ("straight_lining", "any"): 1.000,
    ("straight_lining_noisy", "any"): 0.999,
    ("rushed", "any"): 0.862,
    ("random_last_pages", "any"): 0.636,
    ("random_last_pages", "any_untimed"): 0.524,
    ("faking_good", "any"): 0.418,
    ("acquiescent", "any"): 0.102,
}
# Issue #12's targets: (type, rate, at most / at least, value).
TARGETS = [
    ("honest", "any", "max", 0.06),
    ("honest", "impression_management_high", "max", 0.03),
    ("uniform_random", "any", "min", 0.85),
    ("uniform_random", "any_untimed", "min", 0.60),
    ("straight_lining", "any", "min", 0.95),
    ("straight_lining_noisy", "any", "min", 0.95),
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


def test_simulate_command_prints_the_calibration_table(runner):
    result = runner.invoke(args=["simulate", "--calibrate", "--n", "60", "--seed", "4", "--json"])
    assert result.exit_code == 0, result.output
    tables = json.loads(result.output)["tables"]
    distance = tables["inconsistent_distance"]
    # A stricter threshold never flags more people of any type than a looser one.
    for looser, stricter in zip(list(distance)[:-1], list(distance)[1:]):
        assert all(distance[stricter][t] <= distance[looser][t] for t in distance[looser])
    assert distance["1.8"]["uniform_random"] > distance["1.8"]["honest"]
    assert "honest, least reluctant quarter" in next(iter(tables["impression_management_high_from"].values()))


def test_simulate_command_prints_the_impression_management_roc(runner):
    """`--im-roc`: candidate IM flag rules side by side, and the ceiling no rule on these answers can pass."""
    result = runner.invoke(args=["simulate", "--im-roc", "--n", "200", "--seed", "4", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    rows = {r["rule"]: r for r in data["rows"]}
    assert data["n_per_type"] == 200 and data["seed"] == 4 and len(rows) == len(simulation.IM_RULES) + 1
    # k-of-6 cuts are nested: a stricter cut never flags more people of any kind
    for looser, stricter in (("≥ 3 Never", "≥ 4 Never (v2's high band)"), ("≥ 4 Never (v2's high band)", "≥ 5 Never")):
        for key in ("honest_im", "faking_good_im", "honest_any"):
            assert rows[stricter][key] <= rows[looser][key]
    # every rule flags fakers more often than honest people, and any flag includes the IM flag
    for row in rows.values():
        assert row["faking_good_im"] > row["honest_im"] and row["faking_good_any"] >= row["faking_good_im"]
    ceiling = data["rows"][-1]
    assert ceiling["rule"].startswith("ceiling") and abs(ceiling["honest_im"] - 0.03) <= 0.01
    text = runner.invoke(args=["simulate", "--im-roc", "--n", "60", "--seed", "4"]).output
    assert "| ≥ 4 Never (v2's high band) |" in text and "N = 60 per type, seed 4" in text
    v1 = runner.invoke(args=["simulate", "--im-roc", "--n", "60", "--version", "1"])
    assert v1.exit_code == 2 and "lie-scale" in v1.output


def test_honest_does_not_apply_is_drawn_only_where_the_item_offers_it(population):
    na = population.draw_not_applicable((4000, len(CURRENT.items)), np.random.default_rng(8))
    offered = np.array([i.offers_not_applicable for i in CURRENT.items])
    assert not na[:, ~offered].any()
    assert na[:, offered].mean() == pytest.approx(MODELS["main"].not_applicable_rate, abs=0.005)
