"""Sieges: a town is not only taken by storm. While enemy ground forces stand at its
gates and enemy drones loiter over it unanswered, its armed locals drain away, killed
in ones and twos or gone home to families under fire. Air defence that makes the
drones pay, or pushing the besiegers back from the gates, slows or stops the drain; so
outside help decides sieges as well as battles.

Each round, a place's armed locals lose `rules.combat.siege_loss` × the besieger's
command of the air over it: 1 − the chance the defenders' air defence brings a strike
down, or 0 if none of the besieger's drones can reach the place. Only drones count:
they stay over a town for a day at a time, where jets and old bombers come and go.
"""

from __future__ import annotations

import numpy as np

from .air import air_units_in_range, intercept_chance
from .reach import marching
from .reports import Report
from .state import GameState


def air_command(state: GameState, faction: int, place: int) -> float:
    """How freely the faction's drones can work over a place (0..1), whether or not they
    have flown this turn."""
    flyers = air_units_in_range(state, faction, place, spent_too=True)
    if not state.world.t_drone[state.u_type[flyers]].any():
        return 0.0
    return 1.0 - intercept_chance(state, faction, place)


def at_the_gates(state: GameState) -> np.ndarray:
    """(faction, place) mask: the faction has ground forces on a place next to it. With
    `rules.movement.attack_within_march`, only those who could march the road to it in
    a week: a stack that could not attack the town does not stand at its gates either."""
    w = state.world
    n = state.n_units
    ground = state.u_alive[:n] & w.t_ground[state.u_type[:n]]
    owners, places = state.u_owner[:n][ground], state.u_place[:n][ground]
    if not w.rules.movement.attack_within_march:
        present = np.zeros((w.F, w.P), dtype=bool)
        present[owners, places] = True
        return present @ w.adjacent
    reach = marching(w, state.u_type[:n][ground], places) & w.adjacent[places]  # (unit, next place it could march to)
    gates = np.zeros((w.F, w.P), dtype=bool)
    for f in range(w.F):
        gates[f] = reach[owners == f].any(axis=0)
    return gates


def besiegers(state: GameState, place: int, gates: np.ndarray | None = None) -> list[int]:
    """The holder's enemies with ground forces next to the place."""
    owner = int(state.owner[place])
    if owner < 0:
        return []
    gates = at_the_gates(state) if gates is None else gates
    return [f for f in range(state.world.F) if gates[f, place] and state.world.enemies[owner, f]]


def siege_pressure(state: GameState, place: int, gates: np.ndarray | None = None) -> float:
    """Share of the place's armed locals it will lose this round (0 if not besieged)."""
    rate = state.world.rules.combat.siege_loss
    if rate <= 0 or state.local_defence[place] <= 0 or state.truce > 0:
        return 0.0
    command = max((air_command(state, f, place) for f in besiegers(state, place, gates)), default=0.0)
    return rate * command


def siege_phase(state: GameState) -> list[Report]:
    """Wear down the armed locals of every besieged place; one event per side that lost any."""
    w = state.world
    if w.rules.combat.siege_loss <= 0 or state.truce > 0:
        return []
    gates = at_the_gates(state)
    lost = np.zeros(w.F)
    places: list[list[int]] = [[] for _ in range(w.F)]
    for p in np.flatnonzero((state.local_defence > 0) & (state.owner >= 0)).tolist():
        share = siege_pressure(state, p, gates)
        if share <= 0:
            continue
        owner = int(state.owner[p])
        drop = float(state.local_defence[p]) * share
        state.local_defence[p] -= drop
        lost[owner] += drop
        state.count_loss(owner, drop)
        places[owner].append(p)
    events = []
    for f in range(w.F):
        if not places[f]:
            continue
        names = ", ".join(w.place_name(p) for p in places[f])
        events.append(Report("siege", f"{w.faction_short(f)} armed locals under siege at {names} lose {lost[f]:.0f}",
                            state.turn, w.faction_ids[f],
                            {"lost": round(float(lost[f]), 1), "places": [w.place_ids[p] for p in places[f]]}))
    return events
