"""Playing a whole game with one agent per faction (shared by the bench and the lab)."""

from __future__ import annotations

import numpy as np

from ..engine import GameState, World, apply, new_game
from ..engine.jit import mark_ready
from .backer_agent import PolicyBackerAgent, StayOutAgent
from .random_agent import RandomAgent
from .search import SearchAgent
from .utility import EasyAgent, NormalAgent

AGENTS = {"random": RandomAgent, "easy": EasyAgent, "normal": NormalAgent, "hard": SearchAgent}
# The levels a backer's seat can be played at in the lab: nothing sent (the backer stays
# out, the baseline its decisions are measured against), uniformly random sends, or the
# scenario's own policy, with dice of its own.
BACKER_AGENTS = {"none": StayOutAgent, "random": RandomAgent, "normal": PolicyBackerAgent}


# How the search level can be tuned, for error messages.
LEVEL_HELP = ("hard:MS caps its thinking time at MS milliseconds a turn; hard@N plays N rollouts of each "
              "judgement with no clock, so its games are the same on any machine")


def _search_options(level: str) -> dict | None:
    """The SearchAgent arguments a level string asks for: {} for a plain level, None if
    it is not a level. `hard:MS` sets a time budget, `hard@N` a fixed count of rollouts
    per judgement and no clock (the level string travels to worker processes whole)."""
    for sep, key, kind in ((":", "think_ms", float), ("@", "rollouts", int)):
        name, found, value = level.partition(sep)
        if found:
            if AGENTS.get(name) is not SearchAgent:
                return None
            try:
                number = kind(value)
            except ValueError:
                return None
            # More than a hundred rollouts a judgement would take minutes a turn: a typo, not a level.
            if not number > 0 or (key == "rollouts" and number > 100):
                return None
            return {key: number} if key == "think_ms" else {key: number, "think_ms": None}
    return {} if level in AGENTS else None


def is_level(level: str) -> bool:
    """A registered level, or a search level with its budget (see `LEVEL_HELP`)."""
    return _search_options(level) is not None


def make_agent(level: str, seed):
    options = _search_options(level)
    if options is None:
        raise KeyError(f"unknown AI level '{level}'")
    name = level.partition(":")[0].partition("@")[0]
    return AGENTS[name](seed, **options)


def make_agents(world: World, seed: np.random.SeedSequence, levels: dict[str, str] | None = None) -> list:
    """One agent per faction, each with its own child seed, so adding an agent to one
    faction never changes the random choices of another."""
    levels = levels or {}
    seeds = seed.spawn(world.F)
    return [make_agent(levels.get(fid, "random"), seeds[i]) for i, fid in enumerate(world.faction_ids)]


def seat_agents(world: World, seed: np.random.SeedSequence, levels: dict[str, str] | None = None) -> dict[int, object]:
    """An agent for each backer that `levels` names, by backer index. Each has the child
    seed after the factions' (`make_agents`), so seating a backer changes no faction's dice."""
    out = {}
    for bid, level in (levels or {}).items():
        if bid in world.bidx:
            b = world.bidx[bid]
            child = np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, world.F + b))
            out[b] = BACKER_AGENTS[level](child)
    return out


def play_out(state: GameState, agents: list, on_action=None, max_actions: int = 1_000_000,
             backers: dict[int, object] | None = None) -> GameState:
    """Let the agents play until the game ends; `on_action(action, events, state)` sees every step.
    `backers`: the agents of the seated backers, by backer index, for their steps."""
    # The built-in agents make sure of their own orders (they take them from the rules'
    # lists of legal orders), so an order is checked once, not again here; any other
    # agent's orders are checked as a player's are.
    checked = [getattr(agent, "gives_legal_orders", False) for agent in agents]
    for _ in range(max_actions):
        if state.over:
            return state
        if state.backer_step >= 0:
            agent = backers[state.backer_step]
            action = agent.act(state)
            events = apply(state, action, checked=getattr(agent, "gives_legal_orders", False))
            if on_action is not None:
                on_action(action, events, state)
            continue
        f = state.active
        action = agents[f].act(state)
        events = apply(state, action, checked=checked[f])
        if on_action is not None:
            on_action(action, events, state)
    raise RuntimeError(f"game did not end within {max_actions} actions")


def run_game(world: World, seed: np.random.SeedSequence | int, levels: dict[str, str] | None = None) -> GameState:
    ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    game_seed, agent_seed = ss.spawn(2)
    seats = seat_agents(world, agent_seed, levels)
    state = new_game(world, game_seed, [world.backer_ids[b] for b in seats])
    return play_out(state, make_agents(world, agent_seed, levels), backers=seats)


def warm_up(world: World, mark: bool = True) -> None:
    """Load every compiled kernel of the engine and the AI, compiling any that this
    machine has not compiled before (`game.engine.jit`): a game of the normal AI
    against itself touches them all but the checks of a player's orders, which a few
    rounds of random orders do. `mark`: record that all are compiled (a caller that
    compiles some of them elsewhere at the same time marks once those are done too)."""
    play_out(new_game(world, 0), make_agents(world, np.random.SeedSequence(0), {f: "normal" for f in world.faction_ids}))
    state = new_game(world, 1)
    agents = make_agents(world, np.random.SeedSequence(1))
    for _ in range(400):
        if state.over or state.turn > 3:
            break
        apply(state, agents[state.active].act(state))
    if mark:
        mark_ready()


def warm_up_engine(world: World) -> None:
    """Compile the engine's kernels alone, by a game of random orders (every order's
    check, battles, strikes and the rounds); meant to run beside `warm_up` in a second
    process, which then finds them compiled instead of compiling them itself."""
    run_game(world, 1)
