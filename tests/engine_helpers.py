"""Shared helpers for the engine tests: loading worlds, seeded random play,
state invariants and a treasury ledger that accounts for every change of money.

Nothing here is a test; the test modules import it (tests/ is on sys.path
because pytest's rootdir-relative import puts each test file's folder there).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from game.engine import (
    Attack, BuyAllegiance, ChooseOption, DroneStrike, EndTurn, GameState, Move, Recruit, Relocate, RequestSupport,
    SetBlockade, World, apply, legal_actions, new_game,
)
from game.engine import actions as A
from game.engine.economy import income, upkeep
from game.engine.invariants import violations
from game.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
ENGINE_DATA = DATA / "engine"
SCENARIOS = ROOT / "scenarios"
MINI = DATA / "mini.yaml"
SHIPPED = ("dignity_2014", "karabakh_2020", "tripoli_2019")


# -- worlds ------------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def load_world(path: str | Path) -> World:
    """Compile a scenario once per test session (a World is immutable and shared)."""
    loaded = load_scenario(Path(path))
    return World(loaded.spec, loaded.sha256)


def fixture_world(name: str) -> World:
    """A purpose-made scenario from tests/data/engine/<name>.yaml."""
    return load_world(ENGINE_DATA / f"{name}.yaml")


def shipped_path(scenario_id: str) -> Path:
    return SCENARIOS / f"{scenario_id}.yaml"


# -- handy lookups ------------------------------------------------------------------------


def P(state_or_world, pid: str) -> int:
    w = state_or_world.world if isinstance(state_or_world, GameState) else state_or_world
    return w.pidx[pid]


def F(state_or_world, fid: str) -> int:
    w = state_or_world.world if isinstance(state_or_world, GameState) else state_or_world
    return w.fidx[fid]


def T(state_or_world, tid: str) -> int:
    w = state_or_world.world if isinstance(state_or_world, GameState) else state_or_world
    return w.tidx[tid]


def units_of(state: GameState, faction: int, place: int | None = None) -> list[int]:
    n = state.n_units
    mask = state.u_alive[:n] & (state.u_owner[:n] == faction)
    if place is not None:
        mask &= state.u_place[:n] == place
    return np.nonzero(mask)[0].tolist()


def clear_units(state: GameState) -> None:
    """Remove every unit from the map (tests then place exactly the forces they need)."""
    for u in range(state.n_units):
        if state.u_alive[u]:
            state.kill(u)


def end_turn(state: GameState) -> list:
    return apply(state, EndTurn())


def end_round(state: GameState) -> list:
    """EndTurn for every faction still to move this round; returns all events."""
    out: list = []
    turn = state.turn
    while state.turn == turn and not state.over:
        out += end_turn(state)
    return out


def with_rng(state: GameState, seed: int) -> GameState:
    """A clone of the state whose random draws come from a fresh generator."""
    c = state.clone()
    c.rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))
    return c


# -- seeded random play ---------------------------------------------------------------------


class SeededRandom:
    """Uniform choice among legal actions, ending the turn after `max_orders` orders.

    The same policy as game.ai.random_agent.RandomAgent (which the full-game tests use);
    kept here too so engine tests that need a stream of varied legal actions do not
    depend on the AI package's behaviour.
    """

    def __init__(self, seed, max_orders: int = 8):
        self.rng = np.random.default_rng(seed)
        self.max_orders = max_orders

    def act(self, state: GameState):
        if state.action_count >= self.max_orders and not any(f == state.active for f, _ in state.pending):
            return EndTurn()
        options = legal_actions(state)
        return options[int(self.rng.integers(len(options)))]


def random_actions(state: GameState, n: int, seed: int) -> list:
    """Play `n` seeded random legal actions on `state` (fewer if the game ends); return them."""
    agent = SeededRandom(seed)
    done = []
    for _ in range(n):
        if state.over:
            break
        a = agent.act(state)
        apply(state, a)
        done.append(a)
    return done


# -- invariants -------------------------------------------------------------------------------


def check_invariants(state: GameState) -> list[str]:
    """The engine's invariants (game.engine.invariants). Units standing on ground their
    side does not hold are checked separately (`off_own_ground`), so that a known engine
    bug there cannot hide others."""
    return violations(state)


def off_own_ground(state: GameState) -> list[tuple[int, str, str, str]]:
    """Alive units standing on a place their owner does not hold: (unit, place, unit owner, place owner)."""
    w = state.world
    n = state.n_units
    alive = state.u_alive[:n]
    idx = np.nonzero(alive & (state.owner[state.u_place[:n]] != state.u_owner[:n]))[0]
    out = []
    for u in idx.tolist():
        po = int(state.owner[state.u_place[u]])
        out.append((u, w.place_ids[state.u_place[u]], w.faction_ids[state.u_owner[u]],
                    w.faction_ids[po] if po >= 0 else "neutral"))
    return out


# -- money -------------------------------------------------------------------------------------


@dataclass
class Ledger:
    """Expected change of every faction's treasury from one action, read from its events.

    Money moves only through: income minus upkeep at the start of a faction's turn,
    recruiting, a client's share of an accepted request, buying a town's allegiance,
    money packages delivered, and `treasury` effects of scripted events, chosen
    options and backers' red lines. Anything else that moves money is a bug.
    """

    world: World
    problems: list[str] = field(default_factory=list)

    def expected(self, f: int, action, events: list, after: GameState, redlines_before: set) -> np.ndarray:
        """Treasury change per faction when faction `f` gave `action` and got `events`."""
        w = self.world
        delta = np.zeros(w.F)
        for ev in events:
            d = ev.data
            if ev.kind == "recruit":
                delta[f] -= w.spec.unit_types[d["type"]].cost
            elif ev.kind == "dispatch" and isinstance(action, A.RequestSupport):
                k = w.kidx[(d["backer"], d["package"])]
                delta[f] -= w.packages[k].spec.client_cost
            elif ev.kind == "control" and isinstance(action, A.BuyAllegiance):
                delta[f] -= float(w.allegiance_cost[w.pidx[d["place"]]])
            elif ev.kind in ("delivery", "interdicted"):
                k = w.kidx[(d["backer"], d["package"])]
                pk = w.packages[k].spec
                # A package stopped by the embargo pays nothing; one that reaches a client
                # with nowhere to land its units has already paid its money.
                if ev.kind == "delivery" or (pk.units and "nowhere to land" in ev.text):
                    delta[int(w.backer_client[w.packages[k].backer])] += pk.money
            elif ev.kind == "scripted":
                delta += self._effects(w.spec.events[d["event"]].effects)
            elif ev.kind == "choice":
                delta += self._effects(w.spec.events[d["event"]].choice.options[d["option"]].effects)
        for b, r in after.redlines_fired - redlines_before:
            delta += self._effects(w.backers[b].red_lines[r].effects)
        if isinstance(action, EndTurn) and not after.over:
            g = after.active
            paid = upkeep(after, g)
            if after.treasury[g] < 0:
                paid /= 0.95  # unpaid fighters drifted away after the bill was computed
            delta[g] += income(after, g) - paid
        return delta

    def _effects(self, effects) -> np.ndarray:
        w = self.world
        delta = np.zeros(w.F)
        for eff in effects:
            if getattr(eff, "effect", None) == "treasury":
                delta[w.fidx[eff.faction]] += eff.delta
        return delta

    def step(self, state: GameState, action) -> list:
        """Apply `action` and check the treasury moved exactly as the ledger says."""
        treasury, f, turn = state.treasury.copy(), state.active, state.turn
        redlines = set(state.redlines_fired)
        events = apply(state, action)
        want = treasury + self.expected(f, action, events, state, redlines)
        got = state.treasury
        if (np.abs(got - want) > 1e-6 + 1e-9 * np.abs(want)).any():
            self.problems.append(
                f"turn {turn} {self.world.faction_ids[f]} {action}: treasury {treasury.tolist()} -> "
                f"{got.tolist()}, ledger expects {want.tolist()} (events: {[e.kind for e in events]})")
        return events


def opening_treasury_ok(state: GameState) -> bool:
    """After new_game the first faction has been paid exactly income - upkeep."""
    w = state.world
    f = state.active
    start = np.array([fac.treasury for fac in w.factions], dtype=float)
    paid = upkeep(state, f) / (0.95 if state.treasury[f] < 0 else 1.0)
    start[f] += income(state, f) - paid
    return bool(np.allclose(state.treasury, start, rtol=1e-9, atol=1e-6))


# -- independent traces of roads and supply ------------------------------------------------------


def fresh_paths(state: GameState, faction: int, blocked: np.ndarray | None = None,
                through: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(places, km): shortest road km between the faction's places through its own ground only
    (and the places `through`, if given), traced from scratch on that subgraph (the engine
    keeps its traces incrementally)."""
    w = state.world
    ok = state.owner == faction
    if through is not None:
        ok = ok | through
    if blocked is not None:
        ok = ok & ~blocked
    idx = np.flatnonzero(ok)
    km = w.route_km[np.ix_(idx, idx)].copy()
    for k in range(len(idx)):
        km = np.minimum(km, km[:, k:k + 1] + km[k:k + 1, :])
    return idx, km


