"""Playing a whole game with one agent per faction (shared by the bench and the lab)."""

from __future__ import annotations

import numpy as np

from ..engine import GameState, World, apply, new_game
from .random_agent import RandomAgent
from .search import SearchAgent
from .utility import EasyAgent, NormalAgent

AGENTS = {"random": RandomAgent, "easy": EasyAgent, "normal": NormalAgent, "hard": SearchAgent}


def is_level(level: str) -> bool:
    """A registered level, or `hard:MS` for the search level with a thinking budget
    of MS milliseconds a turn (the level string travels to worker processes whole)."""
    name, sep, budget = level.partition(":")
    if name not in AGENTS:
        return False
    if not sep:
        return True
    try:
        return AGENTS[name] is SearchAgent and float(budget) > 0
    except ValueError:
        return False


def make_agent(level: str, seed):
    name, sep, budget = level.partition(":")
    if sep:
        return AGENTS[name](seed, think_ms=float(budget))
    return AGENTS[name](seed)


def make_agents(world: World, seed: np.random.SeedSequence, levels: dict[str, str] | None = None) -> list:
    """One agent per faction, each with its own child seed, so adding an agent to one
    faction never changes the random choices of another."""
    levels = levels or {}
    seeds = seed.spawn(world.F)
    return [make_agent(levels.get(fid, "random"), seeds[i]) for i, fid in enumerate(world.faction_ids)]


def play_out(state: GameState, agents: list, on_action=None, max_actions: int = 1_000_000) -> GameState:
    """Let the agents play until the game ends; `on_action(action, events, state)` sees every step."""
    for _ in range(max_actions):
        if state.over:
            return state
        action = agents[state.active].act(state)
        events = apply(state, action)
        if on_action is not None:
            on_action(action, events, state)
    raise RuntimeError(f"game did not end within {max_actions} actions")


def run_game(world: World, seed: np.random.SeedSequence | int, levels: dict[str, str] | None = None) -> GameState:
    ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    game_seed, agent_seed = ss.spawn(2)
    state = new_game(world, game_seed)
    return play_out(state, make_agents(world, agent_seed, levels))
