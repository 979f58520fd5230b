"""The questions many rules share, each stated once (engine/reach.py and
politics.harm_of): who holds a place against whom, what an air unit or battery
reaches, and how many civilians a strike or battle harms. The compiled and numpy forms
must agree with each other and with the plain statement of the rule, on states reached
by seeded random play of both shipped scenarios, where owners include nobody (-1)."""

from __future__ import annotations

import numpy as np
import pytest

from engine_helpers import SHIPPED, duel, load_world, put, random_actions, shipped_path
from game.ai.utility import standing_lost
from game.engine import DroneStrike, new_game, why_illegal
from game.engine.politics import civilian_harm, harm_of, standing_cost
from game.engine.reach import attackable, enemy_held, held_by_enemy, marches, marching, reaching, within_reach


def played(name: str, seed: int, orders: int = 150):
    state = new_game(load_world(shipped_path(name)), seed)
    random_actions(state, orders, seed)
    return state


@pytest.mark.parametrize("name", SHIPPED)
def test_enemy_held_agrees_with_its_kernel_and_the_plain_rule(name):
    state = played(name, 11)
    w = state.world
    owner = state.owner.copy()
    owner[: w.P // 3] = -1  # make sure unheld places are among those asked about
    for f in range(w.F):
        mask = enemy_held(w, owner, f)
        for p in range(w.P):
            o = int(owner[p])
            by_hand = o >= 0 and bool(w.enemies[f, o])
            assert bool(mask[p]) == by_hand == bool(held_by_enemy(f, o, w.enemies))
            # Attack is open against an enemy's place and a neutral one, never one's own.
            assert bool(attackable(f, o, w.enemies)) == (o < 0 or by_hand)
        assert not mask[owner == f].any()


@pytest.mark.parametrize("name", SHIPPED)
def test_reach_agrees_with_its_kernel_and_the_distance(name):
    w = load_world(shipped_path(name))
    rng = np.random.default_rng(5)
    types = rng.integers(0, len(w.types), size=60)
    bases = rng.integers(0, w.P, size=60)
    for place in range(w.P):
        mask = reaching(w, types, bases, place)
        for t, base, hit in zip(types.tolist(), bases.tolist(), mask.tolist()):
            assert hit == (w.air_km[base, place] <= w.t_range[t]) == within_reach(w.air_km, w.t_range, t, base, place)
    # A unit always reaches the place it stands on.
    assert all(within_reach(w.air_km, w.t_range, t, p, p) for t in range(len(w.types)) for p in range(w.P))


@pytest.mark.parametrize("name", SHIPPED)
def test_a_march_agrees_with_its_kernel_and_the_road(name):
    """A unit marches to a place when a road joins them and its speed covers the road's
    effective length, and to the place it stands on; never where no road goes."""
    w = load_world(shipped_path(name))
    rng = np.random.default_rng(7)
    types = rng.integers(0, len(w.types), size=60)
    origins = rng.integers(0, w.P, size=60)
    mask = marching(w, types, origins)
    assert mask.shape == (60, w.P)
    for i, (t, origin) in enumerate(zip(types.tolist(), origins.tolist())):
        for place in range(w.P):
            road = w.route_km[origin, place]
            by_hand = place == origin or (bool(np.isfinite(road)) and w.t_speed[t] >= road)
            assert bool(mask[i, place]) == by_hand == bool(marches(w.t_speed, w.route_km, t, origin, place))
    assert mask.any() and not mask.all()
    for place in range(w.P):  # the same, asked of one place
        assert np.array_equal(marching(w, types, origins, place), mask[:, place])


def test_the_harm_formula_is_the_one_a_strike_applies_and_the_ai_expects():
    state = played("tripoli_2019", 3, orders=0)
    w = state.world
    pol = w.rules.politics
    place = int(np.argmax(w.population))
    expected = float(w.population[place]) / 100_000.0 * pol.harm_per_strike * 0.7
    assert harm_of(w, float(w.population[place]), 0.7) == expected > 0
    assert standing_cost(w, float(w.population[place]), 0.7) == expected * pol.harm_legitimacy
    # The AI's per-place estimate is the same formula over every place.
    assert np.array_equal(standing_lost(state, 0.7), standing_cost(w, w.population, 0.7))
    # And the rule that records harm moves the books and the side's standing by as much.
    state.legitimacy[0] = 50.0
    harm = civilian_harm(state, 0, place, 0.7)
    assert harm == expected and state.harm[place] == expected and state.harm_by[0] == expected
    assert state.legitimacy[0] == pytest.approx(50.0 - expected * pol.harm_legitimacy)


def test_a_strike_is_allowed_exactly_as_far_as_the_reach_test_says():
    s = duel(attackers=(), target_defenders=(("inf", "t_open"),))
    drone = put(s, "drone", "blue", "base")
    w = s.world
    t, base = int(s.u_type[drone]), int(s.u_place[drone])
    for target in ("t_open", "far"):
        p = w.pidx[target]
        why = why_illegal(s, DroneStrike(drone, target, "supply"))
        if within_reach(w.air_km, w.t_range, t, base, p):
            assert why is None
        else:
            assert why == f"{w.place_name(p)} is {w.air_km[base, p]:.0f} km away; the range is {w.t_range[t]:.0f} km"
    # The fixture puts one target inside the drone's radius and one beyond it.
    assert within_reach(w.air_km, w.t_range, t, base, w.pidx["t_open"])
    assert not within_reach(w.air_km, w.t_range, t, base, w.pidx["far"])
