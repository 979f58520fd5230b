"""The 0–100 gauges' ledger (`engine.gauges`): every change to legitimacy, cohesion or
commitment is noted with its cause and the amount it really moved, so a player can read
what moved a gauge last turn."""

from __future__ import annotations

import pytest

from engine_helpers import BLUE, RED, P, arena, clear_units, end_round, fixture_world
from game.engine import World, new_game
from game.engine.gauges import changes, shift
from game.engine.territory import capture


def test_a_capture_is_noted_for_both_sides_with_the_place_and_the_amount():
    spec = fixture_world("arena").spec
    pol = spec.rules.politics.model_copy(update={"cohesion_gain_share": 0.5})
    s = new_game(World(spec.model_copy(update={"rules": spec.rules.model_copy(update={"politics": pol})})), 0)
    clear_units(s)
    s.cohesion[:] = 50.0  # room to move both ways
    pol = s.world.rules.politics
    before = s.cohesion.copy()
    capture(s, BLUE, P(s, "t_open"))
    lost = pol.cohesion_per_loss + pol.cohesion_per_point * float(s.world.vp[P(s, "t_open")])
    assert changes(s, "cohesion", RED, s.turn) == [("lost Open Target", pytest.approx(-lost))]
    assert changes(s, "cohesion", BLUE, s.turn) == [("took Open Target", pytest.approx(pol.cohesion_gain_share * lost))]
    # The ledger adds up to what the gauges did.
    for f in (BLUE, RED):
        assert sum(d for _, d in changes(s, "cohesion", f, s.turn)) == pytest.approx(s.cohesion[f] - before[f])


def test_a_change_is_noted_as_far_as_the_bounds_let_it_go_and_not_at_all_past_them():
    s = arena()
    s.legitimacy[BLUE] = 98.0
    assert shift(s, "legitimacy", BLUE, 5.0, "a good week") == pytest.approx(2.0)
    assert shift(s, "legitimacy", BLUE, 5.0, "another") == 0.0
    assert changes(s, "legitimacy", BLUE, s.turn) == [("a good week", pytest.approx(2.0))]


def test_causes_are_summed_and_the_biggest_comes_first():
    s = arena()
    s.cohesion[RED] = 50.0
    shift(s, "cohesion", RED, -1.0, "lost a town")
    shift(s, "cohesion", RED, -2.0, "routed")
    shift(s, "cohesion", RED, -1.5, "lost a town")
    assert changes(s, "cohesion", RED, s.turn) == [("lost a town", -2.5), ("routed", -2.0)]


def test_the_ledger_keeps_this_turn_and_the_last():
    s = arena()
    shift(s, "cohesion", RED, -1.0, "turn one")
    end_round(s)
    shift(s, "cohesion", RED, -1.0, "turn two")
    end_round(s)
    assert s.turn == 3 and min(e[0] for e in s.ledger) == 2 and changes(s, "cohesion", RED, 1) == []
    assert ("turn two", -1.0) in changes(s, "cohesion", RED, 2)
