"""Playing a foreign backer: chosen in the menu or with `play --as turkey`, the desk at
the start of each of the client's turns, packages that arrive after their delay, the
seat kept in saves, and the end screen's score, part by part."""

from __future__ import annotations

import re

import pygame
import pytest

from client_helpers import click, click_element, dialog_text, frames, key, loaded, make_app, menu_start
from test_client_cli import run
from game.client.desk import BackerDesk
from game.client.dialogs import EventDialog, NewsDialog
from game.client.desk_text import ask_reason, package_risks, package_terms
from game.client.endscreen import EndScreen
from game.client.game_screen import GameScreen
from game.client.session import GameSession, UndoRefused, autoplay
from game.engine import EndTurn, SendPackage
from game.engine.backer_score import backer_score, total
from game.engine.backers import why_closed


def _turkey_session(save_dir, seed=4, level="random") -> GameSession:
    """A game with the player in Turkey's seat and the AI on both factions."""
    return GameSession.new(loaded(), None, level, seed, save_dir, autosave=False,
                           backer=list(loaded().spec.backers).index("turkey"))


def _until_desk(app, limit=3000) -> BackerDesk:
    """Frames until the backer's desk is the window on top; the week's news, which comes
    first, is read and closed with Enter as a player would."""
    top = None
    for _ in range(limit):
        top = app.screen.top_dialog() if isinstance(app.screen, GameScreen) else None
        if isinstance(top, BackerDesk):
            return top
        if isinstance(top, NewsDialog):
            key(app, pygame.K_RETURN)
        frames(app)
    raise AssertionError(f"the desk never opened (on top: {top}, turn {app.screen.session.state.turn})")


def _scroll_into_view(app, desk, button) -> None:
    """Wheel the desk's list (real mouse-wheel events over it) until `button` shows."""
    area = desk.scroll.rect
    for _ in range(80):
        if button.rect.clip(area).h == button.rect.h:
            return
        pygame.mouse.set_pos(area.center)
        down = button.rect.centery > area.centery
        pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=area.center, rel=(0, 0), buttons=(0, 0, 0),
                                             touch=False))
        pygame.event.post(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=-1 if down else 1, flipped=False,
                                             precise_x=0.0, precise_y=-1.0 if down else 1.0, touch=False))
        frames(app)
    raise AssertionError("the button never scrolled into view")


@pytest.mark.slow
def test_start_as_turkey_from_the_menu_and_send_a_package_that_arrives_after_its_delay(tmp_path):
    app = make_app(tmp_path)
    try:
        app.show_menu()
        frames(app, 2)
        menu_start(app, "__backer__:turkey", level="random", seed=4)
        screen = app.screen
        assert isinstance(screen, GameScreen)
        ses = screen.session
        w = ses.world
        b = w.bidx["turkey"]
        assert ses.backer == b and ses.human is None and bool(ses.state.seated[b])
        assert "Your desk" in screen.top.buttons["backers"].text
        first = _until_desk(app)
        # Turkey has nothing on offer before the middle of May 2019: those steps passed by
        # themselves, each said in the log, and the desk first opens for the drones.
        passed = [e.turn for e in ses.log if e.kind == "why" and "Turkey has nothing to send or answer" in e.text]
        assert passed == list(range(1, ses.state.turn)) and "Bayraktar" in dialog_text(first)
        # Step after step: Done until one of Turkey's packages can go, then Send it.
        sent = None
        for _ in range(30):
            desk = _until_desk(app)
            s = ses.state
            assert s.backer_step == b and s.active == w.client_of[b] and ses.is_human_turn()
            assert "Score so far" in dialog_text(desk)
            ready = [pid for pid, btn in desk.send_buttons.items() if btn.is_enabled]
            for pid, btn in desk.send_buttons.items():  # a button is enabled exactly when the rules allow it
                k = next(k for k in w.packages_of_backer[b] if w.packages[k].id == pid)
                assert btn.is_enabled == (why_closed(s, int(k)) is None), pid
            if ready:
                pid = ready[0]
                k = int(next(k for k in w.packages_of_backer[b] if w.packages[k].id == pid))
                turn, budget = s.turn, float(s.budget[b])
                _scroll_into_view(app, desk, desk.send_buttons[pid])
                click_element(app, desk.send_buttons[pid])
                sent = (k, turn)
                break
            now = s.turn
            key(app, pygame.K_RETURN)  # Done: the step ends, the factions move
            assert not ses.is_human_turn() or ses.state.turn > now
        assert sent is not None, "Turkey could send nothing in 30 turns"
        k, turn = sent
        pk = w.packages[k].spec
        s = ses.state
        assert int(s.sent[k]) == 1 and float(s.budget[b]) == pytest.approx(budget - pk.cost)
        assert [turn + pk.delay, k] in s.deliveries
        desk = _until_desk(app)  # drawn again with the package on its way
        assert f"{pk.name}: turn {turn + pk.delay}" in dialog_text(desk)
        click_element(app, desk.done_button)
        # The factions play on; at each of Turkey's steps, Done, until the package is due.
        for _ in range(pk.delay + 2):
            if ses.state.turn > turn + pk.delay:
                break
            _until_desk(app)
            key(app, pygame.K_RETURN)
        arrivals = [e for e in ses.package_log if e["package"] == w.packages[k].id and e["kind"] != "dispatch"]
        assert [e["turn"] for e in arrivals] == [turn + pk.delay]
        if arrivals[0]["kind"] == "delivery" and pk.units:  # not stopped by the embargo
            name = pk.name
            assert any(name in e.text and "arrives" in e.text for e in ses.log)
    finally:
        app.close()


