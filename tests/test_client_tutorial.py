"""The tutorial, driven with real events under SDL's dummy driver: started from the menu,
stepped through by really doing each step (select, move, undo, strike, attack through
its dialog, ask a backer, end the turn, answer the week-two decision), skipped with its
key and its button, and replayed from the menu. Its game is seeded (the tutorial file's seed).
Also the first-time tips: each once, then never again."""

from __future__ import annotations

import pygame
import pygame_gui
import pytest

from client_helpers import (TRIPOLI, click, click_element, dialog_text, frames, key, lna_took_sirte, make_app, move_mouse,
                            place_pos, start)
from game.client import tutorial as T
from game.client.dialogs import (AttackDialog, BackersWindow, ConfirmDialog, EventDialog, NewsDialog, ReportDialog,
                                 StrikeDialog)
from game.client.game_screen import GameScreen
from game.client.menu import MenuScreen
from game.engine import actions as A
from game.engine import legal_actions

CTRL = pygame.KMOD_LCTRL
TUTORIAL = T.load(TRIPOLI)[1]


def start_from_menu(app) -> GameScreen:
    app.show_menu()
    frames(app, 2)
    assert isinstance(app.screen, MenuScreen)
    click_element(app, app.screen.tutorial_button)
    screen = app.screen
    assert isinstance(screen, GameScreen) and screen.coach.running
    return screen


def scroll_into_view(app, container, element) -> None:
    """Turn the mouse wheel over a scrolling list until the element shows whole in it.
    (pygame_gui asks SDL where the mouse is, so the pointer is put there, not only told.)"""
    for _ in range(200):
        if container.rect.contains(element.rect):
            return
        pygame.mouse.set_pos(container.rect.center)
        move_mouse(app, container.rect.center)
        y = 3 if element.rect.top < container.rect.top else -3
        pygame.event.post(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=y, flipped=False, precise_x=0.0,
                                             precise_y=float(y)))
        frames(app, 2)
    raise AssertionError(f"{element} does not scroll into view")


def step_title(screen) -> str:
    return screen.coach.steps[screen.coach.step].title


def panel_text(screen) -> str:
    return screen.coach.text_box.html_text


@pytest.mark.slow
def test_step_through_the_tutorial_by_doing_each_step(app):
    screen = start_from_menu(app)
    session = screen.session
    s, w = session.state, session.world
    assert w.faction_ids[session.human] == "gna" and session.seed == TUTORIAL.seed and not session.autosave_enabled
    assert step_title(screen) == "Select a place and a unit"
    assert "Step 1 of 9" in panel_text(screen)
    # Nothing happens by waiting: steps advance on what the player does.
    frames(app, 120)
    assert step_title(screen) == "Select a place and a unit"

    click(app, place_pos(app, "tripoli"))
    assert screen.orders.selected_unit is not None
    assert step_title(screen) == "Move with part of a stack"
    # One of Tripoli's two militias goes; the other stays.
    u = screen.orders.selected_unit
    tripoli = w.pidx["tripoli"]
    move = next(a for a in legal_actions(s) if isinstance(a, A.Move) and a.unit == u)
    click(app, place_pos(app, move.to))
    assert int(s.u_place[u]) == w.pidx[move.to]
    assert any(int(v) != u for v in s.units_at(tripoli, session.human))
    assert step_title(screen) == "Take it back"

    key(app, pygame.K_z, mod=CTRL)
    assert int(s.u_place[u]) == tripoli
    assert step_title(screen) == "Strike from the air"

    # The hint's link selects the flight: Misrata's list is longer than the panel shows.
    assert "air:misrata" in panel_text(screen)
    pygame.event.post(pygame.event.Event(pygame_gui.UI_TEXT_BOX_LINK_CLICKED, link_target="air:misrata"))
    frames(app, 2)
    flight = screen.orders.selected_unit
    assert w.t_air[s.u_type[flight]] and w.place_ids[int(s.u_place[flight])] == "misrata"
    click(app, place_pos(app, "tarhuna"))
    assert isinstance(screen.top_dialog(), StrikeDialog)
    assert "air defence" in panel_text(screen)  # the hint reads the window now on screen
    key(app, pygame.K_1)
    assert any(e.kind == "strike" and e.faction == "gna" for e in session.log)
    assert step_title(screen) == "Attack, with the odds first"

    key(app, pygame.K_ESCAPE)
    click(app, place_pos(app, "zawiya"))
    click(app, place_pos(app, "surman"))
    dialog = screen.top_dialog()
    assert isinstance(dialog, AttackDialog)
    assert "Who goes" in panel_text(screen)
    assert "Chance to take it" in dialog_text(dialog) and "you lose" in dialog_text(dialog)
    # Part of the stack: one of Zawiya's two brigades stays at home.
    assert len(dialog.units) == 2
    for u in dialog.units:
        if u not in dialog.going:
            click_element(app, dialog.toggles[u])  # send it too...
    click_element(app, dialog.toggles[dialog.units[0]])  # ...then keep the first at home
    home = dialog.units[0]
    key(app, pygame.K_RETURN)
    assert isinstance(screen.top_dialog(), ReportDialog)
    assert "rolls dice" in panel_text(screen)
    assert int(s.u_place[home]) == w.pidx["zawiya"]
    key(app, pygame.K_RETURN)
    assert step_title(screen) == "Ask a backer"

    key(app, pygame.K_b)
    window = screen.top_dialog()
    assert isinstance(window, BackersWindow)
    assert "commitment" in panel_text(screen)
    button = next(b for b in window.request_buttons.values() if b.is_enabled)
    scroll_into_view(app, window.scroll, button)
    click_element(app, button)
    assert any(w.backer_client[w.packages[k].backer] == session.human for k in s.requested)
    assert step_title(screen) == "End the turn"
    while screen.top_dialog() is not None:
        key(app, pygame.K_ESCAPE)
    key(app, pygame.K_ESCAPE)  # and the selection

    key(app, pygame.K_RETURN)  # at the instant speed the LNA's whole turn plays in these frames
    assert step_title(screen) == "Answer a decision"
    for _ in range(2000):
        frames(app, 1)
        if session.is_human_turn():
            break
    assert session.is_human_turn() and s.turn == 2
    frames(app, 2)
    news = screen.top_dialog()
    if isinstance(news, NewsDialog):
        assert "news of the week" in panel_text(screen)
        key(app, pygame.K_RETURN)
    assert isinstance(screen.top_dialog(), EventDialog)
    assert "each has its cost" in panel_text(screen)
    key(app, pygame.K_1)
    assert any(e.kind == "choice" and e.faction == "gna" for e in session.log)
    assert step_title(screen) == "Your turn, your war"

    while screen.top_dialog() is not None:
        key(app, pygame.K_ESCAPE)
    key(app, pygame.K_RETURN)
    for _ in range(2000):
        frames(app, 1)
        if session.is_human_turn():
            break
    assert s.turn == 3
    assert step_title(screen) == "The tutorial is over"
    assert "replayed from the main menu" in panel_text(screen)
    while screen.top_dialog() is not None:  # the week's news
        key(app, pygame.K_ESCAPE)
    click_element(app, screen.coach.buttons["close"])
    assert not screen.coach.running and screen.coach.panel is None


