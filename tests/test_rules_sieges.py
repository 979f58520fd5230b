"""Sieges: armed locals worn down next to an enemy.

Expected numbers are derived in each test from the scenario's own rule constants
(`world.spec.rules`), so a retuned default changes the expectation, not the verdict.
Every random draw is seeded; statistical checks use fixed seeds and loose bounds.
"""

from __future__ import annotations

import pytest

from engine_helpers import BLUE, P, end_round, fixture_world, put, units_of
from game.engine import new_game, World
from game.engine.siege import siege_pressures
from reference_rules import air_command, besiegers


def siege_pressure(s, place):
    return float(siege_pressures(s)[place])


# =====================================================================================
# Sieges
# =====================================================================================


def siege_arena(rate: float = 0.2, locals_: float = 1000.0, numbers: bool = False):
    """The arena with `siege_loss` set (and `siege_numbers` if asked): Blue's infantry at
    the front, next to Red's Open Target, whose armed locals are `locals_`; Blue's drone
    at its base reaches the target."""
    spec = fixture_world("arena").spec
    combat = spec.rules.combat.model_copy(update={"siege_loss": rate, "siege_numbers": numbers})
    spec = spec.model_copy(update={"rules": spec.rules.model_copy(update={"combat": combat})})
    s = new_game(World(spec), 0)
    s.local_defence[P(s, "t_open")] = locals_
    return s


def test_with_attacks_held_to_a_weeks_march_only_troops_who_could_attack_besiege():
    """The march fixture: the road from the Front to the Open Target is longer than Blue's
    infantry marches in a week, so they can neither attack the town nor stand at its
    gates; contractors, who march twice as far, do both. The Urban Target, 70 km away, is
    besieged by the infantry as it would be without the rule."""
    spec = fixture_world("march").spec
    combat = spec.rules.combat.model_copy(update={"siege_loss": 0.2})
    s = new_game(World(spec.model_copy(update={"rules": spec.rules.model_copy(update={"combat": combat})})), 0)
    target, near = P(s, "t_open"), P(s, "t_urban")
    s.local_defence[target] = s.local_defence[near] = 1000.0
    assert besiegers(s, target) == [] and siege_pressure(s, target) == 0.0
    assert besiegers(s, near) == [BLUE]
    end_round(s)
    assert s.local_defence[target] == 1000.0
    put(s, "contractor", "blue", "front")
    assert besiegers(s, target) == [BLUE]
    assert siege_pressure(s, target) == pytest.approx(0.2 * air_command(s, BLUE, target)) and air_command(s, BLUE, target) > 0


def test_with_siege_km_only_troops_that_near_besiege():
    """`siege_km`: forces stand at a town's gates only within that many road km of it.
    On the march fixture, with the limit set between the Urban Target's road and the
    Open Target's longer one, contractors at the Front (who could march either road in a
    week) besiege the near town and not the far one, which drains no more; the far one
    is besieged again when the limit is lifted."""
    spec = fixture_world("march").spec
    w0 = World(spec)
    front, target, near = (w0.pidx[p] for p in ("front", "t_open", "t_urban"))
    short, long_ = float(w0.route_km[front, near]), float(w0.route_km[front, target])
    assert short < long_
    limit = (short + long_) / 2

    def game(siege_km):
        combat = spec.rules.combat.model_copy(update={"siege_loss": 0.2, "siege_km": siege_km})
        s = new_game(World(spec.model_copy(update={"rules": spec.rules.model_copy(update={"combat": combat})})), 0)
        s.local_defence[target] = s.local_defence[near] = 1000.0
        put(s, "contractor", "blue", "front")
        return s

    s = game(limit)
    assert besiegers(s, target) == [] and siege_pressure(s, target) == 0.0
    assert besiegers(s, near) == [BLUE] and siege_pressure(s, near) > 0
    end_round(s)
    assert s.local_defence[target] == 1000.0 and s.local_defence[near] < 1000.0
    lifted = game(0.0)
    assert besiegers(lifted, target) == [BLUE] and siege_pressure(lifted, target) > 0


def test_a_besieged_town_loses_armed_locals_under_the_besiegers_air():
    s = siege_arena()
    target = P(s, "t_open")
    assert besiegers(s, target) == [BLUE]
    assert air_command(s, BLUE, target) == 1.0
    events = end_round(s)
    rate = s.world.spec.rules.combat.siege_loss
    assert s.local_defence[target] == pytest.approx(1000.0 * (1 - rate))
    (ev,) = [e for e in events if e.kind == "siege"]
    assert ev.faction == "red" and ev.data["places"] == ["t_open"]
    assert ev.data["lost"] == pytest.approx(1000.0 * rate)
    # Red has nobody next to Blue's towns and no air arm, so Blue loses nothing.
    assert s.local_defence[P(s, "front")] == 0.0


