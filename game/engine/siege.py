"""Sieges: a town is not only taken by storm. While enemy ground forces stand at its
gates and enemy drones loiter over it unanswered, its armed locals drain away, killed
in ones and twos or gone home to families under fire. Air defence that makes the
drones pay, or pushing the besiegers back from the gates, slows or stops the drain; so
outside help decides sieges as well as battles.

Each round, a place's armed locals lose `rules.combat.siege_loss` × the besieger's
command of the air over it: 1 − the chance the defenders' air defence brings a strike
down, or 0 if none of the besieger's drones can reach the place. Only drones count:
they stay over a town for a day at a time, where jets and old bombers come and go.

With `rules.combat.siege_km`, only forces within that many road km of the place stand
at its gates: a town is not besieged from the far end of a desert highway.

With `rules.combat.siege_numbers`, the drain is also scaled by the besiegers' numbers:
their ground strength at the gates over the defenders' (the armed locals and the
holder's troops inside), at most 1. A brigade camped outside a city of ten thousand
armed men cannot stop them coming and going, so it wears them down only slowly.
"""

from __future__ import annotations

import numpy as np

from .air import _intercepts
from .jit import kernel
from .reports import Report
from .state import GameState


@kernel
def _besieged(p, f, owner, local_defence, gates, enemies):
    """Whether faction f besieges place p: it stands at the gates of a place its enemy
    holds with armed locals left to wear down."""
    return owner[p] >= 0 and local_defence[p] > 0 and gates[f, p] and enemies[owner[p], f]


@kernel
def _pressures(rate, within_march, numbers, max_km, n, u_alive, u_type, u_owner, u_place, u_str, owner,
               local_defence, enemies, t_ground, t_drone, t_speed, route_km, adjacent, nbr_ptr, nbr_idx, t_ad,
               t_intercept, t_strength, t_range, air_km, out):
    """`siege_pressures` into `out`, in one pass over the units per step.

    At the gates: a faction has ground forces on a place next to it, by a road of at
    most `max_km` (with `within_march`, only those that could march the road in a week:
    a stack that could not attack the town does not stand at its gates either).
    Command of the air: 0 beyond every drone's reach from a base the faction holds,
    whether or not the drones have flown this turn, else 1 − the chance the defenders
    bring a strike down. With `numbers`, scaled by the besieger's strength at the gates
    over the defenders' (the armed locals and the holder's ground forces in the place),
    at most 1."""
    F, P = enemies.shape[0], out.shape[0]
    gates = np.zeros((F, P), dtype=np.bool_)
    at_gates = np.zeros((F, P))
    inside = np.zeros(P)
    for u in range(n):
        t = u_type[u]
        if u_alive[u] and t_ground[t]:
            q = u_place[u]
            if numbers and owner[q] == u_owner[u]:
                inside[q] += u_str[u]
            # Along the place's roads rather than over every place: the same places, each
            # once (`adjacent` leaves out a road back to the place itself), and each
            # place's sum still taken in unit order.
            for j in range(nbr_ptr[q], nbr_ptr[q + 1]):
                p = nbr_idx[j]
                if adjacent[q, p] and route_km[q, p] <= max_km and (not within_march or t_speed[t] >= route_km[q, p]):
                    gates[u_owner[u], p] = True
                    if numbers:
                        at_gates[u_owner[u], p] += u_str[u]
    covered = np.empty(P, dtype=np.bool_)
    shot_down = np.empty(P)
    out[:] = 0.0
    for f in range(F):
        besieged = False
        for p in range(P):
            if _besieged(p, f, owner, local_defence, gates, enemies):
                besieged = True
                break
        if not besieged:
            continue
        covered[:] = False
        drones = False
        for u in range(n):
            t = u_type[u]
            if u_alive[u] and u_owner[u] == f and t_drone[t] and owner[u_place[u]] == f:
                drones = True
                for p in range(P):
                    if air_km[u_place[u], p] <= t_range[t]:
                        covered[p] = True
        if not drones:
            continue
        _intercepts(f, n, u_alive, u_type, u_owner, u_place, u_str, enemies, t_ad, t_intercept, t_strength, t_range,
                    air_km, shot_down)
        for p in range(P):
            if covered[p] and _besieged(p, f, owner, local_defence, gates, enemies):
                command = 1.0 - shot_down[p]
                if numbers:
                    command *= min(1.0, at_gates[f, p] / (local_defence[p] + inside[p]))
                if command > out[p]:
                    out[p] = command
    for p in range(P):
        out[p] = rate * out[p]


def siege_pressures(state: GameState) -> np.ndarray:
    """Per place, the share of its armed locals it will lose this round (0 where not
    besieged): the rate times the best command of the air among the holder's enemies
    at its gates (`_pressures`)."""
    w = state.world
    pressure = np.zeros(w.P)
    rate = w.rules.combat.siege_loss
    if rate <= 0 or state.truce > 0:
        return pressure
    _pressures(float(rate), bool(w.rules.movement.attack_within_march), bool(w.rules.combat.siege_numbers),
               float(w.rules.combat.siege_km or np.inf), state.n_units, state.u_alive, state.u_type,
               state.u_owner, state.u_place, state.u_str, state.owner, state.local_defence, w.enemies, w.t_ground,
               w.t_drone, w.t_speed, w.route_km, w.adjacent, w.nbr_ptr, w.nbr_idx, w.t_ad, w.t_intercept,
               w.t_strength, w.t_range, w.air_km, pressure)
    return pressure


@kernel
def _wear_down(pressure, owner, local_defence, losses, lost):
    """Each besieged place (pressure > 0), in place order, loses that share of its armed
    locals; the holder counts them among its losses (a besieged place always has one)
    and in `lost`, the round's total by side."""
    for p in range(pressure.shape[0]):
        if pressure[p] > 0:
            drop = local_defence[p] * pressure[p]
            local_defence[p] -= drop
            lost[owner[p]] += drop
            losses[owner[p]] += drop


def siege_phase(state: GameState) -> list[Report]:
    """Wear down the armed locals of every besieged place; one event per side that lost any."""
    w = state.world
    if w.rules.combat.siege_loss <= 0 or state.truce > 0:
        return []
    pressure = siege_pressures(state)
    lost = np.zeros(w.F)
    # Read before the kernel: the places that lose are those under pressure, whatever is left.
    hit = np.flatnonzero(pressure > 0).tolist()
    if not hit:
        return []
    _wear_down(pressure, state.owner, state.local_defence, state.losses, lost)
    owners = state.owner.tolist()
    events = []
    for f in range(w.F):
        places = [p for p in hit if owners[p] == f]
        if not places:
            continue
        names = ", ".join(w.place_name(p) for p in places)
        events.append(Report("siege", f"{w.faction_short(f)} armed locals under siege at {names} lose {lost[f]:.0f}",
                            state.turn, w.faction_ids[f],
                            {"lost": round(float(lost[f]), 1), "places": [w.place_ids[p] for p in places]}))
    return events
