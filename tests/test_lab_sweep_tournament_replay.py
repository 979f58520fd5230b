"""`sweep` (grid and Latin hypercube), `tournament` (sides swapped, ratings) and `replay`."""

from __future__ import annotations

import csv
import io
import json

import pytest
from lab_helpers import DUEL, MINI, RANDOM_AI, PassiveAgent, RandomTwin, random_levels, run_cli

from game.ai import agents as agents_mod
from game.lab.errors import LabError
from game.lab.simulate import RunOptions, simulate
from game.lab.sweep import Axis, grid_points, lhs_points, parse_axes
from game.scenario.flow import split_top_level
from game.lab.tournament import tournament_jobs
from game.lab.variant import Variant


@pytest.fixture
def lab_cli(capsys):
    return lambda *argv: run_cli(capsys, *argv)


SERIAL = ("--executor", "serial")
RANDOM = random_levels(DUEL)

# -- sweep -----------------------------------------------------------------------------------------------


def test_grid_is_the_full_product_in_order():
    axes = parse_axes(["a.b=1,2,3", "c.d=x,y", "e=7"], None)
    points = grid_points(axes)
    assert len(points) == 6
    assert points[0] == {"a.b": "1", "c.d": "x", "e": "7"}
    assert points[1] == {"a.b": "1", "c.d": "y", "e": "7"}
    assert points[-1] == {"a.b": "3", "c.d": "y", "e": "7"}
    assert split_top_level("1,[2, 3],{a: 1, b: 2},'x,y'") == ["1", "[2, 3]", "{a: 1, b: 2}", "'x,y'"]


def test_latin_hypercube_uses_every_stratum_once_and_is_seeded():
    axes = [Axis("r", lo=0.0, hi=10.0), Axis("i", lo=0.0, hi=99.0, integer=True), Axis("l", ("a", "b")),
            Axis("f", ("fixed",))]
    pts = lhs_points(axes, 10, seed=3)
    assert len(pts) == 10
    strata = sorted(int(float(p["r"]) / 10.0 * 10) for p in pts)
    assert strata == list(range(10))
    assert all(p["i"].isdigit() and 0 <= int(p["i"]) <= 99 for p in pts)
    assert sorted(p["l"] for p in pts) == ["a"] * 5 + ["b"] * 5
    assert {p["f"] for p in pts} == {"fixed"}
    assert lhs_points(axes, 10, seed=3) == pts
    assert lhs_points(axes, 10, seed=4) != pts


def test_sweep_axis_mistakes():
    with pytest.raises(LabError, match="a range needs --sample"):
        parse_axes(["a=0..10"], None)
    with pytest.raises(LabError, match="LOW..HIGH with two numbers"):
        parse_axes(["a=10..0"], 5)
    with pytest.raises(LabError, match="--sample needs at least one"):
        parse_axes(["a=1"], 5)


def test_sweep_grid_end_to_end(lab_cli, tmp_path):
    out = tmp_path / "sw"
    r = lab_cli("sweep", DUEL, "--set", "backers.patron.commitment=0,30,100", "--set",
                "backers.patron.packages.guard.cap=2", "--games", "30", "--out", out, *RANDOM_AI, *SERIAL)
    assert r.code == 0, r.err
    rows = list(csv.DictReader(io.StringIO((out / "sweep.csv").read_text())))
    assert [row["backers.patron.commitment"] for row in rows] == ["0", "30", "100"]
    assert all(row["games"] == "30" and row["failed"] == "0" for row in rows)
    blue = [float(row["blue_rate"]) for row in rows]
    assert blue[0] < blue[1] < blue[2]
    assert all(float(row["blue_lo"]) <= float(row["blue_rate"]) <= float(row["blue_hi"]) for row in rows)
    assert (out / "charts" / "sweep.png").read_bytes()[:4] == b"\x89PNG"
    assert "charts/sweep.png" in (out / "report.md").read_text()
    # Each point is a full run with the same seeds.
    for i in range(3):
        s = json.loads((out / "points" / f"p{i:03d}" / "summary.json").read_text())
        assert s["seed"] == 0 and s["games"] == 30 and s["sets"][-1].startswith("backers.patron.packages.guard.cap=")


