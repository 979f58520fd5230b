"""The air war: strikes, interception, air cover.

Expected numbers are derived in each test from the scenario's own rule constants
(`world.spec.rules`), so a retuned default changes the expectation, not the verdict.
Every random draw is seeded; statistical checks use fixed seeds and loose bounds.
"""

from __future__ import annotations

import pytest

from engine_helpers import (BLUE, MINI, P, RED, T, clear_units, duel, end_turn, fixture_world, load_world, put, units_of,
                            with_rng)
from game.engine import World, apply, Attack, DroneStrike, new_game
from game.engine.air import air_power_share, intercept_chance
from game.engine.combat import battle_power, win_chance
from game.engine.supply import supplied


# =====================================================================================
# The air war
# =====================================================================================


def sky():
    """Blue drones at the base; Red infantry in both targets and a SAM battery at t_open."""
    s = duel(attackers=(), target_defenders=(("inf", "t_open"), ("inf", "t_urban")))
    drone = put(s, "drone", "blue", "base")
    sam = put(s, "sam", "red", "t_open")
    return s, drone, sam


def test_air_defence_covers_its_radius_and_no_further():
    s, drone, sam = sky()
    w = s.world
    rng = w.t_range[T(s, "sam")]
    intercept = w.spec.unit_types["sam"].intercept
    assert w.air_km[P(s, "t_open"), P(s, "t_urban")] > rng  # 33 km away, radius 30
    assert intercept_chance(s, BLUE, P(s, "t_open")) == pytest.approx(intercept)
    assert intercept_chance(s, BLUE, P(s, "t_urban")) == 0.0
    assert intercept_chance(s, BLUE, P(s, "front")) == 0.0
    # A battery never fires on its own side's drones.
    assert intercept_chance(s, RED, P(s, "t_open")) == 0.0
    # Two batteries: the strike must slip past both.
    put(s, "sam", "red", "t_open")
    assert intercept_chance(s, BLUE, P(s, "t_open")) == pytest.approx(1 - (1 - intercept) ** 2)


def test_shot_down_fraction_matches_intercept_chance():
    s, drone, sam = sky()
    p = intercept_chance(s, BLUE, P(s, "t_open"))
    n = 2000
    down = 0
    for i in range(n):
        c = with_rng(s, 20_000 + i)
        (ev,) = apply(c, DroneStrike(drone, "t_open", "units"))
        down += ev.data["intercepted"]
        if ev.data["intercepted"]:
            loss = c.world.spec.rules.air.drone_loss_on_intercept * c.world.t_strength[T(c, "drone")]
            assert c.u_str[drone] == pytest.approx(s.u_str[drone] - loss)
    assert abs(down / n - p) < 0.035, (down / n, p)
    # Out of the battery's radius nothing is shot down.
    for i in range(200):
        c = with_rng(s, 30_000 + i)
        (ev,) = apply(c, DroneStrike(drone, "t_urban", "units"))
        assert not ev.data["intercepted"]


def first_unintercepted(state, action, seeds=range(1000)):
    for seed in seeds:
        c = with_rng(state, seed)
        (ev,) = apply(c, action)
        if not ev.data["intercepted"]:
            return c, ev
    raise AssertionError("every strike was shot down")


def test_drones_hunting_air_defence_damage_it():
    s, drone, sam = sky()
    w = s.world
    c, ev = first_unintercepted(s, DroneStrike(drone, "t_open", "air_defence"))
    power = w.t_strike[T(s, "drone")] * w.spec.rules.air.hunt_bonus
    share = min(0.5, power / 100.0)
    assert c.u_str[sam] == pytest.approx(100.0 * (1 - share))
    assert ev.data["damage"] == pytest.approx(100.0 * share, abs=0.1)
    # The infantry beside the battery is untouched by a hunt...
    assert c.u_str[units_of(c, RED, P(c, "t_open"))].sum() == pytest.approx(1000.0 + c.u_str[sam])
    # ...and a strike on ground units leaves the battery alone.
    c2, _ = first_unintercepted(s, DroneStrike(drone, "t_open", "units"))
    assert c2.u_str[sam] == 100.0


