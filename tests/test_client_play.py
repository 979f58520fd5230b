"""The map screen driven by real mouse and keyboard events: selecting, moving,
refused orders and their explanations, attacks with odds, the AI's turn, event
choices, saving and loading."""

from __future__ import annotations

import os

import pygame
import pytest

from client_helpers import (TRIPOLI, click, click_element, dialog_text, frames, key, lna_took_sirte, make_app, move_mouse,
                            place_pos, start, type_text)
from game.client import describe as D
from game.client.dialogs import AttackDialog, EventDialog, MessageDialog, NewsDialog, ReportDialog
from game.client.game_screen import GameScreen
from game.client.session import GameSession
from game.engine import actions as A
from game.engine import legal_actions, why_illegal
from game.engine.combat import battle_power, win_chance


def _a_move(session):
    """A legal Move of the player's, preferring one whose unit is alone in offering it."""
    w = session.world
    for a in legal_actions(session.state):
        if isinstance(a, A.Move):
            return a.unit, w.pidx[a.to]
    raise AssertionError("no legal move")


def test_select_a_unit_and_move_it(app):
    session = start(app)
    screen = app.screen
    s, w = session.state, session.world
    u, dest = _a_move(session)
    here = w.place_ids[int(s.u_place[u])]
    click(app, place_pos(app, here))
    assert screen.orders.selected_place == w.pidx[here]
    # the side panel lists the place's units: pick ours by its button
    click_element(app, screen.side.unit_buttons[u])
    assert screen.orders.selected_unit == u
    assert dest in screen.marks.moves  # legal destinations are highlighted
    version = session.version
    click(app, place_pos(app, w.place_ids[dest]))
    assert int(s.u_place[u]) == dest
    assert not s.u_ready[u]
    assert session.version > version
    assert any("moves" in e.text for e in session.log[-3:])


def test_an_illegal_order_is_explained(app):
    session = start(app)
    screen = app.screen
    s, w = session.state, session.world
    u, _ = _a_move(session)
    screen.select_unit(u)
    frames(app)
    # a place of ours far out of reach, with none of our units in it
    far = next(p for p in range(w.P) if s.owner[p] == 0 and p not in screen.marks.moves
               and p != int(s.u_place[u]) and not screen.orders.my_units_at(p))
    expected = why_illegal(s, A.Move(u, w.place_ids[far]))
    assert expected
    click(app, place_pos(app, w.place_ids[far]))
    assert int(s.u_place[u]) != far
    assert expected in screen.status_text
    assert session.log[-1].kind == "refused" and expected in session.log[-1].text
    # a right click on enemy ground that no road joins: the engine's reason again
    screen.select_unit(u)
    enemy = next(p for p in range(w.P) if s.owner[p] == 1 and p not in w.neighbours[int(s.u_place[u])])
    click(app, place_pos(app, w.place_ids[enemy]), button=3)
    assert "no road joins" in screen.status_text


def test_attack_shows_odds_then_reports(app):
    session = start(app)
    screen = app.screen
    s, w = session.state, session.world
    attack = next(a for a in legal_actions(s) if isinstance(a, A.Attack))
    origin, target = w.pidx[attack.origin], w.pidx[attack.target]
    click(app, place_pos(app, attack.origin))
    assert screen.orders.selected_place == origin
    assert target in screen.marks.attacks  # odds are shown on the map before committing
    owner_before = int(s.owner[target])
    strength_before = float(s.u_str[: s.n_units].sum())
    click(app, place_pos(app, attack.target))
    dialog = screen.top_dialog()
    assert isinstance(dialog, AttackDialog)
    assert "Chance to take it" in dialog_text(dialog)
    # Expected losses both ways, from the rules' own trial runs of this very order.
    p = screen.orders.preview(dialog.order())
    text = dialog_text(dialog)
    assert f"you lose {D.spread(p.own_lost)} fighters, they lose {D.spread(p.enemy_lost)}" in text
    # ... and where the odds come from: both sides' powers, as the rules multiply them.
    terms = screen.orders.terms(origin, target)
    assert (terms["attack"], terms["defence"]) == battle_power(s, s.active, origin, target)
    assert f"= <b>{D.people(terms['attack'])}</b>" in text and f"= <b>{D.people(terms['defence'])}</b>" in text
    key(app, pygame.K_RETURN)
    assert float(s.u_str[: s.n_units].sum()) < strength_before or int(s.owner[target]) != owner_before
    report = screen.top_dialog()
    assert isinstance(report, ReportDialog)
    key(app, pygame.K_RETURN)
    assert screen.top_dialog() is None


def test_attack_with_two_of_three_units_keeps_the_third_at_home(app):
    session = start(app)
    screen = app.screen
    s, w = session.state, session.world
    # A stack of at least three ready ground units facing an enemy place.
    attack = next(a for a in legal_actions(s) if isinstance(a, A.Attack)
                  and len(screen.orders.attack_summary(w.pidx[a.origin], w.pidx[a.target])["attackers"]) >= 3)
    origin, target = w.pidx[attack.origin], w.pidx[attack.target]
    click(app, place_pos(app, attack.origin))
    click(app, place_pos(app, attack.target))
    dialog = screen.top_dialog()
    assert isinstance(dialog, AttackDialog)
    everyone = list(dialog.units)
    stays = everyone[-1]
    before = dialog_text(dialog)
    click_element(app, dialog.toggles[stays])  # keep the last one at home
    assert "[  ] stays" in dialog.toggles[stays].text and f"{len(everyone) - 1} of {len(everyone)} units" in dialog_text(dialog)
    assert dialog_text(dialog) != before  # the odds follow the choice
    expected = win_chance(s, s.active, origin, target, tuple(everyone[:-1]))
    assert f"{expected:.0%}" in dialog_text(dialog)
    key(app, pygame.K_RETURN)
    assert s.u_place[stays] == origin and s.u_ready[stays]  # still at home, and free to act
    assert all(not s.u_ready[u] for u in everyone[:-1])
    last = next(e for e in reversed(session.log) if e.kind in ("battle", "capture"))
    assert w.place_name(target) in last.text


