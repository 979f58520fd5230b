"""`sandtable sensitivity` on the lab's duel, whose true ranking is known by
construction: the patron's commitment decides the war, and the village's price of
allegiance does nothing (the village is Blue's from the start, and only a place nobody
holds can be bought)."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from game.lab.sensitivity import sample
from game.lab.sweep import parse_ranges
from lab_helpers import DUEL, run_cli

DECIDES = "backers.patron.commitment=0..100"
INERT = "map.places.village.allegiance_cost=0..50"


@pytest.mark.slow
@pytest.mark.parametrize("method, samples, index", [("morris", 6, "mu_star"), ("sobol", 8, "ST")])
def test_the_value_that_decides_the_war_ranks_first_and_the_inert_one_at_nothing(tmp_path, capsys, method, samples,
                                                                                  index):
    out = tmp_path / method
    # In this process: every point is a run of its own, and a pool forked for each of
    # them costs more than its 20 games; the ranking does not depend on where games run.
    r = run_cli(capsys, "sensitivity", DUEL, "--param", DECIDES, "--param", INERT, "--method", method,
                "--samples", samples, "--games", 20, "--executor", "serial", "--out", out, "--progress")
    assert r.code == 0, r.err
    result = json.loads((out / "sensitivity.json").read_text())
    assert f"{result['points']}/{result['points']}" in r.err  # the bar, on standard error
    for outcome in ("blue", "red", "turns"):
        ix = result["indices"][outcome]
        decides, inert = ix["backers.patron.commitment"], ix["map.places.village.allegiance_cost"]
        # The same seeds at every point: a value that changes nothing changes no game.
        assert inert[index] == 0.0
        assert decides[index] > 0.1 and decides[index] - decides[f"{index}_conf"] > 0, (outcome, decides)
    rows = list(csv.DictReader((out / "sensitivity.csv").open()))
    assert len(rows) == 3 * 2 and {r["outcome"] for r in rows} == {"blue", "red", "turns"}
    assert (out / "charts" / "sensitivity.png").stat().st_size > 1000
    assert len(list((out / "points").iterdir())) == result["points"]
    assert r.out.index("backers.patron.commitment") < r.out.index("map.places.village.allegiance_cost")


def test_morris_plays_its_trajectories_and_rounds_whole_number_values():
    params = parse_ranges([DECIDES, "rules.combat.noise=0.2..0.6"])
    x = sample(params, "morris", 5, seed=3)
    assert x.shape == (5 * 3, 2)
    assert np.array_equal(x[:, 0], np.round(x[:, 0])) and not np.array_equal(x[:, 1], np.round(x[:, 1]))
    assert np.array_equal(x, sample(params, "morris", 5, seed=3))  # seeded


def test_a_bad_request_is_refused_before_any_game(tmp_path, capsys):
    r = run_cli(capsys, "sensitivity", DUEL, "--param", "backers.patrn.commitment=0..100", "--games", 4,
                "--out", tmp_path / "x")
    assert r.code == 2 and "no backer 'patrn'" in r.err
    r = run_cli(capsys, "sensitivity", DUEL, "--param", DECIDES, "--samples", 1, "--out", tmp_path / "y")
    assert r.code == 2 and "--samples must be at least 2" in r.err