def test_repeated_hunting_clears_the_sky():
    s, drone, sam = sky()
    for _ in range(40):
        if not s.u_alive[sam]:
            break
        assert s.u_alive[drone], "the drones were lost before the battery"
        s.u_sorties[drone] = 3
        apply(s, DroneStrike(drone, "t_open", "air_defence"))
    assert not s.u_alive[sam]
    assert intercept_chance(s, BLUE, P(s, "t_open")) == 0.0


def test_strike_on_supply_cuts_the_roads_for_the_turn():
    s = duel(attackers=(), target_defenders=(("inf", "t_open"),))
    drone = put(s, "drone", "blue", "base")
    t_open = P(s, "t_open")
    assert supplied(s, RED)[t_open]
    (ev,) = apply(s, DroneStrike(drone, "t_open", "supply"))
    assert not ev.data["intercepted"]
    assert not supplied(s, RED)[t_open]
    end_turn(s)  # Red moves; it is the last faction, so its attrition comes before the round ends
    end_turn(s)
    (u,) = units_of(s, RED, t_open)
    assert s.u_str[u] == pytest.approx(1000.0 * (1 - s.world.spec.rules.supply.attrition))
    assert supplied(s, RED)[t_open]  # the cut lasts one round


def test_strikes_on_cities_harm_civilians_and_cost_legitimacy():
    s, drone, _ = sky()
    legit = s.legitimacy[BLUE]
    apply(s, DroneStrike(drone, "t_urban", "units"))
    assert s.harm[P(s, "t_urban")] > 0
    assert s.harm_by[BLUE] == pytest.approx(s.harm.sum())
    assert s.legitimacy[BLUE] < legit


def test_neutral_town_defends_itself_then_changes_hands():
    s = new_game(load_world(MINI), 0)
    village, capital = P(s, "village"), P(s, "capital")
    assert s.owner[village] == -1
    a, d = battle_power(s, BLUE, capital, village)
    assert d == pytest.approx(s.world.spec.map.places["village"].local_defence)
    assert win_chance(s, BLUE, capital, village) > 0.99
    (ev,) = apply(s, Attack("capital", "village"))
    assert ev.data["won"] and ev.data["defender"] is None
    assert s.owner[village] == BLUE and s.local_defence[village] == 0
    assert all(s.u_place[u] == village for u in units_of(s, BLUE))


def _sky_with_morale(per_strike: float, seed: int = 0):
    """`sky`, in a world where each enemy strike that got through in a round beyond a
    side's own costs it `per_strike` cohesion (`rules.politics.cohesion_per_strike`),
    and Red has a drone of its own at its base."""
    spec = fixture_world("arena").spec
    pol = spec.rules.politics.model_copy(update={"cohesion_per_strike": per_strike})
    s = new_game(World(spec.model_copy(update={"rules": spec.rules.model_copy(update={"politics": pol})})), seed)
    clear_units(s)
    for where in ("t_open", "t_urban"):
        put(s, "inf", "red", where)
    put(s, "inf", "blue", "front")
    return s, put(s, "drone", "blue", "base"), put(s, "sam", "red", "t_open"), put(s, "drone", "red", "redbase")


def test_strikes_that_go_unanswered_fray_the_struck_side_at_the_round_end():
    s, drone, _, _ = _sky_with_morale(1.5)
    red, blue = float(s.cohesion[RED]), float(s.cohesion[BLUE])
    (ev,) = apply(s, DroneStrike(drone, "t_urban", "units"))  # no battery covers the Urban Target
    assert not ev.data["intercepted"]
    assert list(s.air_balance) == [-1.0, 1.0]
    assert s.cohesion[RED] == red  # counted now, felt when the round ends
    end_turn(s)
    end_turn(s)  # Red's turn: it does not strike back
    assert s.turn == 2 and list(s.air_balance) == [0.0, 0.0]
    changes = {(e[1], e[2]): (e[3], e[4]) for e in s.ledger if e[4].endswith("got through than its own")}
    assert changes[("cohesion", RED)][0] == pytest.approx(-1.5)
    assert ("cohesion", BLUE) not in changes  # the striker neither gains nor loses by it


