"""The search level: before each of its turns it tries several variations of the
utility AI's judgement (bolder or more careful), plays each forward on clones of
the game for a few rounds with re-drawn dice, scores where each leaves it, and then
plays the turn with the variation that did best. It never sees the real dice: every
rollout reseeds its clone's random generator."""

from __future__ import annotations

import time

import numpy as np

from ..engine import GameState, apply
from ..engine.reach import enemy_held
from .utility import UtilityAgent, ground_power, place_values

# (odds shift, boldness, focus on the victory places): the judgements compared each
# turn, the plain one first.
VARIANTS = ((0.0, 1.0, 1.0), (-0.10, 1.5, 1.0), (0.10, 0.7, 1.0), (-0.05, 2.0, 3.0), (0.0, 1.0, 4.0))


def evaluate(state: GameState, f: int) -> float:
    """How well placed faction f is: victory first, then ground worth holding and strength."""
    w = state.world
    if state.over:
        if state.settled:
            # A settlement is worth what it gives the side against its rivals' best.
            rivals = [state.terms[e] for e in range(w.F) if e != f]
            return 100.0 * (float(state.terms[f]) - max(rivals, default=0.0))
        return 100.0 if state.winner == f else (-100.0 if state.winner >= 0 else 0.0)
    values = place_values(state)
    mine = float(values[state.owner == f].sum())
    theirs = float(values[enemy_held(w, state.owner, f)].sum())
    power = ground_power(state)
    own_power = float(power[f].sum())
    enemy_power = float(power[w.enemies[f]].sum())
    score = 10.0 * (mine - theirs) / max(mine + theirs, 1.0)
    score += 5.0 * (own_power - enemy_power) / max(own_power + enemy_power, 1.0)
    score += 0.05 * (state.cohesion[f] - state.cohesion[w.enemies[f]].mean())
    # Progress towards a capture victory counts as much as the places themselves.
    for j, v in enumerate(w.factions[f].victory):
        if v.places:
            held = sum(state.owner[w.pidx[p]] == f for p in v.places) / len(v.places)
            score += 4.0 * held
    return score


class SearchAgent:
    name = "hard"
    gives_legal_orders = True  # those of the utility AI it plays its turn with

    def __init__(self, seed=0, think_ms: float | None = 1000.0, horizon: int = 3, rollouts: int = 2):
        self.rng = np.random.default_rng(seed)
        # A fixed number of rollouts keeps the agent deterministic for a given seed; the
        # time budget only cuts a search short on a machine too slow for it, and with no
        # budget (None) nothing does, so a game plays the same on any machine.
        self.think_ms = think_ms
        self.horizon = horizon
        self.rollouts = rollouts
        self.why = ""
        self._key: tuple | None = None
        self._player: UtilityAgent | None = None

    def act(self, state: GameState):
        key = (state.turn, state.active)
        if key != self._key:
            self._key = key
            self._player, summary = self._plan(state)
            self._summary = summary
        action = self._player.act(state)
        self.why = f"{self._player.why} [{self._summary}]"
        return action

    def _plan(self, state: GameState) -> tuple[UtilityAgent, str]:
        f = state.active
        deadline = None if self.think_ms is None else time.perf_counter() + self.think_ms / 1000.0
        totals = np.zeros(len(VARIANTS))
        counts = np.zeros(len(VARIANTS))
        # Round-robin over the variants, each at least once, until the rollouts are done.
        for i in range(self.rollouts * len(VARIANTS)):
            if deadline is not None and i >= len(VARIANTS) and time.perf_counter() > deadline:
                break
            v = i % len(VARIANTS)
            totals[v] += self._rollout(state, f, VARIANTS[v])
            counts[v] += 1
        means = totals / np.maximum(counts, 1)
        best = int(np.argmax(means))
        shift, bold, focus = VARIANTS[best]
        seed = int(self.rng.integers(2**32))
        summary = f"search: {int(counts.sum())} rollouts, best variation {best} scores {means[best]:+.1f}"
        return UtilityAgent(seed, "normal", odds_shift=shift, boldness=bold, focus=focus), summary

    def _rollout(self, state: GameState, f: int, variant) -> float:
        sim = state.clone()
        # Fresh dice: the search must not learn the real outcome of the turn's battles.
        sim.rng = np.random.default_rng(int(self.rng.integers(2**63)))
        w = sim.world
        players = [UtilityAgent(int(self.rng.integers(2**32)), "normal") for _ in range(w.F)]
        players[f] = UtilityAgent(int(self.rng.integers(2**32)), "normal", *variant)
        stop_turn = sim.turn + self.horizon
        plain = False
        for _ in range(5000):
            if sim.over or sim.turn >= stop_turn:
                break
            # After its own turn the searcher plays on as the plain utility AI.
            if not plain and sim.active == f and sim.turn > state.turn:
                players[f] = UtilityAgent(int(self.rng.integers(2**32)), "normal")
                plain = True
            action = players[sim.active].act(sim)
            apply(sim, action, checked=True)
        return evaluate(sim, f)
