"""Supply: traced roads, cut-off units, attrition.

Expected numbers are derived in each test from the scenario's own rule constants
(`world.spec.rules`), so a retuned default changes the expectation, not the verdict.
Every random draw is seeded; statistical checks use fixed seeds and loose bounds.
"""

from __future__ import annotations

import numpy as np
import pytest

from engine_helpers import BLUE, P, RED, arena, clear_units, end_turn, put, units_of
from game.engine import apply, DroneStrike, IllegalAction, Recruit, World, new_game
from game.engine.territory import capture
from game.engine.supply import supplied


# =====================================================================================
# Supply
# =====================================================================================


def test_supply_runs_through_the_hub():
    s = arena()
    sup = supplied(s, BLUE)
    assert sup[P(s, "base")] and sup[P(s, "link")] and sup[P(s, "front")]
    # The front is beyond supply range of the port itself; the hub at `link` carries it.
    assert s.world.road_km[P(s, "base"), P(s, "front")] > s.world.spec.rules.supply.max_km
    # A hub cut off from every source is no source itself.
    s.owner[P(s, "base")] = RED
    s.invalidate()
    assert not supplied(s, BLUE)[P(s, "front")]
    assert not supplied(s, BLUE)[P(s, "link")]
    # A held place with no road to a source in reach is unsupplied.
    assert not supplied(s, RED)[P(s, "far")]


def test_supply_passes_through_neutral_ground_only_where_the_scenario_says():
    def game(through: bool):
        """The arena with the hub town `link` siding with nobody, and a supply reach of
        150 km: the base's port is 120 km from the front by the road through the town."""
        spec = arena().world.spec
        supply = spec.rules.supply.model_copy(update={"through_neutral": through, "max_km": 150.0})
        s = new_game(World(spec.model_copy(update={"rules": spec.rules.model_copy(update={"supply": supply})})), 0)
        s.owner[P(s, "link")] = -1
        s.invalidate()
        return s

    closed, open_ = game(False), game(True)
    link, front = P(open_, "link"), P(open_, "front")
    assert open_.world.road_km[P(open_, "base"), front] == pytest.approx(120.0)
    assert not supplied(closed, BLUE)[front]
    sup = supplied(open_, BLUE)
    assert sup[front]
    assert not sup[link]  # the town is nobody's to supply, nor a hub for anyone
    # Red takes the town: Blue's road through it is cut at once.
    capture(open_, RED, link)
    assert not supplied(open_, BLUE)[front]


def test_cut_supply_line_causes_attrition():
    s = arena()
    front, base = P(s, "front"), P(s, "base")
    at_front = units_of(s, BLUE, front)
    at_base = [u for u in units_of(s, BLUE, base) if s.world.t_ground[s.u_type[u]]]
    assert at_front and at_base
    capture(s, RED, P(s, "link"))
    assert not supplied(s, BLUE)[front]
    assert supplied(s, BLUE)[base]
    events = end_turn(s)
    rate = s.world.spec.rules.supply.attrition
    assert s.u_str[at_front] == pytest.approx(np.full(len(at_front), 1000.0 * (1 - rate)))
    assert s.u_str[at_base] == pytest.approx(np.full(len(at_base), 1000.0))
    (ev,) = [e for e in events if e.kind == "supply"]
    assert ev.data["places"] == ["front"]
    # Cut off, the front cannot raise troops either.
    end_turn(s)
    assert s.active == BLUE
    with pytest.raises(IllegalAction, match="cut off from supply"):
        apply(s, Recruit("inf", "front"))


def test_supply_strike_causes_attrition_whoever_flies_it():
    s = arena()
    clear_units(s)
    blue = put(s, "inf", "blue", "front")
    drone = put(s, "drone", "red", "redbase")
    end_turn(s)  # Red to move
    (ev,) = apply(s, DroneStrike(drone, "link", "supply"))
    assert not ev.data["intercepted"]
    assert not supplied(s, BLUE)[P(s, "front")]
    end_turn(s)  # round over; Blue moves, then ends its turn
    end_turn(s)
    assert s.u_str[blue] < 1000.0


def test_no_attrition_in_supply():
    s = arena()
    blue = units_of(s, BLUE)
    strength = s.u_str[blue].copy()
    events = end_turn(s)
    assert not [e for e in events if e.kind == "supply"]
    assert (s.u_str[blue] == strength).all()


def test_attrition_destroys_a_worn_out_unit():
    s = arena()
    capture(s, RED, P(s, "link"))
    weak, strong = units_of(s, BLUE, P(s, "front"))
    s.u_str[weak] = 26.0  # one more turn cut off takes it under the 25 fighters a unit needs
    end_turn(s)
    assert not s.u_alive[weak] and s.u_str[weak] == 0.0
    assert s.u_alive[strong]