def test_a_strike_answered_costs_neither_side():
    s, drone, _, red_drone = _sky_with_morale(1.5)
    apply(s, DroneStrike(drone, "t_urban", "units"))
    end_turn(s)
    (ev,) = apply(s, DroneStrike(red_drone, "front", "units"))
    assert not ev.data["intercepted"] and list(s.air_balance) == [0.0, 0.0]
    end_turn(s)
    assert not [e for e in s.ledger if e[4].endswith("got through than its own")]


def test_a_strike_brought_down_counts_for_nothing():
    s, drone, _, _ = _sky_with_morale(1.5)
    seen = {True: 0, False: 0}
    for seed in range(40):
        c = with_rng(s, 30_000 + seed)
        (ev,) = apply(c, DroneStrike(drone, "t_open", "units"))  # the battery covers the Open Target
        seen[ev.data["intercepted"]] += 1
        assert list(c.air_balance) == ([0.0, 0.0] if ev.data["intercepted"] else [-1.0, 1.0])
    assert seen[True] and seen[False]  # both cases were met


def test_unanswered_strikes_leave_cohesion_alone_by_default():
    s, drone, _ = sky()
    assert s.world.rules.politics.cohesion_per_strike == 0.0
    red = float(s.cohesion[RED])
    apply(s, DroneStrike(drone, "t_urban", "units"))
    end_turn(s)
    end_turn(s)
    assert not [e for e in s.ledger if e[4].endswith("got through than its own")]
    assert s.cohesion[RED] >= red  # only the quiet week's mending moved it


def _under_cover(cover: float):
    """Red infantry in the open and in a town, and Blue drones no air defence can reach,
    with `rules.air.cover` at `cover`."""
    spec = fixture_world("arena").spec
    air = spec.rules.air.model_copy(update={"cover": cover})
    s = new_game(World(spec.model_copy(update={"rules": spec.rules.model_copy(update={"air": air})})), 0)
    clear_units(s)
    put(s, "inf", "red", "t_open")
    put(s, "inf", "red", "t_urban")
    return s, put(s, "drone", "blue", "base")


@pytest.mark.parametrize("cover", [0.5, 1.0, 2.0])
def test_troops_shelter_from_strikes_behind_their_ground_only_as_far_as_the_rule_says(cover):
    """A strike on troops does its damage divided by the place's defence to the power
    `cover`; by default (0) the ground makes no difference."""
    hits = {}
    for k in (0.0, cover):
        for place in ("t_open", "t_urban"):
            s, drone = _under_cover(k)
            (ev,) = apply(s, DroneStrike(drone, place, "units"))
            assert not ev.data["intercepted"]
            hits[k, place] = ev.data["damage"]
    ground = s.ground
    assert ground[P(s, "t_urban")] > 1.0 == ground[P(s, "t_open")]
    # Below the most one strike can destroy, the strength lost is the strike's power.
    assert max(hits.values()) < s.world.spec.rules.air.max_strike_share * 1000.0
    assert hits[0.0, "t_open"] == pytest.approx(hits[0.0, "t_urban"], abs=0.2)
    assert hits[cover, "t_open"] == pytest.approx(hits[0.0, "t_open"], abs=0.2)
    assert hits[cover, "t_urban"] == pytest.approx(hits[0.0, "t_urban"] / ground[P(s, "t_urban")] ** cover, abs=0.2)


def test_a_sides_share_of_the_air_power_weighs_each_flyers_strike_sorties_and_airframes_left():
    """The balance in the air (`air.air_power_share`): drones and aircraft count by their
    type's strike times its sorties, by the share of their airframes left; ground units
    and air defence do not count; where nobody flies, each side has half."""
    s = new_game(fixture_world("arena"), 0)
    clear_units(s)
    put(s, "inf", "red", "t_open")
    put(s, "sam", "red", "redbase")
    assert air_power_share(s, BLUE) == air_power_share(s, RED) == 0.5
    blue = put(s, "drone", "blue", "base")
    assert air_power_share(s, BLUE) == 1.0 and air_power_share(s, RED) == 0.0
    put(s, "drone", "red", "redbase")
    assert air_power_share(s, BLUE) == 0.5
    # Blue's flight down to a quarter of its airframes: 1 part against Red's 4.
    s.u_str[blue] = s.world.spec.unit_types["drone"].strength / 4
    assert air_power_share(s, BLUE) == pytest.approx(0.2)
    assert air_power_share(s, RED) == pytest.approx(0.8)
