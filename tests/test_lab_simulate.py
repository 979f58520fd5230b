"""`simulate`: seeded games whose results do not depend on how they are run, counted
honestly (failures kept), resumable, with the files a report needs."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
from lab_helpers import DUEL, RANDOM_AI, TIMING_KEYS, TRIPOLI, failing_agent, random_levels, run_cli

from game.ai import agents as agents_mod
from game.ai.agents import run_game
from game.engine import World
from game.lab import runs as runs_mod
from game.lab.errors import LabError
from game.lab.simulate import RunOptions, simulate
from game.lab.variant import Variant
from game.scenario import load_scenario


@pytest.fixture
def lab_cli(capsys):
    return lambda *argv: run_cli(capsys, *argv)


def _run(out, variant=None, games=24, **kw):
    variant = variant or Variant(str(DUEL))
    levels = random_levels(variant.path) | kw.pop("levels", {})
    replays = kw.pop("save_replays", 0)
    on_chunk = kw.pop("on_chunk", None)
    report = kw.pop("report", False)
    opts = RunOptions(games=games, seed=kw.pop("seed", 5), **{"executor": "serial", "jobs": 1, **kw})
    return simulate(variant, out, opts, levels, replays, on_chunk=on_chunk, report=report)


def _rows(path):
    return list(csv.DictReader(io.StringIO(path.read_text())))


def _strip(summary: dict) -> dict:
    return {k: v for k, v in summary.items() if k not in TIMING_KEYS}


# -- the same games whatever runs them ---------------------------------------------------------------


def test_games_identical_for_serial_and_local_with_1_or_2_jobs(tmp_path):
    _run(tmp_path / "serial")
    _run(tmp_path / "local1", executor="local", jobs=1)
    _run(tmp_path / "local2", executor="local", jobs=2, chunk=5)
    reference = (tmp_path / "serial" / "games.csv").read_bytes()
    turns = (tmp_path / "serial" / "turns.csv").read_bytes()
    for other in ("local1", "local2"):
        assert (tmp_path / other / "games.csv").read_bytes() == reference
        assert (tmp_path / other / "turns.csv").read_bytes() == turns
    assert len(_rows(tmp_path / "serial" / "games.csv")) == 24


@pytest.mark.slow
def test_tripoli_games_identical_serial_and_two_local_jobs(tmp_path):
    v = Variant(str(TRIPOLI))
    _run(tmp_path / "a", v, games=6)
    _run(tmp_path / "b", v, games=6, executor="local", jobs=2, chunk=1)
    assert (tmp_path / "a" / "games.csv").read_bytes() == (tmp_path / "b" / "games.csv").read_bytes()
    assert (tmp_path / "a" / "turns.csv").read_bytes() == (tmp_path / "b" / "turns.csv").read_bytes()


@pytest.mark.slow
def test_games_identical_on_a_dask_local_cluster(tmp_path):
    pytest.importorskip("dask.distributed")
    _run(tmp_path / "serial", games=12)
    _run(tmp_path / "dask", games=12, executor="dask", jobs=2, chunk=3)
    assert (tmp_path / "dask" / "games.csv").read_bytes() == (tmp_path / "serial" / "games.csv").read_bytes()
    assert (tmp_path / "dask" / "turns.csv").read_bytes() == (tmp_path / "serial" / "turns.csv").read_bytes()


def test_each_game_is_seeded_by_spawn_and_can_be_rerun_alone(tmp_path):
    _run(tmp_path / "r", games=10, seed=11)
    rows = _rows(tmp_path / "r" / "games.csv")
    loaded = load_scenario(DUEL)
    world = World(loaded.spec, loaded.sha256)
    seeds = np.random.SeedSequence(11).spawn(10)
    for row, ss in zip(rows, seeds):
        assert (int(row["entropy"]), (int(row["spawn_key"]),)) == (ss.entropy, ss.spawn_key)
        # From the row alone:
        alone = run_game(world, np.random.SeedSequence(int(row["entropy"]), spawn_key=(int(row["spawn_key"]),)))
        assert row["winner"] == world.faction_ids[alone.winner] and int(row["turns"]) == alone.turn


def test_each_backers_score_is_the_one_its_game_ends_with_and_the_summary_holds_their_mean(tmp_path):
    from game.engine.backer_score import backer_score, total

    _run(tmp_path / "r", games=10, seed=11)
    rows = _rows(tmp_path / "r" / "games.csv")
    loaded = load_scenario(DUEL)
    world = World(loaded.spec, loaded.sha256)
    scores = []
    for row in rows:
        alone = run_game(world, np.random.SeedSequence(int(row["entropy"]), spawn_key=(int(row["spawn_key"]),)))
        assert float(row["score_patron"]) == round(total(backer_score(alone, 0)), 3)
        scores.append(float(row["score_patron"]))
    figures = json.loads((tmp_path / "r" / "summary.json").read_text())["backers"]["patron"]
    assert figures["decided_by"] == "policy"
    assert figures["score"]["mean"] == pytest.approx(np.mean(scores), abs=1e-4)
    half = 1.959963984540054 * np.std(scores, ddof=1) / np.sqrt(len(scores))
    assert figures["score"]["ci95"] == pytest.approx([np.mean(scores) - half, np.mean(scores) + half], abs=1e-4)
    assert len(set(scores)) > 1  # the games differ, so the interval has a width to check


# -- the files -------------------------------------------------------------------------------------------


def test_outputs(tmp_path):
    run, summary = _run(tmp_path / "o", games=20, report=True)
    out = tmp_path / "o"
    s = json.loads((out / "summary.json").read_text())
    assert s == json.loads(json.dumps(summary))
    for key in ("scenario", "scenario_sha256", "version", "games", "seed", "agents", "outcomes", "turns",
                "games_per_second"):
        assert key in s
    assert s["scenario"] == "lab_duel" and s["games"] == 20 and s["agents"] == {"blue": "random", "red": "random"}
    assert set(s["outcomes"]) == {"blue", "red", "draw"}
    assert sum(o["count"] for o in s["outcomes"].values()) == 20
    for o in s["outcomes"].values():
        assert o["ci95"][0] <= o["rate"] <= o["ci95"][1]
    assert set(s["turns"]) == {"mean", "median", "p10", "p90"}
    games = _rows(out / "games.csv")
    header = list(games[0])
    assert header[:3] == ["index", "entropy", "spawn_key"]
    assert {"winner", "reason", "turns", "owner_capital", "owner_hub", "owner_redbase", "harm", "harm_blue",
            "deliveries_patron", "deliveries_rival", "error"} <= set(header)
    assert "owner_village" not in header  # no points and in no victory condition
    assert not any("second" in h or "time" in h for h in header)  # no timings
    assert [int(g["index"]) for g in games] == list(range(20))
    turns = _rows(out / "turns.csv")
    assert {"places_blue", "strength_red", "funds_blue", "legitimacy_red", "cohesion_blue", "strikes_red",
            "deliveries_patron"} <= set(turns[0])
    first = [t for t in turns if t["game"] == "0"]
    assert [int(t["turn"]) for t in first] == list(range(len(first)))
    assert int(first[-1]["turn"]) == int(games[0]["turns"])
    # The patron's guard shows up in the per-turn deliveries and the per-game totals alike.
    assert sum(int(t["deliveries_patron"]) for t in first) == int(games[0]["deliveries_patron"])
    report = (out / "report.md").read_text()
    for png in ("outcomes", "turns", "territory", "strength", "momentum", "deliveries"):
        assert f"charts/{png}.png" in report
        assert (out / "charts" / f"{png}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_quiet_one_line_when_not_a_terminal(lab_cli, tmp_path):
    r = lab_cli("simulate", DUEL, "--games", "8", *RANDOM_AI, "--executor", "serial", "--out", tmp_path / "q")
    assert r.code == 0
    (line,) = r.out.strip().splitlines()
    fields = dict(f.split("=", 1) for f in line.split())
    assert fields["games"] == "8" and fields["failed"] == "0" and fields["out"] == str(tmp_path / "q")
    assert "blue" in fields and "games_per_second" in fields
    assert r.err == ""


def test_progress_bar_on_a_terminal():
    from rich.console import Console

    from game.lab.progress import LiveProgress

    buf = io.StringIO()
    bar = LiveProgress("simulate", Console(file=buf, force_terminal=True, width=120))
    bar.start(10, 2)
    bar.advance(4, 1)
    bar.stop()
    text = buf.getvalue()
    assert "simulate" in text and "6/10" in text and "games/s" in text and "1 failed" in text and "ETA" in text


# -- what --set and --without do to the outcome ----------------------------------------------------------


def _blue_rate(tmp_path, name, sets=(), without=()):
    _run_out = tmp_path / name
    _, s = _run(_run_out, Variant(str(DUEL), tuple(sets), tuple(without)), games=40, seed=2)
    return s["outcomes"]["blue"]


def test_the_patron_decides_the_duel(tmp_path):
    base = _blue_rate(tmp_path, "base")
    cold = _blue_rate(tmp_path, "cold", sets=["backers.patron.commitment=0"])
    half = _blue_rate(tmp_path, "half", sets=["backers.patron.commitment=40"])
    gone = _blue_rate(tmp_path, "gone", without=["patron"])
    # Intervals that do not overlap: the effect is far larger than the noise of 40 games.
    assert cold["ci95"][1] < base["ci95"][0]
    assert gone["ci95"][1] < base["ci95"][0]
    assert cold["rate"] <= half["rate"] <= base["rate"]
    assert base["rate"] > 0.75 and gone["rate"] < 0.15


def test_counterfactual_notes_are_in_the_summary(tmp_path):
    _, s = _run(tmp_path / "w", Variant(str(DUEL), without=("patron",)), games=4, report=True)
    assert s["without"] == ["patron"] and any("backers.patron: removed" in n for n in s["counterfactual"])
    assert "What the counterfactual changed" in (tmp_path / "w" / "report.md").read_text()
    assert "deliveries_patron" not in (tmp_path / "w" / "games.csv").read_text()


def test_no_report_leaves_only_the_numbers_and_no_stale_report(lab_cli, tmp_path):
    """`--no-report` writes summary.json and the tables without report.md or charts, and
    a run written over an earlier one's directory does not leave that run's report
    behind to be read as this one's."""
    out = tmp_path / "r"
    args = ("simulate", DUEL, "--games", "2", *RANDOM_AI, "--executor", "serial", "--out", out)
    assert lab_cli(*args).code == 0
    assert (out / "report.md").is_file() and list((out / "charts").glob("*.png"))
    r = lab_cli(*args, "--overwrite", "--no-report")
    assert r.code == 0, r.text
    assert not (out / "report.md").exists() and not list((out / "charts").glob("*.png"))
    assert {"summary.json", "games.csv", "turns.csv"} <= {p.name for p in out.iterdir()}
    assert json.loads((out / "summary.json").read_text())["completed"] == 2


