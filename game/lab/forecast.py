"""A forecast from a position: how a game in progress is likely to end.

It plays N continuations of the position, normal AI against normal AI (and the
backers' own policy in any seat a person holds), each with fresh dice, on the lab's
executors, and counts who wins with the lab's Wilson intervals. A "what if" is the same
forecast with one order given first (a package sent, a town bought, a truce accepted),
so that the two can be set side by side.

The continuations are lab games (`play.play_game`, from the position): continuation i
of a forecast with seed S is game i of `simulate --from SAVE --seed S`, seeded from
SeedSequence(S, spawn_key=(i,)). So a forecast gives the same figures on any executor
and in any chunking, and a forecast and its what-if with the same seed roll the same
dice wherever the order does not change what is rolled.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field

import numpy as np

from ..engine.persist import state_to_json
from .executors import open_executor
from .outcomes import DRAW, SETTLEMENT
from .play import Chunk, GameJob, play_game, run_chunk, turn_column
from .stats import rate

# Continuations a worker plays per chunk: small, so that a cancelled forecast stops soon
# (a pool finishes the chunks it has begun) and progress shows often.
CHUNK = 8


def continuation(world, position: str, entropy: int, index: int, change=None) -> dict:
    """Continuation `index` of the position: game `index` of `simulate --from` with the
    same seed, by the lab's own runner (never raises; a failure is a row)."""
    return play_game(world, entropy, GameJob(index, (index,), _normal(world)), position, change)


def _normal(world) -> tuple[tuple[str, str], ...]:
    return tuple((fid, "normal") for fid in world.faction_ids)


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
        """For each faction, for a settlement if any continuation ended in one, and for a
        draw: count, rate and 95% Wilson interval over the continuations played so far
        (those that failed left out)."""
        ok = self.ok()
        settled = any(r["winner"] == SETTLEMENT for r in ok)
        keys = [*self.factions, *([SETTLEMENT] if settled else []), DRAW]
        return {k: rate(sum(1 for r in ok if r["winner"] == k), len(ok)) for k in keys}

    def fan(self, faction: int, quantiles=(0.1, 0.25, 0.5, 0.75, 0.9)) -> tuple[list[int], np.ndarray]:
        """Places the faction holds, turn by turn from the position (its first turn row),
        at each quantile over the continuations: (turns, array of shape (len(quantiles),
        turns)). A game that ended early keeps its last figure to the last turn any
        continuation reached."""
        ok = self.ok()
        if not ok:
            return [], np.zeros((len(quantiles), 0))
        col = turn_column(faction, "places")
        first = min(r["turn_rows"][0][0] for r in ok)
        last = max(r["turn_rows"][-1][0] for r in ok)
        turns = list(range(first, last + 1))
        grid = np.empty((len(ok), len(turns)))
        for i, r in enumerate(ok):
            by_turn = {row[0]: row[col] for row in r["turn_rows"]}
            value = r["turn_rows"][0][col]
            for j, t in enumerate(turns):
                value = by_turn.get(t, value)
                grid[i, j] = value
        return turns, np.quantile(grid, quantiles, axis=0)


def run_forecast(world, state, games: int, seed: int, change=None, executor: str = "local", jobs: int = 2,
                 cancel: threading.Event | None = None, on_result: Callable[[Forecast], None] | None = None,
                 mp_context=None, seats: dict[str, str] | None = None, run=None) -> Forecast:
    """Play `games` continuations of `state` (left untouched) and return the forecast.
    `cancel`, when set, stops it after the chunks under way; `on_result` sees the
    forecast after each chunk. `mp_context`: the process start method for the local
    pool (a windowed program should not fork its threads). `seats`: a level for a
    backer seated in the position, by id (`none`: it sends nothing more), instead of
    `normal`. `run`: an executor already open (`open_executor`), for forecasts that
    share one pool; `executor`, `jobs` and `mp_context` are then not used."""
    forecast = Forecast(list(world.faction_ids), int(games), int(state.turn))
    position = json.dumps(state_to_json(state))
    levels = _normal(world) + tuple((seats or {}).items())
    spec_json = world.spec.model_dump_json()
    chunks = [Chunk(0, spec_json, world.hash, int(seed), tuple(GameJob(i, (i,), levels)
                                                              for i in range(k, min(k + CHUNK, games))),
                    position=position, change=change)
              for k in range(0, games, CHUNK)]
    with nullcontext(run) if run is not None else open_executor(executor, jobs, mp_context=mp_context) as run:
        for _chunk, result in run(run_chunk, chunks):
            if isinstance(result, Exception):
                forecast.error = f"{type(result).__name__}: {result}"
                break
            forecast.results += result[1]
            if on_result is not None:
                on_result(forecast)
            if cancel is not None and cancel.is_set():
                forecast.cancelled = True
                break
    forecast.results.sort(key=lambda r: r["index"])
    return forecast
