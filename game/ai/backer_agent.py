"""A backer's seat played by the scenario's own policy: the lab's `normal` level for a
backer, so that seating a backer with it changes who decides, not how."""

from __future__ import annotations

import numpy as np

from ..engine import EndTurn, GameState, SendPackage
from ..engine.backers import grants, own_accord, why_closed


class PolicyBackerAgent:
    """In its step it answers its client's asks as the built-in policy answers a request
    (yes with a chance of its commitment plus the scenario's bonus), then sends of its
    own accord as the built-in policy would; the dice are its own, not the game's."""

    name = "normal"
    gives_legal_orders = True  # every order is checked against the rules before it is given

    def __init__(self, seed: int | np.random.SeedSequence = 0):
        self.rng = np.random.default_rng(seed)
        self.why = ""
        self._key: tuple | None = None
        self._asks: list[int] = []
        self._own_done = False

    def act(self, state: GameState):
        w = state.world
        b = state.backer_step
        key = (state.turn, state.active, b)
        if key != self._key:
            self._key = key
            self._asks = sorted(k for k in state.asked if w.packages[k].backer == b)
            self._own_done = False
        while self._asks:
            k = self._asks.pop(0)
            if why_closed(state, k) is None and grants(state, b, self.rng.random()):
                self.why = "its client asked"
                return SendPackage(w.backer_ids[b], w.packages[k].id)
        if not self._own_done:
            self._own_done = True
            k = own_accord(state, b, self.rng)
            if k is not None:
                self.why = "of its own accord"
                return SendPackage(w.backer_ids[b], w.packages[k].id)
        self.why = "nothing more this turn"
        return EndTurn()


class StayOutAgent:
    """A backer that sends nothing and declines every ask: the baseline against which
    a backer's decisions are measured (`simulate --ai BACKER=none`). Unlike `--without`,
    the backer is still in the war for its rivals and its red lines."""

    name = "none"
    gives_legal_orders = True

    def __init__(self, seed: int | np.random.SeedSequence = 0):
        self.why = "stays out"

    def act(self, state: GameState):
        return EndTurn()