# -- failures ------------------------------------------------------------------------------------------------


def test_a_failing_game_is_recorded_and_the_run_goes_on(tmp_path, monkeypatch):
    monkeypatch.setitem(agents_mod.AGENTS, "flaky", failing_agent(3))
    run, s = _run(tmp_path / "f", games=8, levels={"red": "flaky"})
    assert s["failed"] == 1 and s["completed"] == 7
    (failure,) = s["failures"]
    assert failure["index"] == 3 and failure["spawn_key"] == [3] and "agent breaks down in game 3" in failure["error"]
    rows = _rows(tmp_path / "f" / "games.csv")
    assert len(rows) == 8
    assert rows[3]["status"] == "failed" and rows[3]["winner"] == "" and "ValueError" in rows[3]["error"]
    assert rows[3]["entropy"] == "5" and rows[3]["spawn_key"] == "3"
    assert all(r["status"] == "ok" for i, r in enumerate(rows) if i != 3)
    assert sum(o["count"] for o in s["outcomes"].values()) == 7
    stored = run.store.results[3]
    assert "Traceback" in stored["traceback"]


def test_cli_exits_nonzero_after_a_failed_game(lab_cli, tmp_path, monkeypatch):
    monkeypatch.setitem(agents_mod.AGENTS, "flaky", failing_agent(1))
    r = lab_cli("simulate", DUEL, "--games", "4", "--ai", "blue=flaky", "--ai", "red=random", "--executor", "serial",
                "--no-report", "--out", tmp_path / "f")
    assert r.code == 1
    assert "failed=1" in r.out and "completed=3" in r.out
    assert "game 1 (seed 0, spawn key [1]) failed: ValueError: agent breaks down in game 1" in r.err


