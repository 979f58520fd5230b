"""`sandtable play --replay FILE`: a lab game played back in the window, verified
round by round, ending on the end screen; a changed or tampered replay is refused
with a clear message (exit 1)."""

from __future__ import annotations

import argparse
import json

import pygame
import pytest

from client_helpers import frames, key
from conftest import MINI
from game.client.app import App
from game.client.commands import add_commands
from game.client.endscreen import EndScreen
from game.client.game_screen import GameScreen
from game.client.replay import ReplayError, load_replay
from game.client.session import autoplay
from game.engine.persist import state_hash
from game.lab.simulate import RunOptions, simulate
from game.lab.variant import Variant

SETS = ("backers.patron.commitment=60",)


def run(*argv) -> int:
    parser = argparse.ArgumentParser(prog="sandtable")
    sub = parser.add_subparsers(dest="command", required=True)
    add_commands(sub)
    args = parser.parse_args([str(a) for a in argv])
    return args.func(args)


@pytest.fixture(scope="module")
def replay_file(tmp_path_factory):
    out = tmp_path_factory.mktemp("lab") / "run"
    simulate(Variant(str(MINI), SETS), out, RunOptions(games=2, seed=5, executor="serial", jobs=1),
             {"blue": "random", "red": "random"}, save_replays=1, report=False)
    path = out / "replays" / "game-00000.json"
    data = json.loads(path.read_text())
    assert data["lab"]["sets"] == list(SETS) and len(data["actions"]) > 3
    return path


@pytest.mark.slow
def test_replay_plays_back_to_the_end_screen(replay_file, tmp_path, monkeypatch, capsys):
    data = json.loads(replay_file.read_text())
    seen = {}

    def drive(app, max_frames=None):  # stands in for the frame loop: a person watching
        screen = app.screen
        assert isinstance(screen, GameScreen) and screen.session.is_replay and screen.session.spectating
        session = seen["session"] = screen.session
        frames(app, 2)
        key(app, pygame.K_p)  # pause: nothing moves
        assert screen.paused
        at = session.cursor
        frames(app, 30)
        assert session.cursor == at
        key(app, pygame.K_p)
        assert not screen.paused
        for _ in range(2):
            key(app, pygame.K_PLUS)
        assert screen.speed_label() == "speed 4×"
        for _ in range(3000):
            if isinstance(app.screen, EndScreen):
                break
            app.step(1 / 30)
        seen["end"] = app.screen
        app.close()
        return 0

    monkeypatch.setattr(App, "run", drive)
    assert run("play", "--replay", replay_file, "--save-dir", tmp_path, "--size", "1280x720") == 0
    session = seen["session"]
    assert isinstance(seen["end"], EndScreen) and seen["end"].session is session
    assert session.cursor == len(data["actions"]) and session.replay_error is None
    assert session.checked == len(data["hashes"])
    assert state_hash(session.state) == data["hashes"][-1]
    winner = session.world.faction_ids[session.state.winner]
    assert winner == data["lab"]["verdict"]["winner"]
    assert not (tmp_path / "saves").exists()  # watching a replay leaves no autosave behind


def test_replay_screenshot_after_autoplay(replay_file, tmp_path, capsys):
    out = tmp_path / "replay.png"
    assert run("play", "--replay", replay_file, "--autoplay", "1", "--save-dir", tmp_path, "--size", "1280x720",
               "--screenshot", out) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    session = load_replay(replay_file)
    autoplay(session, 1)
    assert session.state.turn == 2 and session.checked == 1


@pytest.mark.parametrize("mutate, phrase", [
    (lambda d: d["hashes"].__setitem__(0, "0" * 64), "diverges"),
    (lambda d: d["lab"].__setitem__("sets", ["backers.patron.commitment=61"]), "has changed since"),
    (lambda d: d["actions"].__delitem__(slice(3, None)), "replay ended after"),
    (lambda d: d.__setitem__("format", "sandtable-save"), "not a Sandtable replay file"),
])
def test_a_bad_replay_is_refused_clearly(replay_file, tmp_path, capsys, mutate, phrase):
    data = json.loads(replay_file.read_text())
    mutate(data)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    shot = tmp_path / "x.png"
    assert run("play", "--replay", bad, "--save-dir", tmp_path, "--screenshot", shot) == 1
    err = capsys.readouterr().err
    assert err.startswith("sandtable: error: ") and phrase in err, err
    assert "Traceback" not in err and not shot.exists()


def test_missing_replay_and_wrong_options(tmp_path, replay_file, capsys):
    assert run("play", "--replay", tmp_path / "nope.json", "--screenshot", tmp_path / "x.png") == 1
    assert "no such replay file" in capsys.readouterr().err
    assert run("play", "--replay", replay_file, "--as", "blue", "--screenshot", tmp_path / "x.png") == 2
    assert "spectator" in capsys.readouterr().err


def test_divergence_during_playback_stops_the_replay(replay_file):
    session = load_replay(replay_file)
    session.hashes[0] = "f" * 64  # as if the engine now played the recording differently
    autoplay(session, 99)
    assert session.replay_error and "diverges" in session.replay_error
    assert session.script_done() and session.cursor < len(session.script)
    with pytest.raises(ReplayError):
        load_replay(replay_file, scenario=replay_file)  # a JSON file is no scenario
