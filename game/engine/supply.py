"""Supply: a place is supplied if a road through the faction's own places joins it,
within the scenario's `supply.max_km`, to a source — a held port or airbase, a
held place in a home region, or a held supply hub that itself links back to one.
Places struck on their supply routes this turn carry no supply through them. Where
the scenario says so (`supply.through_neutral`), roads through neutral places count
as through one's own."""

from __future__ import annotations

import numpy as np

from .reports import Report
from .jit import kernel, np_sum
from .state import GameState, lose_share


def supplied(state: GameState, faction: int) -> np.ndarray:
    """Boolean mask over places: which of the faction's places are in supply."""
    cached = state._supply.get(faction)
    if cached is not None:
        return cached
    w = state.world
    result = np.zeros(w.P, dtype=bool)
    _supply(faction, state.owner, state.interdicted, w.source_mask[faction], w.is_hub, w.nbr_ptr, w.nbr_idx, w.nbr_km,
            w.rules.supply.max_km, w.rules.supply.through_neutral, result)
    state._supply[faction] = result
    return result


@kernel
def _within(nbr_ptr, nbr_idx, nbr_km, passable, sources, limit, reached):
    """Mark the passable places a road through passable places joins, within `limit`
    km, to a source (Dijkstra; the few dozen places of a map need no heap)."""
    P = passable.shape[0]
    dist = np.full(P, np.inf)
    done = np.zeros(P, dtype=np.bool_)
    for p in range(P):
        if sources[p]:
            dist[p] = 0.0
    while True:
        here, d = -1, np.inf
        for p in range(P):
            if not done[p] and dist[p] < d:
                here, d = p, dist[p]
        if here < 0:
            break
        done[here] = True
        for j in range(nbr_ptr[here], nbr_ptr[here + 1]):
            there = nbr_idx[j]
            step = d + nbr_km[j]
            if passable[there] and step <= limit and step < dist[there]:
                dist[there] = step
    for p in range(P):
        reached[p] = dist[p] < np.inf


@kernel
def _supply(f, owner, interdicted, source, hub, nbr_ptr, nbr_idx, nbr_km, max_km, through_neutral, result):
    P = owner.shape[0]
    own = np.empty(P, dtype=np.bool_)
    passable = np.empty(P, dtype=np.bool_)
    for p in range(P):
        own[p] = owner[p] == f
        passable[p] = (own[p] or (through_neutral and owner[p] < 0)) and not interdicted[p]
    primary = passable & source & own
    if not primary.any():
        return
    sources = primary.copy()
    hubs = passable & hub & own
    if hubs.any():
        # A hub counts once any passable road reaches a primary source.
        linked = np.zeros(passable.shape[0], dtype=np.bool_)
        _within(nbr_ptr, nbr_idx, nbr_km, passable, primary, np.inf, linked)
        sources |= hubs & linked
    _within(nbr_ptr, nbr_idx, nbr_km, passable, sources, max_km, result)
    result &= own


@kernel
def _cut_off(f, n, u_alive, u_owner, u_type, u_place, sup, t_ground, t_ad):
    """The faction's ground and air-defence units standing where there is no supply."""
    out = np.empty(max(n, 1), dtype=np.int64)
    k = 0
    for u in range(n):
        if u_alive[u] and u_owner[u] == f and not sup[u_place[u]] and (t_ground[u_type[u]] or t_ad[u_type[u]]):
            out[k] = u
            k += 1
    return out[:k].copy()


@kernel
def _wear(units, rate, floor, u_str, u_alive, u_type, t_strength):
    """Units cut off lose `rate` of their strength (`lose_share`); returns the loss as the
    report counts it, `rate` of what they had."""
    k = units.shape[0]
    strength = np.empty(k)
    for i in range(k):
        strength[i] = u_str[units[i]]
    lose_share(units, rate, floor, u_alive, u_type, u_str, t_strength)
    return np_sum(strength, k) * rate


def attrition(state: GameState, faction: int) -> list:
    """Ground units cut off from supply lose strength each turn they stay cut off."""
    w = state.world
    idx = _cut_off(faction, state.n_units, state.u_alive, state.u_owner, state.u_type, state.u_place,
                   supplied(state, faction), w.t_ground, w.t_ad)
    if len(idx) == 0:
        return []
    lost = _wear(idx, w.rules.supply.attrition, w.rules.supply.unit_floor, state.u_str, state.u_alive, state.u_type,
                 w.t_strength)
    where = state.u_place[idx].tolist()
    places = sorted({w.place_name(p) for p in where})
    return [Report("supply", f"{w.faction_short(faction)} units out of supply at {', '.join(places)} lose {lost:.0f}",
                  state.turn, w.faction_ids[faction], {"lost": round(lost), "places": [w.place_ids[p] for p in set(where)]})]