def test_the_end_screen_gives_the_backer_score_and_its_parts_add_up(tmp_path):
    ses = _turkey_session(tmp_path, seed=2)
    autoplay(ses, 200)  # the desk answered by the scenario's own policy, to the end
    assert ses.state.over
    app = make_app(tmp_path)
    try:
        app.start_game(ses)
        for _ in range(400):
            frames(app)
            if isinstance(app.screen, EndScreen):
                break
        end = app.screen
        assert isinstance(end, EndScreen)
        parts = backer_score(ses.state, ses.backer)
        shown = end.stats.html_text
        points = [float(x) for x in re.findall(r"• \w+: <font color='[^']+'><b>([+-]\d+\.\d)</b>", shown)]
        assert len(points) == len(parts) == 4
        said = float(re.search(r"score ([+-]\d+\.\d)", end.verdict).group(1))
        assert said == pytest.approx(total(parts), abs=0.05)
        assert sum(points) == pytest.approx(said, abs=0.05 * len(points))  # each part rounded to a tenth
        for p in parts:
            assert p.why in shown
        delivered = [e for e in ses.package_log if e["backer"] == "turkey" and e["kind"] == "delivery"]
        assert delivered and "What arrived:" in shown
        assert end.charts is not None
    finally:
        app.close()


def test_a_desk_order_can_be_undone_and_the_seat_survives_a_save(tmp_path):
    ses = _turkey_session(tmp_path, seed=4)
    w = ses.world
    b = w.bidx["turkey"]
    # The factions' moves and Turkey's steps, until a package of Turkey's is open in its step.
    for _ in range(5000):
        s = ses.state
        if ses.is_human_turn() and any(why_closed(s, int(k)) is None for k in w.packages_of_backer[b]):
            break
        if ses.is_human_turn():
            ses.order(EndTurn())
        else:
            ses.ai_apply(*ses.ai_choose())
    s = ses.state
    assert ses.is_human_turn() and ses.pending_question() is None  # a faction's question waits for its orders
    k = next(int(k) for k in w.packages_of_backer[b] if why_closed(s, int(k)) is None)
    before = (float(s.budget[b]), int(s.sent[k]), len(s.deliveries))
    ses.order(SendPackage("turkey", w.packages[k].id))
    assert int(s.sent[k]) == before[1] + 1
    assert ses.undo()
    assert (float(s.budget[b]), int(s.sent[k]), len(s.deliveries)) == before
    ses.order(SendPackage("turkey", w.packages[k].id))
    path = ses.save(tmp_path / "turkey.json")
    again = GameSession.load(path, tmp_path)
    assert again.backer == b and again.human is None and again.is_human_turn()
    assert again.hash() == ses.hash() and again.package_log == ses.package_log
    ses.order(EndTurn())
    with pytest.raises(UndoRefused):
        ses.undo()  # not the seat's step any more


