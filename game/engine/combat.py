"""Ground combat: a week of fighting for one place, resolved in one draw.

Power = strength × quality × supply × morale × (1 + artillery + air cover), and the
defender's is multiplied by its terrain. The ratio, scaled by a log-normal random
factor, decides who holds the place; both sides lose a share of strength that grows
with the odds against them. A big city falls slowly because urban terrain more than
doubles its defenders and every failed assault still costs the attacker.
"""

from __future__ import annotations

import math
from contextlib import contextmanager

import numpy as np

from .air import _best_placed, air_units_in_range, fly, intercept_chance
from .fortifications import bombarded, defence_factor
from .reports import Report
from .gauges import shift
from .jit import kernel, np_sum
from .politics import civilian_harm
from .reach import marches, marching, within_reach
from .state import GameState, lose_share
from .supply import supplied
from .territory import capture


def morale(state: GameState, faction: int) -> float:
    """A side's combat multiplier for its cohesion: `morale_floor` at none, 1 at full."""
    floor = state.world.rules.combat.morale_floor
    return floor + (1.0 - floor) * state.cohesion[faction] / 100.0


def air_cover(state: GameState, faction: int, place: int) -> float:
    """Expected share of air support a faction can bring over a place (0..1): none if
    no air unit of its with a sortie left can reach it, else the chance a strike there
    gets through the enemy's air defence."""
    if len(air_units_in_range(state, faction, place)) == 0:
        return 0.0
    return 1.0 - intercept_chance(state, faction, place)


@kernel
def _fighters_at(place, f, ready_only, with_air_defence, n, u_alive, u_ready, u_place, u_owner, u_type, t_ground, t_ad):
    out = np.empty(max(n, 1), dtype=np.int64)
    k = 0
    for u in range(n):
        t = u_type[u]
        if (u_alive[u] and u_place[u] == place and u_owner[u] == f and (u_ready[u] or not ready_only)
                and (t_ground[t] or (with_air_defence and t_ad[t]))):
            out[k] = u
            k += 1
    return out[:k].copy()


def attackers_at(state: GameState, faction: int, place: int) -> np.ndarray:
    """Units that join an attack from `place`: the faction's ready ground units there,
    including any a backer commands — they fight beside the client where they stand."""
    w = state.world
    return _fighters_at(place, faction, True, False, state.n_units, state.u_alive, state.u_ready, state.u_place,
                        state.u_owner, state.u_type, w.t_ground, w.t_ad)


def marchers(state: GameState, faction: int, origin: int, target: int) -> np.ndarray:
    """The attackers at `origin` who could march the road to `target` in a week (all of
    them unless `rules.movement.attack_within_march`)."""
    w = state.world
    ready = attackers_at(state, faction, origin)
    if not w.rules.movement.attack_within_march:
        return ready
    return ready[marching(w, state.u_type[ready], state.u_place[ready], target)]


def defenders_at(state: GameState, place: int) -> np.ndarray:
    """The holder's ground and air-defence units at a place (none at a neutral one)."""
    w = state.world
    owner = int(state.owner[place])
    if owner < 0:
        return np.zeros(0, dtype=np.int64)
    return _fighters_at(place, owner, False, True, state.n_units, state.u_alive, state.u_ready, state.u_place,
                        state.u_owner, state.u_type, w.t_ground, w.t_ad)


@kernel
def _by_place_into(n, u_alive, u_place, ptr, idx):
    """Living units grouped by place, in unit order within a place: those at p are
    idx[ptr[p]:ptr[p + 1]]. `ptr` has a place more than the map, `idx` room for n."""
    P = ptr.shape[0] - 1
    ptr[:] = 0
    for u in range(n):
        if u_alive[u]:
            ptr[u_place[u] + 1] += 1
    for p in range(P):
        ptr[p + 1] += ptr[p]
    fill = ptr[:P].copy()
    for u in range(n):
        if u_alive[u]:
            idx[fill[u_place[u]]] = u
            fill[u_place[u]] += 1


@kernel
def _by_place(n, u_alive, u_place, P):
    """`_by_place_into`, in arrays of its own."""
    ptr = np.empty(P + 1, dtype=np.int64)
    idx = np.empty(max(n, 1), dtype=np.int64)
    _by_place_into(n, u_alive, u_place, ptr, idx)
    return ptr, idx