def test_attack_dialog_warns_of_a_backers_red_line(app):
    """Egypt swore to come in if the GNA retook Sirte once the LNA had held it: the attack
    dialog says so, with what Egypt would send, before the player commits."""
    session = start(app)
    s = session.state
    lna_took_sirte(session)
    assert why_illegal(s, A.Attack("abu_grein", "sirte")) is None
    click(app, place_pos(app, "abu_grein"))
    click(app, place_pos(app, "sirte"))
    dialog = app.screen.top_dialog()
    assert isinstance(dialog, AttackDialog)
    text = dialog_text(dialog)
    assert "Egypt's red line" in text and "commitment +50" in text
    assert "Armoured battalion" in text  # what Egypt sends
    key(app, pygame.K_ESCAPE)
    key(app, pygame.K_ESCAPE)  # and drop the selection
    # Gharyan is no red line of anyone's: no warning.
    assert why_illegal(s, A.Attack("zintan", "gharyan")) is None
    click(app, place_pos(app, "zintan"))
    click(app, place_pos(app, "gharyan"))
    dialog = app.screen.top_dialog()
    assert isinstance(dialog, AttackDialog) and "red line" not in dialog_text(dialog)


def test_end_turn_then_watch_the_ai_turn(tmp_path):
    app = make_app(tmp_path, speed="fast")
    try:
        session = start(app)
        screen = app.screen
        assert session.is_human_turn()
        key(app, pygame.K_RETURN)
        assert not session.is_human_turn()
        # the AI's orders arrive one by one, each animated; step until it is our turn again
        seen_anims = False
        for _ in range(3000):
            frames(app, 1, dt=0.05)
            seen_anims |= any(type(a).__name__ != "BannerAnim" for a in screen.anims)
            if session.is_human_turn():
                break
        assert session.is_human_turn() and session.state.turn == 2
        assert seen_anims
        lna = [e for e in session.log if e.faction == "lna" and e.turn == 1]
        assert any(e.kind == "why" for e in lna), "the AI's reasons are in the log"
        assert (tmp_path / "saves" / "autosave.json").exists()
    finally:
        app.close()


def _shown_seconds_of_the_ai_turn(app, session, dt: float) -> float:
    key(app, pygame.K_RETURN)
    assert not session.is_human_turn()
    shown = 0.0
    for _ in range(20_000):
        frames(app, 1, dt=dt)
        shown += dt
        if session.is_human_turn():
            return shown
    raise AssertionError("the AI's turn never ended")


@pytest.mark.slow
def test_at_fast_speed_an_opponents_turn_plays_in_at_most_three_seconds(tmp_path):
    """The normal AI's turn, animated one order at a time, is cut short at the fast
    speed's cap; at slow speed the same turn (same seed, same orders) plays out whole."""
    from game.client.options import AI_TURN_CAP_S

    shown = {}
    for speed in ("fast", "slow"):
        app = make_app(tmp_path / speed, speed=speed)
        try:
            session = start(app, level="normal")
            shown[speed] = _shown_seconds_of_the_ai_turn(app, session, dt=0.05)
            assert session.state.turn == 2
        finally:
            app.close()
    assert AI_TURN_CAP_S["fast"] == 3.0 and AI_TURN_CAP_S["slow"] is None
    assert shown["fast"] <= 3.0 + 0.1, shown
    assert shown["slow"] > 3.0 + 0.1, shown  # the cap, not a short turn, kept it brief


def test_space_skips_the_ai_animations(tmp_path):
    app = make_app(tmp_path, speed="slow")
    try:
        session = start(app)
        key(app, pygame.K_RETURN)
        key(app, pygame.K_SPACE)
        for _ in range(200):
            frames(app, 1)
            if session.is_human_turn():
                break
        assert session.is_human_turn() and session.state.turn == 2
    finally:
        app.close()


def test_save_and_load_give_the_same_state(app, tmp_path):
    session = start(app)
    key(app, pygame.K_F5)
    saved = session.hash()
    assert (tmp_path / "saves" / "quicksave.json").exists()
    u, dest = _a_move(session)
    session.order(A.Move(u, session.world.place_ids[dest]))
    assert session.hash() != saved
    key(app, pygame.K_F9)
    key(app, pygame.K_2)  # the order since the save is let go (see the next test)
    assert isinstance(app.screen, GameScreen)
    assert app.screen.session is not session
    assert app.screen.session.hash() == saved
    assert app.screen.session.human == 0


def test_leaving_with_unsaved_orders_asks_first(app):
    from game.client.dialogs import ConfirmDialog
    from game.client.menu import MenuScreen

    session = start(app)
    s = session.state
    move = next(a for a in legal_actions(s) if isinstance(a, A.Move))
    key(app, pygame.K_F5)  # a quick save, then an order after it
    app.screen.give(move)
    assert session.unsaved()
    moved = session.hash()
    key(app, pygame.K_F9)
    confirm = app.screen.top_dialog()
    assert isinstance(confirm, ConfirmDialog) and "orders since the game was last saved" in dialog_text(confirm)
    key(app, pygame.K_ESCAPE)  # think again: the game is as it was
    assert app.screen.session is session and session.hash() == moved
    key(app, pygame.K_F9)
    key(app, pygame.K_2)  # leave without saving: the quick save comes back, without the move
    assert app.screen.session is not session and app.screen.session.hash() != moved
    # A game with nothing unsaved leaves at once; one with orders can be saved on the way out.
    reloaded = app.screen.session
    assert not reloaded.unsaved()
    app.screen.give(next(a for a in legal_actions(reloaded.state) if isinstance(a, A.Move)))
    app.screen.to_menu()
    frames(app, 2)
    key(app, pygame.K_1)  # save, then leave
    assert isinstance(app.screen, MenuScreen)
    saved = GameSession.load(reloaded.quicksave_path(), None)
    assert saved.hash() == reloaded.hash()


