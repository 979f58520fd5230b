"""Supply: a place is supplied if a road through the faction's own places joins it,
within the scenario's `supply.max_km`, to a source — a held port or airbase, a
held place in a home region, or a held supply hub that itself links back to one.
Places struck on their supply routes this turn carry no supply through them."""

from __future__ import annotations

import heapq

import numpy as np

from .state import GameState


def supplied(state: GameState, faction: int) -> np.ndarray:
    """Boolean mask over places: which of the faction's places are in supply."""
    cached = state._supply.get(faction)
    if cached is not None:
        return cached
    w = state.world
    passable = ((state.owner == faction) & ~state.interdicted).tolist()
    primary = [p for p in range(w.P) if passable[p] and (w.is_port[p] or w.is_airbase[p] or w.home_region_mask[faction, p])]
    result = np.zeros(w.P, dtype=bool)
    if primary:
        # A hub counts once any road through held places reaches a primary source.
        hubs = [p for p in range(w.P) if passable[p] and w.is_hub[p]]
        if hubs:
            reached = _within(w.adjacency, passable, primary, float("inf"))
            hubs = [p for p in hubs if p in reached]
        for p in _within(w.adjacency, passable, primary + hubs, w.spec.rules.supply.max_km):
            result[p] = True
    state._supply[faction] = result
    return result


def _within(adjacency: list, passable: list, sources: list, limit: float) -> dict:
    """Multi-source Dijkstra through passable places: place -> km, for those within `limit`."""
    dist = {s: 0.0 for s in sources}
    heap = [(0.0, s) for s in sources]
    heapq.heapify(heap)
    while heap:
        d, p = heapq.heappop(heap)
        if d > dist.get(p, float("inf")):
            continue
        for n, km in adjacency[p]:
            nd = d + km
            if passable[n] and nd <= limit and nd < dist.get(n, float("inf")):
                dist[n] = nd
                heapq.heappush(heap, (nd, n))
    return dist


def attrition(state: GameState, faction: int) -> list:
    """Ground units cut off from supply lose strength each turn they stay cut off."""
    from .events import Event

    w = state.world
    n = state.n_units
    sup = supplied(state, faction)
    mask = state.u_alive[:n] & (state.u_owner[:n] == faction) & ~sup[state.u_place[:n]]
    idx = np.nonzero(mask)[0]
    idx = idx[w.t_ground[state.u_type[idx]] | w.t_ad[state.u_type[idx]]]
    if len(idx) == 0:
        return []
    rate = w.spec.rules.supply.attrition
    lost = float(np.sum(state.u_str[idx])) * rate
    state.u_str[idx] *= 1.0 - rate
    state.prune(idx)
    places = sorted({w.place_name(int(p)) for p in state.u_place[idx]})
    return [Event("supply", f"{w.faction_short(faction)} units out of supply at {', '.join(places)} lose {lost:.0f}",
                  state.turn, w.faction_ids[faction], {"lost": round(lost), "places": [w.place_ids[int(p)] for p in set(state.u_place[idx])]})]