def test_a_chunk_that_dies_is_recorded_as_failed_games(tmp_path, monkeypatch):
    real = runs_mod.run_chunk

    def dies_on_second(chunk):
        if chunk.games[0].index == 3:
            raise MemoryError("worker ran out of memory")
        return real(chunk)

    monkeypatch.setattr(runs_mod, "run_chunk", dies_on_second)
    _, s = _run(tmp_path / "d", games=9, chunk=3)
    assert [f["index"] for f in s["failures"]] == [3, 4, 5]
    assert all("MemoryError: worker ran out of memory" in f["error"] for f in s["failures"])


def test_factions_not_named_play_normal(lab_cli, tmp_path, monkeypatch):
    spec = load_scenario(DUEL).spec
    assert runs_mod.check_levels(spec, {"red": "easy"}) == {"blue": "normal", "red": "easy"}
    r = lab_cli("simulate", DUEL, "--games", "1", "--ai", "red=random", "--executor", "serial", "--no-report",
                "--out", tmp_path / "n")
    assert r.code == 0, r.err
    summary = json.loads((tmp_path / "n" / "summary.json").read_text())
    assert summary["agents"] == {"blue": "normal", "red": "random"}
    assert _rows(tmp_path / "n" / "games.csv")[0]["agent_blue"] == "normal"
    # Where no normal agent is installed, random stands in rather than the run failing.
    monkeypatch.delitem(agents_mod.AGENTS, "normal")
    assert runs_mod.check_levels(spec, {}) == {"blue": "random", "red": "random"}