def test_closing_the_window_with_unsaved_orders_asks_first(app):
    from game.client.dialogs import ConfirmDialog

    session = start(app)
    app.screen.give(next(a for a in legal_actions(session.state) if isinstance(a, A.Move)))
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    frames(app, 2)
    assert app.running and isinstance(app.screen.top_dialog(), ConfirmDialog)
    assert "close the window" in dialog_text(app.screen.top_dialog())
    key(app, pygame.K_ESCAPE)  # think again
    assert app.running and app.screen.session is session
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    frames(app, 2)
    key(app, pygame.K_2)  # leave without saving
    assert not app.running


def test_a_corrupt_save_gets_a_clear_message(app, tmp_path):
    start(app)
    (tmp_path / "saves").mkdir(exist_ok=True)
    (tmp_path / "saves" / "quicksave.json").write_text('{"format": "sandtable-save", "state": {tru', encoding="utf-8")
    key(app, pygame.K_F9)
    dialog = app.screen.top_dialog()
    assert isinstance(dialog, MessageDialog)
    assert "corrupt" in dialog_text(dialog)
    key(app, pygame.K_RETURN)
    assert app.screen.top_dialog() is None


def test_event_dialog_offers_choices_and_applies_one(app):
    session = start(app)
    s, w = session.state, session.world
    e = next(i for i, ev in enumerate(w.events) if ev.choice is not None and ev.choice.faction == "gna")
    ev = w.events[e]
    s.pending.append((0, e))
    session.version += 1
    frames(app, 2)
    dialog = app.screen.top_dialog()
    assert isinstance(dialog, EventDialog)
    # ending the turn is refused while the question waits, and the reason is shown
    app.screen.give(A.EndTurn())
    assert "first answer" in app.screen.status_text
    # The question cites what it rests on, as the scenario gives it.
    if ev.source:
        first = ev.source if isinstance(ev.source, str) else ev.source[0]
        assert f"[{first}] {w.spec.meta.sources[first].title}" in dialog_text(dialog)
    option = list(ev.choice.options)[0]
    click_element(app, dialog.options[option])
    assert s.pending == []
    assert any(x.kind == "choice" for x in session.log[-6:])
    assert app.screen.top_dialog() is None or not isinstance(app.screen.top_dialog(), EventDialog)


def test_escape_hides_a_question_and_enter_brings_it_back(app):
    session = start(app)
    s, w = session.state, session.world
    e = next(i for i, ev in enumerate(w.events) if ev.choice is not None and ev.choice.faction == "gna")
    s.pending.append((0, e))
    session.version += 1
    frames(app, 2)
    assert isinstance(app.screen.top_dialog(), EventDialog)
    key(app, pygame.K_ESCAPE)
    assert app.screen.top_dialog() is None
    key(app, pygame.K_RETURN)
    assert isinstance(app.screen.top_dialog(), EventDialog)
    key(app, pygame.K_1)
    assert s.pending == []


def test_wheel_zooms_and_drag_pans(app):
    start(app)
    cam = app.screen.view.camera
    centre = app.screen.map_rect.center
    move_mouse(app, centre)
    z = cam.zoom
    pygame.event.post(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=-2, flipped=False, precise_x=0.0, precise_y=-2.0))
    frames(app)
    assert cam.zoom < z
    cx = cam.cx
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=centre, button=1, touch=False))
    for i in range(1, 6):
        pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=(centre[0] + 20 * i, centre[1]), rel=(20, 0),
                                             buttons=(1, 0, 0), touch=False))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=(centre[0] + 100, centre[1]), button=1, touch=False))
    frames(app, 2)
    assert cam.cx < cx  # dragging right moves the view west
    frames(app, 20, dt=0.02)  # past the zoom settle time: the base is re-rendered at the new zoom
    assert app.screen.view._cache_zoom == cam.zoom


def test_toggles_and_tab(app):
    session = start(app)
    view = app.screen.view
    key(app, pygame.K_a)
    key(app, pygame.K_s)
    key(app, pygame.K_f)
    assert view.show_air and view.show_supply and not view.show_front
    key(app, pygame.K_TAB)
    u = app.screen.orders.selected_unit
    assert u is not None and session.state.u_owner[u] == 0
    key(app, pygame.K_n)
    assert app.screen.orders.selected_unit is not None
    key(app, pygame.K_ESCAPE)
    assert app.screen.orders.selected_unit is None


def test_drone_strike_through_its_window(app):
    session = start(app)
    s, w = session.state, session.world
    strike = next(a for a in legal_actions(s) if isinstance(a, A.DroneStrike))
    app.screen.select_unit(strike.unit)
    frames(app)
    target = w.pidx[strike.target]
    assert target in app.screen.marks.strikes
    sorties = int(s.u_sorties[strike.unit])
    click(app, place_pos(app, strike.target))
    from game.client.dialogs import StrikeDialog

    dialog = app.screen.top_dialog()
    assert isinstance(dialog, StrikeDialog)
    # The preview, before the click, says what a strike on troops will cost in civilians
    # and standing; carried out, the strike records exactly that (if it gets through).
    first = A.DroneStrike(strike.unit, strike.target, dialog.kinds[0])
    p = app.screen.orders.preview(first)
    assert first.kind == "units" and p.harm_if_success > 0 and "civilians are harmed" in dialog_text(dialog)
    harm, legitimacy = float(s.harm.sum()), float(s.legitimacy[s.active])
    key(app, pygame.K_1)
    assert int(s.u_sorties[strike.unit]) == sorties - 1
    (report,) = [e for e in session.log[-3:] if e.kind == "strike"]
    # Seeded so that this strike gets through: the comparison below always runs.
    assert "shot down" not in report.text
    assert float(s.harm.sum()) - harm == pytest.approx(p.harm_if_success) and p.harm_if_success > 0
    assert float(s.legitimacy[s.active]) - legitimacy == pytest.approx(p.legitimacy_if_success)


