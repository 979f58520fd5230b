"""Checkpoints: targets files are read and checked like scenarios, and the lab counts
games inside each checkpoint exactly, on positions built by hand and on seeded runs."""

from __future__ import annotations

import csv
import datetime as dt
import json
import pytest

from conftest import MINI, SCENARIOS
from game.lab.checkpoints import compile_tests, game_misses, position_at, summary_block, turn_of
from game.lab.play import holders_code
from game.scenario import ScenarioError, load_scenario
from game.scenario.targets import load_targets
from lab_helpers import run_cli

# mini.yaml's places, in map order: capital (blue), hub (red), east (red), field (red), village (nobody).
# Its factions: blue = "0", red = "1"; a place held by nobody is ".".
MINI_TARGETS = """\
format_version: 1
scenario: mini
checkpoints:
  - id: later
    date: 2020-02-20
    name: Red has the hub and Blue at least one place
    source: t1
    holds: {hub: red}
    places: {blue: {min: 1}}
  - id: first
    date: 2020-01-10
    name: Blue holds its capital; the village is nobody's or Blue's
    source: [t1]
    holds: {capital: blue, village: [neutral, blue]}
  - id: end
    date: end
    name: Capital and village split, and the war went the distance
    source: t1
    divided: [[capital, village]]
    undecided: true
"""


@pytest.fixture
def mini_spec():
    return load_scenario(MINI).spec


def _targets(tmp_path, text=MINI_TARGETS, spec=None):
    path = tmp_path / "mini.targets.yaml"
    path.write_text(text, encoding="utf-8")
    return load_targets(path, spec or load_scenario(MINI).spec)


# --------------------------------------------------------------------------- testing positions


def test_checkpoint_dates_become_turns(mini_spec):
    meta = mini_spec.meta  # starts 2 January 2020, 7 days a turn, 20 turns
    assert turn_of(meta, dt.date(2020, 1, 2)) == 1
    assert turn_of(meta, dt.date(2020, 1, 8)) == 1
    assert turn_of(meta, dt.date(2020, 1, 9)) == 2
    assert turn_of(meta, "end") == 20


def test_tests_come_in_date_order_and_read_positions(tmp_path, mini_spec):
    tests = compile_tests(mini_spec, _targets(tmp_path).checkpoints)
    assert [t.id for t in tests] == ["first", "later", "end"]
    first, later, end = tests
    assert first.turn == 2 and later.turn == 8 and end.turn == 20
    # capital, hub, east, field, village
    assert first.passes("0111.", 20, 20)
    assert first.passes("01110", 20, 20)  # Blue in the village will do too
    assert not first.passes("1111.", 20, 20)  # the capital lost
    assert not first.passes("01111", 20, 20)  # Red in the village
    assert later.passes("0111.", 20, 20)
    assert not later.passes("0011.", 20, 20)  # Blue has the hub
    assert not later.passes("1111.", 20, 20)  # Blue holds nothing: below its band
    assert end.passes("0111.", 20, 20)  # split, and the game went to its last turn
    assert not end.passes("0111.", 12, 20)  # decided on turn 12
    assert not end.passes("11111", 20, 20)  # capital and village both Red's: not divided
    assert not end.passes(".....", 20, 20)  # both nobody's: one holder, so not divided either


def test_a_game_that_ended_early_is_judged_by_its_last_position(tmp_path, mini_spec):
    tests = compile_tests(mini_spec, _targets(tmp_path).checkpoints)
    held = [[0, "0111."], [1, "0111."], [2, "0111."], [3, "1111."]]  # Red took the capital on turn 3 and won
    assert position_at(held, 2) == "0111."
    assert position_at(held, 8) == "1111."
    assert [not m for m in game_misses(tests, held, 3, 20)] == [True, False, False]


def test_a_miss_names_every_condition_the_position_fails(tmp_path, mini_spec):
    first, later, end = compile_tests(mini_spec, _targets(tmp_path).checkpoints)
    assert first.misses("0111.", 20, 20) == []
    assert first.misses("11111", 20, 20) == ["capital: blue", "village: neutral or blue"]
    assert later.misses("1.11.", 20, 20) == ["hub: red", "blue places >= 1"]  # the hub nobody's
    assert end.misses("11111", 12, 20) == ["divided: capital, village", "undecided"]