def test_sweep_latin_hypercube_end_to_end(tmp_path):
    from game.lab.sweep import sweep

    runs, rows = sweep(str(DUEL), [], [], ["rules.combat.noise=0.05..0.45", "backers.patron.commitment=20,80"],
                       tmp_path / "lhs", RunOptions(games=6, seed=1, executor="serial", jobs=1), RANDOM, sample=4)
    assert len(rows) == 4
    noise = [float(r["values"]["rules.combat.noise"]) for r in rows]
    assert sorted(int((v - 0.05) / 0.4 * 4) for v in noise) == [0, 1, 2, 3]
    assert sorted(r["values"]["backers.patron.commitment"] for r in rows) == ["20", "20", "80", "80"]
    assert sorted(r.prepared.spec.rules.combat.noise for r in runs) == sorted(noise)
    assert (tmp_path / "lhs" / "charts" / "sweep.png").exists()


def test_sweep_bad_point_is_reported_with_its_values(lab_cli, tmp_path):
    r = lab_cli("sweep", DUEL, "--set", "backers.patron.commitment=50,150", "--games", "2", "--out", tmp_path / "b",
                *SERIAL)
    assert r.code == 2
    assert ("point 1 (backers.patron.commitment=150): --set backers.patron.commitment=150: "
            "Input should be less than or equal to 100") in r.err


# -- tournament ----------------------------------------------------------------------------------------------


def test_tournament_swaps_sides_on_the_same_seeds():
    jobs = tournament_jobs(["a", "b", "c"], ["blue", "red"], 3)
    assert len(jobs) == 3 * 2 * 3 and len({j.index for j in jobs}) == len(jobs)
    by_pair: dict[frozenset, list] = {}
    for j in jobs:
        by_pair.setdefault(frozenset(dict(j.levels).values()), []).append(j)
    assert len(by_pair) == 3
    for pair_jobs in by_pair.values():
        firsts = {}
        for j in pair_jobs:
            firsts.setdefault(j.spawn_key, set()).add(dict(j.levels)["blue"])
        # Every seed is played twice, with each agent on the first side once.
        assert all(len(v) == 2 for v in firsts.values()) and len(firsts) == 3


def test_tournament_ratings(lab_cli, tmp_path, monkeypatch):
    monkeypatch.setitem(agents_mod.AGENTS, "passive", PassiveAgent)
    monkeypatch.setitem(agents_mod.AGENTS, "random_twin", RandomTwin)
    out = tmp_path / "t"
    r = lab_cli("tournament", MINI, "--agents", "random,random_twin,passive", "--games", "10", "--out", out, *SERIAL)
    assert r.code == 0, r.err
    assert "Tournament on mini" in r.out and "rating" in r.out
    data = json.loads((out / "tournament.json").read_text())
    ratings = data["ratings"]
    # Equals are rated equal (same seeds, sides swapped: their games mirror each other) ...
    assert ratings["random"] == pytest.approx(ratings["random_twin"], abs=1e-6)
    # ... and both beat an agent that never gives an order.
    assert ratings["random"] > ratings["passive"] + 100
    pairs = {(p["a"], p["b"]): p for p in data["pairs"]}
    assert pairs[("random", "random_twin")]["a_wins"] == pairs[("random", "random_twin")]["b_wins"]
    assert pairs[("random", "passive")]["games"] == 20
    for name in ("tournament.csv", "ratings.csv", "games.csv", "report.md", "charts/ratings.png"):
        assert (out / name).exists(), name
    games = list(csv.DictReader(io.StringIO((out / "games.csv").read_text())))
    assert {(g["agent_blue"], g["agent_red"]) for g in games} >= {("random", "passive"), ("passive", "random")}


def test_tournament_mistakes(lab_cli):
    r = lab_cli("tournament", MINI, "--agents", "random,rnadom,random", "--games", "2", *SERIAL)
    assert r.code == 2
    assert "unknown agent level 'rnadom' (did you mean 'random'?)" in r.err
    assert "'random' is listed twice" in r.err


# -- replay --------------------------------------------------------------------------------------------------------


@pytest.fixture
def replays(tmp_path):
    out = tmp_path / "run"
    simulate(Variant(str(DUEL), ("backers.patron.commitment=60",)), out,
             RunOptions(games=4, seed=9, executor="serial", jobs=1), RANDOM, save_replays=2, report=False)
    return out / "replays"


