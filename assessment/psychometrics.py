"""Classical reliability statistics of one scale, from a respondents × items
matrix of keyed item values with no missing cells.

Formulas and their sources:
- Cronbach's alpha: k/(k−1) · (1 − Σ item variances / variance of the sum).
- Feldt's interval: 1 − (1 − alpha) · F quantiles with n − 1 and (n − 1)(k − 1)
  degrees of freedom (Feldt, Woodruff & Salih 1987, formulas 6 and 7).
- McDonald's omega total: (Σλ)² / ((Σλ)² + Σψ) from a one-factor model fitted by
  maximum likelihood (McDonald 1999), with a percentile bootstrap interval over
  respondents (Dunn, Baguley & Brunsden 2014).
- SEM = SD · √(1 − reliability).
Sample variances use n − 1, as SPSS, R and the published examples do."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.stats import f as f_distribution

# scipy costs a process ~0.7 s of start-up and ~30 MiB: only the item analysis
# (services/item_analysis.py, imported by the `item-analysis` command) and the simulation
# (`flask simulate`) import this module, never a web process or another command
# (issue 29; tests/test_entry_points.py checks it).

# As in R's factanal: a uniqueness never goes below this share of an item's variance.
MIN_UNIQUENESS = 0.005
FIXED_POINT_ITERATIONS = 200


def _matrix(x) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    if x.ndim != 2 or x.shape[1] < 2:
        raise ValueError("need a respondents × items matrix with at least two items")
    if np.isnan(x).any():
        raise ValueError("the matrix has missing values; pass complete cases only")
    return x


def cronbach_alpha(x) -> float | None:
    x = _matrix(x)
    n, k = x.shape
    if n < 2:
        return None
    total_variance = x.sum(axis=1).var(ddof=1)
    if total_variance == 0:
        return None
    return float(k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / total_variance))


def feldt_interval(alpha: float, n: int, k: int, level: float = 0.95) -> tuple[float, float]:
    """Confidence interval for coefficient alpha from n respondents and k items."""
    tail = (1 - level) / 2
    df1, df2 = n - 1, (n - 1) * (k - 1)
    lower = 1 - (1 - alpha) * f_distribution.ppf(1 - tail, df1, df2)
    upper = 1 - (1 - alpha) * f_distribution.ppf(tail, df1, df2)
    return float(lower), float(upper)


def corrected_item_total(x) -> list[float | None]:
    """Each item's correlation with the sum of the other items of the scale."""
    x = _matrix(x)
    total = x.sum(axis=1)
    result = []
    for j in range(x.shape[1]):
        rest = total - x[:, j]
        if x[:, j].std() == 0 or rest.std() == 0:
            result.append(None)
        else:
            result.append(float(np.corrcoef(x[:, j], rest)[0, 1]))
    return result


def alpha_if_deleted(x) -> list[float | None]:
    x = _matrix(x)
    if x.shape[1] < 3:
        return [None] * x.shape[1]
    return [cronbach_alpha(np.delete(x, j, axis=1)) for j in range(x.shape[1])]


@dataclass(frozen=True)
class OneFactorFit:
    loadings: np.ndarray  # on the items' own scale
    uniquenesses: np.ndarray  # residual variances, on the items' own scale
    discrepancy: float  # the minimised ML discrepancy function F

    @property
    def standardized_loadings(self) -> np.ndarray:
        return self.loadings / np.sqrt(self.loadings**2 + self.uniquenesses)

    @property
    def omega(self) -> float:
        common = self.loadings.sum() ** 2
        return float(common / (common + self.uniquenesses.sum()))


def fit_one_factor(cov) -> OneFactorFit | None:
    """Maximum-likelihood one-factor model of a covariance matrix, or None when the
    matrix cannot carry one (a constant item, or a singular matrix).

    ML is scale-free, so the correlation matrix is fitted and the result rescaled.
    For fixed uniquenesses Ψ the best loadings are the first eigenvector of
    Ψ^-½ R Ψ^-½ (Lawley & Maxwell 1971), which leaves only Ψ to optimise."""
    cov = np.asarray(cov, dtype=float)
    sd = np.sqrt(np.diag(cov))
    if (sd <= 0).any() or not np.isfinite(cov).all():
        return None
    r = cov / np.outer(sd, sd)
    p = r.shape[0]
    sign, _ = np.linalg.slogdet(r)
    if sign <= 0:
        return None

    def loadings_for(psi):
        root = np.sqrt(psi)
        values, vectors = np.linalg.eigh(r / np.outer(root, root))
        first = vectors[:, -1] * math.sqrt(max(values[-1] - 1, 0.0))
        return root * first, values

    def discrepancy(psi):
        load, values = loadings_for(psi)
        rest = values[:-1]
        with np.errstate(invalid="ignore", divide="ignore"):  # a singular resample gives nan: no fit
            value = float(np.sum(rest - np.log(rest) - 1))
        gradient = (load**2 + psi - 1) / psi**2
        return value, gradient

    psi = np.clip((1 - 0.5 / p) / np.diag(np.linalg.inv(r)), MIN_UNIQUENESS, 1.0)
    # At the ML solution each item's model variance equals its observed variance
    # (ψ = 1 − λ²); iterating that condition is fast for a handful of items.
    for _ in range(FIXED_POINT_ITERATIONS):
        load, _ = loadings_for(psi)
        new = np.clip(1 - load**2, MIN_UNIQUENESS, 1.0)
        if np.abs(new - psi).max() < 1e-7:
            psi = new
            break
        psi = new
    else:
        result = minimize(discrepancy, psi, jac=True, method="L-BFGS-B", bounds=[(MIN_UNIQUENESS, 1.0)] * p)
        psi = result.x
    value, _ = discrepancy(psi)
    if not math.isfinite(value):
        return None
    load, _ = loadings_for(psi)
    if load.sum() < 0:
        load = -load
    return OneFactorFit(loadings=load * sd, uniquenesses=psi * sd**2, discrepancy=value)


def omega_total(x) -> float | None:
    x = _matrix(x)
    if x.shape[0] < 3:
        return None
    fit = fit_one_factor(np.cov(x, rowvar=False))
    return fit.omega if fit else None


def bootstrap_interval(
    x, statistic, *, resamples: int = 1000, seed: int = 0, level: float = 0.95
) -> tuple[float, float] | None:
    """Percentile bootstrap over respondents (rows). Resamples on which the
    statistic cannot be computed are dropped; None if most of them fail."""
    x = _matrix(x)
    rng = np.random.default_rng(seed)
    n = x.shape[0]
    values = []
    for _ in range(resamples):
        value = statistic(x[rng.integers(0, n, n)])
        if value is not None and math.isfinite(value):
            values.append(value)
    if len(values) < resamples / 2:
        return None
    tail = (1 - level) / 2 * 100
    lower, upper = np.percentile(values, [tail, 100 - tail])
    return float(lower), float(upper)


def standard_error_of_measurement(sd: float, reliability: float) -> float:
    return sd * math.sqrt(1 - reliability)