def test_play_as_a_backer_from_the_command_line(tmp_path, capsys):
    save = tmp_path / "as-turkey.json"
    assert run("play", "--as", "turkey", "--autoplay", "3", "--seed", "1", "--save", save,
               "--save-dir", tmp_path) == 0
    ses = GameSession.load(save, tmp_path)
    assert ses.backer == ses.world.bidx["turkey"] and bool(ses.state.seated[ses.backer])
    # A save whose seat went to the policy cannot be taken over as that backer.
    plain = GameSession.new(loaded(), 0, "random", 1, tmp_path, autosave=False).save(tmp_path / "gna.json")
    assert run("play", "--load", plain, "--as", "russia", "--save-dir", tmp_path,
               "--screenshot", tmp_path / "x.png") == 2
    assert "russia is played by the scenario's own policy" in capsys.readouterr().err
    shot = tmp_path / "desk.png"
    assert run("play", "--load", save, "--save-dir", tmp_path, "--size", "1280x720", "--screenshot", shot) == 0
    assert shot.stat().st_size > 10_000


def test_the_desk_explains_an_ask_and_what_a_package_risks():
    ses = _turkey_session(None)
    s, w = ses.state, ses.world
    b = w.bidx["turkey"]
    k = next(int(k) for k in w.packages_of_backer[b] if w.packages[k].spec.escalation > 0)
    pk = w.packages[k].spec
    risks = " ".join(package_risks(s, b, k))
    rivals = [w.backers[r].name for r, rb in enumerate(w.backers) if "turkey" in rb.rivals]
    assert rivals and all(name in risks for name in rivals)
    assert f"{pk.exposure * w.backers[b].pressure_sensitivity:.1f} commitment" in risks
    why = ask_reason(s, k)
    held = int((s.owner == w.client_of[b]).sum())
    assert f"hold {held} places" in why
    # What a package's units can do, in their type's own figures.
    drones = next(int(k) for k in w.packages_of_backer[b] if w.packages[k].spec.kind.value == "drones")
    t = w.spec.unit_types[w.packages[drones].spec.units[0].type]
    assert f"{t.name} (strikes {t.strike:g} × {t.sorties} a turn to {t.range_km:g} km)" in package_terms(s, b, drones)


# -- hotseat ---------------------------------------------------------------------------------

