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

from .fortifications import struck
from .munitions import spend
from .reports import Report
from .jit import kernel, np_sum
from .politics import civilian_harm
from .reach import held_by_enemy, reaching, within_reach
from .state import GameState

STRIKE_KINDS = ("units", "air_defence", "supply")
_KIND = {kind: k for k, kind in enumerate(STRIKE_KINDS)}


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
    ok = (state.owner[bases] == faction) & reaching(w, state.u_type[idx], bases, place)
    return idx[ok]


def air_power_share(state: GameState, faction: int) -> float:
    """The faction's share of the air power of its war: the strike power of its drones and
    aircraft (each type's strike times its sorties, by the share of its airframes left)
    over that of its own and its enemies' together; one half where none of them flies."""
    w = state.world
    n = state.n_units
    alive = np.flatnonzero(state.u_alive[:n] & w.t_air[state.u_type[:n]])
    power = w.t_strike[state.u_type[alive]] * w.t_sorties[state.u_type[alive]] * (
        state.u_str[alive] / w.t_strength[state.u_type[alive]])
    owners = state.u_owner[alive]
    own = float(power[owners == faction].sum())
    theirs = float(power[w.enemies[faction, owners]].sum())
    if own + theirs <= 0.0:
        return 0.5
    return own / (own + theirs)


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
    return idx[reaching(w, state.u_type[idx], state.u_place[idx], place)]


def intercept_chance(state: GameState, faction: int, place: int) -> float:
    w = state.world
    ad = covering_batteries(state, faction, place)
    if len(ad) == 0:
        return 0.0
    t = state.u_type[ad]
    p = w.t_intercept[t] * np.minimum(1.0, state.u_str[ad] / w.t_strength[t])
    return float(1.0 - np.prod(1.0 - p))


@kernel
def _intercepts(f, n, u_alive, u_type, u_owner, u_place, u_str, enemies, t_ad, t_intercept, t_strength, t_range,
                air_km, out):
    """`intercept_chance` for every place at once, into `out`: batteries are taken in
    unit order and their misses multiplied in that order, as `numpy.prod` does."""
    for p in range(out.shape[0]):
        out[p] = 1.0
    for u in range(n):
        t = u_type[u]
        if not (u_alive[u] and t_ad[t] and enemies[f, u_owner[u]]):
            continue
        miss = 1.0 - t_intercept[t] * min(1.0, u_str[u] / t_strength[t])
        for p in range(out.shape[0]):
            if within_reach(air_km, t_range, t, u_place[u], p):
                out[p] *= miss
    for p in range(out.shape[0]):
        out[p] = 1.0 - out[p]


def intercept_chances(state: GameState, faction: int) -> np.ndarray:
    """Per place, the chance that a strike the faction flies there is brought down."""
    w = state.world
    out = np.empty(w.P)
    _intercepts(faction, state.n_units, state.u_alive, state.u_type, state.u_owner, state.u_place, state.u_str,
                w.enemies, w.t_ad, w.t_intercept, w.t_strength, w.t_range, w.air_km, out)
    return out


@kernel
def _intercept_at(f, place, n, u_alive, u_type, u_owner, u_place, u_str, enemies, t_ad, t_intercept, t_strength,
                  t_range, air_km):
    """`intercept_chance` at one place."""
    miss = 1.0
    for u in range(n):
        t = u_type[u]
        if u_alive[u] and t_ad[t] and enemies[f, u_owner[u]] and within_reach(air_km, t_range, t, u_place[u], place):
            miss *= 1.0 - t_intercept[t] * min(1.0, u_str[u] / t_strength[t])
    return 1.0 - miss