def test_summary_counts_games_inside_each_and_every_checkpoint(tmp_path, mini_spec):
    loaded = _targets(tmp_path)
    tests = compile_tests(mini_spec, loaded.checkpoints)
    held = "capital: blue"
    by_game = {0: [[], [], []], 1: [[], ["hub: red"], []], 2: [[held], ["hub: red", "blue places >= 1"], ["undecided"]],
               3: [[], [], []]}
    block = summary_block(loaded, tests, by_game, "mini.targets.yaml")
    assert [c["inside"]["count"] for c in block["checkpoints"]] == [3, 2, 3]
    assert block["every"]["count"] == 2 and block["every"]["rate"] == 0.5
    assert block["games"] == 4
    assert block["every"]["ci95"][0] < 0.5 < block["every"]["ci95"][1]
    # What kept games out, as shares of all games, most missed first.
    assert [c["missed"] for c in block["checkpoints"]] == [
        {held: 0.25}, {"hub: red": 0.5, "blue places >= 1": 0.25}, {"undecided": 0.25}]


def test_holders_code_names_each_place_holder():
    import numpy as np

    assert holders_code(np.array([0, 1, 1, -1, 2])) == "011.2"


# --------------------------------------------------------------------------- reading targets files


@pytest.mark.parametrize("old, new, message", [
    ("holds: {hub: red}", "holds: {hubb: red}", "unknown place 'hubb' (did you mean 'hub'?)"),
    ("holds: {hub: red}", "holds: {hub: redd}", "unknown faction 'redd' (did you mean 'red'?)"),
    ("date: 2020-02-20", "date: 2021-02-20", "2021-02-20 is outside the scenario's span"),
    ("source: [t1]", "source: [t2]", "unknown source 't2'"),
    ("scenario: mini", "scenario: maxi", "these targets are for scenario 'maxi'"),
    ("places: {blue: {min: 1}}", "places: {blue: {min: 3, max: 1}}", "min (3) is more than max (1)"),
    ("    undecided: true\n", "    undecided: maybe\n", "undecided"),
    ("id: first", "id: later", "checkpoint id 'later' is used twice"),
])
def test_bad_targets_are_reported_where_they_are(tmp_path, old, new, message):
    text = MINI_TARGETS.replace(old, new)
    assert text != MINI_TARGETS
    with pytest.raises(ScenarioError) as info:
        _targets(tmp_path, text)
    problem = info.value.problems[0]
    assert message in problem.message, info.value.render()
    changed = next(i for i, (a, b) in enumerate(zip(MINI_TARGETS.splitlines(), text.splitlines())) if a != b) + 1
    assert problem.mark.file.endswith("mini.targets.yaml")
    assert problem.mark.line == changed, info.value.render()


def test_a_checkpoint_must_test_something(tmp_path):
    text = MINI_TARGETS.replace("    divided: [[capital, village]]\n    undecided: true\n", "")
    with pytest.raises(ScenarioError) as info:
        _targets(tmp_path, text)
    assert "needs at least one test" in info.value.render()


def test_validate_checks_a_targets_file_against_its_scenario(capsys, tmp_path):
    scen = tmp_path / "mini.yaml"
    scen.write_text(MINI.read_text(encoding="utf-8").replace("../../assets", str(MINI.parent.parent.parent / "assets")),
                    encoding="utf-8")
    good = tmp_path / "mini.targets.yaml"
    good.write_text(MINI_TARGETS, encoding="utf-8")
    r = run_cli(capsys, "validate", good)
    assert r.code == 0 and r.out.strip() == "ok mini targets (3 checkpoints)"
    good.write_text(MINI_TARGETS.replace("hub: red", "hub: redd"), encoding="utf-8")
    r = run_cli(capsys, "validate", good)
    assert r.code == 1 and "unknown faction 'redd'" in r.out
    alone = tmp_path / "other.targets.yaml"
    alone.write_text(MINI_TARGETS, encoding="utf-8")
    r = run_cli(capsys, "validate", alone)
    assert r.code == 1 and "does not exist" in r.err


@pytest.mark.parametrize("name", ["tripoli_2019", "dignity_2014"])
def test_shipped_targets_load(name):
    spec = load_scenario(SCENARIOS / f"{name}.yaml").spec
    loaded = load_targets(SCENARIOS / f"{name}.targets.yaml", spec)
    assert loaded.targets.scenario == name
    assert all(cp.source for cp in loaded.checkpoints)


# --------------------------------------------------------------------------- seeded runs