@kernel
def _power_terms(units, k, faction, in_supply, u_type, u_str, t_quality, t_artillery, quality_bonus, cohesion, params,
                 scratch):
    """The factors of a force's power, which is their product: (strength × (quality +
    the side's bonus), morale, supply, artillery). `units[:k]` in unit order, as the sums
    must add them; `params` is `World.combat_params`; `scratch` three rows of room for k
    figures."""
    if k == 0:
        return 0.0, 1.0, 1.0, 1.0
    weighted, strength, artillery = scratch[0], scratch[1], scratch[2]
    m = 0
    for j in range(k):
        u = units[j]
        t = u_type[u]
        weighted[j] = u_str[u] * (t_quality[t] + quality_bonus[faction])
        strength[j] = u_str[u]
        if t_artillery[t]:
            artillery[m] = u_str[u]
            m += 1
    base = np_sum(weighted, k)
    art_share = np_sum(artillery, m) / max(np_sum(strength, k), 1.0)
    floor = params[0]
    morale = floor + (1.0 - floor) * cohesion[faction] / 100.0
    return base, morale, 1.0 if in_supply else params[1], 1.0 + params[2] * min(1.0, art_share / params[3])


@kernel
def _air_units_into(n, u_alive, u_type, u_owner, u_place, u_sorties, owner, t_air, t_ad, flyers, batteries):
    """Those that can lend air cover (air units with a sortie left, at a base their side
    holds) and those that can deny it (air-defence batteries), each in unit order, into
    `flyers` and `batteries` (room for n each); returns how many of each."""
    nf = nb = 0
    for u in range(n):
        if not u_alive[u]:
            continue
        t = u_type[u]
        if t_air[t] and u_sorties[u] > 0 and owner[u_place[u]] == u_owner[u]:
            flyers[nf] = u
            nf += 1
        if t_ad[t]:
            batteries[nb] = u
            nb += 1
    return nf, nb


@kernel
def _air_units(n, u_alive, u_type, u_owner, u_place, u_sorties, owner, t_air, t_ad):
    """`_air_units_into`, in arrays of their own."""
    flyers = np.empty(max(n, 1), dtype=np.int64)
    batteries = np.empty(max(n, 1), dtype=np.int64)
    nf, nb = _air_units_into(n, u_alive, u_type, u_owner, u_place, u_sorties, owner, t_air, t_ad, flyers, batteries)
    return flyers[:nf], batteries[:nb]


@kernel
def _cover(g, place, flyers, batteries, u_type, u_owner, u_place, u_str, enemies, t_intercept, t_strength, t_range,
           air_km):
    """`air_cover` of side g over a place. `flyers` and `batteries` as `_air_units` gives them."""
    flying = False
    for u in flyers:
        if u_owner[u] == g and within_reach(air_km, t_range, u_type[u], u_place[u], place):
            flying = True
            break
    if not flying:
        return 0.0
    miss = 1.0
    for u in batteries:
        t = u_type[u]
        if enemies[g, u_owner[u]] and within_reach(air_km, t_range, t, u_place[u], place):
            miss *= 1.0 - t_intercept[t] * min(1.0, u_str[u] / t_strength[t])
    return 1.0 - (1.0 - miss)


# The order of the factors `_pair_power` writes into its `terms` (see `battle_terms`).
TERMS = ("attack_strength", "attack_morale", "attack_supply", "attack_artillery", "attack_air",
         "locals", "defence_strength", "defence_morale", "defence_supply", "defence_artillery", "defence_air",
         "terrain", "chokepoint")
N_TERMS = len(TERMS)


