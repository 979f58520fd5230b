"""A truce and a settlement as a player meets them, driven with real events under SDL's
dummy driver on the arena of tests/data/engine/peace.yaml: the 'What now?' line offers
to break the truce with its price, T asks first, and the end screen names a settlement
and each side's share."""

from __future__ import annotations

import pygame
import pytest

from client_helpers import dialog_text, frames, key, start
from engine_helpers import ENGINE_DATA
from game.client.dialogs import ConfirmDialog
from game.client.endscreen import EndScreen
from game.engine.territory import capture

PEACE = ENGINE_DATA / "peace.yaml"


def test_break_a_truce_after_reading_its_price(app):
    session = start(app, human=0, path=PEACE)
    s, w = session.state, session.world
    rules = w.rules.truce
    s.truce, s.truce_broker = 3, w.bidx["sponsor"]
    session.version += 1
    frames(app, 2)
    assert "break it" in app.screen.side._place_html_text  # nothing selected: the 'What now?' lines
    assert "brokered by Sponsor" in app.screen.top.status.html_text
    legitimacy = s.legitimacy[0]
    key(app, pygame.K_t)
    dialog = app.screen.top_dialog()
    assert isinstance(dialog, ConfirmDialog)
    text = dialog_text(dialog)
    assert f"−{rules.break_legitimacy:g}" in text and "Sponsor" in text and "Patron" in text
    key(app, pygame.K_ESCAPE)  # think again: the truce holds
    assert s.truce == 3
    key(app, pygame.K_t)
    key(app, pygame.K_1)
    assert s.truce == 0 and s.legitimacy[0] == pytest.approx(legitimacy - rules.break_legitimacy)
    assert any("breaks the truce" in e.text for e in session.log)
    key(app, pygame.K_t)  # no truce now: refused in words, nothing opens
    assert not isinstance(app.screen.top_dialog(), ConfirmDialog)


def test_a_settlement_ends_the_game_with_each_sides_share_on_the_end_screen(app):
    session = start(app, human=0, path=PEACE)
    s, w = session.state, session.world
    capture(s, 1, w.pidx["link"])  # the front is frozen at the round's end
    key(app, pygame.K_RETURN, steps=30)
    frames(app, 60)
    assert s.over and s.settled
    assert isinstance(app.screen, EndScreen)
    end = app.screen
    assert end.headline == "A settlement"
    assert end.verdict.startswith("Settlement:")
    assert f"{w.faction_short(0)} {s.terms[0]:.0%}" in end.reason
