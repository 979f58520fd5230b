"""The war room: a forecast from a saved mid-game position, run and cancelled with real
pygame events while the window keeps drawing."""

from __future__ import annotations

import multiprocessing
import re
import time

import pygame
import pytest

from client_helpers import click_element, frames, key, make_app, type_text
from test_client_cli import run
from game.client.session import GameSession
from game.client.war_room import WarRoom
from game.lab.executors import default_jobs
from game.lab.stats import wilson

pytestmark = pytest.mark.slow  # dozens of continuations

# The window offers 200; the test asks for fewer, typed in as a player would, since what
# it checks (counts, figures, cancelling) does not depend on how many.
GAMES = 40


def _until_finished(app, room, limit_s: float = 600.0) -> None:
    start = time.monotonic()
    while not (room.job is not None and room.job.finished):
        frames(app)
        time.sleep(1 / 30)  # the window goes on drawing while the workers play (fewer frames: less CPU taken from them)
        assert time.monotonic() - start < limit_s, "the forecast never finished"
    frames(app, 2)


def test_a_forecast_from_a_saved_position_and_a_second_one_cancelled(tmp_path):
    save = tmp_path / "midgame.json"
    # Halfway through the war's 65 turns.
    assert run("play", "--as", "gna", "--seed", "7", "--autoplay", "32", "--save", save, "--save-dir", tmp_path) == 0
    ses = GameSession.load(save, tmp_path, autosave=False)
    app = make_app(tmp_path)
    try:
        app.start_game(ses)
        frames(app, 2)
        while app.screen.top_dialog() is not None:  # the week's news, read and put away
            key(app, pygame.K_ESCAPE)
        drawn = app.frames
        key(app, pygame.K_w)
        room = app.screen.top_dialog()
        assert isinstance(room, WarRoom) and room.games_entry.get_text() == "200"
        click_element(app, room.games_entry)
        for _ in range(3):
            key(app, pygame.K_BACKSPACE)
        type_text(app, str(GAMES))
        assert room.games_entry.get_text() == str(GAMES)
        click_element(app, room.run_button)
        assert room.job is not None and not room.run_button.is_enabled
        _until_finished(app, room)
        base = room.job.base
        assert base.done == GAMES and not base.failed() and base.start_turn == ses.state.turn
        out = base.outcomes()
        assert sum(r["count"] for r in out.values()) == GAMES
        # What the window says is the lab's own figures.
        text = room.results.html_text
        gna = out["gna"]
        lo, hi = wilson(gna["count"], GAMES)
        assert f"the GNA win: <b>{gna['rate']:.0%}</b>" in text and f"({lo:.0%}–{hi:.0%})" in text
        assert room.chart.visible and f"Done: {GAMES} continuations" in room.status.html_text
        assert app.frames - drawn > 30  # frames were drawn all the while
        # A second forecast, on the workers the first one started, cancelled as soon as it has begun.
        workers = {p.pid for p in multiprocessing.active_children()}
        assert workers and len(workers) <= default_jobs()
        done = room.job
        click_element(app, room.run_button)
        assert room.job is not done and not room.job.finished
        click_element(app, room.cancel_button)
        _until_finished(app, room)
        assert room.job.cancelled and room.job.base.done < GAMES
        assert re.search(rf"Cancelled after \d+ of {GAMES}", room.status.html_text)
        room.job.thread.join(timeout=60)
        assert not room.job.thread.is_alive()
        assert {p.pid for p in multiprocessing.active_children()} == workers
        # Closing the window ends its workers.
        key(app, pygame.K_ESCAPE)
        assert app.screen.top_dialog() is not room
        start = time.monotonic()
        while multiprocessing.active_children():
            assert time.monotonic() - start < 60, "the war room's workers outlived its window"
            time.sleep(0.05)
    finally:
        app.close()