def test_recruit_and_ask_a_backer(app):
    session = start(app)
    s, w = session.state, session.world
    from game.client.dialogs import BackersWindow, RecruitDialog

    recruit = next(a for a in legal_actions(s) if isinstance(a, A.Recruit))
    click(app, place_pos(app, recruit.place))
    key(app, pygame.K_r)
    dialog = app.screen.top_dialog()
    assert isinstance(dialog, RecruitDialog)
    n = s.n_units
    key(app, pygame.K_1)
    assert s.n_units == n + 1 or app.screen.status_text.startswith("Order refused")
    key(app, pygame.K_b)
    window = app.screen.top_dialog()
    assert isinstance(window, BackersWindow)
    # Every backer and package of the player's side shows the sources the scenario gives for it.
    shown = dialog_text(window)
    for b, bk in enumerate(w.backers):
        if w.backer_client[b] == s.active:
            for ref in [bk] + [w.packages[k].spec for k in w.packages_of_backer[b]]:
                for sid in [ref.source] if isinstance(ref.source, str) else ref.source or []:
                    assert f"[{sid}]" in shown, (ref.name, sid)
    request = next(a for a in legal_actions(s) if isinstance(a, A.RequestSupport))
    button = window.request_buttons[(request.backer, request.package)]
    assert button.is_enabled
    app.screen.request(request)  # the button's callback (it may be scrolled out of view)
    frames(app, 2)
    k = w.kidx[(request.backer, request.package)]
    assert k in s.requested
    assert any(e.kind in ("dispatch", "request") for e in session.log[-3:])


def test_threaded_ai_keeps_the_window_responsive(tmp_path):
    import time

    app = make_app(tmp_path, speed="fast", threaded=True)
    try:
        session = start(app)
        key(app, pygame.K_RETURN)
        for _ in range(2000):
            frames(app, 1, dt=0.05)
            if session.is_human_turn():
                break
            time.sleep(0.001)
        assert session.is_human_turn() and session.state.turn == 2
    finally:
        app.close()


def test_every_key_in_the_table_works_and_is_in_the_help(app):
    from game.client import keys
    from game.client.dialogs import EncyclopediaWindow

    start(app, human=0)
    screen = app.screen
    for b in keys.BINDINGS:
        assert callable(getattr(screen, b.action, None)), f"{b.shown} calls {b.action}, which the screen lacks"
    key(app, pygame.K_a)
    assert screen.view.show_air  # a key from the table reaches its action
    key(app, pygame.K_a)
    assert not screen.view.show_air
    key(app, pygame.K_F1)
    help_text = app.screen.top_dialog().page.html_text
    assert isinstance(app.screen.top_dialog(), EncyclopediaWindow)
    for b in keys.BINDINGS:
        assert f"{b.shown} — {b.does}" in help_text
    assert "\n" not in help_text  # the window wraps lines itself, never mid-sentence
    assert screen.top.buttons["backers"].text == keys.labelled("Backers", "open_backers")


def test_the_last_five_autosaves_are_kept_in_rotation(tmp_path):
    from client_helpers import loaded
    from game.client.session import AUTOSAVES, autoplay

    session = GameSession.new(loaded(), 0, "random", 4, tmp_path)
    session.sit(None)  # let the AI play both sides; autosaves still come every round
    autoplay(session, 8)
    saves = tmp_path / "saves"
    names = sorted(p.name for p in saves.glob("autosave*.json") if not p.name.endswith(".client.json"))
    assert names == ["autosave-2.json", "autosave-3.json", "autosave-4.json", "autosave-5.json", "autosave.json"]
    assert AUTOSAVES == 5
    turns = [GameSession.load(saves / n, None).state.turn
             for n in ["autosave.json", "autosave-2.json", "autosave-3.json", "autosave-4.json", "autosave-5.json"]]
    assert turns == sorted(turns, reverse=True) and len(set(turns)) == 5  # newest first, one a turn
    for n in names:  # each keeps its own note of who played what
        assert (saves / n.replace(".json", ".client.json")).exists()


@pytest.mark.slow
def test_save_under_a_name_then_find_it_in_the_load_list(app, tmp_path):
    from game.client.dialogs import ConfirmDialog, SaveDialog, save_name
    from game.client.session import list_saves

    assert save_name("  Tripoli, week 12 / GNA!  ") == "Tripoli_week_12__GNA"
    assert save_name("../../etc/passwd") == "etcpasswd" and save_name("   ") == ""
    session = start(app)
    key(app, pygame.K_F6)
    dialog = app.screen.top_dialog()
    assert isinstance(dialog, SaveDialog) and "turn 1" in dialog.entry.get_text()
    dialog.entry.set_text("before the offensive")
    key(app, pygame.K_RETURN)
    path = tmp_path / "saves" / "before_the_offensive.json"
    assert path.exists() and path in list_saves(tmp_path)
    assert GameSession.load(path, None).hash() == session.hash()
    app.screen.give(next(a for a in legal_actions(session.state) if isinstance(a, A.Move)))
    key(app, pygame.K_F6)
    app.screen.top_dialog().entry.set_text("before the offensive")
    key(app, pygame.K_RETURN)
    confirm = app.screen.top_dialog()
    assert isinstance(confirm, ConfirmDialog)  # the name is taken: asked before replacing it
    key(app, pygame.K_1)
    assert GameSession.load(path, None).hash() == session.hash()
    # The menu's load screen lists it with its scenario, turn, date and side, and a click on it loads it.
    from game.client.menu import LoadDialog, MenuScreen

    saved = session.hash()
    app.screen.to_menu()
    frames(app, 2)
    assert isinstance(app.screen, MenuScreen)  # nothing unsaved: no question
    click_element(app, app.screen.bottom_buttons[0])
    listing = app.screen.dialogs[-1]
    assert isinstance(listing, LoadDialog)
    row = next(e for e in listing.get_container().elements
               if getattr(e, "text", "").split("  ", 1)[-1].startswith("before_the_offensive"))
    w = session.world
    assert (f"{w.spec.meta.title} — turn {session.state.turn}, {D.long_date(session.state.date)}" in row.text
            and f"as {w.factions[0].short}" in row.text), row.text
    click_element(app, row)
    assert isinstance(app.screen, GameScreen) and app.screen.session.hash() == saved