@pytest.mark.slow
def test_a_seeded_run_counts_its_games_against_the_targets(capsys, tmp_path):
    targets = tmp_path / "mini.targets.yaml"
    targets.write_text(MINI_TARGETS, encoding="utf-8")
    out = tmp_path / "run"
    r = run_cli(capsys, "simulate", MINI, "--games", 16, "--seed", 3, "--jobs", 1, "--ai", "blue=random,red=random",
                "--targets", targets, "--out", out, "--no-progress")
    assert r.code == 0, r.text
    summary = json.loads((out / "summary.json").read_text())
    block = summary["checkpoints"]
    assert block["games"] == 16 and [c["id"] for c in block["checkpoints"]] == ["first", "later", "end"]

    # Count again from the raw record, the slow way: each game's owners at each turn's end.
    spec = load_scenario(MINI).spec
    fids = list(spec.factions)
    places = list(spec.map.places)
    lines = (out / "results.jsonl").read_text().splitlines()[1:]
    counts = [0, 0, 0]
    every = hub_missed = 0
    rows = {}
    for line in lines:
        game = json.loads(line)
        held = dict((t, code) for t, code in game["held"])
        assert len(held) == len(game["turn_rows"])
        def owner(turn, place):
            last = max(t for t in held if t <= turn) if any(t <= turn for t in held) else 0
            c = held[last][places.index(place)]
            return "neutral" if c == "." else fids[int(c)]
        first = owner(2, "capital") == "blue" and owner(2, "village") in ("neutral", "blue")
        no_hub = owner(8, "hub") != "red"
        later = not no_hub and sum(owner(8, p) == "blue" for p in places) >= 1
        end = owner(20, "capital") != owner(20, "village") and game["turns"] == 20
        got = [first, later, end]
        rows[game["index"]] = got
        counts = [c + g for c, g in zip(counts, got)]
        every += all(got)
        hub_missed += no_hub
    assert [c["inside"]["count"] for c in block["checkpoints"]] == counts
    assert block["every"]["count"] == every
    assert block["checkpoints"][1]["missed"].get("hub: red", 0.0) == round(hub_missed / 16, 4)
    # games.csv carries the same verdicts, game by game.
    with open(out / "games.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            want = rows[int(row["index"])]
            assert [int(row[f"inside_{k}"]) for k in ("first", "later", "end")] == [int(x) for x in want]
            assert int(row["looks_like_the_war"]) == int(all(want))
    report = (out / "report.md").read_text()
    assert "## The war's shape against the record" in report and (out / "charts" / "checkpoints.png").is_file()
    # The same seeds give the same counts: nothing in the counting depends on how games were played.
    again = tmp_path / "again"
    run_cli(capsys, "simulate", MINI, "--games", 16, "--seed", 3, "--jobs", 2, "--ai", "blue=random,red=random",
            "--targets", targets, "--out", again, "--no-progress", "--no-report")
    assert json.loads((again / "summary.json").read_text())["checkpoints"] == block


def test_the_scenarios_own_targets_are_found_and_can_be_left_out(capsys, tmp_path):
    scen = tmp_path / "mini.yaml"
    scen.write_text(MINI.read_text(encoding="utf-8").replace("../../assets", str(MINI.parent.parent.parent / "assets")),
                    encoding="utf-8")
    (tmp_path / "mini.targets.yaml").write_text(MINI_TARGETS, encoding="utf-8")
    common = ("--games", 4, "--jobs", 1, "--ai", "blue=random,red=random", "--no-progress", "--no-report")
    r = run_cli(capsys, "simulate", scen, *common, "--out", tmp_path / "a")
    assert r.code == 0 and "looks_like_the_war=" in r.out
    assert json.loads((tmp_path / "a" / "summary.json").read_text())["checkpoints"]["file"].endswith("mini.targets.yaml")
    r = run_cli(capsys, "simulate", scen, *common, "--out", tmp_path / "b", "--no-targets")
    assert r.code == 0 and "looks_like_the_war" not in r.out
    assert json.loads((tmp_path / "b" / "summary.json").read_text())["checkpoints"] is None
    r = run_cli(capsys, "simulate", scen, *common, "--out", tmp_path / "c", "--targets", tmp_path / "nope.yaml")
    assert r.code == 2 and "no such file" in r.err
    # compare shows the share that looks like the war, and "–" for a run not counted.
    r = run_cli(capsys, "compare", tmp_path / "a", tmp_path / "b")
    assert r.code == 0 and "like the war" in r.out
