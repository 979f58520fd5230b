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

from .air import intercept_chances
from .reach import marching
from .reports import Report
from .state import GameState


def drone_command(state: GameState, faction: int) -> np.ndarray:
    """Per place, how freely the faction's drones can work over it (0..1), whether or
    not they have flown this turn: 0 beyond every drone's reach (from a base the
    faction holds), else 1 − the chance the defenders bring a strike down."""
    w = state.world
    n = state.n_units
    drones = np.flatnonzero(state.u_alive[:n] & (state.u_owner[:n] == faction) & w.t_drone[state.u_type[:n]])
    bases = state.u_place[drones]
    drones, bases = drones[state.owner[bases] == faction], bases[state.owner[bases] == faction]
    if len(drones) == 0:
        return np.zeros(w.P)
    covered = (w.air_km[bases] <= w.t_range[state.u_type[drones]][:, None]).any(axis=0)
    return np.where(covered, 1.0 - intercept_chances(state, faction), 0.0)


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


def siege_pressures(state: GameState) -> np.ndarray:
    """Per place, the share of its armed locals it will lose this round (0 where not
    besieged): the rate times the best command of the air among the holder's enemies
    at its gates."""
    w = state.world
    pressure = np.zeros(w.P)
    rate = w.rules.combat.siege_loss
    if rate <= 0 or state.truce > 0:
        return pressure
    gates = at_the_gates(state)
    holder = np.maximum(state.owner, 0)  # a valid index; unheld places are ruled out below
    held = (state.owner >= 0) & (state.local_defence > 0)
    for f in range(w.F):
        besieged = held & gates[f] & w.enemies[holder, f]
        if besieged.any():
            pressure = np.maximum(pressure, np.where(besieged, drone_command(state, f), 0.0))
    return rate * pressure


def siege_phase(state: GameState) -> list[Report]:
    """Wear down the armed locals of every besieged place; one event per side that lost any."""
    w = state.world
    if w.rules.combat.siege_loss <= 0 or state.truce > 0:
        return []
    pressure = siege_pressures(state)
    lost = np.zeros(w.F)
    places: list[list[int]] = [[] for _ in range(w.F)]
    for p in np.flatnonzero(pressure > 0).tolist():
        share = float(pressure[p])
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