@kernel
def _best_placed(f, place, n, u_alive, u_type, u_owner, u_place, u_sorties, owner, t_air, t_range, air_km):
    """Of `air_units_in_range`, the first with the most sorties left; −1 if none."""
    best, most = -1, 0
    for u in range(n):
        t = u_type[u]
        if (u_alive[u] and u_owner[u] == f and t_air[t] and u_sorties[u] > 0 and owner[u_place[u]] == f
                and within_reach(air_km, t_range, t, u_place[u], place) and (best < 0 or u_sorties[u] > most)):
            best, most = u, u_sorties[u]
    return best


@kernel
def _hit(f, target, on_air_defence, power, max_share, with_locals, floor, n, u_alive, u_type, u_owner, u_place,
         u_str, enemies, t_ground, t_ad, t_strength, local_defence):
    """A strike that got through: the enemy's ground units at the target (or its air
    defence) lose a share of their strength, the armed locals beside troops too, and
    units worn below the floor are lost. Returns the strength lost."""
    hit = np.empty(max(n, 1), dtype=np.int64)
    k = 0
    for u in range(n):
        t = u_type[u]
        if u_alive[u] and u_place[u] == target and enemies[f, u_owner[u]] and (t_ad[t] if on_air_defence else t_ground[t]):
            hit[k] = u
            k += 1
    if k == 0:
        return 0.0
    strength = np.empty(k)
    for j in range(k):
        strength[j] = u_str[hit[j]]
    before = np_sum(strength, k)
    locals_ = local_defence[target] if with_locals else 0.0
    share = min(max_share, power / max(before + locals_, 1.0))
    for j in range(k):
        u_str[hit[j]] *= 1.0 - share
    if locals_ != 0.0:
        local_defence[target] = locals_ * (1.0 - share)
    for j in range(k):
        u = hit[j]
        if u_str[u] < floor * t_strength[u_type[u]]:
            u_alive[u] = False
            u_str[u] = 0.0
        strength[j] = u_str[u]
    return before - np_sum(strength, k) + locals_ * share


def intercept_at(state: GameState, faction: int, place: int) -> float:
    """`intercept_chance`, compiled."""
    w = state.world
    return _intercept_at(faction, place, state.n_units, state.u_alive, state.u_type, state.u_owner, state.u_place,
                         state.u_str, w.enemies, w.t_ad, w.t_intercept, w.t_strength, w.t_range, w.air_km)


@kernel
def _sortie(unit, target, draw, loss_on_intercept, floor, n, u_alive, u_type, u_owner, u_place, u_str, u_sorties,
            enemies, t_ad, t_intercept, t_strength, t_range, air_km):
    """Spend a sortie of `unit` over `target`; `draw` (uniform) decides whether the air
    defence brings it down, at a cost to the squadron. Returns True if it got through."""
    t = u_type[unit]
    u_sorties[unit] -= 1
    if draw < _intercept_at(u_owner[unit], target, n, u_alive, u_type, u_owner, u_place, u_str, enemies, t_ad,
                            t_intercept, t_strength, t_range, air_km):
        u_str[unit] -= loss_on_intercept * t_strength[t]
        if u_str[unit] < floor * t_strength[t]:
            u_alive[unit] = False
            u_str[unit] = 0.0
        return False
    return True


def fly(state: GameState, unit: int, target: int) -> bool:
    """Spend a sortie; return True if it got through the air defence."""
    w = state.world
    rules = w.rules
    return _sortie(unit, target, state.rng.random(), rules.air.drone_loss_on_intercept, rules.supply.unit_floor,
                   state.n_units, state.u_alive, state.u_type, state.u_owner, state.u_place, state.u_str,
                   state.u_sorties, w.enemies, w.t_ad, w.t_intercept, w.t_strength, w.t_range, w.air_km)


def best_placed(state: GameState, faction: int, place: int) -> int:
    """The air unit a battle over `place` draws its support from: of the faction's
    `air_units_in_range`, the first with the most sorties left (−1 if none)."""
    w = state.world
    return _best_placed(faction, place, state.n_units, state.u_alive, state.u_type, state.u_owner, state.u_place,
                        state.u_sorties, state.owner, w.t_air, w.t_range, w.air_km)