def test_air_defence_over_the_town_slows_the_drain():
    s = siege_arena()
    target = P(s, "t_open")
    put(s, "sam", "red", "t_open")
    intercept = s.world.spec.unit_types["sam"].intercept
    assert siege_pressure(s, target) == pytest.approx(s.world.spec.rules.combat.siege_loss * (1 - intercept))
    end_round(s)
    assert s.local_defence[target] == pytest.approx(1000.0 * (1 - s.world.spec.rules.combat.siege_loss * (1 - intercept)))


def _ground_strength(s, faction, place) -> float:
    return sum(float(s.u_str[u]) for u in units_of(s, faction, P(s, place)) if s.world.t_ground[s.u_type[u]])


def test_with_siege_numbers_a_force_too_small_to_hem_a_town_in_drains_it_in_proportion():
    """`siege_numbers`: the drain is scaled by the besiegers' strength at the gates over
    the town's defenders, the armed locals and the holder's troops inside, at most 1."""
    probe = siege_arena(numbers=True)
    red = probe.owner[P(probe, "t_open")]
    gates, inside = _ground_strength(probe, BLUE, "front"), _ground_strength(probe, red, "t_open")
    assert gates > 0 and inside > 0
    rate = probe.world.spec.rules.combat.siege_loss
    # Defenders four times the besiegers: a quarter of the drain.
    s = siege_arena(locals_=4 * gates - inside, numbers=True)
    target = P(s, "t_open")
    assert siege_pressure(s, target) == pytest.approx(rate * 0.25)
    end_round(s)
    assert s.local_defence[target] == pytest.approx((4 * gates - inside) * (1 - rate * 0.25))
    # The holder's troops inside count as defenders as the armed locals do.
    s = siege_arena(locals_=2 * gates - inside, numbers=True)
    assert siege_pressure(s, target) == pytest.approx(rate * 0.5)
    put(s, "inf", "red", "t_open", strength=2 * gates)
    assert siege_pressure(s, target) == pytest.approx(rate * 0.25)
    # As many besiegers as defenders, or more: the whole drain, as without the rule.
    s = siege_arena(locals_=1000.0, numbers=True)
    put(s, "inf", "blue", "front", strength=inside + 1000.0 - gates)
    assert siege_pressure(s, target) == pytest.approx(rate)
    put(s, "inf", "blue", "front")
    assert siege_pressure(s, target) == pytest.approx(rate)
    # Off (the default), numbers do not matter.
    off = siege_arena(locals_=4 * gates - inside)
    assert siege_pressure(off, target) == pytest.approx(rate)
    # The place panel says why a town drains slowly.
    from game.client.describe import place_html  # plain text functions, no pygame

    slow = siege_arena(locals_=4 * gates - inside, numbers=True)
    assert "the fewer the besiegers against its defenders, the slower" in place_html(slow, target)
    assert "the fewer the besiegers" not in place_html(off, target)


def test_drones_that_have_flown_still_command_the_air():
    s = siege_arena()
    drone = next(u for u in units_of(s, BLUE) if s.world.t_air[s.u_type[u]])
    s.u_sorties[drone] = 0
    assert air_command(s, BLUE, P(s, "t_open")) == 1.0


def test_the_place_panel_tells_the_player_a_town_is_besieged():
    from game.client.describe import place_html  # plain text functions, no pygame

    s = siege_arena()
    rate = s.world.spec.rules.combat.siege_loss
    assert f"loses {rate:.0%} of its 1,000 armed locals a turn" in place_html(s, P(s, "t_open"))
    for u in units_of(s, BLUE, P(s, "front")):
        s.u_place[u] = P(s, "link")
    assert "Besieged" not in place_html(s, P(s, "t_open"))


@pytest.mark.parametrize("change", ["no air arm", "no troops at the gates", "truce", "rule off"])
def test_no_drain_without_air_troops_at_the_gates_or_in_a_truce(change):
    s = siege_arena(rate=0.0 if change == "rule off" else 0.2)
    if change == "no air arm":
        for u in units_of(s, BLUE):
            if s.world.t_air[s.u_type[u]]:
                s.kill(u)
    elif change == "no troops at the gates":
        for u in units_of(s, BLUE, P(s, "front")):
            s.u_place[u] = P(s, "link")
    elif change == "truce":
        s.truce = 2
    events = end_round(s)
    assert s.local_defence[P(s, "t_open")] == 1000.0
    assert not [e for e in events if e.kind == "siege"]
