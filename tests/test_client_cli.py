"""`sandtable play` from the command line: screenshots without a display, and clear
errors (exit status 1 or 2) for a broken scenario, a bad save or a wrong option."""

from __future__ import annotations

import argparse
import json

import pytest

from conftest import SCENARIOS
from game.client.frame_times import bench_frames
from game.client.commands import add_commands


def run(*argv) -> int:
    parser = argparse.ArgumentParser(prog="sandtable")
    sub = parser.add_subparsers(dest="command", required=True)
    add_commands(sub)
    args = parser.parse_args([str(a) for a in argv])
    return args.func(args)


def _png_size(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_screenshot_of_the_menu(tmp_path, capsys):
    out = tmp_path / "menu.png"
    assert run("play", "--save-dir", tmp_path, "--size", "1280x720", "--screenshot", out) == 0
    assert _png_size(out) == (1280, 720)


def test_screenshot_after_autoplay(tmp_path, capsys):
    out = tmp_path / "map.png"
    code = run("play", "--as", "gna", "--ai", "random", "--seed", "3", "--autoplay", "3", "--save-dir", tmp_path,
               "--size", "1280x720", "--screenshot", out)
    assert code == 0
    assert _png_size(out) == (1280, 720)
    assert not (tmp_path / "saves" / "autosave.json").exists()  # a screenshot run leaves no saves behind


def test_autoplay_then_save_writes_a_position_that_loads(tmp_path, capsys):
    from game.client.session import GameSession

    out = tmp_path / "report" / "turn5.json"
    code = run("play", "--as", "gna", "--ai", "random", "--seed", "3", "--autoplay", "4", "--save-dir", tmp_path,
               "--save", out)
    assert code == 0, capsys.readouterr().err
    assert f"wrote {out}" in capsys.readouterr().out
    session = GameSession.load(out, None)
    assert session.state.turn == 5 and session.human == session.world.fidx["gna"] and session.seed == 3
    # The AI answered the player's side's question of turn 2 on the way, rather than stopping there.
    w = session.world
    assert w.eidx["volcano_of_anger"] in session.state.fired and not session.state.pending
    assert not (tmp_path / "saves").exists()  # nothing written but the save asked for
    # The same seed and turns give the same position: a bug report can be replayed from its command.
    again = tmp_path / "again.json"
    assert run("play", "--as", "gna", "--ai", "random", "--seed", "3", "--autoplay", "4", "--save-dir", tmp_path,
               "--save", again) == 0
    assert GameSession.load(again, None).hash() == session.hash()
    assert run("play", "--save", tmp_path / "x.json", "--save-dir", tmp_path) == 2
    assert "--autoplay" in capsys.readouterr().err


def test_broken_scenario_prints_its_problems(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    text = (SCENARIOS / "tripoli_2019.yaml").read_text(encoding="utf-8").replace("kind: highway", "kind: highwya", 1)
    bad.write_text(text.replace("geojson: ../assets", f"geojson: {SCENARIOS.parent}/assets"), encoding="utf-8")
    assert run("play", bad, "--as", "gna", "--save-dir", tmp_path, "--screenshot", tmp_path / "x.png") == 1
    err = capsys.readouterr().err
    assert "bad.yaml:" in err and "error:" in err and "highwya" in err
    assert not (tmp_path / "x.png").exists()


def test_bad_saves_are_refused_clearly(tmp_path, capsys):
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json", encoding="utf-8")
    assert run("play", "--load", garbage, "--save-dir", tmp_path, "--screenshot", tmp_path / "x.png") == 1
    assert "cannot load" in capsys.readouterr().err
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"format": "sandtable-save", "format_version": 1, "scenario": "nowhere"}))
    assert run("play", "--load", other, "--save-dir", tmp_path, "--screenshot", tmp_path / "x.png") == 1
    assert "nowhere" in capsys.readouterr().err
    assert run("play", "--load", tmp_path / "missing.json", "--save-dir", tmp_path) == 1
    assert "no such save" in capsys.readouterr().err


def test_a_save_round_trips_through_the_command(tmp_path, capsys):
    from game.client.session import GameSession
    from game.scenario import load_scenario

    s = GameSession.new(load_scenario(SCENARIOS / "tripoli_2019.yaml"), 1, "random", 9, tmp_path)
    path = s.save(tmp_path / "mine.json")
    out = tmp_path / "loaded.png"
    assert run("play", "--load", path, "--save-dir", tmp_path, "--size", "1280x720", "--screenshot", out) == 0
    assert out.exists()


@pytest.mark.parametrize("argv, phrase", [
    (["--as", "nobody"], "no faction or backer 'nobody'"),
    (["--ai", "genius"], "unknown AI level"),
    (["--size", "big"], "--size"),
    (["--autoplay", "-1"], "--autoplay"),
])
def test_wrong_options(tmp_path, capsys, argv, phrase):
    assert run("play", *argv, "--save-dir", tmp_path, "--screenshot", tmp_path / "x.png") == 2
    assert phrase in capsys.readouterr().err


def test_bench_frames_reports_percentiles():
    result = bench_frames(SCENARIOS / "tripoli_2019.yaml", frames=30)
    ms = result["frame_ms"]
    assert 0 < ms["p50"] <= ms["p95"]


def test_no_display_gives_a_clear_error_not_a_traceback():
    import os
    import subprocess
    import sys

    env = dict(os.environ, SDL_VIDEODRIVER="no_such_driver", SDL_AUDIODRIVER="dummy")
    r = subprocess.run([sys.executable, "-m", "game", "play"], capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 1
    assert "cannot open a window" in r.stderr
    assert "Traceback" not in r.stderr + r.stdout