def test_the_what_now_suggestions_are_links_that_act(app):
    import pygame_gui

    session = start(app)
    screen = app.screen
    w = session.world
    advice = screen.side._advice_html()
    link = next(part.split("'")[0] for part in advice.split("<a href='")[1:] if part.startswith("attack:"))
    origin, target = (int(x) for x in link.split(":")[1:])
    assert f"Attack {w.place_name(target)}" in advice
    pygame.event.post(pygame.event.Event(pygame_gui.UI_TEXT_BOX_LINK_CLICKED, link_target=link))
    frames(app, 2)
    dialog = screen.top_dialog()
    assert isinstance(dialog, AttackDialog) and (dialog.origin, dialog.target) == (origin, target)
    key(app, pygame.K_ESCAPE)
    pygame.event.post(pygame.event.Event(pygame_gui.UI_TEXT_BOX_LINK_CLICKED, link_target="next"))
    frames(app, 2)
    assert screen.orders.selected_unit is not None  # as Tab would
    pygame.event.post(pygame.event.Event(pygame_gui.UI_TEXT_BOX_LINK_CLICKED, link_target="attack:0:999"))
    frames(app, 2)  # a stale or bad link does nothing
    assert screen.top_dialog() is None


def test_what_now_offers_no_hopeless_attack(app):
    """With every town the GNA does not hold behind a wall of armed locals, no attack is
    offered as advice: the panel names the best one and says it has no fighting chance."""
    from game.client.panels import FIGHTING_CHANCE

    session = start(app)
    s, w = session.state, session.world
    s.local_defence[s.owner != w.fidx["gna"]] = 1e7
    session.version += 1
    advice = app.screen.side._advice_html()
    assert "No attack has a fighting chance (best: " in advice
    assert advice.count("<a href='attack:") == 1
    link = next(part.split("'")[0] for part in advice.split("<a href='")[1:] if part.startswith("attack:"))
    origin, target = (int(x) for x in link.split(":")[1:])
    assert app.screen.orders.odds(origin, target) < FIGHTING_CHANCE


@pytest.mark.parametrize("gauge", ["cohesion", "legitimacy", "harm", "funds", "manpower", "points", "victory"])
def test_each_of_a_sides_numbers_explains_itself(app, gauge):
    import pygame_gui

    session = start(app)
    w = session.world
    assert f"gauge:{gauge}:0" in app.screen.side._resources_html()  # the number's name is a link
    pygame.event.post(pygame.event.Event(pygame_gui.UI_TEXT_BOX_LINK_CLICKED, link_target=f"gauge:{gauge}:0"))
    frames(app, 2)
    dialog = app.screen.top_dialog()
    assert isinstance(dialog, MessageDialog)
    text = dialog_text(dialog)
    pol = w.rules.politics
    expected = {"cohesion": f"Below <b>{pol.defection_below:g}</b>", "legitimacy": f"{pol.harm_legitimacy:g}",
                "harm": f"{pol.harm_per_strike:g} civilians", "funds": f"{w.rules.economy.unpaid_desertion:.0%}",
                "manpower": f"{w.factions[0].manpower_per_turn:g} more come each turn",
                "points": "Its victory conditions",
                "victory": f"turns in a row: <b>0 of {w.factions[0].victory[0].hold_turns}"
                if w.factions[0].victory[0].kind.value == "capture" else "How the war can end"}[gauge]
    assert expected in text  # read from the scenario's own rules, not written out by hand


def test_the_camera_follows_the_ai_to_a_place_off_screen(tmp_path):
    from game.engine import Report

    app = make_app(tmp_path)
    try:
        session = start(app, human=None)  # watching: every order is the AI's
        screen = app.screen
        w = session.world
        far = w.pidx["kufra"]  # the far south-east, off the opening view of Tripoli
        assert not screen.map_rect.collidepoint(*screen.view.screen_of(far))
        screen._after([Report("battle", "a battle far away", session.state.turn, "lna", {"place": "kufra"})])
        assert screen.map_rect.collidepoint(*screen.view.screen_of(far))
        near = w.pidx["tripoli"]
        before = screen.view.screen_of(near)
        screen._after([Report("strike", "a strike in view", session.state.turn, "lna", {"place": "kufra"})])
        assert screen.view.screen_of(near) == before  # a place already in view does not move the map
    finally:
        app.close()


def test_the_log_filters_by_kind_and_hides_the_ai_reasons_at_first(tmp_path):
    from game.client.panels import log_kind
    from game.client.session import LogEntry

    app = make_app(tmp_path)
    try:
        session = start(app, human=0)
        side = app.screen.side
        w = session.world
        kinds = {"why": LogEntry(1, "lna", "why", "LNA thinks: attack"), "mine": LogEntry(1, "gna", "battle", "GNA takes X"),
                 "enemy": LogEntry(1, "lna", "move", "LNA moves"), "backers": LogEntry(1, "gna", "delivery", "drones"),
                 "events": LogEntry(1, None, "scripted", "Berlin conference")}
        assert {k: log_kind(e, w, 0) for k, e in kinds.items()} == {
            "why": "reasons", "mine": "mine", "enemy": "enemy", "backers": "backers", "events": "events"}
        assert log_kind(LogEntry(1, None, "system", "saved"), w, 0) is None  # always shown
        assert not side.shown_in_log(kinds["why"]) and side.shown_in_log(kinds["enemy"])
        session.log.append(kinds["enemy"])
        session.log.append(kinds["why"])
        session.version += 1
        frames(app, 2)
        click_element(app, side.log_buttons["enemy"])  # hide the enemy's orders (the log is rebuilt)
        assert "LNA moves" not in side.log.html_text and not side.log_buttons["enemy"].is_selected
        assert "LNA thinks" not in side.log.html_text  # the AI's reasons are hidden from the start
        click_element(app, side.log_buttons["enemy"])
        click_element(app, side.log_buttons["reasons"])
        assert "LNA moves" in side.log.html_text and "LNA thinks: attack" in side.log.html_text
    finally:
        app.close()


