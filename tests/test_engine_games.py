"""Whole games: 100 seeded random-vs-random games of each shipped scenario (and 500 of
tests/data/mini.yaml), every one played to a verdict, with the state's invariants
checked at every change of turn and every change of money accounted for.

One test plays a scenario's games and checks everything about them, so that no check
has to play them again in another xdist worker; a failure names its seeds.
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

# The small world's games are short, and one side wins nearly all of them: it takes more
# of them for a random player to win on the other side.
GAMES = {"mini": 500, "dignity_2014": 100, "karabakh_2020": 100, "tripoli_2019": 100}
SCENARIOS = {"mini": MINI, **{name: shipped_path(name) for name in ("dignity_2014", "karabakh_2020", "tripoli_2019")}}


@dataclass
class GamesResult:
    games: int = 0
    actions: int = 0
    verdicts: collections.Counter = field(default_factory=collections.Counter)
    problems: list[str] = field(default_factory=list)
    off_ground: list[str] = field(default_factory=list)  # seed: first violation, per game that had one


def world_for(scenario: str):
    path = SCENARIOS[scenario]
    if not path.exists():
        pytest.skip(f"{path.relative_to(path.parent.parent)} does not exist yet")
    return load_world(path)


def play_one(w, seed: int, out: GamesResult) -> None:
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


@pytest.mark.slow
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_random_games_reach_real_verdicts_with_invariants_intact_on_their_own_ground(scenario):
    w = world_for(scenario)
    games = GAMES[scenario]
    result = GamesResult()
    start = time.perf_counter()
    for seed in range(games):
        play_one(w, seed, result)
    rate = result.games / max(time.perf_counter() - start, 1e-9)
    assert result.games == games
    assert result.problems == [], (
        f"{len(result.problems)} problems in {scenario} games 0..{games - 1} ({rate:.1f} games/s):\n"
        + "\n".join(result.problems[:20]))
    assert sum(result.verdicts.values()) == games
    # Every verdict names a faction or a draw, with the scenario's own wording.
    notes = {v.note for f in w.factions for v in f.victory if v.note}
    notes |= {e.note for _, e in w.spec.effects() if e.effect == "settle"}
    for (winner, reason), _count in result.verdicts.items():
        assert -1 <= winner < w.F and reason
        generated = reason.startswith(("held ", "the ", "reached ", "still held ", "most victory points", "time ran out"))
        assert reason in notes or generated, f"unexpected verdict wording: {reason!r}"
    # A random player still manages to win sometimes on each side of the front, or time runs out:
    # at least two different verdicts, or the scenario is decided before anyone moves.
    assert len(result.verdicts) >= 2, result.verdicts
    assert result.off_ground == [], (
        f"{len(result.off_ground)} of {games} {scenario} games had units on ground their side does not hold, e.g.\n"
        + "\n".join(result.off_ground[:5]))
