"""Occupation: a town's people do not fight for an outsider. A side that takes a town
whose people chose its enemy, or no side at all, must keep a garrison there
(`rules.politics.occupation_garrison` fighters per 1,000 inhabitants); each round a
town held with less rises, with a chance equal to the garrison's shortfall, goes back
to the side its people chose (or to nobody), and gets back a share of its own armed men
(`rules.politics.uprising_locals`). A conqueror who races through empty towns leaves
them behind him; one who holds a populous town ties down troops to do it. Without the
rule a town, once taken, stays taken with nobody in it, and a war of raids snowballs.

A town's people stand with the side that held it at the start (or the one the scenario
names in `sided_with`), until a militia of the town changes sides and takes them along
(`politics.defect`): a town handed over by its own fighters is not occupied, and does
not rise back."""

from __future__ import annotations

import numpy as np

from .reports import Report
from .state import GameState
from .territory import capture


def occupied(state: GameState) -> np.ndarray:
    """Places with people, held by an enemy of the side they stand with or by anyone
    if they stand with none."""
    w = state.world
    first, owner = state.allegiance, state.owner
    return (owner >= 0) & ((first < 0) | w.enemies[np.maximum(first, 0), np.maximum(owner, 0)]) & (w.population > 0)


def garrison_needed(state: GameState) -> np.ndarray:
    """Per place, the occupier's garrison that keeps it from rising (0 where none is needed)."""
    w = state.world
    rate = w.rules.politics.occupation_garrison
    return np.where(occupied(state), rate * w.population / 1000.0, 0.0)


def garrison_for(state: GameState, faction: int) -> np.ndarray:
    """Per place, the garrison the faction would have to keep there if it held it: the
    places whose people stand with one of its enemies or no side (0 elsewhere, or with
    the rule off)."""
    w = state.world
    rate = w.rules.politics.occupation_garrison
    first = state.allegiance
    theirs = ((first < 0) | w.enemies[faction, np.maximum(first, 0)]) & (w.population > 0)
    return np.where(theirs, rate * w.population / 1000.0, 0.0)


def uprising_phase(state: GameState) -> list[Report]:
    w = state.world
    pol = w.rules.politics
    if pol.occupation_garrison <= 0 or state.truce > 0:
        return []
    need = garrison_needed(state)
    places = np.flatnonzero(need > 0)
    if len(places) == 0:
        return []
    n = state.n_units
    ground = state.u_alive[:n] & w.t_ground[state.u_type[:n]]
    events = []
    for p in places.tolist():
        holder = int(state.owner[p])
        here = ground & (state.u_place[:n] == p) & (state.u_owner[:n] == holder)
        garrison = float(state.u_str[:n][here].sum())
        chance = 1.0 - min(1.0, garrison / need[p])
        if chance <= 0 or state.rng.random() >= chance:
            continue
        first = int(state.allegiance[p])
        capture(state, first, p)
        state.local_defence[p] = pol.uprising_locals * w.local_defence0[p]
        events.append(Report("control", f"{w.place_name(p)} rises against the {w.faction_short(holder)} and goes back "
                            f"to the {w.faction_short(first)}", state.turn, w.faction_ids[first],
                            {"place": w.place_ids[p], "from": w.faction_ids[holder], "uprising": True}))
    return events
