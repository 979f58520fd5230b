"""Whole games: 500 seeded random-vs-random games of each shipped scenario (and of
tests/data/mini.yaml), every one played to a verdict, with the state's invariants
checked at every change of turn and every change of money accounted for.

Each scenario's 500 games run in chunks (one test per chunk) so progress shows and
a failure names its seeds; results are cached per process, so the own-ground check
below reuses the games instead of playing them again.
"""

from __future__ import annotations

import collections
import time
from dataclasses import dataclass, field

import numpy as np
import pytest

from engine_helpers import (
    MINI, Ledger, check_invariants, load_world, off_own_ground, opening_treasury_ok, shipped_path,
)
from game.ai.random_agent import RandomAgent
from game.engine import EndTurn, legal_actions, new_game

GAMES = 500
CHUNKS = 4
PER_CHUNK = GAMES // CHUNKS
SCENARIOS = {"mini": MINI, "dignity_2014": shipped_path("dignity_2014"), "tripoli_2019": shipped_path("tripoli_2019")}


@dataclass
class ChunkResult:
    games: int = 0
    seconds: float = 0.0
    actions: int = 0
    verdicts: collections.Counter = field(default_factory=collections.Counter)
    problems: list[str] = field(default_factory=list)
    off_ground: list[str] = field(default_factory=list)  # seed: first violation, per game that had one


_cache: dict[tuple[str, int], ChunkResult] = {}


def world_for(scenario: str):
    path = SCENARIOS[scenario]
    if not path.exists():
        pytest.skip(f"{path.relative_to(path.parent.parent)} does not exist yet")
    return load_world(path)


def play_one(w, seed: int, out: ChunkResult) -> None:
    game_seq, *agent_seqs = np.random.SeedSequence(seed).spawn(w.F + 1)
    state = new_game(w, game_seq)
    agents = [RandomAgent(s) for s in agent_seqs]
    ledger = Ledger(w)
    where = f"seed {seed}"
    if not opening_treasury_ok(state):
        out.problems.append(f"{where}: opening income paid wrongly: {state.treasury.tolist()}")
    out.problems += [f"{where} at the start: {p}" for p in check_invariants(state)]
    # A generous bound: every faction-turn ends after max_orders orders plus answers to events.
    limit = w.last_turn * w.F * (agents[0].max_orders + len(w.events) + 2)
    off = None
    victories = 0
    turn, active = state.turn, state.active
    actions = 0
    while not state.over:
        try:
            action = agents[state.active].act(state)  # fails if no order is legal in a game not over
            events = ledger.step(state, action)
        except Exception as exc:  # record the seed: the game can be replayed from it
            out.problems.append(f"{where} turn {state.turn} faction {state.active}: {type(exc).__name__}: {exc}")
            break
        actions += 1
        victories += sum(e.kind == "victory" for e in events)
        if isinstance(action, EndTurn):
            # One faction-turn further: the next faction, or a new round, or the end.
            if not state.over:
                expected = (turn, active + 1) if active + 1 < w.F else (turn + 1, 0)
                if (state.turn, state.active) != expected:
                    out.problems.append(f"{where}: turn order jumped from {(turn, active)} to {(state.turn, state.active)}")
                turn, active = state.turn, state.active
            out.problems += [f"{where} turn {state.turn} faction {state.active}: {p}" for p in check_invariants(state)]
            if off is None and (bad := off_own_ground(state)):
                off = f"{where} turn {state.turn}: {bad[:3]} after {[e.text for e in events][-4:]}"
        elif state.turn != turn or state.active != active:
            out.problems.append(f"{where}: {action} changed whose turn it is")
        if actions > limit:
            out.problems.append(f"{where}: no verdict after {actions} orders")
            break
    out.problems += [f"{where}: {p}" for p in ledger.problems[:3]]
    if state.over:
        if not (-1 <= state.winner < w.F):
            out.problems.append(f"{where}: winner {state.winner} out of range")
        if not state.reason.strip():
            out.problems.append(f"{where}: verdict without a reason")
        if state.turn > w.last_turn:
            out.problems.append(f"{where}: game ran to turn {state.turn}, past the last turn {w.last_turn}")
        if victories != 1:
            out.problems.append(f"{where}: {victories} victory events")
        if list(legal_actions(state)):
            out.problems.append(f"{where}: orders still offered after the verdict")
        out.verdicts[(state.winner, state.reason)] += 1
    if off:
        out.off_ground.append(off)
    out.actions += actions
    out.games += 1


def run_chunk(scenario: str, chunk: int) -> ChunkResult:
    key = (scenario, chunk)
    if key not in _cache:
        w = world_for(scenario)
        out = ChunkResult()
        start = time.perf_counter()
        for seed in range(chunk * PER_CHUNK, (chunk + 1) * PER_CHUNK):
            play_one(w, seed, out)
        out.seconds = time.perf_counter() - start
        _cache[key] = out
    return _cache[key]


@pytest.mark.slow
@pytest.mark.parametrize("chunk", range(CHUNKS))
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_random_games_reach_a_verdict_with_invariants_intact(scenario, chunk):
    result = run_chunk(scenario, chunk)
    rate = result.games / max(result.seconds, 1e-9)
    assert result.games == PER_CHUNK
    assert result.problems == [], (
        f"{len(result.problems)} problems in {scenario} games {chunk * PER_CHUNK}..{(chunk + 1) * PER_CHUNK - 1} "
        f"({rate:.1f} games/s):\n" + "\n".join(result.problems[:20]))
    assert sum(result.verdicts.values()) == PER_CHUNK


def all_chunks(scenario: str) -> ChunkResult:
    total = ChunkResult()
    for chunk in range(CHUNKS):
        r = run_chunk(scenario, chunk)
        total.games += r.games
        total.seconds += r.seconds
        total.actions += r.actions
        total.verdicts.update(r.verdicts)
        total.problems += r.problems
        total.off_ground += r.off_ground
    return total


# These two read the 500 games of a scenario: where the chunks above have not run in the
# same process (make test-fast, or another xdist worker) they play all 500 themselves.
@pytest.mark.slow
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_games_end_in_real_verdicts(scenario):
    """Across 500 games every verdict names a faction or a draw, with the scenario's own wording."""
    w = world_for(scenario)
    total = all_chunks(scenario)
    assert total.games == GAMES
    assert sum(total.verdicts.values()) == GAMES
    notes = {v.note for f in w.factions for v in f.victory if v.note}
    for (winner, reason), _count in total.verdicts.items():
        assert -1 <= winner < w.F and reason
        generated = reason.startswith(("held ", "the ", "reached ", "still held ", "most victory points", "time ran out"))
        assert reason in notes or generated, f"unexpected verdict wording: {reason!r}"
    # A random player still manages to win sometimes on each side of the front, or time runs out:
    # at least two different verdicts over 500 games, or the scenario is decided before anyone moves.
    assert len(total.verdicts) >= 2, total.verdicts


@pytest.mark.slow
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_units_stand_only_on_their_own_sides_ground(scenario):
    total = all_chunks(scenario)
    assert total.games == GAMES
    assert total.off_ground == [], (
        f"{len(total.off_ground)} of {GAMES} {scenario} games had units on ground their side does not hold, e.g.\n"
        + "\n".join(total.off_ground[:5]))
