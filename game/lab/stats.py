"""The statistics the lab reports: Wilson intervals, quantiles and Bradley–Terry ratings.

Each is a short formula, written out here rather than pulled from a statistics package
the project does not otherwise need.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

Z95 = 1.959963984540054  # two-sided 95% normal quantile


def wilson(successes: float, trials: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion: honest near 0 and 1 and for
    small samples, where the textbook p ± z·√(p(1-p)/n) interval is not. With no
    trials nothing is known: [0, 1]."""
    if trials <= 0:
        return (0.0, 1.0)
    if not 0 <= successes <= trials:
        raise ValueError(f"successes must lie between 0 and {trials}, got {successes}")
    n = float(trials)
    p = successes / n
    z2 = z * z
    denom = 1.0 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    lo = 0.0 if successes == 0 else max(0.0, centre - half)  # exact at the ends, free of round-off
    hi = 1.0 if successes == trials else min(1.0, centre + half)
    return (lo, hi)


def rate(count: int, total: int) -> dict:
    """count, rate and 95% Wilson interval, rounded for reports."""
    lo, hi = wilson(count, total)
    return {"count": int(count), "rate": round(count / total, 6) if total else None,
            "ci95": [round(lo, 6), round(hi, 6)]}


def spread(values: Sequence[float]) -> dict:
    """mean, median and the 10th and 90th percentiles (linear interpolation)."""
    if not len(values):
        return {"mean": None, "median": None, "p10": None, "p90": None}
    a = np.asarray(values, dtype=float)
    p10, p50, p90 = np.percentile(a, [10, 50, 90])
    return {"mean": round(float(a.mean()), 4), "median": round(float(p50), 4),
            "p10": round(float(p10), 4), "p90": round(float(p90), 4)}


def mean_interval(values: Sequence[float]) -> dict:
    """mean and its 95% interval by the normal approximation (mean ± 1.96 standard
    errors), rounded for reports; with fewer than two values the spread, and so the
    interval, is unknown (None)."""
    n = len(values)
    if n == 0:
        return {"mean": None, "ci95": None}
    a = np.asarray(values, dtype=float)
    mean = float(a.mean())
    if n < 2:
        return {"mean": round(mean, 4), "ci95": None}
    half = Z95 * float(a.std(ddof=1)) / math.sqrt(n)
    return {"mean": round(mean, 4), "ci95": [round(mean - half, 4), round(mean + half, 4)]}


def bradley_terry(scores: np.ndarray, prior: float = 1.0, iterations: int = 10_000,
                  tol: float = 1e-12) -> np.ndarray:
    """Bradley–Terry strengths from a matrix of scores: scores[i, j] is what i scored
    against j (a win 1, a draw ½). Fitted by Hunter's MM algorithm. `prior` adds that
    many drawn games between every pair, which keeps ratings finite when one agent
    wins everything. Returned as Elo-scale ratings (400·log10 strength), mean 0."""
    s = np.asarray(scores, dtype=float).copy()
    m = s.shape[0]
    if m == 0:
        return np.zeros(0)
    off = ~np.eye(m, dtype=bool)
    s[off] += prior / 2.0
    games = s + s.T
    wins = s.sum(axis=1)
    p = np.ones(m)
    for _ in range(iterations):
        denom = np.where(off, games / (p[:, None] + p[None, :]), 0.0).sum(axis=1)
        new = np.where(denom > 0, wins / np.where(denom > 0, denom, 1.0), p)
        new /= np.exp(np.mean(np.log(new)))
        if np.max(np.abs(new - p)) < tol:
            p = new
            break
        p = new
    r = 400.0 * np.log10(p)
    return r - r.mean()


def expected_score(r_a: float, r_b: float) -> float:
    """Elo expectation of A's score against B for ratings on the Elo scale."""
    return 1.0 / (1.0 + 10.0 ** ((r_b - r_a) / 400.0))