def test_a_backer_seat_is_named_in_the_summary_and_the_report(lab_cli, tmp_path):
    r = lab_cli("simulate", DUEL, "--games", "2", "--ai", "patron=random", "--executor", "serial", "--out", tmp_path / "b")
    assert r.code == 0, r.err
    summary = json.loads((tmp_path / "b" / "summary.json").read_text())
    assert summary["agents"] == {"blue": "normal", "red": "normal", "patron": "random"}
    assert "Patron = random" in (tmp_path / "b" / "report.md").read_text()


@pytest.mark.parametrize("command", ["simulate", "sweep"])
def test_help_names_the_default_level(command, lab_cli, capsys):
    with pytest.raises(SystemExit):
        lab_cli(command, "--help")
    help_text = " ".join(capsys.readouterr().out.split())
    assert "a faction not named plays at level normal" in help_text


def test_unknown_agent_level_lists_the_known_ones(lab_cli):
    r = lab_cli("simulate", DUEL, "--ai", "blue=rnadom", "--games", "2", "--executor", "serial")
    assert r.code == 2
    assert "unknown agent level 'rnadom' (did you mean 'random'?); known levels: " in r.err
    assert ", ".join(agents_mod.AGENTS) in r.err


# -- resume -------------------------------------------------------------------------------------------------------


class Stop(Exception):
    pass


