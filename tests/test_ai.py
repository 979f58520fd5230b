"""The AI levels: legal orders only, deterministic per seed, personalities that show,
and a utility AI that beats random play."""

from __future__ import annotations

import numpy as np
import pytest

from engine_helpers import MINI, check_invariants, load_world, shipped_path
from game.engine import Attack, EndTurn, World, apply, new_game, why_illegal
from game.engine.persist import state_hash
from game.ai.runner import AGENTS, make_agents, play_out
from game.ai.search import SearchAgent
from game.scenario import load_scenario


def play_checked(world: World, seed: int, levels: dict[str, str], make=None) -> tuple:
    """Play a whole game, asserting every order is legal and explained; return the
    final state and the orders given per faction."""
    ss = np.random.SeedSequence(seed)
    game_seed, agent_seed = ss.spawn(2)
    state = new_game(world, game_seed)
    agents = make(agent_seed) if make else make_agents(world, agent_seed, levels)
    orders = {f: [] for f in world.faction_ids}
    for _ in range(200_000):
        if state.over:
            break
        agent = agents[state.active]
        action = agent.act(state)
        assert why_illegal(state, action) is None, (agent.why, action, why_illegal(state, action))
        assert agent.why, f"{type(agent).__name__} gave {action} without a reason"
        orders[world.faction_ids[state.active]].append(action)
        before_turn = state.turn
        apply(state, action)
        if state.turn != before_turn:
            assert check_invariants(state) == []
    assert state.over
    return state, orders


@pytest.mark.parametrize("level", ["easy", "normal"])
@pytest.mark.parametrize("scenario", ["tripoli_2019", "dignity_2014"])
def test_utility_levels_give_only_legal_orders(level, scenario):
    world = load_world(shipped_path(scenario))
    for seed in range(3):
        levels = {f: level for f in world.faction_ids}
        play_checked(world, seed, levels)


def test_utility_levels_legal_over_many_small_games():
    world = load_world(MINI)
    for seed in range(40):
        play_checked(world, seed, {"blue": "normal", "red": "easy"} if seed % 2 else {"blue": "easy", "red": "normal"})


def test_search_level_gives_only_legal_orders():
    world = load_world(MINI)

    def make(agent_seed):
        a, b = agent_seed.spawn(2)
        return [SearchAgent(a, think_ms=10_000, horizon=2, rollouts=1), AGENTS["normal"](b)]

    state, orders = play_checked(world, 3, {}, make=make)
    assert orders["blue"], "the search agent never acted"


@pytest.mark.parametrize("level", ["easy", "normal", "hard"])
def test_agents_are_deterministic_per_seed(level):
    world = load_world(MINI)

    def run():
        ss = np.random.SeedSequence(42)
        g, a = ss.spawn(2)
        state = new_game(world, g)
        if level == "hard":
            x, y = a.spawn(2)
            agents = [SearchAgent(x, think_ms=10_000, horizon=2, rollouts=1), AGENTS["normal"](y)]
        else:
            agents = make_agents(world, a, {f: level for f in world.faction_ids})
        log = []
        play_out(state, agents, on_action=lambda action, events, s: log.append(action))
        return state_hash(state), log

    first, second = run(), run()
    assert first == second


def _attacks_by_red(personality: dict, games: int = 12) -> int:
    loaded = load_scenario(MINI, overrides={"factions": {"red": {"personality": personality}}})
    world = World(loaded.spec, loaded.sha256)
    attacks = 0
    for seed in range(games):
        _, orders = play_checked(world, seed, {"blue": "normal", "red": "normal"})
        attacks += sum(isinstance(a, Attack) for a in orders["red"])
    return attacks


def test_aggressive_personality_attacks_more_than_a_cautious_one():
    bold = _attacks_by_red({"aggression": 4.0, "caution": 0.3})
    careful = _attacks_by_red({"aggression": 0.2, "caution": 4.0})
    assert bold > careful, (bold, careful)


def test_legitimacy_minded_faction_harms_fewer_civilians():
    def harm(weight: float) -> float:
        loaded = load_scenario(shipped_path("tripoli_2019"),
                               overrides={"factions": {"lna": {"personality": {"legitimacy": weight}}}})
        world = World(loaded.spec, loaded.sha256)
        total = 0.0
        for seed in range(6):
            state, _ = play_checked(world, seed, {"gna": "normal", "lna": "normal"})
            total += float(state.harm_by[world.fidx["lna"]]) / max(state.turn, 1)
        return total

    assert harm(5.0) < harm(0.0)


@pytest.mark.parametrize("side", ["gna", "lna"])
def test_normal_beats_random_on_either_side(side):
    world = load_world(shipped_path("tripoli_2019"))
    other = "lna" if side == "gna" else "gna"
    wins = 0
    for seed in range(10):
        state, _ = play_checked(world, 100 + seed, {side: "normal", other: "random"})
        wins += state.winner == world.fidx[side]
    assert wins >= 9, wins


def test_agents_end_their_turns():
    """Every level ends its turn rather than looping: turns advance with bounded orders."""
    world = load_world(shipped_path("tripoli_2019"))
    state, orders = play_checked(world, 5, {"gna": "normal", "lna": "easy"})
    per_turn = len(orders["gna"]) / max(state.turn, 1)
    assert per_turn <= 45
    assert any(isinstance(a, EndTurn) for a in orders["lna"])


def test_thousands_of_ai_turns_are_all_legal():
    """Utility levels over many seeded games of both shipped scenarios: every order legal."""
    turns = 0
    for scenario in ("tripoli_2019", "dignity_2014"):
        world = load_world(shipped_path(scenario))
        for seed in range(50):
            levels = {f: ("normal", "easy")[(i + seed) % 2] for i, f in enumerate(world.faction_ids)}
            state, _ = play_checked(world, 1000 + seed, levels)
            turns += state.turn * world.F
    assert turns >= 1000, turns


def test_hard_level_takes_a_thinking_budget():
    from game.ai.runner import is_level, make_agent

    assert is_level("hard") and is_level("hard:250") and is_level("normal")
    assert not is_level("hard:x") and not is_level("hard:-5") and not is_level("normal:100") and not is_level("expert")
    agent = make_agent("hard:250", 1)
    assert isinstance(agent, SearchAgent) and agent.think_ms == 250.0


def test_hard_with_a_rollout_count_ignores_the_clock(monkeypatch):
    """`hard@N` plays N rollouts of each judgement however slow the machine is, where
    `hard:MS` is cut short by its time budget; so hard@N games are the same anywhere."""
    from game.ai import search
    from game.ai.runner import is_level, make_agent

    assert is_level("hard@1") and is_level("hard@3")
    assert not any(is_level(x) for x in ("hard@0", "hard@-1", "hard@1.5", "hard@x", "normal@2", "hard@1000"))
    agent = make_agent("hard@3", 1)
    assert isinstance(agent, SearchAgent) and agent.rollouts == 3 and agent.think_ms is None

    clock = iter(range(0, 10**9, 10))  # every look at the clock finds ten more seconds gone
    monkeypatch.setattr(search.time, "perf_counter", lambda: float(next(clock)))
    state = new_game(load_world(MINI), 5)
    for level, rollouts in (("hard:250", len(search.VARIANTS)), ("hard@2", 2 * len(search.VARIANTS))):
        agent = make_agent(level, 7)
        agent.act(state)
        assert agent.why.endswith("]") and f"search: {rollouts} rollouts" in agent.why, (level, agent.why)
