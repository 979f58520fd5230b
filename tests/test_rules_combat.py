"""Ground combat: odds, losses, captures and retreats.

Expected numbers are derived in each test from the scenario's own rule constants
(`world.spec.rules`), so a retuned default changes the expectation, not the verdict.
Every random draw is seeded; statistical checks use fixed seeds and loose bounds.
"""

from __future__ import annotations

import math

import pytest

from engine_helpers import BLUE, P, RED, T, arena, clear_units, duel, phi, put, units_of, with_rng
from game.ai.agents import make_agent
from game.engine import apply, Attack, World, new_game
from game.engine.air import air_units_in_range
from game.engine.combat import air_cover, battle_power, morale, resolve_attack, win_chance
from game.engine.supply import supplied


# =====================================================================================
# Ground combat
# =====================================================================================


def test_even_fight_on_open_ground_is_a_coin_toss():
    s = duel()
    a, d = battle_power(s, BLUE, P(s, "front"), P(s, "t_open"))
    # 2 x 1000 fighters of quality 1.0 at full cohesion on each side, open ground, both supplied.
    assert (a, d) == pytest.approx((2000.0, 2000.0))
    assert win_chance(s, BLUE, P(s, "front"), P(s, "t_open")) == pytest.approx(0.5)


def test_attacker_quality_raises_power_and_odds():
    base = duel()
    better = duel(attackers=("elite", "elite"))
    origin, target = P(base, "front"), P(base, "t_open")
    a0, d0 = battle_power(base, BLUE, origin, target)
    a1, d1 = battle_power(better, BLUE, origin, target)
    q = better.world.spec.unit_types
    assert a1 / a0 == pytest.approx(q["elite"].quality / q["inf"].quality)
    assert d1 == d0
    assert win_chance(better, BLUE, origin, target) > win_chance(base, BLUE, origin, target) + 0.3
    # Advisers' quality bonus works the same way.
    base.quality_bonus[BLUE] += 0.5
    assert battle_power(base, BLUE, origin, target)[0] == pytest.approx(a0 * 1.5)
    assert win_chance(base, BLUE, origin, target) > 0.9


def test_urban_terrain_multiplies_the_defence():
    s = duel(target_defenders=(("inf", "t_open"), ("inf", "t_open"), ("inf", "t_urban"), ("inf", "t_urban")))
    front = P(s, "front")
    a_open, d_open = battle_power(s, BLUE, front, P(s, "t_open"))
    a_urban, d_urban = battle_power(s, BLUE, front, P(s, "t_urban"))
    urban = s.world.spec.rules.combat.terrain_defence["urban"]
    assert urban > 1.0
    assert a_open == a_urban
    assert d_urban / d_open == pytest.approx(urban)
    assert win_chance(s, BLUE, front, P(s, "t_urban")) < win_chance(s, BLUE, front, P(s, "t_open"))


def test_attacker_out_of_supply_fights_weaker():
    s = duel()
    front, target = P(s, "front"), P(s, "t_open")
    a_in, _ = battle_power(s, BLUE, front, target)
    chance_in = win_chance(s, BLUE, front, target)
    assert supplied(s, BLUE)[front]
    s.owner[P(s, "link")] = RED  # the hub that carries supply to the front is lost
    s.invalidate()
    assert not supplied(s, BLUE)[front]
    a_out, _ = battle_power(s, BLUE, front, target)
    assert a_out / a_in == pytest.approx(s.world.spec.rules.combat.out_of_supply)
    assert win_chance(s, BLUE, front, target) < chance_in


def test_air_support_from_a_drone_in_range_raises_the_attack():
    s = duel()
    front, target = P(s, "front"), P(s, "t_open")
    a0, _ = battle_power(s, BLUE, front, target)
    c0 = win_chance(s, BLUE, front, target)
    assert air_cover(s, BLUE, target) == 0.0
    drone = put(s, "drone", "blue", "base")
    w = s.world
    assert w.air_km[P(s, "base"), target] <= w.t_range[T(s, "drone")]
    assert air_units_in_range(s, BLUE, target).tolist() == [drone]
    assert air_cover(s, BLUE, target) == 1.0
    a1, _ = battle_power(s, BLUE, front, target)
    assert a1 / a0 == pytest.approx(1.0 + w.spec.rules.combat.air_support)
    assert win_chance(s, BLUE, front, target) > c0
    # Out of the drone's range there is no cover; a drone with no sorties left gives none.
    assert w.air_km[P(s, "base"), P(s, "far")] > w.t_range[T(s, "drone")]
    assert air_cover(s, BLUE, P(s, "far")) == 0.0
    s.u_sorties[drone] = 0
    assert air_cover(s, BLUE, target) == 0.0


