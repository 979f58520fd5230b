"""The utility AI against its plain statement (reference_ai.py), order by order.

The game's agent thinks once a turn, keeps what it worked out, refreshes only what
each order changed, plans runs of moves ahead and scores with compiled kernels; the
reference lists every legal order and scores each from scratch before every order.
Played side by side on the same games, they must give the very same orders, so every
shortcut the fast agent takes is checked against the slow, obvious one.
"""

from __future__ import annotations

import numpy as np
import pytest

from engine_helpers import MINI, fixture_world, load_world, shipped_path
from game.ai.utility import UtilityAgent
from game.engine import apply, new_game
from reference_ai import UtilityAgent as ReferenceAgent

# The variations of judgement the search level compares, besides the plain one.
VARIANTS = {"plain": {}, "bold": {"odds_shift": -0.10, "boldness": 1.5},
            "focused": {"odds_shift": -0.05, "boldness": 2.0, "focus": 3.0}}


def _lockstep(world, seed: int, level: str, variant: dict, max_orders: int = 100_000) -> int:
    """Play a game with the fast agent on every side, asking the reference agent (seeded
    alike) the same question before each order; return how many orders were compared."""
    game_seed, agent_seed = np.random.SeedSequence(seed).spawn(2)
    state = new_game(world, game_seed)
    seeds = agent_seed.spawn(world.F)
    fast = [UtilityAgent(s, level, **variant) for s in seeds]
    slow = [ReferenceAgent(s, level, **variant) for s in seeds]
    compared = 0
    while not state.over and compared < max_orders:
        f = state.active
        action = fast[f].act(state)
        expected = slow[f].act(state)
        assert action == expected, (world.spec.meta.id, seed, state.turn, f, fast[f].why, slow[f].why)
        assert fast[f].why == slow[f].why
        apply(state, action)
        compared += 1
    return compared


@pytest.mark.slow
@pytest.mark.parametrize("scenario", ["tripoli_2019", "dignity_2014", "karabakh_2020"])
@pytest.mark.parametrize("level", ["normal", "easy"])
def test_fast_agent_gives_the_reference_agents_orders(scenario, level):
    world = load_world(shipped_path(scenario))
    for seed in range(2):
        assert _lockstep(world, 100 + seed, level, {}) > 100


@pytest.mark.parametrize("fixture", ["peace", "counters", "economies", "munitions", "passes", "observers", "march"])
def test_the_agents_agree_on_the_mechanics_other_wars_switch_on(fixture):
    """Truces broken and settlements, counters, economies, munitions that run out,
    routes that close and chokepoints, a third party, and attacks held to a week's march
    with a march of one long road: whole games of each fixture, order by order."""
    world = fixture_world(fixture)
    for seed in range(3):
        assert _lockstep(world, seed, "normal", {}) > 10


@pytest.mark.slow
def test_the_agents_agree_where_attacking_a_place_that_sides_with_nobody_costs_standing():
    """The 2014 war has neutral towns and an empty neutral air base; with the rule's
    price on attacking them, both agents weigh it the same, order by order. (In both
    games Dawn weighs storming al-Watiya in July: an agent blind to the price for a
    place with nobody living there storms it, and one that sees it does not.)"""
    from game.engine import World
    from game.scenario import load_scenario

    loaded = load_scenario(shipped_path("dignity_2014"), {"rules": {"politics": {"neutral_attack_legitimacy": 0.5}}})
    world = World(loaded.spec, loaded.sha256)
    for seed in (0, 1):
        assert _lockstep(world, seed, "normal", {}) > 300


@pytest.mark.slow
def test_the_agents_agree_where_troops_shelter_from_strikes_behind_their_ground():
    """With `rules.air.cover` on, both agents value a strike on troops by the ground that
    shelters them, order by order, over a slice of the 2019 war."""
    from game.engine import World
    from game.scenario import load_scenario

    loaded = load_scenario(shipped_path("tripoli_2019"), {"rules": {"air": {"cover": 1.0}}})
    world = World(loaded.spec, loaded.sha256)
    assert _lockstep(world, 3, "normal", {}, 1500) >= 1000


@pytest.mark.slow
def test_the_agents_agree_where_a_sides_daring_follows_the_balance_in_the_air():
    """With `air_confidence` on both sides, both agents work out each side's aggression
    at the start of its turn from the air power in the war, over a slice of the 2019 war
    long enough for Turkey's drones to come (the GNA's share rises from under a tenth)."""
    from game.engine import World
    from game.scenario import load_scenario

    confident = {"factions": {"gna": {"personality": {"air_confidence": 1.0}},
                              "lna": {"personality": {"air_confidence": 0.5}}}}
    loaded = load_scenario(shipped_path("tripoli_2019"), confident)
    world = World(loaded.spec, loaded.sha256)
    assert _lockstep(world, 3, "normal", {}, 1500) >= 1000


@pytest.mark.slow
@pytest.mark.parametrize("gna, lna, seed", [(1.0, 0.05, 9), (0.3, 0.3, 2)])
def test_the_agents_agree_where_a_side_holds_its_forces_for_the_defence(gna, lna, seed):
    """With `concentration` on both sides, both agents weigh each attack against the
    defence its units could give instead, and take every attack up again after each move
    and recruit, which change what each place needs, order by order over a slice of the
    2019 war. (In both games a move frees an attack from a place the move did not touch:
    an agent that weighs again only the attacks from the two places a move touched
    misses it.)"""
    from game.engine import World
    from game.scenario import load_scenario

    concentrated = {"factions": {"gna": {"personality": {"concentration": gna}},
                                 "lna": {"personality": {"concentration": lna}}}}
    loaded = load_scenario(shipped_path("tripoli_2019"), concentrated)
    world = World(loaded.spec, loaded.sha256)
    assert _lockstep(world, seed, "normal", {}, 1500) >= 1000


@pytest.mark.slow
def test_the_agents_agree_where_militias_keep_to_their_towns():
    """With `home_ties` on both sides, both agents weigh a militia's own town more, for
    its units alone, both as a place to leave and as one to go to, order by order over a
    slice of the 2019 war (where the GNA's Zintani, Zawiya and Amazigh brigades have
    homes, and so do the LNA's western allies, whose home is Sabratha)."""
    from game.engine import World
    from game.scenario import load_scenario

    tied = {"factions": {"gna": {"personality": {"home_ties": 2.0}}, "lna": {"personality": {"home_ties": 1.0}}}}
    loaded = load_scenario(shipped_path("tripoli_2019"), tied)
    world = World(loaded.spec, loaded.sha256)
    assert _lockstep(world, 5, "normal", {}, 1500) >= 1000


@pytest.mark.slow
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_the_search_levels_variations_agree_too(variant):
    # A slice of the 2019 war (or the whole of it, if a bold variant ends it sooner) and
    # whole games of the small scenarios.
    assert _lockstep(load_world(shipped_path("tripoli_2019")), 7, "normal", VARIANTS[variant], 1500) >= 300
    for world in (load_world(MINI), fixture_world("arena")):
        for seed in range(4):
            _lockstep(world, seed, "normal", VARIANTS[variant])
