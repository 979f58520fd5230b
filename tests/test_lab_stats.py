"""The lab's statistics: Wilson intervals against known values, quantiles, Bradley–Terry."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from game.lab.stats import bradley_terry, expected_score, rate, spread, wilson


@pytest.mark.parametrize(
    "k, n, lo, hi",
    [
        (0, 10, 0.0, 0.2775),  # upper bound z²/(n+z²)
        (5, 10, 0.2366, 0.7634),
        (10, 10, 0.7225, 1.0),
        (81, 263, 0.2553, 0.3662),
        (1, 1, 0.2065, 1.0),
    ],
)
def test_wilson_known_values(k, n, lo, hi):
    got = wilson(k, n, z=1.96)
    assert got[0] == pytest.approx(lo, abs=5e-5)
    assert got[1] == pytest.approx(hi, abs=5e-5)


def test_wilson_edges_are_closed_forms():
    z = 1.96
    assert wilson(0, 10, z)[1] == pytest.approx(z * z / (10 + z * z))
    assert wilson(10, 10, z)[0] == pytest.approx(10 / (10 + z * z))
    assert wilson(0, 0) == (0.0, 1.0)
    with pytest.raises(ValueError):
        wilson(11, 10)


@given(st.integers(1, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_solves_the_score_equation(kn):
    """The bounds are the p at which |p̂ - p| = z·sqrt(p(1-p)/n): check them against that
    definition rather than against the formula they came from."""
    k, n = kn
    z = 1.959963984540054
    lo, hi = wilson(k, n)
    p_hat = k / n
    assert 0 <= lo <= p_hat <= hi <= 1
    for p in (lo, hi):
        if 0 < p < 1:
            assert abs(p_hat - p) == pytest.approx(z * math.sqrt(p * (1 - p) / n), rel=1e-6, abs=1e-9)


def test_rate_and_spread():
    r = rate(3, 12)
    assert r["count"] == 3 and r["rate"] == 0.25 and r["ci95"][0] < 0.25 < r["ci95"][1]
    assert rate(0, 0)["rate"] is None
    s = spread(list(range(1, 11)))
    assert s == {"mean": 5.5, "median": 5.5, "p10": 1.9, "p90": 9.1}
    assert spread([])["mean"] is None


def test_bradley_terry_orders_and_is_symmetric():
    even = bradley_terry(np.array([[0, 5], [5, 0]]))
    assert even == pytest.approx([0.0, 0.0])
    scores = np.array([[0, 8, 9], [2, 0, 7], [1, 3, 0]])
    r = bradley_terry(scores)
    assert r[0] > r[1] > r[2]
    assert r.sum() == pytest.approx(0.0, abs=1e-9)
    # A clean sweep stays finite thanks to the virtual draw.
    sweep = bradley_terry(np.array([[0, 10], [0, 0]]))
    assert np.all(np.isfinite(sweep)) and sweep[0] > 200
    # The fitted ratings reproduce the observed score between two agents.
    a_vs_b = bradley_terry(np.array([[0, 30], [10, 0]]), prior=0.0)
    assert expected_score(a_vs_b[0], a_vs_b[1]) == pytest.approx(0.75, abs=1e-6)
