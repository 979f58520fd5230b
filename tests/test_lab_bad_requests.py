"""Bad requests to the lab get one clear line and a non-zero exit, never a traceback:
absurd arguments, an output directory that cannot be written, a disk that fills up
mid-run (with nothing stored lost), and a replay that names a file which is not a
scenario (whose contents are never echoed)."""

from __future__ import annotations

import errno
import json

import pytest

from lab_helpers import DUEL, RANDOM_AI, run_cli

COMMON = ("--games", 4, "--jobs", 1, *RANDOM_AI, "--no-progress")


@pytest.mark.parametrize("args, message", [
    (("--jobs", 0), "--jobs must be at least 1"),
    (("--without", ""), "--without '': an empty value"),
    (("--without", "patron,,rival"), "an empty value"),
    (("--ai", ""), "--ai '': an empty value"),
    (("--games", 10_000_000_000), "at most 200,000 games a run"),
    (("--games", 0), "--games must be at least 1"),
])
def test_absurd_arguments_are_refused_up_front(capsys, tmp_path, args, message):
    r = run_cli(capsys, "simulate", DUEL, *COMMON, *args, "--out", tmp_path / "run")
    assert r.code == 2, r.text
    assert message in r.err
    assert not (tmp_path / "run").exists()  # refused before anything was written


def test_an_output_path_that_is_a_file_is_refused(capsys, tmp_path):
    (tmp_path / "taken").write_text("mine", encoding="utf-8")
    r = run_cli(capsys, "simulate", DUEL, *COMMON, "--out", tmp_path / "taken")
    assert r.code == 2 and "is a file, not a directory" in r.err
    assert (tmp_path / "taken").read_text(encoding="utf-8") == "mine"
    r = run_cli(capsys, "sweep", DUEL, *COMMON, "--set", "backers.patron.commitment=0,100",
                "--out", tmp_path / "taken" / "below")
    assert r.code == 2 and "cannot write here (Not a directory)" in r.err
    r = run_cli(capsys, "tournament", DUEL, "--games", 2, "--jobs", 1, "--agents", "random,easy", "--no-progress",
                "--out", tmp_path / "taken")
    assert r.code == 2 and "is a file, not a directory" in r.err


def test_an_output_directory_that_cannot_be_written_is_refused(capsys, tmp_path, monkeypatch):
    # Tests may run as root, for whom no permission bit stops a write: the refusal the
    # operating system gives is simulated instead.
    import game.lab.lock as lock

    real_open = lock.os.open

    def refuse(path, *args, **kwargs):
        if str(path).startswith(str(tmp_path / "ro")):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(lock.os, "open", refuse)
    r = run_cli(capsys, "simulate", DUEL, *COMMON, "--out", tmp_path / "ro")
    assert r.code == 2 and "cannot write here (Permission denied)" in r.err


def test_a_disk_that_fills_up_keeps_every_stored_game(capsys, tmp_path, monkeypatch):
    from game.lab.store import ResultStore

    real_append = ResultStore.append
    calls = {"n": 0}

    def full_after_one(self, results):
        calls["n"] += 1
        if calls["n"] > 1:
            raise OSError(errno.ENOSPC, "No space left on device", str(self.path))
        real_append(self, results)

    monkeypatch.setattr(ResultStore, "append", full_after_one)
    out = tmp_path / "run"
    args = ("simulate", DUEL, "--games", 8, "--jobs", 1, *RANDOM_AI, "--no-progress", "--executor", "serial",
            "--no-report")
    r = run_cli(capsys, *args, "--out", out)
    assert r.code == 1, r.text
    assert "No space left on device" in r.err and "--resume" in r.err
    kept = (out / "results.jsonl").read_text().splitlines()[1:]
    assert 0 < len(kept) < 8
    monkeypatch.undo()
    r = run_cli(capsys, *args, "--out", out, "--resume")
    assert r.code == 0, r.text
    assert json.loads((out / "summary.json").read_text())["completed"] == 8


def test_a_replay_naming_a_foreign_file_never_shows_its_contents(capsys, tmp_path):
    out = tmp_path / "run"
    assert run_cli(capsys, "simulate", DUEL, *COMMON, "--save-replays", 1, "--no-report", "--out", out).code == 0
    secret = tmp_path / "secret.txt"
    secret.write_text("root-password: hunter2-SECRET\nsecond line\n", encoding="utf-8")
    replay = json.loads((out / "replays" / "game-00000.json").read_text())
    replay["lab"]["scenario_path"] = str(secret)
    replay["lab"]["scenario"] = str(secret)
    doctored = tmp_path / "doctored.json"
    doctored.write_text(json.dumps(replay), encoding="utf-8")
    r = run_cli(capsys, "replay", doctored)
    assert r.code != 0
    assert "hunter2" not in r.text and "root-password" not in r.text
    assert str(doctored) in r.err and "not a valid Sandtable scenario" in r.err


def test_a_start_position_that_cannot_be_played_on_is_refused(capsys, tmp_path):
    from lab_helpers import TRIPOLI

    from game.engine import World, new_game
    from game.engine.persist import save_game
    from game.scenario import load_scenario

    other = load_scenario(TRIPOLI)
    save_game(tmp_path / "tripoli.json", new_game(World(other.spec, other.sha256), 1))
    (tmp_path / "junk.json").write_text("{not json", encoding="utf-8")
    for start, extra, message in [
        (tmp_path / "none.json", (), "no such save file"),
        (tmp_path / "junk.json", (), "corrupt or truncated"),
        (tmp_path / "tripoli.json", (), "this save is for scenario 'tripoli_2019'"),
        (tmp_path / "tripoli.json", ("--save-replays", 1), "cannot go with --from"),
    ]:
        r = run_cli(capsys, "simulate", DUEL, *COMMON, "--from", start, *extra, "--out", tmp_path / "run")
        assert r.code == 2 and message in r.err and "Traceback" not in r.err, r.err
        assert not (tmp_path / "run").exists()
