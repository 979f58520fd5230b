"""The baseline: uniformly random legal orders, seeded."""

from __future__ import annotations

import numpy as np

from ..engine import EndTurn, GameState, legal_actions
from ..engine.rules import why_illegal_unasked


class RandomAgent:
    """At the start of each of its turns, lists the legal orders and shuffles them;
    then gives them in that order, skipping any that an earlier order made illegal,
    until it has given `max_orders` (a uniform pick among hundreds of orders would
    rarely end a turn). Listing once a turn keeps whole games cheap enough to run
    by the thousand."""

    name = "random"
    gives_legal_orders = True  # it checks every order with the rules' own checks before giving it

    def __init__(self, seed: int | np.random.SeedSequence = 0, max_orders: int = 8):
        self.rng = np.random.default_rng(seed)
        self.max_orders = max_orders
        self.why = ""
        self._key: tuple | None = None
        # The shuffled positions, given from the end; kept as an array, since a turn
        # gives a handful of its hundreds and making them all Python ints cost more
        # than the shuffle.
        self._plan = np.zeros(0, dtype=np.int64)
        self._left = 0
        self._given = 0

    def act(self, state: GameState):
        if state.pending and any(f == state.active for f, _ in state.pending):
            options = legal_actions(state)
            self.why = "random answer"
            return options[int(self.rng.integers(len(options)))]
        key = (state.turn, state.active)
        if key != self._key:
            self._key = key
            self._options = legal_actions(state)
            # EndTurn is always last; leave it out of the shuffle.
            self._plan = self.rng.permutation(len(self._options) - 1)
            self._left = len(self._plan)
            self._given = 0
        while self._left and self._given < self.max_orders:
            self._left -= 1
            action = self._options[int(self._plan[self._left])]
            if why_illegal_unasked(state, action) is None:
                self._given += 1
                self.why = "random pick"
                return action
        self.why = "enough orders for this turn"
        return EndTurn()
