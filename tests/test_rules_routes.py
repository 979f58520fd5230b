"""Routes that close: a pass shut by snow in the months its `closed_months` name, and a
bridge an event blows and another rebuilds (the `route` effect). On the arena of
tests/data/engine/passes.yaml, which starts on 19 November."""

from __future__ import annotations

import json

import pytest

from engine_helpers import BLUE, RED, P, arena, end_round, fixture_world, put, units_of
from game.engine import Attack, IllegalAction, Move, World, apply, legal_actions, why_illegal
from game.engine.persist import state_from_json, state_to_json
from game.engine.routes import closed
from game.engine.supply import supplied
from game.engine.combat import battle_power, battle_terms
from game.engine.territory import capture
from game.scenario.model import RouteKind


def _round(s) -> list:
    events = end_round(s)
    s.pending.clear()
    return events


def _to_month(s, month: int) -> None:
    while s.date.month != month:
        assert not s.over
        _round(s)


def _pass(s) -> int:
    return s.world.base.route_ids[frozenset(("link", "front"))]


def test_a_pass_is_closed_in_its_months_and_nothing_uses_it():
    s = arena(name="passes")
    unit = put(s, "inf", "blue", "link")
    assert Move(unit, "front") in legal_actions(s)
    assert supplied(s, BLUE)[P(s, "front")]  # its supply comes over the pass
    _to_month(s, 12)
    assert closed(s)[_pass(s)]
    s.u_ready[unit] = True
    assert Move(unit, "front") not in legal_actions(s)
    with pytest.raises(IllegalAction):
        apply(s, Move(unit, "front"))
    assert not supplied(s, BLUE)[P(s, "front")]
    # Nor can anyone attack over it: Red at the front could not strike at the hub.
    capture(s, RED, P(s, "front"))
    put(s, "inf", "red", "front")
    s.active = RED
    assert Attack("front", "link") not in legal_actions(s)
    assert why_illegal(s, Attack("front", "link")) is not None


def test_the_pass_opens_again_when_its_months_are_over():
    s = arena(name="passes")
    unit = put(s, "inf", "blue", "link")
    _to_month(s, 3)
    assert not closed(s)[_pass(s)]
    s.u_ready[unit] = True
    assert Move(unit, "front") in legal_actions(s)
    assert s.world is s.world.base  # nothing closed: the scenario's own map


def test_an_event_blows_a_bridge_and_another_rebuilds_it():
    s = arena(name="passes")
    bridge = s.world.base.route_ids[frozenset(("front", "t_urban"))]
    for u in units_of(s, BLUE, P(s, "front")):
        s.u_alive[u] = False
    capture(s, RED, P(s, "front"))
    events = _round(s)
    assert any(e.kind == "route" and not e.data["open"] for e in events)
    assert s.route_shut[bridge] and closed(s)[bridge]
    assert P(s, "t_urban") not in s.world.neighbours[P(s, "front")]
    capture(s, BLUE, P(s, "front"))
    capture(s, BLUE, P(s, "t_open"))
    events = _round(s)
    assert any(e.kind == "route" and e.data["open"] for e in events)
    assert not s.route_shut[bridge]
    assert P(s, "t_urban") in s.world.neighbours[P(s, "front")]


def test_a_save_keeps_what_is_closed_and_loads_onto_that_map():
    s = arena(name="passes")
    bridge = s.world.base.route_ids[frozenset(("front", "t_urban"))]
    s.route_shut[bridge] = True
    _to_month(s, 1)
    back = state_from_json(json.loads(json.dumps(state_to_json(s))), s.world.base)
    assert back.route_shut.tolist() == s.route_shut.tolist()
    assert back.world is s.world  # the same map of open routes, built once
    assert not back.world.adjacent[P(s, "link"), P(s, "front")]


@pytest.mark.parametrize("origin, target, factor", [
    ("t_open", "redbase", 2.5),   # up the road to the height
    ("redbase", "t_open", 1.0),   # down from it
    ("front", "t_urban", 1.8),    # the bridge, both ways
    ("t_urban", "front", 1.8),
    ("front", "t_open", 1.0),     # an open road
])
def test_a_chokepoint_multiplies_the_defence_of_attacks_along_its_route(origin, target, factor):
    s = arena(name="passes")
    plain = arena(name="arena")
    for state in (s, plain):
        attacker = RED if state.owner[P(state, origin)] == RED else BLUE
        if state.owner[P(state, target)] == attacker:
            capture(state, 1 - attacker, P(state, target))
        put(state, "inf", state.world.faction_ids[attacker], origin)
        put(state, "inf", state.world.faction_ids[1 - attacker], target)
    f = int(s.owner[P(s, origin)])
    _, d = battle_power(s, f, P(s, origin), P(s, target))
    _, d0 = battle_power(plain, f, P(plain, origin), P(plain, target))
    assert d == pytest.approx(d0 * factor)
    terms = battle_terms(s, f, P(s, origin), P(s, target))
    assert terms["chokepoint"] == pytest.approx(factor)


@pytest.mark.parametrize("kind", ["highway", "road", "track", "desert", "pass", "crossing"])
def test_each_kind_of_route_costs_its_factor_in_effective_km(kind):
    base = fixture_world("arena").spec
    routes = [r.model_copy(update={"kind": RouteKind(kind)}) if {r.a, r.b} == {"link", "front"} else r
              for r in base.map.routes]
    w = World(base.model_copy(update={"map": base.map.model_copy(update={"routes": routes})}))
    factor = base.rules.movement.route_factor[RouteKind(kind)]
    assert w.route_km[w.pidx["link"], w.pidx["front"]] == pytest.approx(60 * factor)
    # Slower than a highway, except the highway itself.
    assert (factor > 1.0) == (kind != "highway")
