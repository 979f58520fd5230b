"""The main menu: every scenario listed (a broken one with its problems), starting
a game with the chosen side and AI level, options, and loading saves."""

from __future__ import annotations

import shutil

import pygame
import pytest

from client_helpers import (TRIPOLI, click, click_element, dialog_text, frames, key, loaded, make_app,
                            menu_start, pick_dropdown, start)
from conftest import SCENARIOS
from game.client.endscreen import EndScreen
from game.client.game_screen import GameScreen
from game.client.menu import LoadDialog, MenuScreen, OptionsDialog
from game.client.session import GameSession, autoplay


@pytest.fixture
def scen_dir(tmp_path):
    d = tmp_path / "scenarios"
    d.mkdir()
    for f in SCENARIOS.glob("*.yaml"):
        text = f.read_text(encoding="utf-8").replace("geojson: ../assets/", f"geojson: {SCENARIOS.parent / 'assets'}/")
        (d / f.name).write_text(text, encoding="utf-8")
    shutil.copy(SCENARIOS / "scenario.schema.json", d / "scenario.schema.json")
    text = (d / "tripoli_2019.yaml").read_text(encoding="utf-8")
    text = text.replace("id: tripoli_2019", "id: broken_copy").replace("kind: highway", "kind: highwya", 1)
    (d / "zz_broken.yaml").write_text(text, encoding="utf-8")
    return d


def test_menu_lists_every_scenario_and_shows_a_broken_ones_problems(tmp_path, scen_dir):
    app = make_app(tmp_path / "home", scenario_dir=scen_dir)
    try:
        app.show_menu()
        frames(app, 2)
        menu = app.screen
        assert isinstance(menu, MenuScreen)
        shipped = [f for f in SCENARIOS.glob("*.yaml") if f.name.count(".") == 1]
        assert len(menu.entries) == len(shipped) + 1
        broken = [i for i, e in enumerate(menu.entries) if not e.ok]
        assert len(broken) == 1
        click_element(app, menu.scenario_buttons[broken[0]])
        assert menu.selected == broken[0]
        assert "highwya" in menu.details.html_text and "did you mean" in menu.details.html_text
        assert not menu.start_button.is_enabled
        key(app, pygame.K_RETURN)  # refused, not crashed
        assert isinstance(app.screen, MenuScreen)
    finally:
        app.close()


def test_start_a_game_from_the_menu(tmp_path):
    app = make_app(tmp_path)
    try:
        app.show_menu()
        frames(app, 2)
        menu_start(app, "lna", level="random", seed=42)
        assert isinstance(app.screen, GameScreen)
        session = app.screen.session
        assert session.world.faction_ids[session.human] == "lna"
        assert session.level == "random" and session.seed == 42
        # the GNA moves first: the AI plays its turn, then it is ours
        for _ in range(600):
            frames(app)
            if session.is_human_turn():
                break
        assert session.is_human_turn()
    finally:
        app.close()


@pytest.mark.slow
def test_spectate_from_the_menu_with_pause(tmp_path):
    app = make_app(tmp_path)
    try:
        app.show_menu()
        frames(app, 2)
        menu = app.screen
        pick_dropdown(app, menu.side_menu, "__spectate__")
        pick_dropdown(app, menu.level_menu, "random")
        click_element(app, menu.start_button)
        screen = app.screen
        assert screen.session.spectating
        key(app, pygame.K_p)
        assert screen.paused
        count = screen.session.version
        frames(app, 10)
        assert screen.session.version == count  # paused: nothing moves
        key(app, pygame.K_p)
        for _ in range(10):
            key(app, pygame.K_EQUALS)
        frames(app, 60)
        assert screen.session.state.turn > 1 or screen.session.version > count
    finally:
        app.close()


def test_options_change_the_window_and_persist(tmp_path):
    app = make_app(tmp_path)
    try:
        app.show_menu()
        frames(app, 2)
        click_element(app, app.screen.bottom_buttons[1])
        dialog = app.screen.dialogs[-1]
        assert isinstance(dialog, OptionsDialog)
        pick_dropdown(app, dialog.size_menu, "1440×810")
        pick_dropdown(app, dialog.speed_menu, "fast")
        key(app, pygame.K_RETURN)
        assert app.size == (1440, 810)
        assert app.options.speed == "fast"
        assert (tmp_path / "options.json").exists()
        assert isinstance(app.screen, MenuScreen)
    finally:
        app.close()


def test_load_from_the_menu_and_a_mismatched_save(tmp_path):
    app = make_app(tmp_path)
    try:
        session = start(app)
        key(app, pygame.K_F5)
        saved = session.hash()
        app.show_menu()
        frames(app, 2)
        click_element(app, app.screen.bottom_buttons[0])
        dialog = app.screen.dialogs[-1]
        assert isinstance(dialog, LoadDialog)
        assert "quicksave" in dialog_text(dialog)
        key(app, pygame.K_1)
        assert isinstance(app.screen, GameScreen)
        assert app.screen.session.hash() == saved
        # a save whose scenario has changed since it was made is refused, with the reason
        path = tmp_path / "saves" / "quicksave.json"
        path.write_text(path.read_text(encoding="utf-8").replace(session.world.hash, "0" * 64), encoding="utf-8")
        app.show_menu()
        frames(app, 2)
        app.screen.load(path)
        frames(app, 2)
        assert isinstance(app.screen, MenuScreen)
        assert "has changed since this save was made" in dialog_text(app.screen.dialogs[-1])
    finally:
        app.close()


def test_end_screen_with_charts(tmp_path):
    app = make_app(tmp_path)
    try:
        session = GameSession.new(loaded(TRIPOLI), None, "random", 5, tmp_path, autosave=False)
        autoplay(session, 1000)
        assert session.state.over
        app.start_game(session)
        frames(app, 3, dt=1.0)
        end = app.screen
        assert isinstance(end, EndScreen)
        assert end.charts is not None and end.charts.get_width() > 400
        assert end.reason
        click_element(app, end.buttons[0])  # back to the map
        assert isinstance(app.screen, GameScreen)
        frames(app, 5, dt=1.0)
        assert isinstance(app.screen, GameScreen)  # it does not bounce back to the end screen
        app.screen.to_menu()
        frames(app)
        assert isinstance(app.screen, MenuScreen)
    finally:
        app.close()