@kernel
def _pair_power(f, origin, target, ptr, idx, flyers, batteries, force, scratch, a_supplied, d_supplied, u_ready, u_type,
                u_owner, u_place, u_str, owner, local_defence, cohesion, quality_bonus, enemies, t_ground, t_ad,
                t_intercept, t_strength, t_range, t_quality, t_artillery, air_km, terrain, edge, params, terms,
                t_speed, route_km):
    """`battle_power` of one attack; `force` and `scratch` are room for the units at a place.
    Each side's power is the product of its factors (`_power_terms`) and its air support;
    they are written into `terms`, in `TERMS` order, for a player to read. Where attacks
    are held to a week's march (`params[5]`), units too slow for the road stay out."""
    k = 0
    for j in range(ptr[origin], ptr[origin + 1]):
        u = idx[j]
        if u_ready[u] and u_owner[u] == f and t_ground[u_type[u]] and (
                params[5] == 0.0 or marches(t_speed, route_km, u_type[u], origin, target)):
            force[k] = u
            k += 1
    base, morale, supply, artillery = _power_terms(force, k, f, a_supplied, u_type, u_str, t_quality, t_artillery,
                                                   quality_bonus, cohesion, params, scratch)
    air = 1.0 + params[4] * _cover(f, target, flyers, batteries, u_type, u_owner, u_place, u_str, enemies,
                                   t_intercept, t_strength, t_range, air_km)
    terms[0], terms[1], terms[2], terms[3], terms[4] = base, morale, supply, artillery, air
    a = base * (morale * supply * artillery) * air
    # Armed locals fight for a neutral place, and for a held one that has kept its first allegiance.
    d = local_defence[target]
    terms[5] = d
    terms[6], terms[7], terms[8], terms[9], terms[10] = 0.0, 1.0, 1.0, 1.0, 1.0
    g = owner[target]
    if g >= 0:
        k = 0
        for j in range(ptr[target], ptr[target + 1]):
            u = idx[j]
            if u_owner[u] == g and (t_ground[u_type[u]] or t_ad[u_type[u]]):
                force[k] = u
                k += 1
        base, morale, supply, artillery = _power_terms(force, k, g, d_supplied, u_type, u_str, t_quality, t_artillery,
                                                       quality_bonus, cohesion, params, scratch)
        air = 1.0 + params[4] * _cover(g, target, flyers, batteries, u_type, u_owner, u_place, u_str, enemies,
                                       t_intercept, t_strength, t_range, air_km)
        terms[6], terms[7], terms[8], terms[9], terms[10] = base, morale, supply, artillery, air
        d = (d + base * (morale * supply * artillery)) * air
    terms[11] = terrain[target]
    terms[12] = edge[origin, target]
    return a, d * terrain[target] * edge[origin, target]


@kernel
def _battle_powers(f, origins, targets, ptr, idx, n, u_alive, u_ready, u_type, u_owner, u_place, u_str, u_sorties,
                   owner, local_defence, cohesion, quality_bonus, supply, enemies, t_ground, t_ad, t_air, t_intercept,
                   t_strength, t_range, t_quality, t_artillery, air_km, terrain, edge, params, a_out, d_out, t_speed,
                   route_km):
    """`battle_power` for each (origin, target) pair: the attacker's ready ground units
    at the origin against the holder's ground and air-defence units and the armed
    locals at the target, each side lifted by its air cover over the target. `ptr` and
    `idx` group the living units by place (`_by_place`)."""
    flyers, batteries = _air_units(n, u_alive, u_type, u_owner, u_place, u_sorties, owner, t_air, t_ad)
    force = np.empty(max(n, 1), dtype=np.int64)
    scratch = np.empty((3, max(n, 1)))
    terms = np.empty(N_TERMS)
    _battle_powers_with(f, origins, targets, ptr, idx, flyers, batteries, force, scratch, terms, u_ready, u_type,
                        u_owner, u_place, u_str, owner, local_defence, cohesion, quality_bonus, supply, enemies,
                        t_ground, t_ad, t_intercept, t_strength, t_range, t_quality, t_artillery, air_km, terrain, edge,
                        params, a_out, d_out, t_speed, route_km)


@kernel
def _battle_powers_with(f, origins, targets, ptr, idx, flyers, batteries, force, scratch, terms, u_ready, u_type,
                        u_owner, u_place, u_str, owner, local_defence, cohesion, quality_bonus, supply, enemies,
                        t_ground, t_ad, t_intercept, t_strength, t_range, t_quality, t_artillery, air_km, terrain, edge,
                        params, a_out, d_out, t_speed, route_km):
    """`_battle_powers` given what it works out first: the units by place, the air
    units (`_air_units`), and room for a place's units and a battle's factors (`force`,
    `scratch`, `terms`)."""
    for i in range(origins.shape[0]):
        origin, target = origins[i], targets[i]
        g = owner[target]
        d_supplied = g >= 0 and supply[g, target]
        a_out[i], d_out[i] = _pair_power(f, origin, target, ptr, idx, flyers, batteries, force, scratch,
                                         supply[f, origin], d_supplied, u_ready, u_type, u_owner,
                                         u_place, u_str, owner, local_defence, cohesion, quality_bonus, enemies,
                                         t_ground, t_ad, t_intercept, t_strength, t_range, t_quality, t_artillery,
                                         air_km, terrain, edge, params, terms, t_speed, route_km)


