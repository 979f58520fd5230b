"""Victory: captures, collapses, survival and points.

Expected numbers are derived in each test from the scenario's own rule constants
(`world.spec.rules`), so a retuned default changes the expectation, not the verdict.
Every random draw is seeded; statistical checks use fixed seeds and loose bounds.
"""

from __future__ import annotations

import pytest

from engine_helpers import BLUE, MINI, P, RED, end_round, end_turn, fixture_world, load_world
from game.engine import apply, EndTurn, IllegalAction, legal_actions, Move, new_game, SetBlockade, why_illegal
from game.engine.territory import capture


# =====================================================================================
# Victory
# =====================================================================================


def test_capture_held_for_hold_turns_wins():
    s = new_game(load_world(MINI), 0)
    capture(s, RED, P(s, "capital"))
    events = end_round(s)
    assert not s.over and not [e for e in events if e.kind == "victory"]
    assert s.turn == 2
    events = end_round(s)
    assert s.over and s.winner == RED
    assert s.reason == "held Capital for 2 turn(s)"
    (v,) = [e for e in events if e.kind == "victory"]
    assert v.data == {"winner": "red", "reason": s.reason} and v.turn == 2


def test_losing_the_place_resets_the_hold():
    s = new_game(load_world(MINI), 0)
    capture(s, RED, P(s, "capital"))
    end_round(s)
    capture(s, BLUE, P(s, "capital"))
    end_round(s)
    capture(s, RED, P(s, "capital"))
    end_round(s)
    assert not s.over
    end_round(s)
    assert s.winner == RED and s.turn == 4


def test_survive_to_the_end_wins_on_timeout():
    s = new_game(load_world(MINI), 0)
    s.turn = s.world.last_turn
    end_round(s)
    assert s.over and s.winner == BLUE and s.turn == s.world.last_turn
    assert s.reason == "still held Capital at the end"


def test_timeout_on_points():
    s = new_game(fixture_world("victory_points"), 0)
    while not s.over:
        end_turn(s)
    assert s.turn == s.world.last_turn == 5
    assert s.winner == BLUE  # capital 10 points against hub 2 + east 5
    assert s.reason == "most victory points at the end (10)"


def test_timeout_on_points_for_the_other_side():
    s = new_game(fixture_world("victory_points"), 0)
    s.owner[P(s, "capital")] = -1
    s.turn = s.world.last_turn
    end_round(s)
    assert s.winner == RED and s.reason == "most victory points at the end (7)"


def test_tied_points_are_a_draw():
    s = new_game(fixture_world("victory_points"), 0)
    for place in ("capital", "hub", "east"):
        s.owner[P(s, place)] = -1
    s.turn = s.world.last_turn
    end_round(s)
    assert s.over and s.winner == -1
    assert s.reason == "time ran out with no side ahead"


def test_timeout_draw_rule():
    s = new_game(fixture_world("victory_draw"), 0)
    s.turn = s.world.last_turn
    events = end_round(s)
    assert s.over and s.winner == -1 and s.reason == "time ran out with no side ahead"
    (v,) = [e for e in events if e.kind == "victory"]
    assert v.text.startswith("Draw") and v.data["winner"] is None


def test_collapse_of_the_enemy_wins():
    s = new_game(fixture_world("victory_points"), 0)
    s.cohesion[RED] = 0.0
    end_turn(s)
    assert not s.over  # victory is checked at the end of the round
    end_turn(s)
    assert s.over and s.winner == BLUE and s.reason == "the RED collapsed"


def test_finished_game_has_no_orders():
    s = new_game(load_world(MINI), 0)
    s.turn = s.world.last_turn
    end_round(s)
    assert s.over
    assert list(legal_actions(s)) == []
    for order in (EndTurn(), Move(0, "hub"), SetBlockade(True)):
        assert why_illegal(s, order) == "the game is over"
        with pytest.raises(IllegalAction, match="the game is over"):
            apply(s, order)


def test_active_faction_valid_after_game_over():
    s = new_game(load_world(MINI), 0)
    s.turn = s.world.last_turn
    end_round(s)
    assert s.over
    assert 0 <= s.active < s.world.F
    assert s.active_id in s.world.faction_ids