@pytest.mark.slow
def test_resume_plays_only_the_missing_games(tmp_path):
    _run(tmp_path / "whole", games=20, chunk=4, report=True)

    played: list[int] = []

    def stop_after_8(run, results):
        played.extend(r["index"] for r in results)
        if len(played) >= 8:
            raise Stop

    with pytest.raises(Stop):
        _run(tmp_path / "cut", games=20, chunk=4, on_chunk=stop_after_8)
    kept = set(played)
    assert len(kept) == 8
    # A torn write at the moment of the interruption is dropped, not trusted.
    with open(tmp_path / "cut" / "results.jsonl", "a") as fh:
        fh.write('{"index": 19, "status": "ok", "winn')
    with pytest.raises(LabError, match="already holds a run"):
        _run(tmp_path / "cut", games=20, chunk=4)

    again: list[int] = []
    run, summary = _run(tmp_path / "cut", games=20, chunk=4, resume=True, report=True,
                        on_chunk=lambda run, results: again.extend(r["index"] for r in results))
    assert sorted(again) == sorted(set(range(20)) - kept)
    assert run.ran == 12
    for name in ("games.csv", "turns.csv", "report.md", "charts/outcomes.png", "charts/territory.png",
                 "charts/momentum.png"):
        assert (tmp_path / "cut" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes(), name
    whole = json.loads((tmp_path / "whole" / "summary.json").read_text())
    assert _strip(summary) == _strip(whole)


def test_resume_refuses_another_runs_results(tmp_path):
    _run(tmp_path / "r", games=4)
    with pytest.raises(LabError, match="different run.*seed"):
        _run(tmp_path / "r", games=4, seed=99, resume=True)
    with pytest.raises(LabError, match="no run to resume"):
        _run(tmp_path / "empty", games=4, resume=True)
    # More games on resume extends the run: the first four are kept.
    extended: list[int] = []
    _run(tmp_path / "r", games=6, resume=True, on_chunk=lambda run, res: extended.extend(r["index"] for r in res))
    assert extended == [4, 5]


def test_resume_retries_failed_games(tmp_path, monkeypatch):
    monkeypatch.setitem(agents_mod.AGENTS, "flaky", failing_agent(2))
    _, s = _run(tmp_path / "r", games=4, levels={"red": "flaky"})
    assert s["failed"] == 1
    monkeypatch.setitem(agents_mod.AGENTS, "flaky", agents_mod.AGENTS["random"])  # "fixed"
    run, s = _run(tmp_path / "r", games=4, levels={"red": "flaky"}, resume=True)
    assert s["failed"] == 0 and run.ran == 1


def test_dask_missing_is_a_clear_error(tmp_path, monkeypatch, lab_cli):
    import sys

    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # as if the extra were not installed
    r = lab_cli("simulate", DUEL, "--games", "2", "--executor", "dask", "--out", tmp_path / "d")
    assert r.code == 2
    assert "the dask executor needs the optional 'cluster' extra" in r.err
    r = lab_cli("simulate", DUEL, "--games", "2", "--scheduler", "tcp://127.0.0.1:1", "--out", tmp_path / "e")
    assert r.code == 2 and "--scheduler only applies to --executor dask" in r.err


def test_a_directory_another_run_is_writing_is_refused(tmp_path, lab_cli):
    """Two runs appending to one results file would spoil it for both: while another
    process holds DIR, a run there stops at once with a clear error and touches nothing;
    once that process is gone (even killed), DIR is free again."""
    import subprocess
    import sys

    out = tmp_path / "busy"
    out.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import fcntl, os, sys, time\n"
         f"fd = os.open({str(out / '.sandtable.lock')!r}, os.O_RDWR | os.O_CREAT)\n"
         "fcntl.flock(fd, fcntl.LOCK_EX)\n"
         "os.write(fd, str(os.getpid()).encode())\n"
         "print('holding', flush=True)\n"
         "time.sleep(120)\n"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        for argv in (("simulate", DUEL, "--games", "2"), ("sweep", DUEL, "--games", "2", "--set", "factions.blue.treasury=10,20"),
                     ("tournament", DUEL, "--games", "1", "--agents", "random,easy")):
            r = lab_cli(*argv, *(RANDOM_AI if argv[0] != "tournament" else ()), "--executor", "serial", "--out", out)
            assert r.code == 2, r.text
            assert f"another run is writing here (process {holder.pid})" in r.err
            assert sorted(p.name for p in out.iterdir()) == [".sandtable.lock"]
    finally:
        holder.kill()
        holder.wait()
    r = lab_cli("simulate", DUEL, "--games", "2", *RANDOM_AI, "--executor", "serial", "--no-report", "--out", out)
    assert r.code == 0, r.text
    assert (out / "results.jsonl").exists()


@pytest.mark.parametrize("sets", [("rules.combat.siege_loss=0",), ("rules.combat.siege_loss=0.1",)],
                         ids=["no sieges", "sieges"])
@pytest.mark.slow
def test_losses_by_cause_add_up_from_turns_to_games_to_the_summary(tmp_path, sets, monkeypatch):
    """turns.csv splits each side's losses per turn into battle, strikes and siege; the game
    totals are those turns added up, and summary.json and the report give the mean."""
    from game.lab import charts

    # The report is written whole but its charts are built and not rendered to PNG: this
    # test reads only report.md's losses table, rendering was four fifths of its time, and
    # the 2019 scenario's charts are rendered and checked by the report tests that share
    # tripoli_random_run (test_lab_momentum, test_lab_front).
    monkeypatch.setattr(charts, "save_png", lambda fig, path: None)
    variant = Variant(str(TRIPOLI), sets=sets)
    opts = RunOptions(games=4, seed=3, executor="serial", jobs=1)
    run, summary = simulate(variant, tmp_path / "l", opts, random_levels(TRIPOLI), report=True)
    turns = _rows(tmp_path / "l" / "turns.csv")
    totals = {}
    for f in ("gna", "lna"):
        for cause, col in (("battle", f"lost_in_battle_{f}"), ("strikes", f"lost_to_strikes_{f}"),
                           ("siege", f"lost_to_siege_{f}")):
            per_game = [sum(float(t[col]) for t in turns if int(t["game"]) == r["index"]) for r in run.results()]
            assert per_game == pytest.approx([r["losses"][cause][list(("gna", "lna")).index(f)]
                                              for r in run.results()], abs=0.5)
            totals[f, cause] = sum(per_game) / len(per_game)
            assert summary["losses"][f][cause] == pytest.approx(totals[f, cause], abs=0.5)
    assert totals["gna", "battle"] > 0 and totals["lna", "battle"] > 0 and totals["gna", "strikes"] > 0
    assert (totals["gna", "siege"] > 0) == (sets[0] != "rules.combat.siege_loss=0")
    report = (tmp_path / "l" / "report.md").read_text()
    assert "### Where the losses come from" in report
    gna = summary["losses"]["gna"]
    if any(m["siege"] for m in summary["losses"].values()):
        assert f"| GNA | {gna['battle']:,.0f} | {gna['strikes']:,.0f} | {gna['siege']:,.0f} |" in report
    else:  # the scenario does not use the siege rule, so the report leaves that column out
        assert gna["siege"] == 0 and "under siege" not in report
        assert f"| GNA | {gna['battle']:,.0f} | {gna['strikes']:,.0f} |" in report


def test_results_with_other_turn_columns_are_not_resumed(tmp_path):
    """A run written before turns.csv gained columns cannot be finished by this version:
    resuming it says so, instead of mixing rows of two shapes."""
    _run(tmp_path / "old", games=2)
    path = tmp_path / "old" / "results.jsonl"
    lines = path.read_text().splitlines()
    header = json.loads(lines[0])
    del header["run"]["turn_stats"]
    path.write_text("\n".join([json.dumps(header, sort_keys=True)] + lines[1:]) + "\n")
    with pytest.raises(LabError, match="different run.*turn_stats: None there"):
        _run(tmp_path / "old", games=2, resume=True)


def test_a_garrison_routed_by_an_event_counts_among_its_sides_battle_losses():
    """An event that takes a town by surprise (`set_owner` with `rout`, here a raid on the
    LNA's base at Gharyan on the 2019 map) costs the garrison that share; turns.csv counts
    what it lost with the losses in battle, as the raid is a fight."""
    from game.engine import new_game
    from game.engine.scenario_events import apply_effects
    from game.lab.play import TurnTracker
    from game.scenario.model import SetOwnerEffect

    loaded = load_scenario(TRIPOLI)
    world = World(loaded.spec, loaded.sha256)
    state = new_game(world, 0)
    gharyan, lna = world.pidx["gharyan"], world.fidx["lna"]

    def lna_strength():
        n = state.n_units
        return float(state.u_str[:n][state.u_alive[:n] & (state.u_owner[:n] == lna)].sum())

    at_gharyan = float(state.u_str[state.units_at(gharyan, lna)].sum())
    assert at_gharyan > 0
    total = lna_strength()
    tracker = TurnTracker(world, state)
    raid = SetOwnerEffect(effect="set_owner", place="gharyan", faction="gna", rout=0.5)
    reports = apply_effects(state, [raid], "a raid")
    tracker.see(reports, state)
    (control,) = reports
    assert state.owner[gharyan] == world.fidx["gna"] and len(state.units_at(gharyan, lna)) == 0
    # Half of what stood there (the units are well above the floor at which one is lost).
    assert control.data["lost"]["lna"] == pytest.approx(at_gharyan / 2, abs=0.1)
    assert lna_strength() == pytest.approx(total - at_gharyan / 2, abs=0.1)
    assert tracker.lost[0, lna] == pytest.approx(control.data["lost"]["lna"])
