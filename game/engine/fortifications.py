"""Prepared defences: trenches, berms and hardened shelters that a side digs over weeks
and that bombardment wears away (`rules.fortification`).

A place's works are a level from 0 to `max_level`; each level lifts its defence by
`defence_per_level`, for its troops and its armed locals alike. The defence multiplier
the battle rules read, `GameState.ground`, is the ground's (terrain) times the works',
kept here and only here. Works are built with the `Fortify` order, one level at a time
and over `build_turns`; strikes and artillery knock them down; a place that changes
hands keeps only `kept_on_capture` of them, since they were dug to face the other way.
Every scenario event that sets or adds works comes here too.
"""

from __future__ import annotations

import numpy as np

from .reports import Report
from .state import GameState


def defence_factor(state: GameState, place: int) -> float:
    """What the works alone multiply a place's defence by."""
    return 1.0 + state.world.rules.fortification.defence_per_level * float(state.works[place])


def refresh_ground(state: GameState) -> None:
    """Work out every place's defence multiplier again (after works change, or a load)."""
    state.ground[:] = state.world.ground(state.works)


def set_level(state: GameState, place: int, level: float) -> float:
    """Put a place's works at `level` (kept within 0..max_level); returns the change."""
    new = min(max(float(level), 0.0), float(state.world.rules.fortification.max_level))
    old = float(state.works[place])
    state.works[place] = new
    refresh_ground(state)
    return new - old


def wear(state: GameState, place: int, levels: float) -> float:
    """Knock `levels` off a place's works (none below 0); returns the levels lost."""
    if levels <= 0 or state.works[place] <= 0:
        return 0.0
    return -set_level(state, place, float(state.works[place]) - levels)


def struck(state: GameState, place: int) -> float:
    """A strike on troops or air defence at `place` got through."""
    return wear(state, place, state.world.rules.fortification.wear_per_strike)


def bombarded(state: GameState, place: int) -> float:
    """An assault on `place` brought artillery."""
    return wear(state, place, state.world.rules.fortification.wear_per_bombardment)


def changed_hands(state: GameState, place: int) -> None:
    """The new holder keeps a share of the works, and the old holder's digging stops."""
    if state.works[place] > 0:
        set_level(state, place, float(state.works[place]) * state.world.rules.fortification.kept_on_capture)
    state.works_due[place] = 0
    state.works_by[place] = -1


def why_not(state: GameState, faction: int, place: int) -> str | None:
    """Why the faction cannot start a level of works at `place` now (None: it can)."""
    w = state.world
    rules = w.rules.fortification
    if rules.build_cost is None:
        return "no side can build works in this scenario"
    name = w.place_name(place)
    if state.owner[place] != faction:
        return f"you do not hold {name}"
    if state.works_due[place]:
        return f"a level of works is already being dug at {name}"
    if state.works[place] >= rules.max_level:
        return f"{name}'s works are already at the most there can be ({rules.max_level})"
    if state.treasury[faction] < rules.build_cost:
        return f"a level of works costs {rules.build_cost:g}M; you have {state.treasury[faction]:.1f}M"
    return None


def buildable(state: GameState, faction: int) -> np.ndarray:
    """The places where the faction could start a level of works now, in place order."""
    rules = state.world.rules.fortification
    if rules.build_cost is None or state.treasury[faction] < rules.build_cost:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero((state.owner == faction) & (state.works_due == 0) & (state.works < rules.max_level))


def start(state: GameState, faction: int, place: int) -> list[Report]:
    """The `Fortify` order: pay for a level, to stand after `build_turns`."""
    w = state.world
    rules = w.rules.fortification
    state.treasury[faction] -= rules.build_cost
    state.works_due[place] = state.turn + rules.build_turns - 1
    state.works_by[place] = faction
    ready = w.date_of(int(state.works_due[place]) + 1).isoformat()
    return [Report("works", f"{w.faction_short(faction)} starts digging in at {w.place_name(place)} "
                   f"(ready {ready})", state.turn, w.faction_ids[faction],
                   {"place": w.place_ids[place], "due": int(state.works_due[place])})]


def works_phase(state: GameState) -> list[Report]:
    """At the end of a round, each level whose time has come stands."""
    if not state.works_due.any():
        return []
    w = state.world
    out = []
    for p in np.flatnonzero((state.works_due > 0) & (state.works_due <= state.turn)).tolist():
        f = int(state.works_by[p])
        state.works_due[p] = 0
        state.works_by[p] = -1
        set_level(state, p, float(state.works[p]) + 1.0)
        out.append(Report("works", f"{w.faction_short(f)} works at {w.place_name(p)} stand at level "
                          f"{state.works[p]:.1f}", state.turn, w.faction_ids[f],
                          {"place": w.place_ids[p], "level": round(float(state.works[p]), 2)}))
    return out
