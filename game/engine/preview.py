"""What an attack or a strike is likely to cost, before it is ordered.

A preview carries the order out many times on copies of the game, each with its own
dice, through the very `rules.apply` that will carry it out for real, and reads what
happened from the events the rules report, as the game's log does: how often it
succeeded, what each side lost, the civilians harmed and the standing it cost. There
is no second copy of any formula to drift from the rules. The copies' dice come from a
seed fixed by the order and the game's count of orders, so the same question asked
twice gets the same answer, and the game's own dice are never touched.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from . import actions as A
from .rules import apply, why_illegal
from .state import GameState

SAMPLES = 200


@dataclass(frozen=True)
class Spread:
    """A quantity over the previewed outcomes: its mean, and its 10th and 90th percentiles."""

    mean: float
    low: float
    high: float

    @classmethod
    def of(cls, values: np.ndarray) -> "Spread":
        low, high = np.percentile(values, [10, 90])
        return cls(float(values.mean()), float(low), float(high))


@dataclass(frozen=True)
class Preview:
    samples: int
    success: float  # share of outcomes in which the attack took the place, or the strike got through
    own_lost: Spread  # fighters the side giving the order loses
    enemy_lost: Spread  # fighters the other side loses, armed locals included
    harm: Spread  # civilians harmed
    legitimacy: Spread  # change in the ordering side's legitimacy (negative: lost)
    # The same two in the outcomes that succeeded: a strike's harm depends on nothing else.
    harm_if_success: float
    legitimacy_if_success: float


def _outcome(events, action) -> tuple[bool, float, float, float]:
    """(succeeded, own losses, enemy losses, harm) as the rules reported them."""
    for e in events:
        if isinstance(action, A.Attack) and e.kind in ("battle", "capture"):
            d = e.data or {}
            won = e.kind == "capture" or bool(d.get("won"))
            return won, float(d.get("attacker_lost", 0.0)), float(d.get("defender_lost", 0.0)), float(d.get("harm", 0.0))
        if isinstance(action, A.DroneStrike) and e.kind == "strike":
            d = e.data or {}
            return not d.get("intercepted"), 0.0, float(d.get("damage", 0.0)), float(d.get("harm", 0.0))
    raise AssertionError(f"the rules reported no outcome for {action!r}")


def trial_seeds(state: GameState, action, samples: int) -> list[np.random.SeedSequence]:
    """The dice of each trial run: fixed by the order and the game's count of orders."""
    return np.random.SeedSequence([state.action_count, zlib.crc32(repr(action).encode())]).spawn(samples)


def preview(state: GameState, action: A.Attack | A.DroneStrike, samples: int = SAMPLES) -> Preview:
    """Carry `action` out `samples` times on copies of `state` and sum up what happened.
    Raises ValueError, with the rules' reason, for an order they would refuse."""
    if not isinstance(action, (A.Attack, A.DroneStrike)):
        raise TypeError(f"no preview for {type(action).__name__}")
    reason = why_illegal(state, action)
    if reason is not None:
        raise ValueError(reason)
    f = state.active
    seeds = trial_seeds(state, action, samples)
    table = np.empty((samples, 5))
    for k in range(samples):
        copy = state.clone()
        copy.rng = np.random.Generator(np.random.PCG64(seeds[k]))
        events = apply(copy, action, checked=True)
        table[k, :4] = _outcome(events, action)
        table[k, 4] = copy.legitimacy[f] - state.legitimacy[f]
    won = table[:, 0] > 0
    return Preview(samples, float(won.mean()), Spread.of(table[:, 1]), Spread.of(table[:, 2]), Spread.of(table[:, 3]),
                   Spread.of(table[:, 4]), float(table[won, 3].mean()) if won.any() else 0.0,
                   float(table[won, 4].mean()) if won.any() else 0.0)