def test_cohesion_says_what_moved_it_and_by_how_much(app):
    """The cohesion window reads the gauges' ledger: after the GNA loses Zawiya, it shows
    the loss by name and amount, the same figure the rules moved the gauge by."""
    import pygame_gui
    from game.engine.gauges import changes
    from game.engine.territory import capture

    session = start(app)
    s, w = session.state, session.world
    before = float(s.cohesion[0])
    capture(s, w.fidx["lna"], w.pidx["zawiya"])
    session.version += 1
    pygame.event.post(pygame.event.Event(pygame_gui.UI_TEXT_BOX_LINK_CLICKED, link_target="gauge:cohesion:0"))
    frames(app, 2)
    text = dialog_text(app.screen.top_dialog())
    ((why, moved),) = changes(s, "cohesion", 0, s.turn)
    assert why == "lost Zawiya" and moved == pytest.approx(float(s.cohesion[0]) - before) and moved < 0
    assert f"This turn so far: {moved:+.1f}".replace("-", "−") in text and f"lost Zawiya {moved:+.1f}".replace("-", "−") in text


def test_hovering_over_cohesion_shows_what_moved_it_and_where_it_began(app):
    """The pointer resting on the cohesion figure (no click) brings up a tooltip with the
    rule's thresholds, the change cause by cause, and the sources of the starting value."""
    from client_helpers import hover, link_pos
    from game.engine.gauges import changes
    from game.engine.territory import capture

    session = start(app)
    s, w = session.state, session.world
    capture(s, w.fidx["lna"], w.pidx["zawiya"])
    session.version += 1
    frames(app, 2)
    screen = app.screen
    assert screen.tooltip is None
    hover(app, link_pos(screen.side.resources, "gauge:cohesion:0"))
    assert screen.tooltip is not None and screen.top_dialog() is None  # a tooltip, not a window
    text = screen.tooltip.text_block.html_text
    ((why, moved),) = changes(s, "cohesion", 0, s.turn)
    assert f"{why} {moved:+.1f}".replace("-", "−") in text
    assert f"Below <b>{w.rules.politics.defection_below:g}</b>" in text
    assert "Where its starting figures come from: [s0]" in text
    hover(app, (5, 5))  # away from it: the tooltip goes
    assert screen.tooltip is None


def test_the_selected_units_name_opens_its_type_in_the_encyclopedia(app):
    """A real click on the selected unit's name in the side panel opens the encyclopedia at its type."""
    from client_helpers import link_pos
    from game.client.dialogs import EncyclopediaWindow

    session = start(app)
    s, w = session.state, session.world
    screen = app.screen
    click(app, place_pos(app, "zawiya"))
    u = next(iter(screen.side.unit_buttons))
    click_element(app, screen.side.unit_buttons[u])
    tid = w.type_ids[int(s.u_type[u])]
    click(app, link_pos(screen.side.place_box, f"encyclopedia:unit:{tid}"))
    window = screen.top_dialog()
    assert isinstance(window, EncyclopediaWindow) and window.shown == f"unit:{tid}"
    assert w.spec.unit_types[tid].name in window.page.html_text


@pytest.mark.slow
def test_the_encyclopedia_opens_at_a_unit_type_and_reads_it_from_the_scenario(app):
    """F1 opens the encyclopedia at how to play; choosing a unit type in its list shows
    that type's figures, as the scenario gives them; a link opens it at a page."""
    import pygame_gui
    from game.client.dialogs import EncyclopediaWindow

    session = start(app)
    spec = session.world.spec
    key(app, pygame.K_F1)
    window = app.screen.top_dialog()
    assert isinstance(window, EncyclopediaWindow) and window.shown == "help"
    tb2 = spec.unit_types["tb2"]
    title = f"Unit: {tb2.name}"
    pygame.event.post(pygame.event.Event(pygame_gui.UI_SELECTION_LIST_NEW_SELECTION, text=title,
                                         ui_element=window.listing))
    frames(app, 3)
    page = window.page.html_text
    assert window.shown == "unit:tb2"
    assert f"strike {tb2.strike:g}" in page and f"range {tb2.range_km:g} km" in page and "Turkey" in page
    key(app, pygame.K_DOWN)  # the next page in the list
    assert window.shown != "unit:tb2"
    key(app, pygame.K_ESCAPE)
    pygame.event.post(pygame.event.Event(pygame_gui.UI_TEXT_BOX_LINK_CLICKED, link_target="encyclopedia:rules:combat"))
    frames(app, 2)
    window = app.screen.top_dialog()
    combat = spec.rules.combat
    assert window.shown == "rules:combat"
    assert f"rules.combat.loss_rate</b> = {combat.loss_rate:g}" in window.page.html_text


