"""Routes that close: in the months their `closed_months` name, and when an event's
`route` effect closes them (or opens them again). A closed route is off the map: the
state plays on the world without it (`World.variant`), so marches, supply, attacks,
distances and the AI all see the map as it is that week."""

from __future__ import annotations

import numpy as np

from .reports import Report
from .state import GameState


def closed(state: GameState) -> np.ndarray:
    """Mask over the scenario's routes (file order): those closed this turn."""
    base = state.world.base
    return state.route_shut | base.closed_in_month[:, state.date.month - 1]


def refresh(state: GameState) -> None:
    """Put the state on the map of this turn's open routes."""
    base = state.world.base
    if not base.routes_can_close:
        return
    world = base.variant(frozenset(np.flatnonzero(closed(state)).tolist()))
    if world is not state.world:
        state.world = world
        state.invalidate()


def set_open(state: GameState, a: str, b: str, is_open: bool) -> list[Report]:
    """An event opens or closes the route between `a` and `b`."""
    base = state.world.base
    r = base.route_ids[frozenset((a, b))]
    state.route_shut[r] = not is_open
    refresh(state)
    names = f"{base.place_name(base.pidx[a])}–{base.place_name(base.pidx[b])}"
    still = is_open and bool(closed(state)[r])
    text = (f"The route {names} is closed" if not is_open else
            f"The route {names} reopens" + (", once the season allows" if still else ""))
    return [Report("route", text, state.turn, None, {"a": a, "b": b, "open": is_open})]