def fresh_supply(state: GameState, faction: int) -> np.ndarray:
    """Which of the faction's places are supplied, by the rule in supply.py's docstring:
    joined by road through its own (unstruck) places, within max_km, to a held port,
    airbase or home-region place, or to a held hub that itself links back to one."""
    w = state.world
    through = (state.owner < 0) if w.rules.supply.through_neutral else None
    idx, km = fresh_paths(state, faction, blocked=state.interdicted, through=through)
    out = np.zeros(w.P, dtype=bool)
    if len(idx) == 0:
        return out
    primary = (w.is_port[idx] | w.is_airbase[idx] | w.home_region_mask[faction][idx]) & (state.owner[idx] == faction)
    if not primary.any():
        return out
    hubs = w.is_hub[idx] & (state.owner[idx] == faction) & np.isfinite(km[primary]).any(axis=0)
    sources = primary | hubs
    out[idx] = km[sources].min(axis=0) <= w.spec.rules.supply.max_km
    return out & (state.owner == faction)


# -- small fixtures for the rule tests ------------------------------------------------------


def arena(seed: int = 0, name: str = "arena"):
    """A new game of one of the purpose-made fixtures (tests/data/engine)."""
    return new_game(fixture_world(name), seed)


def put(state, type_id: str, faction: str, place: str, strength: float | None = None, *,
        ready: bool = True, backer: str | None = None) -> int:
    """Add a unit ready to act (add_unit makes new units wait a turn)."""
    w = state.world
    u = state.add_unit(T(state, type_id), F(state, faction), P(state, place), strength,
                       backer=w.bidx[backer] if backer else -1)
    state.u_ready[u] = ready
    return u


