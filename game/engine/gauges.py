"""The 0–100 gauges: each side's legitimacy and cohesion, and each backer's commitment.
Every change to one goes through here, so no rule can push a gauge past its ends."""

from __future__ import annotations

import numpy as np

LOW, HIGH = 0.0, 100.0


def bounded(value: float, top: float = HIGH) -> float:
    """A gauge's value kept within LOW..top."""
    return min(top, max(LOW, value))


def shift(gauge: np.ndarray, i: int, delta: float, top: float = HIGH) -> None:
    """Move gauge[i] by `delta`, kept within LOW..top (`top` lower than HIGH where a rule
    lets a gauge mend only so far)."""
    gauge[i] = bounded(gauge[i] + delta, top)