@kernel
def _engage(f, origin, target, a_supplied, d_supplied, n, u_alive, u_ready, u_type, u_owner, u_place, u_str,
            u_sorties, owner, local_defence, cohesion, quality_bonus, enemies, type_figures, type_kinds, air_km,
            terrain, edge, params, route_km):
    """What a battle starts from: the attackers and the defenders (`attackers_at`,
    `defenders_at`), both sides' power (`battle_power`) and each side's air unit
    that will fly in support (`air.best_placed`, −1 for none)."""
    t_quality, t_strength, t_range, t_intercept = type_figures[0], type_figures[1], type_figures[2], type_figures[3]
    t_ground, t_air, t_ad, t_artillery = type_kinds[0], type_kinds[1], type_kinds[2], type_kinds[3]
    ptr, idx = _by_place(n, u_alive, u_place, owner.shape[0])
    flyers, batteries = _air_units(n, u_alive, u_type, u_owner, u_place, u_sorties, owner, t_air, t_ad)
    force = np.empty(max(n, 1), dtype=np.int64)
    scratch = np.empty((3, max(n, 1)))
    a, d = _pair_power(f, origin, target, ptr, idx, flyers, batteries, force, scratch, a_supplied, d_supplied,
                       u_ready, u_type, u_owner, u_place, u_str, owner, local_defence, cohesion, quality_bonus, enemies,
                       t_ground, t_ad, t_intercept, t_strength, t_range, t_quality, t_artillery, air_km, terrain, edge,
                       params, np.empty(N_TERMS), type_figures[5], route_km)
    attackers = _fighters_at(origin, f, True, False, n, u_alive, u_ready, u_place, u_owner, u_type, t_ground, t_ad)
    g = owner[target]
    defenders = _fighters_at(target, g, False, True, n, u_alive, u_ready, u_place, u_owner, u_type, t_ground, t_ad)
    a_support = _best_placed(f, target, n, u_alive, u_type, u_owner, u_place, u_sorties, owner, t_air, t_range,
                             air_km)
    d_support = _best_placed(g, target, n, u_alive, u_type, u_owner, u_place, u_sorties, owner, t_air, t_range,
                             air_km) if g >= 0 else -1
    return attackers, defenders, a, d, a_support, d_support


def supply_table(state: GameState) -> np.ndarray:
    """Every faction's supply mask, one row each."""
    w = state.world
    table = np.empty((w.F, w.P), dtype=bool)
    for g in range(w.F):
        table[g] = supplied(state, g)
    return table


