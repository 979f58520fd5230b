"""When the tide turns: each side's low point in a game, and when recoveries began.

A side's *low point* is the last turn at which it held its fewest places over the
game: a siege that holds for months at its low ebb turns when the side starts to
gain, not when it first fell back that far. Turn 0 is the start, so a side that
never lost ground has its low point there.
A game is a *recovery* for a side when it ended holding at least `RECOVERY` places
more than at its low point: a dip of a place or two and back is noise, not a turn of
the tide. Over a side's recoveries the lab reports when the low point came, which
says how long that side had to hold on before the war swung its way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from .play import turn_column
from .stats import spread

RECOVERY = 3  # places regained, from the low point to the end, that make a recovery


@dataclass(frozen=True)
class LowPoint:
    turn: int
    places: int
    end: int  # places held when the game ended

    @property
    def recovered(self) -> bool:
        return self.end - self.places >= RECOVERY


def low_points(rows: list[list], factions: int) -> list[LowPoint]:
    """Every faction's low point in one game, from its turn rows (in turn order)."""
    if not rows:
        return []
    out = []
    for f in range(factions):
        col = turn_column(f, "places")
        fewest = min(r[col] for r in rows)
        low = max(i for i, r in enumerate(rows) if r[col] == fewest)
        out.append(LowPoint(int(rows[low][0]), int(rows[low][col]), int(rows[-1][col])))
    return out


def recovery_turns(factions: list[str], games: Iterable[list[LowPoint]]) -> dict[str, list[int]]:
    """For each faction, the low-point turns of the games it recovered from."""
    turns: dict[str, list[int]] = {f: [] for f in factions}
    for lows in games:
        for f, low in zip(factions, lows):
            if low.recovered:
                turns[f].append(low.turn)
    return turns


def momentum(factions: list[str], games: Iterable[list[LowPoint]]) -> dict:
    """summary.json's `momentum`: per faction, how many games were recoveries and the
    spread of the turn their low point came."""
    turns = recovery_turns(factions, games)
    return {"recovery_places": RECOVERY,
            "factions": {f: {"count": len(t), **spread(t)} for f, t in turns.items()}}


def territory_floor(factions: list[str], games: list[list[list]]) -> dict:
    """summary.json's `territory`: per faction, the lowest point of its median places held
    over the games, turn by turn, and the first turn it is reached. A game that ended
    keeps its final position, as in the territory chart, so a side that loses early
    pulls the median down for the rest of the war."""
    games = [rows for rows in games if rows]
    if not games:
        return {f: {"median_low": None, "turn": None} for f in factions}
    length = max(int(rows[-1][0]) for rows in games) + 1
    out = {}
    for i, f in enumerate(factions):
        col = turn_column(i, "places")
        held = np.empty((len(games), length))
        for g, rows in enumerate(games):
            turns = [int(r[0]) for r in rows]
            values = [r[col] for r in rows]
            held[g, turns] = values
            held[g, turns[-1]:] = values[-1]
        median = np.median(held, axis=0)
        turn = int(np.argmin(median))
        out[f] = {"median_low": float(median[turn]), "turn": turn}
    return out