@pytest.mark.slow
def test_skip_with_the_key_or_the_button_and_replay_from_the_menu(app):
    screen = start_from_menu(app)
    key(app, pygame.K_F2)
    assert not screen.coach.running and screen.coach.panel is None
    # Back to the menu (a fresh tutorial game has nothing to lose), and the tutorial again.
    click_element(app, screen.top.buttons["menu"])
    if isinstance(screen.top_dialog(), ConfirmDialog):
        key(app, pygame.K_2)
    assert isinstance(app.screen, MenuScreen)
    screen = start_from_menu(app)
    assert step_title(screen) == "Select a place and a unit"
    click_element(app, screen.coach.buttons["next"])  # a step can be passed without doing it
    assert step_title(screen) == "Move with part of a stack"
    click_element(app, screen.coach.buttons["skip"])
    assert not screen.coach.running and screen.coach.panel is None
    # An ordinary game has no tutorial.
    start(app)
    assert not app.screen.coach.running and app.screen.coach.panel is None


def test_a_red_line_tip_shows_once_and_is_remembered(app, tmp_path):
    session = start(app)
    lna_took_sirte(session)
    screen = app.screen
    assert screen.coach.panel is None
    click(app, place_pos(app, "abu_grein"))
    click(app, place_pos(app, "sirte"))
    assert isinstance(screen.top_dialog(), AttackDialog)  # the dialog warns of Egypt's red line
    assert screen.coach.tip == "red_line"
    assert "red line" in panel_text(screen)
    key(app, pygame.K_ESCAPE)
    click_element(app, screen.coach.buttons["skip"])  # "Got it"
    assert screen.coach.tip is None and screen.coach.panel is None
    assert "red_line" in T.load_tips_seen(tmp_path)
    # The same warning again, in a new window of the game: no tip.
    app.close()
    again = make_app(tmp_path)
    try:
        lna_took_sirte(start(again))
        click(again, place_pos(again, "abu_grein"))
        click(again, place_pos(again, "sirte"))
        assert isinstance(again.screen.top_dialog(), AttackDialog)
        assert again.screen.coach.tip is None and again.screen.coach.panel is None
    finally:
        again.close()
    assert session.human == 0