def test_enemy_air_defence_over_the_target_thins_air_cover():
    s = duel()
    put(s, "drone", "blue", "base")
    target = P(s, "t_open")
    sam = put(s, "sam", "red", "t_open")
    intercept = s.world.spec.unit_types["sam"].intercept
    assert air_cover(s, BLUE, target) == pytest.approx(1.0 - intercept)
    s.u_str[sam] = 50.0  # a battery at half strength covers half as well
    assert air_cover(s, BLUE, target) == pytest.approx(1.0 - intercept / 2)


def test_artillery_in_the_attack_raises_power():
    plain = duel(attackers=("inf", "inf"))
    guns = duel(attackers=("inf", "guns"))  # same strength and quality; one unit is artillery
    front, target = P(plain, "front"), P(plain, "t_open")
    a0, d0 = battle_power(plain, BLUE, front, target)
    a1, d1 = battle_power(guns, BLUE, front, target)
    bonus = plain.world.spec.rules.combat.artillery_support
    assert bonus > 0
    assert a1 / a0 == pytest.approx(1.0 + bonus * min(1.0, 3.0 * 0.5))
    assert d1 == d0
    assert win_chance(guns, BLUE, front, target) > win_chance(plain, BLUE, front, target)


def test_low_cohesion_lowers_morale_and_power():
    s = duel()
    front, target = P(s, "front"), P(s, "t_open")
    a0, _ = battle_power(s, BLUE, front, target)
    s.cohesion[BLUE] = 20.0
    assert morale(s, BLUE) < 1.0
    assert battle_power(s, BLUE, front, target)[0] == pytest.approx(a0 * morale(s, BLUE))


@pytest.mark.parametrize("strength", [1500.0, 2000.0, 2600.0])
def test_empirical_win_rate_tracks_win_chance(strength):
    s = duel(attackers=())
    put(s, "inf", "blue", "front", strength)
    front, target = P(s, "front"), P(s, "t_open")
    p = win_chance(s, BLUE, front, target)
    noise = s.world.spec.rules.combat.noise
    assert p == pytest.approx(phi(math.log(strength / 2000.0) / noise))
    n = 1500
    wins = 0
    for i in range(n):
        c = with_rng(s, 10_000 + i)
        (ev,) = resolve_attack(c, BLUE, front, target)
        assert ev.data["won"] == (c.owner[target] == BLUE)
        wins += ev.data["won"]
    assert abs(wins / n - p) < 0.05, (wins / n, p)


def apply_as_blue(state, action):
    assert state.active == BLUE
    return apply(state, action)


def test_battle_costs_both_sides_and_the_loser_falls_back():
    s = duel()
    front, target, redbase = P(s, "front"), P(s, "t_open"), P(s, "redbase")
    outcomes = {}
    for seed in range(60):
        c = with_rng(s, seed)
        before_blue = c.u_str[units_of(c, BLUE)].sum()
        before_red = c.u_str[units_of(c, RED)].sum()
        (ev,) = apply_as_blue(c, Attack("front", "t_open"))
        assert c.u_str[units_of(c, BLUE)].sum() < before_blue
        assert c.u_str[units_of(c, RED)].sum() < before_red
        won = ev.data["won"]
        if won:
            assert c.owner[target] == BLUE
            assert all(c.u_place[u] == target for u in units_of(c, BLUE))
            assert all(c.u_place[u] == redbase for u in units_of(c, RED))  # the only Red neighbour
            assert c.cohesion[RED] < 100.0
        else:
            assert c.owner[target] == RED
            assert all(c.u_place[u] == front for u in units_of(c, BLUE))
            assert not c.u_ready[units_of(c, BLUE)].any()  # they have fought this turn
        outcomes[won] = outcomes.get(won, 0) + 1
    assert set(outcomes) == {True, False}  # an even fight goes both ways over 60 seeds


def test_unopposed_attack_takes_the_place():
    s = duel(target_defenders=())
    (ev,) = apply(s, Attack("front", "t_open"))
    assert ev.kind == "capture"
    assert s.owner[P(s, "t_open")] == BLUE