@kernel
def _strike(unit, target, draw, kind, air_rules, n, u_alive, u_type, u_owner, u_place, u_str, u_sorties, enemies,
            type_figures, type_kinds, air_km, local_defence, ground):
    """One sortie of `unit` on `target`, `kind` an index into STRIKE_KINDS and `draw`
    the uniform draw that decides whether the air defence brings it down. Returns the
    strength the strike destroyed, or −1 if it was brought down. `air_rules` is
    `World.air_rules`; the type tables are `World.type_figures` and `type_kinds`;
    `ground` is each place's defence (`GameState.ground`)."""
    hunt_bonus, max_share, loss_on_intercept, floor, cover = (air_rules[0], air_rules[1], air_rules[2],
                                                               air_rules[3], air_rules[4])
    t_quality, t_strength, t_range, t_intercept, t_strike = (type_figures[0], type_figures[1], type_figures[2],
                                                             type_figures[3], type_figures[4])
    t_ground, t_ad = type_kinds[0], type_kinds[2]
    if not _sortie(unit, target, draw, loss_on_intercept, floor, n, u_alive, u_type, u_owner, u_place, u_str,
                   u_sorties, enemies, t_ad, t_intercept, t_strength, t_range, air_km):
        return -1.0
    if kind == 2:
        return 0.0
    t = u_type[unit]
    power = t_strike[t] * t_quality[t] * u_str[unit] / t_strength[t]
    if kind == 1:
        power *= hunt_bonus
    elif cover != 0.0:
        # Men in a city's streets or dug into a mountain are harder to find and hit from
        # the air than men in the open (`rules.air.cover`).
        power /= ground[target] ** cover
    # A strike on troops in a town also hits the armed locals fighting beside them.
    return _hit(u_owner[unit], target, kind == 1, power, max_share, kind == 0, floor, n, u_alive, u_type, u_owner,
                u_place, u_str, enemies, t_ground, t_ad, t_strength, local_defence)


def strike(state: GameState, unit: int, target: int, kind: str) -> list[Report]:
    w = state.world
    faction = int(state.u_owner[unit])
    rules = w.rules
    if w.M:
        spend(state, unit)
    damage = _strike(unit, target, state.rng.random(), _KIND[kind], w.air_rules, state.n_units, state.u_alive,
                     state.u_type, state.u_owner, state.u_place, state.u_str, state.u_sorties, w.enemies,
                     w.type_figures, w.type_kinds, w.air_km, state.local_defence, state.ground)
    what = f"{w.faction_short(faction)} {w.type_names[state.u_type[unit]]}"
    fid = w.faction_ids[faction]
    if damage < 0:
        data = {"unit": unit, "place": w.place_ids[target], "kind": kind, "intercepted": True}
        return [Report("strike", f"{what} strike on {w.place_names[target]} shot down", state.turn, fid, data)]
    state.struck[faction, target] += 1
    if kind == "supply":
        state.interdicted[target] = True
        state._supply.pop(int(state.owner[target]), None)
        data = {"unit": unit, "place": w.place_ids[target], "kind": kind, "intercepted": False}
        return [Report("strike", f"{what} cuts the roads through {w.place_names[target]}", state.turn, fid, data)]
    harm = civilian_harm(state, faction, target, 1.0 if kind == "units" else rules.air.strike_harm)
    if state.works[target] > 0:
        struck(state, target)
    victim = int(state.owner[target])
    state.count_loss(victim, damage)
    if held_by_enemy(faction, victim, w.enemies):
        state.air_balance[victim] += 1.0
        state.air_balance[faction] -= 1.0
    data = {"unit": unit, "place": w.place_ids[target], "kind": kind, "intercepted": False,
            "damage": round(damage, 1), "harm": round(harm, 1)}
    return [Report("strike", f"{what} strike on {w.place_names[target]}: {damage:.0f} lost", state.turn, fid, data)]
