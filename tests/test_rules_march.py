"""Attacks held to a week's march (`rules.movement.attack_within_march`) and a march of
one road always allowed (`rules.movement.one_road_a_turn`), on the arena of
tests/data/engine/march.yaml: the Front is 150 km from the Open Target (infantry march
100 km a turn, contractors 200) and the Far Town 600 km from the Red Base."""

from __future__ import annotations

import numpy as np

from engine_helpers import BLUE, RED, P, clear_units, fixture_world, put, SeededRandom, universe
from game.engine import apply, legal_actions, new_game, why_illegal
from game.engine import actions as A
from game.engine.combat import marchers, win_chance


def march_arena(seed: int = 0):
    s = new_game(fixture_world("march"), seed)
    clear_units(s)
    return s


def attacks(s):
    return {(a.origin, a.target) for a in legal_actions(s) if isinstance(a, A.Attack)}


def test_an_attack_goes_only_along_a_road_some_attacker_could_march_this_week():
    s = march_arena()
    put(s, "inf", "blue", "front")
    put(s, "inf", "red", "t_open")
    put(s, "inf", "red", "t_urban")
    # 70 km to the Urban Target is within infantry's 100; 150 km to the Open Target is not.
    assert attacks(s) == {("front", "t_urban")}
    reason = why_illegal(s, A.Attack("front", "t_open"))
    assert reason is not None and "150 km" in reason and "no unit at Front" in reason
    # Contractors cover 200 km a turn, so with them the attack is open again.
    put(s, "contractor", "blue", "front")
    assert attacks(s) == {("front", "t_urban"), ("front", "t_open")}
    assert why_illegal(s, A.Attack("front", "t_open")) is None


def test_only_the_units_that_can_march_the_road_go_in_and_the_rest_stay():
    s = march_arena()
    slow = put(s, "inf", "blue", "front")
    fast = put(s, "contractor", "blue", "front", 3000)
    put(s, "inf", "red", "t_open", 100)
    assert marchers(s, BLUE, P(s, "front"), P(s, "t_open")).tolist() == [fast]
    reason = why_illegal(s, A.Attack("front", "t_open", (slow, fast)))
    assert reason == f"unit {slow} cannot cover the 150 km to Open Target in a turn"
    assert sorted(marchers(s, BLUE, P(s, "front"), P(s, "t_urban")).tolist()) == sorted([slow, fast])
    # The odds a player is shown are those of the units that would go.
    assert win_chance(s, BLUE, P(s, "front"), P(s, "t_open")) == win_chance(s, BLUE, P(s, "front"), P(s, "t_open"),
                                                                            (fast,))
    apply(s, A.Attack("front", "t_open"))
    assert s.owner[P(s, "t_open")] == BLUE
    assert s.u_place[fast] == P(s, "t_open") and not s.u_ready[fast]
    assert s.u_place[slow] == P(s, "front") and s.u_ready[slow]  # it never set out


def test_with_the_rule_off_the_same_attack_is_open_to_infantry():
    spec = fixture_world("march").spec
    movement = spec.rules.movement.model_copy(update={"attack_within_march": False, "one_road_a_turn": False})
    from game.engine import World

    w = World(spec.model_copy(update={"rules": spec.rules.model_copy(update={"movement": movement})}))
    s = new_game(w, 0)
    clear_units(s)
    put(s, "inf", "blue", "front")
    put(s, "inf", "red", "t_open")
    assert why_illegal(s, A.Attack("front", "t_open")) is None


def test_one_road_to_a_place_of_ones_own_is_always_a_turns_march():
    s = march_arena()
    s.active = RED
    u = put(s, "inf", "red", "far")
    # The Red Base is 600 km off, six times infantry's march, but one road from the Far Town.
    assert why_illegal(s, A.Move(u, "redbase")) is None
    assert A.Move(u, "redbase") in list(legal_actions(s))
    # A second road on is a march like any other: 660 km to the Open Target is too far.
    reason = why_illegal(s, A.Move(u, "t_open"))
    assert reason is not None and "660 km" in reason
    assert A.Move(u, "t_open") not in list(legal_actions(s))
    apply(s, A.Move(u, "redbase"))
    assert s.u_place[u] == P(s, "redbase")


def test_legal_orders_and_why_illegal_agree_under_both_rules():
    w = fixture_world("march")
    checked = 0
    for game in range(12):
        s = new_game(w, 700 + game)
        agent = SeededRandom(40 + game)
        steps = 0
        while not s.over and steps < 300:
            listed = list(legal_actions(s))
            for a in listed:
                assert why_illegal(s, a) is None, f"game {game} turn {s.turn}: legal {a} refused"
            if steps % 10 == 0:
                for a in universe(s):  # every order of every kind, moves and attacks among them
                    if why_illegal(s, a) is None:
                        assert a in listed, f"game {game} turn {s.turn}: {a} is allowed but not listed"
            apply(s, agent.act(s))
            steps += 1
            checked += 1
    assert checked > 500


def test_the_normal_ai_gives_only_attacks_the_rule_allows():
    from game.ai.agents import make_agents

    w = fixture_world("march")
    given = refused = 0
    for seed in range(6):
        s = new_game(w, seed)
        agents = make_agents(w, np.random.SeedSequence(seed), {"blue": "normal", "red": "normal"})

        # play_out does not check the orders of agents that give legal ones, so check here.
        while not s.over and s.turn < 12:
            agent = agents[s.active]
            action = agent.act(s)
            if isinstance(action, A.Attack):
                given += 1
                refused += why_illegal(s, action) is not None
            apply(s, action)
    assert given > 0 and refused == 0