def test_replay_verifies(lab_cli, replays):
    assert sorted(p.name for p in replays.iterdir()) == ["game-00000.json", "game-00001.json"]
    r = lab_cli("replay", replays / "game-00001.json")
    assert r.code == 0, r.err
    assert r.out.startswith("ok game-00001.json: ")
    assert "wins on turn" in r.out and "rounds verified" in r.out
    assert "play this seed to the same" in r.out
    data = json.loads((replays / "game-00001.json").read_text())
    assert data["lab"]["sets"] == ["backers.patron.commitment=60"] and data["lab"]["spawn_key"] == [1]


def test_replay_detects_tampering(lab_cli, replays, tmp_path):
    path = replays / "game-00000.json"
    data = json.loads(path.read_text())

    def check(mutated, phrase):
        bad = tmp_path / "bad.json"
        bad.write_text(json.dumps(mutated))
        r = lab_cli("replay", bad)
        assert r.code == 1, r.text
        assert r.err.startswith("sandtable: error: ") and phrase in r.err, r.err

    moved = json.loads(json.dumps(data))
    moved["hashes"][0] = "0" * 64
    check(moved, "diverges")
    verdict = json.loads(json.dumps(data))
    verdict["lab"]["verdict"]["winner"] = "red" if data["lab"]["verdict"]["winner"] != "red" else "blue"
    check(verdict, "but the file records")
    other = json.loads(json.dumps(data))
    other["lab"]["sets"] = ["backers.patron.commitment=61"]
    check(other, "has changed since")
    cut = json.loads(json.dumps(data))
    cut["actions"] = cut["actions"][: len(cut["actions"]) // 2]
    check(cut, "replay ended after")
    (tmp_path / "trunc.json").write_text(path.read_text()[:100])
    r = lab_cli("replay", tmp_path / "trunc.json")
    assert r.code == 1 and "corrupt or truncated" in r.err
    r = lab_cli("replay", tmp_path / "missing.json")
    assert r.code == 1 and "no such replay file" in r.err


def test_replay_of_a_counterfactual_game(lab_cli, tmp_path):
    out = tmp_path / "cf"
    simulate(Variant(str(DUEL), without=("patron",)), out, RunOptions(games=1, seed=4, executor="serial", jobs=1),
             RANDOM, save_replays=1, report=False)
    r = lab_cli("replay", out / "replays" / "game-00000.json")
    assert r.code == 0 and r.out.startswith("ok game-00000.json: RED wins"), r.text


def test_bench_lab_reports_games_per_second(monkeypatch):
    from game.lab import throughput as bench

    result = bench.bench_lab(DUEL, games=4)
    assert set(result) >= {"lab_games_per_second"} and result["lab_games_per_second"] > 0
    assert bench.bench_agent() == ("normal" if "normal" in agents_mod.AGENTS else "random")
    monkeypatch.delitem(agents_mod.AGENTS, "normal", raising=False)
    assert bench.bench_agent() == "random"


def test_an_interrupted_sweep_resumes(tmp_path):
    from game.lab.sweep import sweep

    class Stop(Exception):
        pass

    axes = ["backers.patron.commitment=0,50,100"]
    whole = tmp_path / "whole"
    sweep(str(DUEL), [], [], axes, whole, RunOptions(games=8, seed=2, executor="serial", jobs=1, chunk=4), RANDOM)
    seen: list[tuple[str, int]] = []

    def stop(run, results):
        seen.extend((run.out.name, r["index"]) for r in results)
        if len(seen) >= 12:
            raise Stop

    cut = tmp_path / "cut"
    with pytest.raises(Stop):
        sweep(str(DUEL), [], [], axes, cut, RunOptions(games=8, seed=2, executor="serial", jobs=1, chunk=4), RANDOM,
              on_chunk=stop)
    again: list[tuple[str, int]] = []
    sweep(str(DUEL), [], [], axes, cut, RunOptions(games=8, seed=2, executor="serial", jobs=1, chunk=4, resume=True),
          RANDOM, on_chunk=lambda run, results: again.extend((run.out.name, r["index"]) for r in results))
    assert len(again) == 24 - 12 and not set(again) & set(seen)
    assert (cut / "sweep.csv").read_bytes() == (whole / "sweep.csv").read_bytes()
    with pytest.raises(LabError, match="other points"):
        sweep(str(DUEL), [], [], ["backers.patron.commitment=0,60"], cut,
              RunOptions(games=8, seed=2, executor="serial", jobs=1, resume=True), RANDOM)
