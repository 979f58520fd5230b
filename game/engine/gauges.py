"""The 0–100 gauges: each side's legitimacy and cohesion, and each backer's commitment.
Every change to one goes through here, so no rule can push a gauge past its ends, and
each is noted with its cause in the state's ledger, so a player can read what moved a
gauge last turn."""

from __future__ import annotations

import numpy as np

LOW, HIGH = 0.0, 100.0


def bounded(value: float, top: float = HIGH) -> float:
    """A gauge's value kept within LOW..top."""
    return min(top, max(LOW, value))


GAUGE_NAMES = ("legitimacy", "cohesion", "commitment")
LEDGER_TURNS = 2  # the ledger keeps this turn's changes and the last turn's


def shift(state, gauge: str, i: int, delta: float, why: str, top: float = HIGH) -> float:
    """Move `state.<gauge>[i]` by `delta`, kept within LOW..top (`top` lower than HIGH
    where a rule lets a gauge mend only so far), and note in `state.ledger` the change
    made, after the bounds, and `why`. Returns the change made."""
    return move_to(state, gauge, i, float(getattr(state, gauge)[i]) + delta, why, top)


def move_to(state, gauge: str, i: int, value: float, why: str, top: float = HIGH) -> float:
    """`shift` to a value worked out by the caller (kept within LOW..top)."""
    values: np.ndarray = getattr(state, gauge)
    old = float(values[i])
    # The new value is kept as the float it is rather than read back from the array (a
    # float64 holds it exactly): the round's drift calls this for every backer, every round.
    new = float(bounded(value, top))
    values[i] = new
    moved = new - old
    if moved:
        state.ledger.append([int(state.turn), gauge, int(i), moved, why])
    return moved


def forget_old(state) -> None:
    """Keep only the ledger's entries of the last LEDGER_TURNS turns."""
    first = state.turn - LEDGER_TURNS + 1
    if state.ledger and state.ledger[0][0] < first:
        state.ledger = [e for e in state.ledger if e[0] >= first]


def changes(state, gauge: str, i: int, turn: int) -> list[tuple[str, float]]:
    """What moved gauge[i] in `turn`, by cause (their changes summed), largest first."""
    by: dict[str, float] = {}
    for t, g, j, moved, why in state.ledger:
        if t == turn and g == gauge and j == i:
            by[why] = by.get(why, 0.0) + moved
    return sorted(by.items(), key=lambda kv: -abs(kv[1]))