def _hidden(app) -> bool:
    """The hand-over screen shows nothing of the game: where the map, the top bar and the
    side panel were, the window is the plain background, and no window is open."""
    frames(app)
    W, H = app.size
    spots = [(W // 6, H // 4), (W // 2, 20), (W - 100, H // 2), (W // 6, H - 40)]
    return all(tuple(app.window.get_at(p))[:3] == (12, 15, 19) for p in spots) and not app.screen.dialogs


def _finish_my_turn(app) -> None:
    """As a player would: read the news, answer a question with its first option, end the turn."""
    ses = app.screen.session
    turn = (ses.state.turn, ses.state.active, ses.state.backer_step)
    for _ in range(200):
        if (ses.state.turn, ses.state.active, ses.state.backer_step) != turn or ses.state.over:
            return
        top = app.screen.top_dialog()
        if isinstance(top, NewsDialog):
            key(app, pygame.K_RETURN)
        elif isinstance(top, EventDialog):
            key(app, pygame.K_1)
        elif isinstance(top, BackerDesk) or top is None:
            key(app, pygame.K_RETURN)
        else:
            top.close()
            frames(app)
    raise AssertionError("the turn did not end")


@pytest.mark.slow
def test_two_turns_of_hotseat_from_the_menu_with_the_hand_over_screen(tmp_path):
    app = make_app(tmp_path)
    try:
        app.show_menu()
        frames(app, 2)
        menu_start(app, "gna", hotseat="lna")
        screen = app.screen
        ses = screen.session
        w = ses.world
        assert ses.hotseat and ses.seats == [("faction", w.fidx["gna"]), ("faction", w.fidx["lna"])]
        seen = []
        for _ in range(4):  # GNA, LNA, GNA, LNA: two rounds
            frames(app, 2)
            if screen.handing_over:
                assert _hidden(app), f"the hand-over before seat {len(seen) + 1} shows part of the game"
                assert not screen.top.panel.alive() and ses.is_human_turn() is False
                click(app, (app.size[0] // 2, app.size[1] // 2))  # the next player takes the machine
            assert not screen.handing_over and ses.is_human_turn()
            seen.append((ses.state.turn, w.faction_ids[ses.human]))
            assert screen.top.panel.alive() and "your orders" in screen.top.status.html_text
            _finish_my_turn(app)
        assert seen == [(1, "gna"), (1, "lna"), (2, "gna"), (2, "lna")]
        # A save records whose seat is whose, and which of them has the machine.
        frames(app, 2)
        path = ses.save(tmp_path / "hotseat.json")
        again = GameSession.load(path, tmp_path)
        assert again.seats == ses.seats and again.viewer == ses.viewer
    finally:
        app.close()


def test_backer_against_backer_hands_the_desk_over(tmp_path):
    """Turkey against Russia: each desk in its client's turn, a hand-over between them, and
    a step with nothing to decide passed without calling its player to the machine."""
    w = GameSession.new(loaded(), None, "random", 4, None, autosave=False).world
    ses = GameSession.new(loaded(), None, "random", 4, tmp_path, autosave=False, backer=w.bidx["turkey"],
                          hotseat=("backer", w.bidx["russia"]))
    assert bool(ses.state.seated[w.bidx["turkey"]]) and bool(ses.state.seated[w.bidx["russia"]])
    autoplay(ses, 6)  # to May 2019, when Turkey has drones to send (the seats answered by their own policy)
    app = make_app(tmp_path)
    try:
        app.start_game(ses)
        screen = app.screen
        seen = []  # (the backer whose desk opened, whether the machine was handed over first)
        for _ in range(20):
            handed = False
            for _ in range(3000):
                frames(app)
                # A window on top (the desk, or the week's news before it) is the seat's
                # own turn: `_until_desk` reads the news away.
                if screen.handing_over or screen.top_dialog() is not None:
                    break
            if screen.handing_over:
                assert _hidden(app)
                key(app, pygame.K_RETURN)
                handed = True
            desk = _until_desk(app)
            assert desk.backer == ses.backer and ses.state.backer_step == ses.backer
            seen.append((w.backer_ids[desk.backer], handed))
            _finish_my_turn(app)
            if {"turkey", "russia"} <= {b for b, _ in seen} and seen[-1][0] == "turkey":
                break
        assert {b for b, _ in seen} == {"turkey", "russia"}, seen
        # The machine changes hands exactly when the desk goes to the other backer.
        assert all(handed == (b != before) for (before, _), (b, handed) in zip(seen, seen[1:])), seen
    finally:
        app.close()


def test_the_hand_over_hides_the_game_from_its_very_first_frame(tmp_path):
    """The frame in which the turn passes to the other seat already shows nothing of the
    seat that moved (pygame_gui would draw its killed panels once more)."""
    ses = GameSession.new(loaded(), 0, "random", 4, None, autosave=False, hotseat=("faction", 1))
    app = make_app(tmp_path)
    try:
        app.start_game(ses)
        frames(app, 3)
        while app.screen.top_dialog() is not None:
            app.screen.top_dialog().close()
            frames(app)
        app.screen.give(EndTurn())
        app.step(1 / 60)  # one frame: the hand-over begins in it
        assert app.screen.handing_over
        W, H = app.size
        spots = [(W // 6, H // 4), (W // 2, 20), (W - 100, H // 2), (W // 6, H - 40)]
        assert [tuple(app.window.get_at(p))[:3] for p in spots] == [(12, 15, 19)] * 4
    finally:
        app.close()
