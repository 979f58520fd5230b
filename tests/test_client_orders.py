"""Orders a player controls, driven with real events under SDL's dummy driver: undo
(Ctrl+Z and its button) back to the last order that rolled dice, splitting a stack
and merging it again, and the question before a move or attack leaves a place bare
beside the enemy. Seeded: the 2019 scenario as the GNA, seed 1."""

from __future__ import annotations

import pygame
import pytest

from client_helpers import click, click_element, dialog_text, frames, key, place_pos, start
from game.client.dialogs import AttackDialog, ConfirmDialog, ReportDialog, SplitDialog
from game.client.session import GameSession
from game.engine import actions as A
from game.engine import legal_actions
from game.engine.persist import state_hash
from game.engine.stacks import DETACHED, merge_partners, split_range

CTRL = pygame.KMOD_LCTRL


def ctrl_z(app) -> None:
    key(app, pygame.K_z, mod=CTRL)


def quiet_move(session):
    """A legal move that leaves a garrison behind (so no question is asked first)."""
    s, w = session.state, session.world
    for a in legal_actions(s):
        if isinstance(a, A.Move):
            here = int(s.u_place[a.unit])
            others = [u for u in s.units_at(here, s.active) if u != a.unit and w.t_ground[s.u_type[u]]]
            if others:
                return a
    raise AssertionError("no move leaves a garrison behind")


def move_by_clicks(app, action: A.Move) -> None:
    screen = app.screen
    w = screen.session.world
    click(app, place_pos(app, screen.session.world.place_ids[int(screen.session.state.u_place[action.unit])]))
    click_element(app, screen.side.unit_buttons[action.unit])
    click(app, place_pos(app, action.to))
    assert int(screen.session.state.u_place[action.unit]) == w.pidx[action.to]


def attack_by_clicks(app, action: A.Attack) -> None:
    screen = app.screen
    key(app, pygame.K_ESCAPE)  # nothing selected: a click on the origin selects it
    click(app, place_pos(app, action.origin))
    click(app, place_pos(app, action.target))
    assert isinstance(screen.top_dialog(), AttackDialog)
    key(app, pygame.K_RETURN)
    assert isinstance(screen.top_dialog(), ReportDialog)
    key(app, pygame.K_RETURN)


def test_undo_a_move_finds_the_unit_back_and_the_same_dice_after(app, tmp_path):
    session = start(app)
    screen = app.screen
    s, w = session.state, session.world
    opening = state_hash(s)
    ctrl_z(app)
    assert "Cannot undo: no order this turn to take back" in screen.status_text
    move = quiet_move(session)
    home = int(s.u_place[move.unit])
    move_by_clicks(app, move)
    assert not s.u_ready[move.unit]
    ctrl_z(app)
    assert int(s.u_place[move.unit]) == home and s.u_ready[move.unit]
    assert state_hash(s) == opening  # the game, its dice included, as if the move had never been made
    assert screen.status_text.startswith("Undone:") and w.place_name(w.pidx[move.to]) in screen.status_text
    assert session.log[-1].text.startswith("Undone:")
    assert not any(e.kind == "move" for e in session.log)  # the log forgets the move, and says it was undone
    # The same later dice: an attack now comes out exactly as in a game where the move never was.
    attack = A.Attack("misrata", "bani_walid")
    attack_by_clicks(app, attack)
    twin = GameSession.new(session.loaded, 0, "random", 1, tmp_path / "twin")
    twin.order(attack)
    assert state_hash(twin.state) == state_hash(s)
    assert [e.text for e in twin.last_events] == [e.text for e in session.last_events]


@pytest.mark.slow
def test_undo_stops_at_an_attack_and_says_why(app):
    session = start(app)
    screen = app.screen
    s = session.state
    first = quiet_move(session)
    move_by_clicks(app, first)
    attack_by_clicks(app, A.Attack("zawiya", "surman"))
    after_attack = state_hash(s)
    second = quiet_move(session)
    move_by_clicks(app, second)
    click_element(app, screen.side.undo_btn)  # the button does what Ctrl+Z does
    assert state_hash(s) == after_attack
    ctrl_z(app)
    assert "Cannot undo: the attack on Surman rolled dice, so it stands" in screen.status_text
    assert session.log[-1].kind == "refused" and "rolled dice" in session.log[-1].text
    assert state_hash(s) == after_attack and int(s.u_place[first.unit]) == session.world.pidx[first.to]
    # A new turn: the last one's orders all stand.
    key(app, pygame.K_RETURN)
    # Up to 400 frames for the AI's turn, stopping once it is ours again: frames drawn
    # after that (at instant speed, all but one or two) would change nothing here.
    for _ in range(400):
        if session.is_human_turn():
            break
        frames(app, 1)
    assert session.is_human_turn() and s.turn == 2
    while screen.top_dialog() is not None:  # the news of the turn
        key(app, pygame.K_ESCAPE)
    ctrl_z(app)
    assert "no order this turn" in screen.status_text