@pytest.mark.slow
def test_the_encyclopedia_search_keeps_the_pages_that_hold_every_word(app):
    """Typed into the search line, a word lists the pages that hold it, those with it in
    the title first, and shows the first; two words must both be there; nonsense lists
    nothing and says so; Esc clears the search before it closes the window."""
    from game.client.dialogs import EncyclopediaWindow
    from game.client.encyclopedia import entries

    session = start(app)
    spec = session.world.spec
    key(app, pygame.K_F1)
    window = app.screen.top_dialog()
    assert isinstance(window, EncyclopediaWindow)
    everything = len(window.pages)
    click_element(app, window.search)
    assert window.search.is_focused
    type_text(app, "sirte")
    listed = [item["text"] for item in window.listing.item_list]
    sirte = spec.map.places["sirte"].name
    assert listed[0] == f"Place: {sirte}" and window.shown == "place:sirte", listed[:5]
    # Every listed page holds the word, and no page that holds it is left out.
    pages = {e.title: e for e in entries(spec, "")}
    holding = [t for t, e in pages.items() if "sirte" in (e.title + e.html).lower()]
    assert set(listed) == set(holding) | ({"How to play"} & set(listed)) and len(listed) < everything
    # Up and Down stay within what is listed.
    key(app, pygame.K_DOWN)
    assert window.shown != "place:sirte" and any(e.key == window.shown and e.title in listed for e in window.pages)
    # A second word narrows the list: both must be on a page.
    type_text(app, " brigade")
    narrowed = [item["text"] for item in window.listing.item_list]
    assert narrowed and set(narrowed) <= set(listed) and len(narrowed) < len(listed)
    for title in narrowed:
        e = pages.get(title)
        assert e is None or all(w in (e.title + e.html).lower() for w in ("sirte", "brigade"))
    type_text(app, "zzqx")
    assert [item["text"] for item in window.listing.item_list] == ["(no page holds those words)"]
    key(app, pygame.K_DOWN)  # nothing to step through: nothing happens
    key(app, pygame.K_ESCAPE)
    assert app.screen.top_dialog() is window and window.search.get_text() == ""
    assert len(window.listing.item_list) == everything
    key(app, pygame.K_ESCAPE)
    assert app.screen.top_dialog() is None


@pytest.mark.parametrize("name", ["tripoli_2019", "dignity_2014", "karabakh_2020"])
def test_every_unit_type_backer_place_and_rule_has_a_page(name):
    from conftest import SCENARIOS
    from client_helpers import loaded
    from game.client.encyclopedia import entries

    spec = loaded(SCENARIOS / f"{name}.yaml").spec
    from game.client.describe import esc

    keys_ = {e.key for e in entries(spec, "")}
    assert {f"unit:{t}" for t in spec.unit_types} <= keys_
    assert {f"backer:{b}" for b in spec.backers} <= keys_
    assert {f"place:{p}" for p in spec.map.places} <= keys_
    assert {f"faction:{f}" for f in spec.factions} <= keys_
    # A side's page names every group of its coalition, with the sources behind it.
    pages_ = {e.key: e.html for e in entries(spec, "")}
    for fid, f in spec.factions.items():
        for m in f.militias.values():
            assert esc(m.name) in pages_[f"faction:{fid}"]
            for sid in ([m.source] if isinstance(m.source, str) else m.source or []):
                assert f"[{sid}]" in pages_[f"faction:{fid}"], (fid, m.name, sid)
    assert {"rules:combat", "rules:supply", "rules:air", "rules:backers", "rules:politics", "rules:economy",
            "rules:victory", "glossary", "help"} <= keys_
    # Every constant of every rule is on its page.
    pages = {e.key: e.html for e in entries(spec, "")}
    for section in ("combat", "supply", "movement", "air", "backers", "politics", "economy"):
        for field in type(getattr(spec.rules, section)).model_fields:
            assert f"rules.{section}.{field}</b>" in pages[f"rules:{section}"]


def test_the_politics_page_and_cohesion_window_state_the_strike_rule_only_when_it_is_on():
    from conftest import SCENARIOS
    from client_helpers import loaded
    from game.client.encyclopedia import entries
    from game.client.explain import gauge_html
    from game.engine import World, new_game

    spec = loaded(SCENARIOS / "tripoli_2019.yaml").spec
    pol = spec.rules.politics.model_copy(update={"cohesion_per_strike": 0.25})
    on = spec.model_copy(update={"rules": spec.rules.model_copy(update={"politics": pol})})
    said = "• Each enemy strike"
    for s, shown in ((spec, False), (on, True)):
        page = next(e.html for e in entries(s, "") if e.key == "rules:politics")
        window = gauge_html(new_game(World(s), 0), 0, "cohesion")
        assert (said in page) is shown and (said in window) is shown
        if shown:
            assert "costs it 0.25 cohesion" in page and "got through, costs 0.25." in window


def test_the_movement_page_states_the_long_road_rules_only_when_they_are_on():
    from conftest import SCENARIOS
    from client_helpers import loaded
    from game.client.encyclopedia import entries

    spec = loaded(SCENARIOS / "tripoli_2019.yaml").spec  # the 2019 war has both rules on
    assert spec.rules.movement.attack_within_march and spec.rules.movement.one_road_a_turn
    mv = spec.rules.movement.model_copy(update={"attack_within_march": False, "one_road_a_turn": False})
    off = spec.model_copy(update={"rules": spec.rules.model_copy(update={"movement": mv})})
    for s, shown in ((off, False), (spec, True)):
        page = next(e.html for e in entries(s, "") if e.key == "rules:movement")
        assert ("march one road to a place its side holds" in page) is shown
        assert ("an attack goes only along a road the attackers could march" in page) is shown


def test_the_combat_page_states_the_siege_rule_as_this_war_sets_it():
    """Sieges are stated on the combat page only in a war that has them, with the
    distance within which troops besiege a town when the war sets one."""
    from conftest import SCENARIOS
    from client_helpers import loaded
    from game.client.encyclopedia import entries

    spec = loaded(SCENARIOS / "tripoli_2019.yaml").spec  # sieges within 100 km of road
    c = spec.rules.combat
    assert c.siege_loss > 0 and c.siege_km > 0

    def page(combat):
        s = spec.model_copy(update={"rules": spec.rules.model_copy(update={"combat": combat})})
        return next(e.html for e in entries(s, "") if e.key == "rules:combat")

    shipped = page(c)
    assert (f"(within {c.siege_km:g} km of road) and enemy drones over it is besieged: "
            f"it loses {c.siege_loss:.0%}") in shipped
    assert "km of road" not in page(c.model_copy(update={"siege_km": 0.0}))
    assert "is besieged" not in page(c.model_copy(update={"siege_loss": 0.0}))


