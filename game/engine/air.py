"""The air war: drones and aircraft strike from held bases within their range;
air-defence batteries cover a radius and may bring down each strike flown into it.

Interception is per strike: each battery covering the target has a chance of
`intercept × (its strength / full strength)`; a strike gets through only if every
one misses. A downed strike costs the squadron `air.drone_loss_on_intercept` of a
full-strength unit. Strikes on air defence hit harder (`air.hunt_bonus`), so drones
can win back the sky they are losing.
"""

from __future__ import annotations

import numpy as np

from .events import Event
from .politics import civilian_harm
from .state import GameState

STRIKE_KINDS = ("units", "air_defence", "supply")


def air_units_in_range(state: GameState, faction: int, place: int, commanded_only: bool = False,
                       spent_too: bool = False) -> np.ndarray:
    """The faction's drones and aircraft, based at a place it holds, that can reach
    `place`: those with a sortie left, or all of them with `spent_too`."""
    w = state.world
    n = state.n_units
    mask = state.u_alive[:n] & (state.u_owner[:n] == faction)
    if not spent_too:
        mask &= state.u_sorties[:n] > 0
    if commanded_only:
        mask &= state.u_backer[:n] < 0
    idx = np.nonzero(mask)[0]
    idx = idx[w.t_air[state.u_type[idx]]]
    if len(idx) == 0:
        return idx
    bases = state.u_place[idx]
    ok = (state.owner[bases] == faction) & (w.air_km[bases, place] <= w.t_range[state.u_type[idx]])
    return idx[ok]


def covering_batteries(state: GameState, faction: int, place: int) -> np.ndarray:
    """Enemy air-defence units whose radius covers `place`."""
    w = state.world
    n = state.n_units
    idx = np.nonzero(state.u_alive[:n])[0]
    idx = idx[w.t_ad[state.u_type[idx]]]
    if len(idx) == 0:
        return idx
    hostile = w.enemies[faction, state.u_owner[idx]]
    idx = idx[hostile]
    return idx[w.air_km[state.u_place[idx], place] <= w.t_range[state.u_type[idx]]]


def intercept_chance(state: GameState, faction: int, place: int) -> float:
    w = state.world
    ad = covering_batteries(state, faction, place)
    if len(ad) == 0:
        return 0.0
    t = state.u_type[ad]
    p = w.t_intercept[t] * np.minimum(1.0, state.u_str[ad] / w.t_strength[t])
    return float(1.0 - np.prod(1.0 - p))


def _fly(state: GameState, unit: int, target: int) -> bool:
    """Spend a sortie; return True if it got through the air defence."""
    w = state.world
    faction = int(state.u_owner[unit])
    state.u_sorties[unit] -= 1
    if state.rng.random() < intercept_chance(state, faction, target):
        t = state.u_type[unit]
        state.u_str[unit] -= w.spec.rules.air.drone_loss_on_intercept * w.t_strength[t]
        state.prune(np.array([unit]))
        return False
    return True


def spend_support_sortie(state: GameState, faction: int, place: int) -> None:
    """A battle over `place` uses one sortie of the faction's best-placed air unit."""
    units = air_units_in_range(state, faction, place)
    if len(units):
        _fly(state, int(units[np.argmax(state.u_sorties[units])]), place)


def strike(state: GameState, unit: int, target: int, kind: str) -> list[Event]:
    w = state.world
    faction = int(state.u_owner[unit])
    t = state.u_type[unit]
    tname = w.types[t].name
    fshort, pname = w.faction_short(faction), w.place_name(target)
    data = {"unit": unit, "place": w.place_ids[target], "kind": kind}
    if not _fly(state, unit, target):
        data["intercepted"] = True
        return [Event("strike", f"{fshort} {tname} strike on {pname} shot down", state.turn, w.faction_ids[faction], data)]
    power = w.t_strike[t] * w.t_quality[t] * state.u_str[unit] / w.t_strength[t]
    data["intercepted"] = False
    if kind == "supply":
        state.interdicted[target] = True
        state._supply.pop(int(state.owner[target]), None)
        return [Event("strike", f"{fshort} {tname} cuts the roads through {pname}", state.turn, w.faction_ids[faction], data)]
    targets = state.units_at(target)
    targets = targets[w.enemies[faction, state.u_owner[targets]]]
    if kind == "air_defence":
        targets = targets[w.t_ad[state.u_type[targets]]]
        power *= w.spec.rules.air.hunt_bonus
    else:
        targets = targets[w.t_ground[state.u_type[targets]]]
    damage = 0.0
    if len(targets):
        # A strike on troops in a town also hits the armed locals fighting beside them.
        locals_ = float(state.local_defence[target]) if kind == "units" else 0.0
        before = float(np.sum(state.u_str[targets]))
        total = before + locals_
        share = min(w.spec.rules.air.max_strike_share, power / max(total, 1.0))
        state.u_str[targets] *= 1.0 - share
        if locals_:
            state.local_defence[target] = locals_ * (1.0 - share)
        state.prune(targets)
        # What was lost, a unit worn below the floor and so disbanded included.
        damage = before - float(np.sum(state.u_str[targets])) + locals_ * share
    harm = civilian_harm(state, faction, target, 1.0 if kind == "units" else w.spec.rules.air.strike_harm)
    data.update(damage=round(damage, 1), harm=round(harm, 1))
    return [Event("strike", f"{fshort} {tname} strike on {pname}: {damage:.0f} lost", state.turn, w.faction_ids[faction], data)]