def test_a_great_city_does_not_fall_to_an_even_force_in_one_week():
    # Urban terrain more than doubles the defence: an attack at even strength almost never wins.
    s = duel(target_defenders=(("inf", "t_urban"), ("inf", "t_urban")))
    assert win_chance(s, BLUE, P(s, "front"), P(s, "t_urban")) < 0.001


# -- attacking with part of a stack ------------------------------------------------------------


def test_an_attack_with_two_of_three_units_leaves_the_third_at_home_and_ready():
    s = duel(attackers=("inf", "inf", "inf"), target_defenders=())  # the target's armed locals alone
    origin, target = P(s, "front"), P(s, "t_open")
    a, b, c = units_of(s, BLUE, origin)
    whole, _ = battle_power(s, BLUE, origin, target)
    part, _ = battle_power(s, BLUE, origin, target, (a, b))
    assert part == pytest.approx(whole * 2 / 3)  # three equal units; two of them go
    assert win_chance(s, BLUE, origin, target, (a, b)) <= win_chance(s, BLUE, origin, target)
    assert s.u_ready[c]  # asking the odds leaves every unit as it was
    s = with_rng(s, 3)
    events = apply(s, Attack("front", "t_open", (a, b)))
    assert events[0].kind in ("battle", "capture")
    assert s.u_place[c] == origin and s.u_ready[c]  # the third stayed home, free to act
    assert not s.u_ready[a] and not s.u_ready[b]
    if s.owner[target] == BLUE:  # the two that went, if alive, advanced
        assert all(s.u_place[u] == target for u in (a, b) if s.u_alive[u])


@pytest.mark.parametrize("units, reason", [
    ((), "name at least one unit"),
    ((99,), "not one of your ready ground units"),
    ((0, 0), "named twice"),
])
def test_an_attack_naming_the_wrong_units_is_refused(units, reason):
    from game.engine import why_illegal

    s = duel(attackers=("inf", "inf"))
    mine = units_of(s, BLUE, P(s, "front"))
    units = tuple(mine[0] if u == 0 else u for u in units)
    assert reason in why_illegal(s, Attack("front", "t_open", units))
    red = units_of(s, RED, P(s, "t_open"))[0]
    assert "not one of your ready" in why_illegal(s, Attack("front", "t_open", (red,)))
    assert why_illegal(s, Attack("front", "t_open", (mine[1],))) is None


def test_attack_orders_round_trip_through_json_and_old_ones_still_read():
    from game.engine import action_from_json, action_to_json

    whole, part = Attack("front", "t_open"), Attack("front", "t_open", (3, 5))
    assert action_to_json(whole) == {"type": "Attack", "origin": "front", "target": "t_open"}  # as before
    assert action_to_json(part) == {"type": "Attack", "origin": "front", "target": "t_open", "units": [3, 5]}
    assert action_from_json(action_to_json(part)) == part
    assert action_from_json({"type": "Attack", "origin": "front", "target": "t_open"}) == whole
    with pytest.raises(ValueError):
        action_from_json({"type": "Attack", "origin": "front", "target": "t_open", "units": ["x"]})
    with pytest.raises(ValueError):
        action_from_json({"type": "Attack", "origin": "front"})