def test_the_air_page_states_cover_from_strikes_only_in_a_war_that_sets_it():
    """How far troops shelter from strikes behind their ground is said in words on the
    air page only where the war sets `rules.air.cover`, with the power it sets."""
    from conftest import SCENARIOS
    from client_helpers import loaded
    from game.client.encyclopedia import entries

    spec = loaded(SCENARIOS / "tripoli_2019.yaml").spec

    def page(cover):
        air = spec.rules.air.model_copy(update={"cover": cover})
        s = spec.model_copy(update={"rules": spec.rules.model_copy(update={"air": air})})
        return next(e.html for e in entries(s, "") if e.key == "rules:air")

    assert "In this war troops shelter" not in page(0.0)  # the rule table lists it still, at 0
    assert "to the power 0.8, so men in a city" in page(0.8)


def test_the_side_panel_keeps_each_sides_nearest_win_in_view(app):
    """Without opening anything, the side panel says how the player's side is nearest to
    winning and how the enemy is, with the progress; it follows the game as it moves."""
    from game.engine.territory import capture

    session = start(app)
    s, w = session.state, session.world
    frames(app, 2)
    text = app.screen.side.resources.html_text
    assert "Your nearest win:</b> still hold Tripoli, Mitiga airport when the last turn ends — <b>holds 2 of 2 now" in text
    # The LNA is nowhere near the capital on turn 1: its nearest way is the GNA's cohesion.
    assert f"LNA's nearest win:</b></font> an enemy's coalition collapses — <b>GNA cohesion {s.cohesion[0]:.0f}" in text
    # With the capital taken, it is two turns of holding it.
    capture(s, w.fidx["lna"], w.pidx["tripoli"])
    capture(s, w.fidx["lna"], w.pidx["mitiga"])
    session.version += 1
    frames(app, 2)
    text = app.screen.side.resources.html_text
    assert "LNA's nearest win:</b></font> hold Tripoli, Mitiga airport for 2 turns in a row — <b>0 of 2 turns" in text


def test_the_weeks_news_comes_before_the_question_it_explains(app):
    """Turn 2 of the 2019 war brings news and the GNA's first decision together: the
    news opens first, and the question as soon as the news is read."""
    session = start(app)
    s = session.state
    key(app, pygame.K_RETURN)  # end turn 1
    for _ in range(4000):
        frames(app, 1)
        if session.is_human_turn():
            break
    assert s.turn == 2 and session.pending_question() is not None
    frames(app, 2)
    assert isinstance(app.screen.top_dialog(), NewsDialog)
    key(app, pygame.K_RETURN)
    frames(app, 2)
    assert isinstance(app.screen.top_dialog(), EventDialog)


def test_the_hint_line_wraps_in_a_small_window_instead_of_being_cut(app):
    """At 1280×720 the opening hint is wider than the map beside the minimap: it is
    drawn on two lines, every word kept, none wider than the room."""
    start(app)
    screen = app.screen
    text, _ = screen._hint()
    r = screen.map_rect
    room = r.right - 10 - (r.x + screen.view.minimap_rect().w + 20) - 24
    lines = screen._wrapped(text, room, False)
    font = app.fonts.font(14, False)
    assert len(lines) == 2 and " ".join(lines) == text
    assert all(font.size(line)[0] <= room for line in lines)
    frames(app, 1)  # and the frame that draws them goes through


def test_the_blockade_button_shows_only_to_a_side_with_oil_to_shut(app):
    """Shutting in oil is an order only for a side that holds a field: the GNA of 2019
    has the button; in 2020 Karabakh, Azerbaijan (Sangachal) has it and Armenia (no oil)
    does not; in the engine's arena (no oil anywhere) nobody has it."""
    from engine_helpers import ENGINE_DATA

    start(app)
    assert app.screen.side.blockade_btn.visible
    karabakh = TRIPOLI.parent / "karabakh_2020.yaml"
    for side, shown in ((0, True), (1, False)):
        start(app, human=side, path=karabakh)
        assert app.screen.session.world.faction_ids[side] == ("aze", "arm")[side]
        assert app.screen.side.blockade_btn.visible == shown
    start(app, path=ENGINE_DATA / "arena.yaml")
    frames(app, 2)
    assert not app.screen.side.blockade_btn.visible


def test_a_player_digs_in_from_the_side_panel_and_reads_the_works(tmp_path):
    """Where the scenario lets sides dig, the side panel's place button digs in at a
    selected place of one's own, and the place's text says what its works give."""
    child = tmp_path / "dig.yaml"
    child.write_text(f"extends: {TRIPOLI}\nrules:\n  fortification: {{build_cost: 15}}\n"
                     "map:\n  places:\n    tripoli: {fortification: 1}\n", encoding="utf-8")
    app = make_app(tmp_path, size=(1600, 900))
    try:
        session = start(app, path=child)
        s, w = session.state, session.world
        tripoli = w.pidx["tripoli"]
        click(app, place_pos(app, "tripoli"))
        panel = app.screen.side
        frames(app, 2)
        assert panel.buy_btn.text == "Dig in (15M)" and panel.buy_btn.is_enabled
        assert "Works at level 1.0 of 3: defence ×1.25" in panel._place_html()
        before = float(s.treasury[session.human])
        click_element(app, panel.buy_btn)
        assert s.treasury[session.human] == pytest.approx(before - 15)
        assert s.works_due[tripoli] == s.turn + w.rules.fortification.build_turns - 1
        assert any(e.kind == "works" and "starts digging in at Tripoli" in e.text for e in session.log[-2:])
        frames(app, 2)
        assert "digging a level, ready" in panel._place_html()
        if os.environ.get("SANDTABLE_SHOTS"):
            app.screenshot(os.environ["SANDTABLE_SHOTS"])
        # On a neutral or enemy place the button is the purchase again.
        key(app, pygame.K_ESCAPE)
        click(app, place_pos(app, "bani_walid"))
        assert app.screen.orders.selected_place == w.pidx["bani_walid"]
        frames(app, 2)
        assert panel.buy_btn.text == "Buy allegiance"
    finally:
        app.close()
