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
