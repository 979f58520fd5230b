"""Checkpoints: the share of a run's games that follow the record, date by date.

A targets file (see `game.scenario.targets`) lists what held on dates of the real war.
Each game keeps who held every place at the end of every turn (`held` in its
results), so a checkpoint is tested after the run, on any run of the scenario,
`--without` and `--set` variants included. A checkpoint dated within a turn is tested
on the position at that turn's end; a game that ended sooner is judged by the position
it ended in, since the war it played was over by then.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..scenario.targets import NEUTRAL, Checkpoint, LoadedTargets
from .play import HOLDER_CODES, NOBODY
from .stats import rate


@dataclass(frozen=True)
class Test:
    """A checkpoint made ready to test a game's position quickly."""

    id: str
    name: str
    date: str  # ISO date, or "end"
    turn: int  # the turn at whose end it is tested (the last turn for "end")
    holds: tuple[tuple[int, frozenset[str], str], ...]  # (place index, the holder codes that pass, label)
    bands: tuple[tuple[int, int | None, int | None, str], ...]  # (faction index, min, max, label)
    divided: tuple[tuple[tuple[int, ...], str], ...]  # (place indices, label); no single holder may have them all
    undecided: bool
    source: tuple[str, ...]

    def misses(self, code: str, game_turns: int, last_turn: int) -> list[str]:
        """What keeps a position (a holders code) out of this checkpoint, as one label per
        failed condition ("capital: blue", "red places >= 14"); empty when it is inside.
        `game_turns` is the turn the game ended on, for `undecided`."""
        out = [label for place, allowed, label in self.holds if code[place] not in allowed]
        for f, lo, hi, label in self.bands:
            n = code.count(HOLDER_CODES[f])
            if (lo is not None and n < lo) or (hi is not None and n > hi):
                out.append(label)
        out += [label for group, label in self.divided if len({code[p] for p in group}) == 1]
        if self.undecided and not (game_turns > self.turn or game_turns >= last_turn):
            out.append("undecided")
        return out

    def passes(self, code: str, game_turns: int, last_turn: int) -> bool:
        """Is a position inside this checkpoint?"""
        return not self.misses(code, game_turns, last_turn)


def turn_of(meta, day: dt.date | str) -> int:
    """The turn whose days hold `day` ("end": the last turn)."""
    if day == "end":
        return meta.last_turn
    return (day - meta.start_date).days // meta.days_per_turn + 1


def compile_tests(spec, checkpoints: list[Checkpoint]) -> list[Test]:
    """The checkpoints in date order (`end` last), ready to test positions."""
    pidx = {p: i for i, p in enumerate(spec.map.places)}
    code = {f: HOLDER_CODES[i] for i, f in enumerate(spec.factions)} | {NEUTRAL: NOBODY}
    fidx = {f: i for i, f in enumerate(spec.factions)}
    tests = []
    for cp in checkpoints:
        holds = tuple((pidx[p], frozenset(code[f] for f in ([who] if isinstance(who, str) else who)),
                       f"{p}: {who if isinstance(who, str) else ' or '.join(who)}")
                      for p, who in cp.holds.items())
        bands = tuple((fidx[f], b.min, b.max, _band_label(f, b.min, b.max)) for f, b in cp.places.items())
        divided = tuple((tuple(pidx[p] for p in group), "divided: " + ", ".join(group)) for group in cp.divided)
        source = (cp.source,) if isinstance(cp.source, str) else tuple(cp.source or ())
        tests.append(Test(cp.id, cp.name, str(cp.date), turn_of(spec.meta, cp.date), holds, bands, divided,
                          cp.undecided, source))
    return sorted(tests, key=lambda t: t.turn)


def _band_label(faction: str, lo: int | None, hi: int | None) -> str:
    if lo is not None and hi is not None:
        return f"{faction} places {lo}-{hi}"
    return f"{faction} places >= {lo}" if lo is not None else f"{faction} places <= {hi}"


def position_at(held: list[list], turn: int) -> str:
    """The holders code at the end of `turn`, or the last one recorded (a game that ended
    sooner). `held` is a game's [turn, code] record in turn order."""
    best = held[0][1]
    for t, code in held:
        if t > turn:
            break
        best = code
    return best


def game_misses(tests: list[Test], held: list[list], game_turns: int, last_turn: int) -> list[list[str]]:
    """What keeps one game out of each checkpoint (an empty list: inside it)."""
    return [t.misses(position_at(held, t.turn), game_turns, last_turn) for t in tests]


def misses(tests: list[Test], results: list[dict], held: Callable[[int], list[list]],
           last_turn: int) -> dict[int, list[list[str]]]:
    """Every finished game's misses at each checkpoint, by game index; `held(index)`
    reads a game's record."""
    out = {}
    for r in results:
        if r["status"] == "ok":
            record = held(r["index"])
            if record:
                out[r["index"]] = game_misses(tests, record, r["turns"], last_turn)
    return out


def summary_block(targets: LoadedTargets, tests: list[Test], by_game: dict[int, list[list[str]]],
                  shown_path: str) -> dict:
    """summary.json's `checkpoints`: each checkpoint's share of games inside it, and the
    share inside at every one ("looks like the war"), with Wilson intervals; and for each,
    the share of games that miss each of its conditions, most missed first, which says
    what to look at when the model strays from the record."""
    n = len(by_game)
    table = np.array([[not m for m in game] for game in by_game.values()], dtype=bool).reshape(n, len(tests))
    items = []
    for j, t in enumerate(tests):
        missed = Counter(label for game in by_game.values() for label in game[j])
        items.append({"id": t.id, "name": t.name, "date": t.date, "turn": t.turn, "source": list(t.source),
                      "inside": rate(int(table[:, j].sum()), n),
                      "missed": {label: round(k / n, 4) for label, k in missed.most_common()}})
    return {"file": shown_path, "games": n, "checkpoints": items, "every": rate(int(table.all(axis=1).sum()), n)}


def bands_by_faction(spec, tests: list[Test]) -> dict[str, list[tuple[int, int | None, int | None, str]]]:
    """For the territory chart: per faction, (turn, min, max, checkpoint id) of every place band."""
    fids = list(spec.factions)
    out: dict[str, list] = {f: [] for f in fids}
    for t in tests:
        for f, lo, hi, _ in t.bands:
            out[fids[f]].append((t.turn, lo, hi, t.id))
    return out
