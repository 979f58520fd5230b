"""A forecast from a position: how a game in progress is likely to end.

It plays N continuations of the position, normal AI against normal AI (and the
backers' own policy in any seat a person holds), each with fresh dice, on the lab's
executors, and counts who wins with the lab's Wilson intervals. A "what if" is the same
forecast with one order given first (a package sent, a town bought, a truce accepted),
so that the two can be set side by side.

Continuation i of a forecast with seed S is seeded from SeedSequence(S, spawn_key=(i,)),
split into the rules' dice and the agents' as a lab game is, so a forecast gives the
same figures on any executor and in any chunking, and a forecast and its what-if with
the same seed roll the same dice wherever the order does not change what is rolled.
"""

from __future__ import annotations

import json
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .. import __version__
from ..engine import apply
from ..engine.persist import state_from_json, state_to_json
from .executors import open_executor
from .play import TurnTracker, turn_column, world_for
from .stats import rate

# Continuations a worker plays per chunk: small, so that a cancelled forecast stops soon
# (a pool finishes the chunks it has begun) and progress shows often.
CHUNK = 8


@dataclass(frozen=True)
class ForecastChunk:
    spec_json: str
    sha256: str
    position: str  # the game as a save holds it (`state_to_json`), as JSON text
    entropy: int
    indices: tuple[int, ...]
    change: object | None = None  # an engine action given before the continuation starts
    version: str = __version__


def continuation(world, position: str, entropy: int, index: int, change=None) -> dict:
    """One continuation of the position with fresh dice; never raises (a failure is a row)."""
    from ..ai.agents import make_agents, play_out, seat_agents

    try:
        state = state_from_json(json.loads(position), world)  # parsed anew: loading consumes what it reads
        game_seed, agent_seed = np.random.SeedSequence(entropy, spawn_key=(index,)).spawn(2)
        state.rng = np.random.Generator(np.random.PCG64(game_seed))
        normal = {fid: "normal" for fid in world.faction_ids}
        agents = make_agents(world, agent_seed, normal)
        seats = seat_agents(world, agent_seed, {world.backer_ids[b]: "normal" for b in range(world.B)
                                                if state.seated[b]})
        if change is not None:
            apply(state, change)  # checked as a player's order is
        tracker = TurnTracker(world, state)
        play_out(state, agents, on_action=lambda a, events, st: tracker.see(events, st), backers=seats)
        places = [[row[0]] + [row[turn_column(f, "places")] for f in range(world.F)] for row in tracker.rows]
        winner = (world.faction_ids[state.winner] if state.winner >= 0 else "draw") if state.over else None
        return {"index": index, "status": "ok", "winner": winner, "turns": int(state.turn), "places": places}
    except Exception as exc:  # a failed continuation is reported, not fatal to the forecast
        return {"index": index, "status": "failed", "error": f"{type(exc).__name__}: {exc}",
                "traceback": traceback.format_exc(limit=10)}


def run_chunk(chunk: ForecastChunk) -> list[dict]:
    if chunk.version != __version__:
        raise RuntimeError(f"this worker runs Sandtable {__version__}, the forecast needs {chunk.version}")
    world = world_for(chunk.spec_json, chunk.sha256)
    return [continuation(world, chunk.position, chunk.entropy, i, chunk.change) for i in chunk.indices]


@dataclass
class Forecast:
    """A forecast's results as they come in, and what they add up to."""

    factions: list[str]
    games: int
    start_turn: int
    results: list[dict] = field(default_factory=list)
    cancelled: bool = False
    error: str | None = None

    @property
    def done(self) -> int:
        return len(self.results)

    def ok(self) -> list[dict]:
        return [r for r in self.results if r["status"] == "ok"]

    def failed(self) -> list[dict]:
        return [r for r in self.results if r["status"] != "ok"]

    def outcomes(self) -> dict[str, dict]:
        """For each faction and for a draw: count, rate and 95% Wilson interval over the
        continuations played so far (those that failed left out)."""
        ok = self.ok()
        keys = [*self.factions, "draw"]
        return {k: rate(sum(1 for r in ok if r["winner"] == k), len(ok)) for k in keys}

    def fan(self, faction: int, quantiles=(0.1, 0.25, 0.5, 0.75, 0.9)) -> tuple[list[int], np.ndarray]:
        """Places the faction holds, turn by turn from the position, at each quantile over
        the continuations: (turns, array of shape (len(quantiles), turns)). A game that
        ended early keeps its last figure to the last turn any continuation reached."""
        ok = self.ok()
        if not ok:
            return [], np.zeros((len(quantiles), 0))
        last = max(r["places"][-1][0] for r in ok)
        turns = list(range(self.start_turn, last + 1))
        grid = np.empty((len(ok), len(turns)))
        for i, r in enumerate(ok):
            by_turn = {row[0]: row[1 + faction] for row in r["places"]}
            value = by_turn.get(self.start_turn, r["places"][0][1 + faction])
            for j, t in enumerate(turns):
                value = by_turn.get(t, value)
                grid[i, j] = value
        return turns, np.quantile(grid, quantiles, axis=0)


def separated(a: dict, b: dict) -> bool:
    """Whether two outcomes' 95% intervals (`rate` dicts) do not overlap."""
    (alo, ahi), (blo, bhi) = a["ci95"], b["ci95"]
    return ahi < blo or bhi < alo


def run_forecast(world, state, games: int, seed: int, change=None, executor: str = "local", jobs: int = 2,
                 cancel: threading.Event | None = None, on_result: Callable[[Forecast], None] | None = None,
                 mp_context=None) -> Forecast:
    """Play `games` continuations of `state` (left untouched) and return the forecast.
    `cancel`, when set, stops it after the chunks under way; `on_result` sees the
    forecast after each chunk. `mp_context`: the process start method for the local
    pool (a windowed program should not fork its threads)."""
    forecast = Forecast(list(world.faction_ids), int(games), int(state.turn))
    position = json.dumps(state_to_json(state))
    chunks = [ForecastChunk(world.spec.model_dump_json(), world.hash, position, int(seed),
                            tuple(range(i, min(i + CHUNK, games))), change)
              for i in range(0, games, CHUNK)]
    with open_executor(executor, jobs, mp_context=mp_context) as run:
        for _chunk, result in run(run_chunk, chunks):
            if isinstance(result, Exception):
                forecast.error = f"{type(result).__name__}: {result}"
                break
            forecast.results += result
            if on_result is not None:
                on_result(forecast)
            if cancel is not None and cancel.is_set():
                forecast.cancelled = True
                break
    forecast.results.sort(key=lambda r: r["index"])
    return forecast
