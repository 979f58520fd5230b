"""The scenario's counters (`variables`, the `variable` effect and condition) and the
conditions that count what happened: packages sent, strikes that got through, civilians
harmed. On the arena of tests/data/engine/counters.yaml."""

from __future__ import annotations

import json

import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError

from engine_helpers import BLUE, RED, P, arena, end_round, put
from game.engine import Attack, DroneStrike, apply
from game.engine.backers import send
from game.engine.conditions import holds
from game.engine.persist import state_from_json, state_to_json
from game.scenario import model as m


def _round(s) -> list:
    events = end_round(s)
    s.pending.clear()
    return events


def fired(events) -> list[str]:
    return [e.data["event"] for e in events if e.kind == "scripted"]


def test_a_counter_starts_where_the_scenario_says_and_events_add_to_it_and_set_it():
    s = arena(name="counters")
    talks = s.world.vidx["talks"]
    assert s.variables[talks] == 1  # `start`
    assert fired(_round(s)) == ["talks_round"] and s.variables[talks] == 2
    assert fired(_round(s)) == ["talks_round"] and s.variables[talks] == 3
    # At 3 the rounds stop (at_most 2); the collapse waits for the patron's drones too.
    assert fired(_round(s)) == [] and s.variables[talks] == 3
    send(s, s.world.kidx[("patron", "drones")])
    # Events fire in the file's order, so the flag the collapse sets is read the same round.
    assert fired(_round(s)) == ["talks_collapse", "talks_over_said"] and s.variables[talks] == 0
    # Back at 0, the rounds begin again (the event repeats).
    assert "talks_round" in fired(_round(s))


def test_strikes_are_counted_where_they_land_and_by_whom():
    s = arena(name="counters")
    w = s.world
    drone = next(u for u in range(s.n_units) if s.u_owner[u] == BLUE and w.t_air[s.u_type[u]])
    cond = m.StruckCond(test="struck", region="east", by="blue", at_least=2)
    assert not holds(s, cond)
    apply(s, DroneStrike(drone, "t_open", "units"))
    assert s.struck[BLUE, P(s, "t_open")] == 1 and not holds(s, cond)
    apply(s, DroneStrike(drone, "t_urban", "units"))
    assert holds(s, cond)
    assert not holds(s, m.StruckCond(test="struck", by="red", at_least=1))
    assert holds(s, m.StruckCond(test="struck", place="t_urban", at_most=1))
    anger = w.vidx["anger"]
    assert "outcry" in fired(_round(s)) and s.variables[anger] == 5


def test_a_strike_shot_down_is_not_counted():
    s = arena(name="counters")
    w = s.world
    drone = next(u for u in range(s.n_units) if s.u_owner[u] == BLUE and w.t_air[s.u_type[u]])
    for _ in range(3):
        put(s, "sam", "red", "t_open")
    s.rng = np.random.Generator(np.random.PCG64(3))
    reports = []
    while s.u_sorties[drone] > 0 and s.u_alive[drone]:
        reports += apply(s, DroneStrike(drone, "t_open", "units"))
    hits = sum(1 for r in reports if r.kind == "strike" and not r.data["intercepted"])
    assert any(r.data["intercepted"] for r in reports if r.kind == "strike")
    assert s.struck[BLUE, P(s, "t_open")] == hits


def test_harm_is_counted_at_a_place_or_over_a_region():
    s = arena(name="counters")
    s.harm[P(s, "t_urban")] = 0.5
    assert not holds(s, m.HarmCond(test="harm", place="t_urban", at_least=1))
    s.harm[P(s, "t_open")] = 2.0
    assert holds(s, m.HarmCond(test="harm", region="east", at_least=2.5))
    assert holds(s, m.HarmCond(test="harm", at_least=2.5, at_most=2.5))
    s.harm[P(s, "t_urban")] = 1.0
    assert "harm_noted" in fired(_round(s))


def test_counters_survive_a_save():
    s = arena(name="counters")
    _round(s)
    s.struck[RED, P(s, "base")] = 4
    back = state_from_json(json.loads(json.dumps(state_to_json(s))), s.world)
    assert back.variables.tolist() == s.variables.tolist() == [2, 0]
    assert back.struck.tolist() == s.struck.tolist()


@pytest.mark.parametrize("fields, message", [
    ({"test": "variable", "variable": "talks"}, "at_least"),
    ({"test": "variable", "variable": "talks", "at_least": 3, "at_most": 1}, "never hold"),
    ({"test": "harm", "place": "base", "region": "east", "at_least": 1}, "not both"),
])
def test_a_count_needs_a_bound_that_can_hold_and_one_area(fields, message):
    with pytest.raises(ValidationError, match=message):
        TypeAdapter(m.Condition).validate_python(fields)


def test_a_variable_effect_adds_or_sets_not_both():
    with pytest.raises(ValidationError, match="exactly one"):
        m.VariableEffect(effect="variable", variable="talks", add=1, set=2)
    with pytest.raises(ValidationError, match="exactly one"):
        m.VariableEffect(effect="variable", variable="talks")


def test_losses_are_counted_for_each_side_from_battles_and_strikes():
    s = arena(name="counters")
    w = s.world
    drone = next(u for u in range(s.n_units) if s.u_owner[u] == BLUE and w.t_air[s.u_type[u]])
    (report,) = apply(s, DroneStrike(drone, "t_open", "units"))
    assert s.losses[RED] == pytest.approx(report.data["damage"], abs=0.05) and s.losses[BLUE] == 0
    before = s.losses.copy()
    events = apply(s, Attack("front", "t_open"))
    battle = next(e for e in events if e.kind == "battle")
    assert s.losses[BLUE] - before[BLUE] == pytest.approx(battle.data["attacker_lost"], abs=0.5)
    assert s.losses[RED] - before[RED] == pytest.approx(battle.data["defender_lost"], abs=0.5)
    assert holds(s, m.LossesCond(test="losses", faction="red", at_least=float(s.losses[RED])))
    assert not holds(s, m.LossesCond(test="losses", faction="red", at_least=float(s.losses[RED]) + 1))


def test_a_delivery_counts_when_it_arrives_not_when_it_is_sent():
    s = arena(name="counters")
    k = s.world.kidx[("patron", "drones")]
    arrived = m.DeliveredCond(test="delivered", backer="patron", package="drones", at_least=1)
    sent = m.SentCond(test="sent", backer="patron", package="drones", at_least=1)
    send(s, k)
    (due,) = [turn for turn, pk in s.deliveries if pk == k]
    assert holds(s, sent) and not holds(s, arrived)
    while s.turn <= due:
        assert not holds(s, arrived)
        _round(s)
    assert holds(s, arrived) and s.arrived[k] == 1