def battle_powers(state: GameState, faction: int, origins: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Expected attacker and defender power of each attack origins[i] → targets[i] by
    the faction, before the random factor."""
    w = state.world
    a = np.empty(len(origins))
    d = np.empty(len(origins))
    ptr, idx = _by_place(state.n_units, state.u_alive, state.u_place, w.P)
    _battle_powers(faction, origins, targets, ptr, idx, state.n_units, state.u_alive, state.u_ready, state.u_type, state.u_owner,
                   state.u_place, state.u_str, state.u_sorties, state.owner, state.local_defence, state.cohesion,
                   state.quality_bonus, supply_table(state), w.enemies, w.t_ground, w.t_ad, w.t_air, w.t_intercept,
                   w.t_strength, w.t_range, w.t_quality, w.t_artillery, w.air_km, state.ground, w.edge_defence,
                   w.combat_params, a, d, w.t_speed, w.route_km)
    return a, d


def battle_power(state: GameState, faction: int, origin: int, target: int,
                 units: tuple[int, ...] | None = None) -> tuple[float, float]:
    """Expected attacker and defender power for an attack (by `units` only, if given),
    before the random factor."""
    with only(state, faction, origin, target, units):
        a, d = battle_powers(state, faction, np.array([origin], dtype=np.int64), np.array([target], dtype=np.int64))
    return float(a[0]), float(d[0])


def battle_terms(state: GameState, faction: int, origin: int, target: int,
                 units: tuple[int, ...] | None = None) -> dict[str, float]:
    """What an attack's power and its defence are made of, by name (`TERMS`), with
    `attack` and `defence`, their products: the same figures `battle_power` multiplies,
    written by the same kernel, for a player to read."""
    w = state.world
    n = state.n_units
    terms = np.empty(N_TERMS)
    with only(state, faction, origin, target, units):
        ptr, idx = _by_place(n, state.u_alive, state.u_place, w.P)
        flyers, batteries = _air_units(n, state.u_alive, state.u_type, state.u_owner, state.u_place, state.u_sorties,
                                       state.owner, w.t_air, w.t_ad)
        supply = supply_table(state)
        g = int(state.owner[target])
        a, d = _pair_power(faction, origin, target, ptr, idx, flyers, batteries, np.empty(max(n, 1), dtype=np.int64),
                           np.empty((3, max(n, 1))), supply[faction, origin], g >= 0 and supply[g, target],
                           state.u_ready, state.u_type, state.u_owner, state.u_place, state.u_str, state.owner,
                           state.local_defence, state.cohesion, state.quality_bonus, w.enemies, w.t_ground, w.t_ad,
                           w.t_intercept, w.t_strength, w.t_range, w.t_quality, w.t_artillery, w.air_km,
                           state.ground, w.edge_defence, w.combat_params, terms, w.t_speed, w.route_km)
    # `terrain` is the ground's factor and the works' together; `works` says how much of it is works.
    return dict(zip(TERMS, terms.tolist())) | {"attack": float(a), "defence": float(d),
                                               "works": defence_factor(state, target)}


@kernel
def odds(a: float, d: float, noise: float) -> float:
    """Chance an attack of power a takes a place defended with power d: the chance the
    battle's log-normal random factor lifts their ratio past 1."""
    if a <= 0:
        return 0.0
    if d <= 0:
        return 1.0
    z = math.log(a / d) / max(noise, 1e-6)
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


def win_chance(state: GameState, faction: int, origin: int, target: int,
               units: tuple[int, ...] | None = None) -> float:
    """Chance the attack (by `units` only, if given) takes the place."""
    a, d = battle_power(state, faction, origin, target, units)
    return odds(a, d, state.world.rules.combat.noise)


def _take_losses(state: GameState, units: np.ndarray, frac: float) -> float:
    """Take a share of the units' strength; return all they lost, a unit worn below the
    floor and so disbanded included."""
    w = state.world
    return lose_share(units, frac, w.rules.supply.unit_floor, state.u_alive, state.u_type, state.u_str, w.t_strength)


@kernel
def _clash(attackers, defenders, a_frac, d_frac, target, floor, u_alive, u_type, u_str, t_strength, t_artillery,
           local_defence):
    """Both sides' losses in a battle for `target`, the defenders' armed locals among
    them. Returns what each side lost (units worn below the floor and so disbanded
    included) and whether the attackers still have artillery."""
    a_lost = lose_share(attackers, a_frac, floor, u_alive, u_type, u_str, t_strength)
    d_lost = lose_share(defenders, d_frac, floor, u_alive, u_type, u_str, t_strength) if defenders.shape[0] else 0.0
    locals_lost = local_defence[target] * d_frac
    local_defence[target] -= locals_lost
    guns = False
    for u in attackers:
        guns |= t_artillery[u_type[u]] and u_str[u] > 0
    return a_lost, d_lost + locals_lost, guns


@contextmanager
def only(state: GameState, faction: int, origin: int, target: int, units: tuple[int, ...] | None):
    """Within the block, of the faction's ready ground units at `origin` only `units` are
    ready (all that can march to `target` if None: see `marchers`): how an attack by some
    of a stack is worked out with the rules for a whole one. The others are ready again
    afterwards."""
    if units is None and not state.world.rules.movement.attack_within_march:
        yield
        return
    ready = attackers_at(state, faction, origin)
    # Those who stay are the ready ones left out, in unit order: picked out directly,
    # since `np.isin` on a handful of units cost more than the rest of a battle.
    if units is None:
        stay = ready[~marching(state.world, state.u_type[ready], state.u_place[ready], target)]
    else:
        named = set(units)
        stay = np.array([u for u in ready.tolist() if u not in named], dtype=np.int64)
    state.u_ready[stay] = False
    try:
        yield
    finally:
        state.u_ready[stay] = True


def resolve_attack(state: GameState, faction: int, origin: int, target: int,
                   units: tuple[int, ...] | None = None) -> list[Report]:
    """A week's battle for `target` by the faction's ready ground units at `origin` (only
    `units`, if given; the rest stay behind)."""
    w = state.world
    rules = w.rules.combat
    name, fshort = w.place_name(target), w.faction_short(faction)
    owner = int(state.owner[target])
    if owner < 0 and w.rules.politics.neutral_attack_legitimacy > 0:
        shift(state, "legitimacy", faction, -w.rules.politics.neutral_attack_legitimacy, f"attacked neutral {name}")
    with only(state, faction, origin, target, units):
        atk, dfd, a_power, d_power, a_support, d_support = _engage(
            faction, origin, target, bool(supplied(state, faction)[origin]),
            owner >= 0 and bool(supplied(state, owner)[target]),
            state.n_units, state.u_alive, state.u_ready, state.u_type, state.u_owner, state.u_place, state.u_str,
            state.u_sorties, state.owner, state.local_defence, state.cohesion, state.quality_bonus, w.enemies,
            w.type_figures, w.type_kinds, w.air_km, state.ground, w.edge_defence, w.combat_params, w.route_km)
    # Spend one sortie of air support on each side that had it counted (the defenders'
    # choice of squadron does not depend on how the attackers' sortie went).
    if a_support >= 0:
        fly(state, a_support, target)
    if d_support >= 0:
        fly(state, d_support, target)
    state.u_ready[atk] = False
    if d_power <= 0:
        capture(state, faction, target)
        state.u_place[atk] = target
        return [Report("capture", f"{fshort} takes {name} unopposed", state.turn, w.faction_ids[faction],
                      {"place": w.place_ids[target], "from": w.place_ids[origin]})]
    ratio = a_power / d_power * math.exp(rules.noise * float(state.rng.standard_normal()))
    a_frac = min(rules.max_loss, rules.loss_rate * min(max(1.0 / ratio, 0.25), 3.0))
    d_frac = min(rules.max_loss, rules.loss_rate * min(max(ratio, 0.25), 3.0))
    a_lost, d_lost, guns = _clash(atk, dfd, a_frac, d_frac, target, w.rules.supply.unit_floor, state.u_alive,
                                  state.u_type, state.u_str, w.t_strength, w.t_artillery, state.local_defence)
    harm = civilian_harm(state, faction, target, rules.battle_harm * (rules.artillery_harm if guns else 1.0))
    if guns and state.works[target] > 0:
        bombarded(state, target)
    won = ratio >= 1.0
    data = {"origin": w.place_ids[origin], "place": w.place_ids[target], "ratio": round(ratio, 3),
            "attacker_lost": round(a_lost), "defender_lost": round(d_lost), "won": won, "harm": round(harm, 1),
            "defender": w.faction_ids[owner] if owner >= 0 else None}
    state.count_loss(faction, a_lost)
    if not won:
        state.count_loss(owner, d_lost)
        return [Report("battle", f"{fshort} assault on {name} repulsed ({a_lost:.0f} vs {d_lost:.0f} lost)",
                      state.turn, w.faction_ids[faction], data)]
    routed = ratio >= rules.rout_ratio and owner >= 0
    if routed:
        d_lost += _take_losses(state, dfd[state.u_alive[dfd]], rules.rout_loss)
        shift(state, "cohesion", owner, -w.rules.politics.cohesion_per_loss, f"routed at {name}")
    d_lost += capture(state, faction, target)
    state.count_loss(owner, d_lost)
    data["defender_lost"] = round(d_lost)
    alive = atk[state.u_alive[atk]]
    state.u_place[alive] = target
    verb = "routs the defenders of" if routed else "takes"
    data["routed"] = routed
    return [Report("battle", f"{fshort} {verb} {name} ({a_lost:.0f} vs {d_lost:.0f} lost)", state.turn,
                  w.faction_ids[faction], data)]