def test_split_a_stack_then_merge_it_again(app, tmp_path):
    session = start(app)
    screen = app.screen
    s, w = session.state, session.world
    # A ready ground unit alone of its kind where it stands, so that merging gathers exactly the two parts.
    u = next(int(a.unit) for a in legal_actions(s) if isinstance(a, A.Move)
             and not merge_partners(s, int(a.unit)) and split_range(s, int(a.unit))[0] < split_range(s, int(a.unit))[1])
    place = int(s.u_place[u])
    strength, n_alive = float(s.u_str[u]), int(s.u_alive[:s.n_units].sum())
    click(app, place_pos(app, w.place_ids[place]))
    click_element(app, screen.side.unit_buttons[u])
    key(app, pygame.K_d)
    dialog = screen.top_dialog()
    assert isinstance(dialog, SplitDialog)
    assert "Each part keeps at least" in dialog_text(dialog)
    key(app, pygame.K_3)  # half leaves
    half = round(strength / 2)
    assert f"leaves as a new unit: <b>{half:,}</b>" in dialog_text(dialog)
    click_element(app, dialog.slider.right_button, steps=4)  # the slider moves the count by its step...
    assert dialog.part > half and f"leaves as a new unit: <b>{dialog.part:,}</b>" in dialog_text(dialog)
    click_element(app, dialog.slider.left_button, steps=4)  # ... and back
    assert dialog.part == half
    key(app, pygame.K_RETURN)
    assert screen.top_dialog() is None
    new = s.n_units - 1
    assert (int(s.u_place[new]), int(s.u_type[new]), float(s.u_str[new])) == (place, int(s.u_type[u]), half)
    assert float(s.u_str[u]) == strength - half and s.u_ready[u] and s.u_ready[new]
    assert s.u_names[new].endswith(DETACHED)
    assert new in screen.side.unit_buttons  # the panel lists the new unit
    # Saved with its two parts, it loads the same.
    key(app, pygame.K_F5)
    path = session.quicksave_path()
    assert state_hash(GameSession.load(path, save_dir=tmp_path, autosave=False).state) == state_hash(s)
    # The detachment moves off; undo brings it back; then the two merge, by the button.
    click_element(app, screen.side.unit_buttons[new])
    assert screen.orders.selected_unit == new
    click_element(app, screen.side.merge_btn)
    assert not s.u_alive[new] and float(s.u_str[u]) == strength and s.u_ready[u]
    assert int(s.u_alive[:s.n_units].sum()) == n_alive
    assert screen.orders.selected_unit == u
    # Merging is an order like any: undo splits them again.
    ctrl_z(app)
    assert s.u_alive[new] and float(s.u_str[new]) == half


def test_a_split_too_small_or_of_drones_is_refused_in_words(app):
    session = start(app)
    screen = app.screen
    s, w = session.state, session.world
    air = next(u for u in range(s.n_units) if s.u_owner[u] == 0 and s.u_backer[u] < 0 and w.t_air[s.u_type[u]])
    screen.select_unit(air)
    frames(app)
    key(app, pygame.K_d)
    assert screen.top_dialog() is None and "Order refused: only ground units split" in screen.status_text
    key(app, pygame.K_m)
    assert "only ground units merge" in screen.status_text
    u = next(int(a.unit) for a in legal_actions(s) if isinstance(a, A.Move))
    s.u_str[u] = 1.5 * split_range(s, u)[0]  # worn down: too few to make two units
    session.version += 1
    screen.select_unit(u)
    frames(app)
    key(app, pygame.K_d)
    assert screen.top_dialog() is None and "too small to split" in screen.status_text


def test_moving_the_last_unit_away_from_the_enemy_asks_first(app):
    session = start(app)
    screen = app.screen
    s, w = session.state, session.world
    move = next(a for a in legal_actions(s) if isinstance(a, A.Move)
                and screen.orders.bared(int(s.u_place[a.unit]), [a.unit]) is not None)
    home = int(s.u_place[move.unit])
    click(app, place_pos(app, w.place_ids[home]))
    click_element(app, screen.side.unit_buttons[move.unit])
    click(app, place_pos(app, move.to))
    dialog = screen.top_dialog()
    assert isinstance(dialog, ConfirmDialog)
    text = dialog_text(dialog)
    assert f"{w.place_name(home)} would be left without a garrison" in text
    key(app, pygame.K_ESCAPE)  # think again: nothing moves
    assert int(s.u_place[move.unit]) == home
    click(app, place_pos(app, move.to))
    assert isinstance(screen.top_dialog(), ConfirmDialog)
    key(app, pygame.K_1)  # go anyway
    assert int(s.u_place[move.unit]) == w.pidx[move.to]
    ctrl_z(app)
    assert int(s.u_place[move.unit]) == home


def test_the_attack_dialog_keeps_a_garrison_and_warns_if_everyone_goes(app):
    """Where sending the whole stack would leave the place bare beside an enemy, the
    smallest unit stays by default; sending it too brings the warning."""
    session = start(app)
    screen = app.screen
    s, w = session.state, session.world
    attack = next(a for a in legal_actions(s) if isinstance(a, A.Attack)
                  and len(screen.orders.attack_summary(w.pidx[a.origin], w.pidx[a.target])["attackers"]) >= 2
                  and screen.orders.bared(w.pidx[a.origin],
                                          screen.orders.attack_summary(w.pidx[a.origin], w.pidx[a.target])["attackers"],
                                          advancing_into=w.pidx[a.target]) is not None)
    click(app, place_pos(app, attack.origin))
    click(app, place_pos(app, attack.target))
    dialog = screen.top_dialog()
    assert isinstance(dialog, AttackDialog)
    home = min(dialog.units, key=lambda u: (float(s.u_str[u]), u))
    assert dialog.going == set(dialog.units) - {home}
    text = dialog_text(dialog)
    assert "without a garrison" not in text and "stays to hold" in text
    assert dialog.order().units == tuple(u for u in dialog.units if u != home)
    click_element(app, dialog.toggles[home])  # send it too
    assert f"{w.place_name(w.pidx[attack.origin])} would be left without a garrison" in dialog_text(dialog)
    assert dialog.order().units is None  # the whole stack
