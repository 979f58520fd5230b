"""The baseline: a uniformly random choice among legal orders, seeded."""

from __future__ import annotations

import numpy as np

from ..engine import EndTurn, GameState, legal_actions


class RandomAgent:
    """Picks uniformly among the legal orders; ends its turn after `max_orders` so a
    game always moves on (a uniform pick among hundreds of orders rarely ends a turn)."""

    name = "random"

    def __init__(self, seed: int | np.random.SeedSequence = 0, max_orders: int = 8):
        self.rng = np.random.default_rng(seed)
        self.max_orders = max_orders
        self.why = ""

    def act(self, state: GameState):
        if state.action_count >= self.max_orders and not any(f == state.active for f, _ in state.pending):
            self.why = "enough orders for this turn"
            return EndTurn()
        options = legal_actions(state)
        action = options[int(self.rng.integers(len(options)))]
        self.why = "random pick"
        return action