def duel(attackers=("inf", "inf"), target_defenders=(("inf", "t_open"), ("inf", "t_open"))):
    """Blue (to move) with `attackers` at the front; Red with the given defenders."""
    s = arena()
    clear_units(s)
    for t in attackers:
        put(s, t, "blue", "front")
    for t, where in target_defenders:
        put(s, t, "red", where)
    return s


def phi(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


BLUE, RED = 0, 1  # faction order in every fixture (blue is listed first)


def patron(s):
    return s.world.bidx["patron"]


def universe(state):
    """Every order of every type that could be named in this world (a superset of the legal ones)."""
    w = state.world
    n = state.n_units
    out: list = [EndTurn(), SetBlockade(True), SetBlockade(False), A.BreakTruce()]
    for u in range(n):
        for p in w.place_ids:
            out += [Move(u, p), Relocate(u, p)] + [DroneStrike(u, p, k) for k in ("units", "air_defence", "supply")]
    for a in w.place_ids:
        out += [BuyAllegiance(a), A.Fortify(a)]
        for t in w.type_ids:
            out.append(Recruit(t, a))
        for b in w.neighbours[w.pidx[a]]:
            out.append(Attack(a, w.place_ids[b]))
    out += [RequestSupport(w.backer_ids[ref.backer], ref.id) for ref in w.packages]
    for eid, ev in w.spec.events.items():
        if ev.choice:
            out += [ChooseOption(eid, o) for o in ev.choice.options]
    return out