def test_an_attacks_breakdown_names_each_factor_and_multiplies_to_its_power():
    """`battle_terms`: artillery and a drone on Blue's side, an SAM and armed locals on
    Red's, a shaken Red coalition. Each factor is what the rules say it is, worked out
    here the slow way, and their products are `battle_power` exactly."""
    from game.engine.combat import battle_terms

    s = duel(attackers=("inf", "guns"), target_defenders=(("inf", "t_open"), ("sam", "t_open")))
    put(s, "drone", "blue", "base")
    s.local_defence[P(s, "t_open")] = 300.0
    s.cohesion[RED] = 40.0
    c = s.world.rules.combat
    front, target = P(s, "front"), P(s, "t_open")
    got = battle_terms(s, BLUE, front, target)
    a, d = battle_power(s, BLUE, front, target)
    assert got["attack"] == a and got["defence"] == d
    # Blue: 1,000 infantry and 1,000 guns of quality 1; half its strength is artillery.
    assert got["attack_strength"] == pytest.approx(2000.0)
    assert got["attack_morale"] == pytest.approx(morale(s, BLUE))
    assert got["attack_supply"] == 1.0
    assert got["attack_artillery"] == pytest.approx(1.0 + c.artillery_support * min(1.0, 0.5 / c.artillery_full_share))
    assert got["attack_air"] == pytest.approx(1.0 + c.air_support * air_cover(s, BLUE, target))
    assert got["attack_air"] > 1.0  # the drone flies over the target, through the SAM's fire
    # Red: its infantry and the SAM battery stand, the locals fight beside them, and the
    # open ground gives no bonus.
    assert got["locals"] == 300.0 and got["defence_morale"] == pytest.approx(morale(s, RED))
    assert got["defence_morale"] < got["attack_morale"]
    assert got["terrain"] == s.world.terrain_defence[target] == 1.0
    attack = got["attack_strength"] * got["attack_morale"] * got["attack_supply"] * got["attack_artillery"] \
        * got["attack_air"]
    defence = (got["locals"] + got["defence_strength"] * got["defence_morale"] * got["defence_supply"]
               * got["defence_artillery"]) * got["defence_air"] * got["terrain"]
    assert attack == pytest.approx(a) and defence == pytest.approx(d)


# =====================================================================================
# Attacking a place that sides with nobody
# =====================================================================================


def neutral_front(cost: float, people: bool = True):
    """The arena with `rules.politics.neutral_attack_legitimacy` at `cost`: Blue's two
    companies at the front (one more at the base), the Open Target siding with nobody
    and 300 armed locals (and, unless `people` is False, its 40,000 people), and Red's
    four companies in the Urban Target."""
    spec = arena().world.spec
    politics = spec.rules.politics.model_copy(update={"neutral_attack_legitimacy": cost})
    spec = spec.model_copy(update={"rules": spec.rules.model_copy(update={"politics": politics})})
    if not people:  # an empty base, say: no civilians to harm, and the same price for widening the war
        places = dict(spec.map.places)
        places["t_open"] = places["t_open"].model_copy(update={"population": 0})
        spec = spec.model_copy(update={"map": spec.map.model_copy(update={"places": places})})
    s = new_game(World(spec), 0)
    clear_units(s)
    put(s, "inf", "blue", "front")
    put(s, "inf", "blue", "front")
    put(s, "inf", "blue", "base")
    for _ in range(4):
        put(s, "inf", "red", "t_urban")
    s.owner[P(s, "t_open")] = -1
    s.local_defence[P(s, "t_open")] = 300.0
    s.invalidate()
    return s


def test_attacking_a_neutral_place_costs_the_attacker_standing_and_an_enemy_one_does_not():
    def blue_standing_moves(s, target):
        """Blue's legitimacy changes, by cause, in an attack on `target` from the front."""
        seen = len(s.ledger)
        before = float(s.legitimacy[BLUE])
        resolve_attack(s, BLUE, P(s, "front"), P(s, target))
        moves = {why: moved for _, gauge, i, moved, why in s.ledger[seen:] if gauge == "legitimacy" and i == BLUE}
        assert sum(moves.values()) == pytest.approx(float(s.legitimacy[BLUE]) - before)
        return moves

    s = neutral_front(5.0)
    moves = blue_standing_moves(s, "t_open")
    assert moves.pop("attacked neutral Open Target") == -5.0
    assert all(why.startswith("civilians harmed") for why in moves)  # the battle's own harm, as ever
    put(s, "inf", "blue", "front")
    assert not any(why.startswith("attacked neutral") for why in blue_standing_moves(s, "t_urban"))  # Red's


@pytest.mark.parametrize("people", [True, False])
def test_the_normal_ai_leaves_a_neutral_place_alone_when_attacking_it_costs_standing(people):
    """A town, or a place with nobody living there: the rule charges both alike, and
    the AI weighs what the rule charges."""
    def attacks(cost):
        s = neutral_front(cost, people)
        agent = make_agent("normal", 0)
        given = []
        while s.turn == 1 and s.active == BLUE:
            action = agent.act(s)
            given.append(action)
            apply(s, action)
        return [a for a in given if isinstance(a, Attack)]

    # A sure thing at no cost: it attacks. At five points of legitimacy: it does not.
    assert attacks(0.0) == [Attack("front", "t_open")]
    assert attacks(5.0) == []
