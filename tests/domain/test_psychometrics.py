"""Reliability formulas against published worked examples with known answers."""

import numpy as np
import pytest

from assessment.psychometrics import (
    alpha_if_deleted,
    bootstrap_interval,
    corrected_item_total,
    cronbach_alpha,
    feldt_interval,
    fit_one_factor,
    omega_total,
    standard_error_of_measurement,
)

# Denis, D. J. (2016). Applied Univariate, Bivariate, and Multivariate Statistics.
# Wiley, the worked example on Cronbach's alpha: ten people, five items, with the SPSS output
# RELIABILITY /MODEL=ALPHA printed in the book.
DENIS = np.array(
    [
        [10, 12, 15, 11, 12],
        [12, 18, 12, 12, 1],
        [8, 16, 14, 14, 4],
        [6, 8, 16, 8, 6],
        [4, 7, 8, 7, 5],
        [6, 6, 3, 7, 3],
        [3, 4, 6, 5, 8],
        [7, 3, 7, 9, 9],
        [8, 9, 4, 10, 10],
        [9, 5, 6, 11, 12],
    ]
)

# Spearman's (1904) five tests as given by Harman (1976, Modern Factor Analysis,
# pp. 116 and 391–392), N = 100; the maximum-likelihood one-factor solution from
# SAS PROC FACTOR METHOD=ML is published in M. Friendly's course notes
# (euclid.psych.yorku.ca/www/psy6140/examples/factor/output/spear5.htm):
# final communalities .49542 .46625 .34391 .32029 .15870, criterion 0.00759.
SPEARMAN = np.array(
    [
        [1.000, 0.485, 0.400, 0.397, 0.295],
        [0.485, 1.000, 0.397, 0.397, 0.247],
        [0.400, 0.397, 1.000, 0.335, 0.275],
        [0.397, 0.397, 0.335, 1.000, 0.195],
        [0.295, 0.247, 0.275, 0.195, 1.000],
    ]
)
SPEARMAN_COMMUNALITIES = np.array([0.49542, 0.46625, 0.34391, 0.32029, 0.15870])


def test_alpha_matches_the_published_spss_output():
    assert round(cronbach_alpha(DENIS), 3) == 0.633
    assert np.allclose(DENIS.std(axis=0, ddof=1), [2.71006, 5.05085, 4.74810, 2.71621, 3.80058], atol=1e-5)


def test_item_total_statistics_match_the_published_spss_output():
    # Item_1: corrected item-total correlation .712; the sum of the other four
    # items has mean 34.3 and variance 108.900; alpha if Item_1 is deleted is .4…
    rest = DENIS[:, 1:].sum(axis=1)
    assert (rest.mean(), round(rest.var(ddof=1), 3)) == (34.3, 108.9)
    assert round(corrected_item_total(DENIS)[0], 3) == 0.712
    assert 0.4 <= alpha_if_deleted(DENIS)[0] < 0.5
    # Item_5 correlates negatively with the rest: dropping it raises alpha above .633.
    assert corrected_item_total(DENIS)[4] < 0
    assert alpha_if_deleted(DENIS)[4] > 0.633


def test_feldt_interval_matches_a_published_example():
    # Chris Evans' Feldt interval (MRC CBU statistics wiki, "FAQ/cafun"):
    # feldt1.return(0.913, 873, 20, 0.95) gives 0.9044024 to 0.9211588.
    lower, upper = feldt_interval(0.913, 873, 20)
    assert lower == pytest.approx(0.9044024, abs=5e-7)
    assert upper == pytest.approx(0.9211588, abs=5e-7)


def test_one_factor_ml_fit_matches_the_published_solution():
    fit = fit_one_factor(SPEARMAN)
    assert np.allclose(fit.loadings**2, SPEARMAN_COMMUNALITIES, atol=2e-5)
    assert round(fit.discrepancy, 5) == 0.00759


def test_omega_equals_the_omega_of_the_published_loadings():
    # McDonald's omega total of the published solution: λ = √h², ψ = 1 − h².
    loadings = np.sqrt(SPEARMAN_COMMUNALITIES)
    published = loadings.sum() ** 2 / (loadings.sum() ** 2 + (1 - SPEARMAN_COMMUNALITIES).sum())
    assert fit_one_factor(SPEARMAN).omega == pytest.approx(published, abs=1e-4)


def test_fit_is_scale_free():
    scales = np.array([1.0, 2.0, 0.5, 3.0, 1.5])
    fit = fit_one_factor(SPEARMAN * np.outer(scales, scales))
    assert np.allclose(fit.loadings / scales, np.sqrt(SPEARMAN_COMMUNALITIES), atol=2e-5)


def test_omega_equals_alpha_for_tau_equivalent_items_and_exceeds_it_otherwise():
    rng = np.random.default_rng(7)
    factor = rng.normal(size=(20000, 1))
    tau = factor @ np.full((1, 6), 0.7) + rng.normal(size=(20000, 6)) * 0.6
    assert omega_total(tau) == pytest.approx(cronbach_alpha(tau), abs=0.003)
    congeneric = factor @ np.array([[0.9, 0.8, 0.5, 0.4, 0.3, 0.2]]) + rng.normal(size=(20000, 6)) * 0.6
    assert omega_total(congeneric) > cronbach_alpha(congeneric) + 0.01


def test_bootstrap_interval_is_reproducible_and_narrows_with_n():
    rng = np.random.default_rng(3)

    def sample(n):
        return rng.normal(size=(n, 1)) @ np.full((1, 5), 0.7) + rng.normal(size=(n, 5)) * 0.7

    small, large = sample(60), sample(600)
    ci_small = bootstrap_interval(small, omega_total, resamples=100, seed=1)
    assert ci_small == bootstrap_interval(small, omega_total, resamples=100, seed=1)
    assert ci_small[0] < omega_total(small) < ci_small[1]
    ci_large = bootstrap_interval(large, omega_total, resamples=100, seed=1)
    assert ci_large[1] - ci_large[0] < (ci_small[1] - ci_small[0]) / 2


def test_degenerate_data_gives_no_estimate():
    constant = np.column_stack([np.ones(40), np.arange(40), np.arange(40) % 7])
    assert fit_one_factor(np.cov(constant, rowvar=False)) is None
    assert cronbach_alpha(np.ones((40, 4))) is None
    with pytest.raises(ValueError, match="missing"):
        cronbach_alpha([[1, 2], [np.nan, 3]])


def test_sem():
    # SD 20 and reliability .75: 20 × √.25 = 10.
    assert standard_error_of_measurement(20, 0.75) == 10
