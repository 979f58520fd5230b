"""Plain statements of the rules whose live versions are compiled kernels.

Each function here is the rule written the obvious way, with numpy and plain Python
over the state's arrays and nothing cached or incremental. The engine's kernels must
agree with them bit for bit (tests/test_kernels.py); they are test oracles, not used by
the game. Where a reference changes the state, it is run on a clone.
"""

from __future__ import annotations

import heapq
import math

import numpy as np

from game.engine.air import air_units_in_range, intercept_chance
from game.engine.combat import air_cover, attackers_at, defenders_at, morale
from game.engine.territory import capture
from game.engine.politics import civilian_harm
from game.engine.state import GameState

# -- combat -------------------------------------------------------------------------------


def power(state: GameState, units: np.ndarray, faction: int, in_supply: bool) -> float:
    w = state.world
    if len(units) == 0:
        return 0.0
    t = state.u_type[units]
    strength = state.u_str[units]
    base = float(np.sum(strength * (w.t_quality[t] + state.quality_bonus[faction])))
    art_share = float(np.sum(strength[w.t_artillery[t]])) / max(float(np.sum(strength)), 1.0)
    rules = w.spec.rules.combat
    mult = morale(state, faction) * (1.0 if in_supply else rules.out_of_supply)
    mult *= 1.0 + rules.artillery_support * min(1.0, art_share / rules.artillery_full_share)
    return base * mult


def going(state: GameState, faction: int, origin: int, target: int) -> np.ndarray:
    """Who goes in an attack of the whole stack: every ready ground unit at the origin, or,
    where attacks are held to a week's march, those whose speed covers the road."""
    w = state.world
    atk = attackers_at(state, faction, origin)
    if w.spec.rules.movement.attack_within_march:
        atk = np.array([u for u in atk.tolist() if w.t_speed[state.u_type[u]] >= w.route_km[origin, target]],
                       dtype=np.int64)
    return atk


def battle_power(state: GameState, faction: int, origin: int, target: int, units=None) -> tuple[float, float]:
    w = state.world
    rules = w.spec.rules.combat
    atk = going(state, faction, origin, target) if units is None else np.array(units, dtype=np.int64)
    a_power = power(state, atk, faction, bool(supplied(state, faction)[origin]))
    a_power *= 1.0 + rules.air_support * air_cover(state, faction, target)
    owner = int(state.owner[target])
    d_power = float(state.local_defence[target])
    if owner >= 0:
        dfd = defenders_at(state, target)
        d_power += power(state, dfd, owner, bool(supplied(state, owner)[target]))
        d_power *= 1.0 + rules.air_support * air_cover(state, owner, target)
    works = 1.0 + w.spec.rules.fortification.defence_per_level * float(state.works[target])
    # The place's defence is its ground's and its works' together, as one factor.
    return a_power, d_power * (w.terrain_defence[target] * works) * chokepoint(w, origin, target)


def wear_works(state: GameState, place: int, levels: float) -> None:
    """Works knocked down by `levels`, none below nothing, and the place's ground with them."""
    w = state.world
    if state.works[place] > 0:
        state.works[place] = max(0.0, float(state.works[place]) - levels)
        state.ground[place] = w.terrain_defence[place] * (
            1.0 + w.spec.rules.fortification.defence_per_level * float(state.works[place]))


def chokepoint(w, origin: int, target: int) -> float:
    """What the route from origin to target adds to the defence: its `defence`, unless its
    `height` is the end the attack comes from."""
    best = 1.0
    for r in w.spec.map.routes:
        ends = (w.pidx[r.a], w.pidx[r.b])
        if set(ends) == {origin, target} and r.height != w.place_ids[origin]:
            best = max(best, r.defence)
    return best


def win_chance(state: GameState, faction: int, origin: int, target: int, units=None) -> float:
    a, d = battle_power(state, faction, origin, target, units)
    if a <= 0:
        return 0.0
    if d <= 0:
        return 1.0
    noise = state.world.spec.rules.combat.noise
    z = math.log(a / d) / max(noise, 1e-6)
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


def take_losses(state: GameState, units: np.ndarray, frac: float) -> float:
    before = float(np.sum(state.u_str[units]))
    state.u_str[units] *= 1.0 - frac
    state.prune(units)
    return before - float(np.sum(state.u_str[units]))


def fly(state: GameState, unit: int, target: int) -> bool:
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
    units = air_units_in_range(state, faction, place)
    if len(units):
        fly(state, int(units[np.argmax(state.u_sorties[units])]), place)


def resolve_attack(state: GameState, faction: int, origin: int, target: int) -> dict:
    """The battle, by the rule in combat.py; returns its figures."""
    w = state.world
    rules = w.spec.rules.combat
    atk = going(state, faction, origin, target)
    owner = int(state.owner[target])
    cost = w.spec.rules.politics.neutral_attack_legitimacy
    if owner < 0 and cost > 0:
        # Attacking a place that sides with nobody costs standing, before a shot is fired.
        state.legitimacy[faction] = min(100.0, max(0.0, float(state.legitimacy[faction]) - cost))
    dfd = defenders_at(state, target) if owner >= 0 else np.zeros(0, dtype=np.int64)
    a_power, d_power = battle_power(state, faction, origin, target)
    spend_support_sortie(state, faction, target)
    if owner >= 0:
        spend_support_sortie(state, owner, target)
    state.u_ready[atk] = False
    if d_power <= 0:
        capture(state, faction, target)
        state.u_place[atk] = target
        return {"unopposed": True}
    ratio = a_power / d_power * math.exp(rules.noise * float(state.rng.standard_normal()))
    a_frac = min(rules.max_loss, rules.loss_rate * float(np.clip(1.0 / ratio, 0.25, 3.0)))
    d_frac = min(rules.max_loss, rules.loss_rate * float(np.clip(ratio, 0.25, 3.0)))
    a_lost = take_losses(state, atk, a_frac)
    d_lost = take_losses(state, dfd, d_frac) if owner >= 0 else 0.0
    locals_lost = float(state.local_defence[target]) * d_frac
    state.local_defence[target] -= locals_lost
    d_lost += locals_lost
    art = float(np.sum(state.u_str[atk][w.t_artillery[state.u_type[atk]]])) > 0
    civilian_harm(state, faction, target, rules.battle_harm * (rules.artillery_harm if art else 1.0))
    if art:
        wear_works(state, target, w.spec.rules.fortification.wear_per_bombardment)
    out = {"ratio": ratio, "attacker_lost": a_lost, "defender_lost": d_lost}
    state.losses[faction] += a_lost
    if ratio < 1.0:
        if owner >= 0:
            state.losses[owner] += out["defender_lost"]
        return out
    if ratio >= rules.rout_ratio and owner >= 0:
        out["defender_lost"] += take_losses(state, dfd[state.u_alive[dfd]], rules.rout_loss)
        state.cohesion[owner] = max(0.0, state.cohesion[owner] - w.spec.rules.politics.cohesion_per_loss)
    out["defender_lost"] += capture(state, faction, target)
    if owner >= 0:
        state.losses[owner] += out["defender_lost"]
    alive = atk[state.u_alive[atk]]
    state.u_place[alive] = target
    return out


def retreat_destination(state: GameState, faction: int, place: int) -> int | None:
    w = state.world
    sup = supplied(state, faction)
    options = [n for n in w.neighbours[place] if state.owner[n] == faction]
    if not options:
        return None
    return min(options, key=lambda n: (not sup[n], w.route_km[place, n], n))


# -- the air war ----------------------------------------------------------------------------


def strike(state: GameState, unit: int, target: int, kind: str) -> float | None:
    """A strike by the rule in air.py; the strength it destroyed, None if shot down."""
    w = state.world
    faction = int(state.u_owner[unit])
    t = state.u_type[unit]
    m = int(w.t_munition[t])
    if m >= 0:
        state.stocks[faction, m] -= 1  # a counted munition is used whether the strike gets through or not
    if not fly(state, unit, target):
        return None
    state.struck[faction, target] += 1  # every strike that got through counts, on roads too
    power = w.t_strike[t] * w.t_quality[t] * state.u_str[unit] / w.t_strength[t]
    if kind == "supply":
        state.interdicted[target] = True
        state._supply.pop(int(state.owner[target]), None)
        return 0.0
    targets = state.units_at(target)
    targets = targets[w.enemies[faction, state.u_owner[targets]]]
    if kind == "air_defence":
        targets = targets[w.t_ad[state.u_type[targets]]]
        power *= w.spec.rules.air.hunt_bonus
    else:
        targets = targets[w.t_ground[state.u_type[targets]]]
        if w.spec.rules.air.cover:
            # Troops shelter behind their ground: the place's defence, terrain and works.
            power /= state.ground[target] ** w.spec.rules.air.cover
    damage = 0.0
    if len(targets):
        locals_ = float(state.local_defence[target]) if kind == "units" else 0.0
        before = float(np.sum(state.u_str[targets]))
        total = before + locals_
        share = min(w.spec.rules.air.max_strike_share, power / max(total, 1.0))
        state.u_str[targets] *= 1.0 - share
        if locals_:
            state.local_defence[target] = locals_ * (1.0 - share)
        state.prune(targets)
        damage = before - float(np.sum(state.u_str[targets])) + locals_ * share
    civilian_harm(state, faction, target, 1.0 if kind == "units" else w.spec.rules.air.strike_harm)
    wear_works(state, target, w.spec.rules.fortification.wear_per_strike)
    victim = int(state.owner[target])
    if victim >= 0:
        state.losses[victim] += damage
    if victim >= 0 and w.enemies[faction, victim]:
        state.air_balance[victim] += 1.0
        state.air_balance[faction] -= 1.0
    return damage


# -- roads and supply ---------------------------------------------------------------------


def shortest_paths(weights: np.ndarray, through: np.ndarray | None = None) -> np.ndarray:
    d = weights.copy()
    ks = range(d.shape[0]) if through is None else np.flatnonzero(through).tolist()
    for k in ks:
        np.minimum(d, d[:, k, None] + d[None, k, :], out=d)
    return d


def add_place(d: np.ndarray, route_km: np.ndarray, mine: np.ndarray, p: int) -> np.ndarray:
    edges = np.where(mine, route_km[p], np.inf)
    edges[p] = 0.0
    row = np.min(edges[:, None] + d, axis=0)
    row[p] = 0.0
    new = d.copy()
    new[p, :] = row
    new[:, p] = row
    return np.minimum(new, row[:, None] + row[None, :])


def drop_place(d: np.ndarray, p: int) -> np.ndarray | None:
    through = d[:, p, None] + d[None, p, :] <= d + 1e-9
    through[p, :] = False
    through[:, p] = False
    if through.any():
        return None
    new = d.copy()
    new[p, :] = np.inf
    new[:, p] = np.inf
    return new


def _within(adjacency: list, passable: list, sources: list, limit: float) -> dict:
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


def supplied(state: GameState, faction: int) -> np.ndarray:
    """Supply by multi-source Dijkstra with a heap, traced afresh every call."""
    w = state.world
    passable = ((state.owner == faction) & ~state.interdicted).tolist()
    primary = [p for p in range(w.P) if passable[p] and (w.is_port[p] or w.is_airbase[p] or w.home_region_mask[faction, p])]
    result = np.zeros(w.P, dtype=bool)
    if primary:
        hubs = [p for p in range(w.P) if passable[p] and w.is_hub[p]]
        if hubs:
            reached = _within(w.adjacency, passable, primary, float("inf"))
            hubs = [p for p in hubs if p in reached]
        for p in _within(w.adjacency, passable, primary + hubs, w.spec.rules.supply.max_km):
            result[p] = True
    return result


def cut_off(state: GameState, faction: int) -> np.ndarray:
    w = state.world
    n = state.n_units
    sup = supplied(state, faction)
    mask = state.u_alive[:n] & (state.u_owner[:n] == faction) & ~sup[state.u_place[:n]]
    idx = np.nonzero(mask)[0]
    return idx[w.t_ground[state.u_type[idx]] | w.t_ad[state.u_type[idx]]]


def attrition(state: GameState, faction: int) -> list:
    """Units cut off lose a share of their strength; those worn below the floor are lost."""
    from game.engine.reports import Report

    w = state.world
    idx = cut_off(state, faction)
    if len(idx) == 0:
        return []
    rate = w.rules.supply.attrition
    lost = float(np.sum(state.u_str[idx])) * rate
    state.u_str[idx] *= 1.0 - rate
    worn = idx[state.u_str[idx] < w.rules.supply.unit_floor * w.t_strength[state.u_type[idx]]]
    state.u_alive[worn] = False
    state.u_str[worn] = 0.0
    places = sorted({w.place_name(int(p)) for p in state.u_place[idx]})
    return [Report("supply", f"{w.faction_short(faction)} units out of supply at {', '.join(places)} lose {lost:.0f}",
                  state.turn, w.faction_ids[faction],
                  {"lost": round(lost), "places": [w.place_ids[int(p)] for p in set(state.u_place[idx])]})]



def lift_cuts(state: GameState, faction: int) -> None:
    """The cut roads through the faction's places open at the end of its turn; its supply
    is traced again if any did."""
    cut = state.interdicted & (state.owner == faction)
    if cut.any():
        state.interdicted[cut] = False
        state._supply.pop(faction, None)

# -- sieges -----------------------------------------------------------------------------------


def air_command(state: GameState, faction: int, place: int) -> float:
    """How freely the faction's drones work over a place: 0 if none of its air units in
    reach (flown or not) is a drone, else 1 − the chance a strike there is brought down."""
    flyers = air_units_in_range(state, faction, place, spent_too=True)
    if not state.world.t_drone[state.u_type[flyers]].any():
        return 0.0
    return 1.0 - intercept_chance(state, faction, place)


def _at_gates(state: GameState, faction: int, place: int):
    """The faction's ground units, in unit order, that stand at the place's gates: next
    to it, by a road no longer than `siege_km` where one is set, and within a week's
    march where `attack_within_march` asks for that."""
    w = state.world
    for u in range(state.n_units):
        if not (state.u_alive[u] and state.u_owner[u] == faction and w.t_ground[state.u_type[u]]):
            continue
        origin = int(state.u_place[u])
        if w.rules.combat.siege_km and w.route_km[origin, place] > w.rules.combat.siege_km:
            continue
        if w.adjacent[origin, place] and (not w.rules.movement.attack_within_march
                                           or w.t_speed[state.u_type[u]] >= w.route_km[origin, place]):
            yield u


def besiegers(state: GameState, place: int) -> list[int]:
    """The holder's enemies with ground forces at the place's gates (`_at_gates`)."""
    w = state.world
    owner = int(state.owner[place])
    if owner < 0:
        return []
    return [f for f in range(w.F) if w.enemies[owner, f] and next(_at_gates(state, f, place), None) is not None]


def at_the_gates(state: GameState, faction: int, place: int) -> float:
    """The strength of the faction's ground forces that stand at the place's gates (as
    `besiegers` counts them), summed in unit order."""
    total = 0.0
    for u in _at_gates(state, faction, place):
        total += float(state.u_str[u])
    return total


def defenders_of(state: GameState, place: int) -> float:
    """A place's armed locals and its holder's ground forces in it, summed in unit order."""
    w = state.world
    inside = 0.0
    for u in range(state.n_units):
        if (state.u_alive[u] and w.t_ground[state.u_type[u]] and state.u_place[u] == place
                and state.u_owner[u] == state.owner[place]):
            inside += float(state.u_str[u])
    return float(state.local_defence[place]) + inside


def siege_pressure(state: GameState, place: int) -> float:
    rules = state.world.rules.combat
    rate = rules.siege_loss
    if rate <= 0 or state.local_defence[place] <= 0 or state.truce > 0:
        return 0.0

    def hold(f: int) -> float:
        command = air_command(state, f, place)
        if rules.siege_numbers:
            command *= min(1.0, at_the_gates(state, f, place) / defenders_of(state, place))
        return command

    return rate * max((hold(f) for f in besiegers(state, place)), default=0.0)



def siege_round(state: GameState) -> list[tuple[int, float, list[int]]]:
    """The round's siege losses: each besieged place, in place order, loses its
    `siege_pressure` share of its armed locals, counted among its holder's losses.
    Returns (side, fighters lost, places) for each side that lost any, in side order."""
    w = state.world
    pressure = [siege_pressure(state, p) for p in range(w.P)]
    lost = np.zeros(w.F)
    places: list[list[int]] = [[] for _ in range(w.F)]
    for p in range(w.P):
        if pressure[p] > 0:
            owner = int(state.owner[p])
            drop = float(state.local_defence[p]) * pressure[p]
            state.local_defence[p] -= drop
            lost[owner] += drop
            state.count_loss(owner, drop)
            places[owner].append(p)
    return [(f, float(lost[f]), places[f]) for f in range(w.F) if places[f]]

# -- orders -----------------------------------------------------------------------------------


def _hostile_places(state: GameState, faction: int) -> np.ndarray:
    o = state.owner
    return np.where(o >= 0, state.world.enemies[faction, np.maximum(o, 0)], True)


def move_options(state: GameState, f: int) -> tuple[np.ndarray, np.ndarray]:
    w = state.world
    n = state.n_units
    types = state.u_type[:n]
    mine = np.nonzero(state.u_alive[:n] & (state.u_owner[:n] == f) & (state.u_backer[:n] < 0))[0]
    air = w.t_air[types[mine]]
    movers = mine[~air & state.u_ready[:n][mine] & (w.t_speed[types[mine]] > 0)]
    where = state.u_place[movers]
    reach = (state.paths(f)[where] <= w.t_speed[types[movers]][:, None]) & (state.owner == f)[None, :]
    if w.spec.rules.movement.one_road_a_turn:
        # One road to a place of one's own is a turn's march, however long; the unit's own
        # place must be held for the road to be walked from it, as it always is.
        for i, here in enumerate(where.tolist()):
            for nb in w.neighbours[here]:
                if state.owner[nb] == f and state.owner[here] == f:
                    reach[i, nb] = True
    reach[np.arange(len(movers)), where] = False
    return movers, reach


def strike_options(state: GameState, f: int) -> tuple[np.ndarray, np.ndarray]:
    w = state.world
    n = state.n_units
    alive, owners, types, where = state.u_alive[:n], state.u_owner[:n], state.u_type[:n], state.u_place[:n]
    mine = np.nonzero(alive & (owners == f) & (state.u_backer[:n] < 0))[0]
    held = state.owner == f
    enemy_unit = alive & w.enemies[f, owners]
    enemy_ground = np.bincount(where[enemy_unit & w.t_ground[types]], minlength=w.P) > 0
    enemy_ad = np.bincount(where[enemy_unit & w.t_ad[types]], minlength=w.P) > 0
    enemy_held = _hostile_places(state, f) & (state.owner >= 0)
    flyers = mine[w.t_air[types[mine]]]
    bases = where[flyers]
    ft = types[flyers]
    can_strike = (state.u_sorties[:n][flyers] > 0) & held[bases] & (w.t_strike[ft] > 0) & (state.truce <= 0)
    # A flyer that fires a counted munition needs one left in its side's stock.
    for i, t in enumerate(ft.tolist()):
        m = int(w.t_munition[t])
        if m >= 0 and state.stocks[f, m] <= 0:
            can_strike[i] = False
    reach = (w.air_km[bases] <= w.t_range[ft][:, None]) & can_strike[:, None]
    return flyers, np.stack([reach & m[None, :] for m in (enemy_ground, enemy_ad, enemy_held)], axis=1)


def attack_options(state: GameState, f: int) -> list[tuple[int, int]]:
    if state.truce > 0:
        return []
    w = state.world
    n = state.n_units
    ready = (state.u_alive[:n] & state.u_ready[:n] & (state.u_owner[:n] == f) & (state.u_backer[:n] < 0)
             & w.t_ground[state.u_type[:n]])
    has = np.bincount(state.u_place[:n][ready], minlength=w.P) > 0
    hostile = _hostile_places(state, f)
    pairs = [(o, nb) for o in np.flatnonzero((state.owner == f) & has).tolist() for nb in w.neighbours[o] if hostile[nb]]
    if w.spec.rules.movement.attack_within_march:
        # Only along a road one of the side's own ready units there could march this turn.
        speed = np.where(ready, w.t_speed[state.u_type[:n]], 0.0)
        fastest = {o: float(speed[state.u_place[:n] == o].max()) for o, _ in pairs}
        pairs = [(o, nb) for o, nb in pairs if w.route_km[o, nb] <= fastest[o]]
    return pairs


def politics_options(state: GameState, f: int) -> list:
    from game.engine import actions as A

    w = state.world
    held = state.owner == f
    out = []
    for p in np.nonzero((state.owner < 0) & (w.allegiance_cost > 0) & (w.allegiance_cost <= state.treasury[f]))[0]:
        if any(held[nb] for nb in w.neighbours[p]):
            out.append(A.BuyAllegiance(w.place_ids[p]))
    if state.blockade[f]:
        out.append(A.SetBlockade(False))
    elif np.any(held & (state.oil > 0)):
        out.append(A.SetBlockade(True))
    return out


def works_options(state: GameState, f: int) -> list:
    """A level of works wherever the rules' statement allows one: building is on, the
    side holds the place, nothing is being dug there, it is below the top level and the
    side can pay."""
    from game.engine import actions as A

    w = state.world
    rules = w.rules.fortification
    if rules.build_cost is None:
        return []
    return [A.Fortify(w.place_ids[p]) for p in range(w.P)
            if state.owner[p] == f and state.works_due[p] == 0 and state.works[p] < rules.max_level
            and state.treasury[f] >= rules.build_cost]


def request_options(state: GameState, f: int) -> list:
    from game.engine import actions as A

    w = state.world
    out = []
    for k in range(len(w.packages)):
        ref = w.packages[k]
        if (w.backer_client[ref.backer] == f and k not in state.requested and package_open(state, k)
                and state.treasury[f] >= ref.spec.client_cost):
            out.append(A.RequestSupport(w.backer_ids[ref.backer], ref.id))
    return out


def package_open(state: GameState, k: int) -> bool:
    w = state.world
    ref = w.packages[k]
    pk = ref.spec
    return bool(
        state.unlocked[k]
        and state.sent[k] < pk.cap
        and state.commitment[ref.backer] >= pk.min_commitment
        and state.budget[ref.backer] >= pk.cost
        and (pk.available_from is None or state.date >= pk.available_from)
    )


# -- scenario conditions -----------------------------------------------------------------------------


def holds(state: GameState, cond) -> bool:
    from game.engine.conditions import faction_stat
    from game.scenario import model as m

    w = state.world
    if cond is None:
        return True
    if isinstance(cond, m.OwnsCond):
        who = w.fidx[cond.faction] if cond.faction else -1
        return bool(state.owner[w.pidx[cond.place]] == who)
    if isinstance(cond, m.TurnCond):
        return state.turn >= cond.turn
    if isinstance(cond, m.FlagCond):
        return cond.flag in state.flags
    if isinstance(cond, m.CommitmentCond):
        return bool(state.commitment[w.bidx[cond.backer]] >= cond.value)
    if isinstance(cond, m.StatCond):
        value = faction_stat(state, w.fidx[cond.faction], cond.stat)
        return value < cond.value if cond.test == "stat_below" else value > cond.value
    if isinstance(cond, m.NearCond):
        f = w.fidx[cond.faction]
        hostile = state.owner >= 0
        hostile[hostile] = w.enemies[f, state.owner[hostile]]
        return bool(np.any(hostile & (w.road_km[w.pidx[cond.place]] <= cond.km)))
    if isinstance(cond, m.AllCond):
        return all(holds(state, c) for c in cond.of)
    if isinstance(cond, m.AnyCond):
        return any(holds(state, c) for c in cond.of)
    if isinstance(cond, m.NotCond):
        return not holds(state, cond.of)
    raise TypeError(f"unknown condition {cond!r}")


# -- money ---------------------------------------------------------------------------------------


def _streams(w) -> list:
    """(places, paid to the bank, price, state share, fixed shares by faction) for each of
    the scenario's economies that has a place: those of its regions, and for the one that
    takes everywhere else, every place of a region none lists."""
    spec, eco = w.spec, w.spec.rules.economy
    regions = [p.region for p in spec.map.places.values()]
    listed = {r for s in spec.economies.values() for r in s.regions}
    out = [(np.array([r in s.regions or (s.everywhere_else and r not in listed) for r in regions]),
            s.paid_to == "bank", s.price_usd or eco.oil_price_usd,
            eco.state_share if s.state_share is None else s.state_share,
            [s.shares.get(fid, 0.0) for fid in spec.factions]) for s in spec.economies.values()]
    return [s for s in out if s[0].any()]


def _stream(state: GameState, stream, faction: int | None = None, shut_too: bool = True) -> float:
    w = state.world
    places, _, price, share, _ = stream
    shut = np.zeros(w.P, dtype=bool)
    held = state.owner >= 0
    if shut_too:
        shut[held] = state.blockade[state.owner[held]]
    take = places & (state.owner == faction) if faction is not None else places
    flowing = np.where(shut, 0.0, state.oil)[take]
    return float(flowing.sum()) * w.days_per_turn * price * share / 1e6


def _bank_share(state: GameState, stream, faction: int) -> float:
    w = state.world
    places, _, _, _, shares = stream
    bank_holders = set(int(o) for o in state.owner[w.is_bank & places] if o >= 0)
    if faction in bank_holders:
        others = sum(shares[i] for i in range(w.F) if i not in bank_holders)
        return max(0.0, 1.0 - others) / len(bank_holders)
    return float(shares[faction])


def oil_revenue(state: GameState) -> float:
    return sum(_stream(state, s) for s in _streams(state.world))


def _share(state: GameState, stream, faction: int) -> float:
    if stream[1]:
        return _bank_share(state, stream, faction)
    whole = _stream(state, stream, shut_too=False)
    return _stream(state, stream, faction, shut_too=False) / whole if whole > 0 else 0.0


def revenue_share(state: GameState, faction: int) -> float:
    streams = _streams(state.world)
    paying = [s for s in streams if _stream(state, s, shut_too=False) > 0] or streams[:1]
    if not paying:
        return 0.0  # a war with no oil
    if len(paying) == 1:
        return _share(state, paying[0], faction)
    whole = sum(_stream(state, s, shut_too=False) for s in paying)
    return sum(_stream(state, s, shut_too=False) * _share(state, s, faction) for s in paying) / whole


def _oil_income(state: GameState, faction: int) -> float:
    out = 0.0
    for s in _streams(state.world):
        out += _stream(state, s) * _bank_share(state, s, faction) if s[1] else _stream(state, s, faction)
    return out


def upkeep(state: GameState, faction: int) -> float:
    w = state.world
    n = state.n_units
    mask = state.u_alive[:n] & (state.u_owner[:n] == faction) & (state.u_backer[:n] < 0)
    t = state.u_type[:n][mask]
    return float(np.sum(w.t_upkeep[t] * state.u_str[:n][mask] / w.t_strength[t]))


def income(state: GameState, faction: int) -> float:
    w = state.world
    inc = w.factions[faction].income
    people = float(w.population[state.owner == faction].sum())
    return inc.base + inc.per_100k_population * people / 100_000.0 + _oil_income(state, faction)


# -- backers ---------------------------------------------------------------------------------------


def enemy_ground(state: GameState, faction: int) -> np.ndarray:
    w = state.world
    n = state.n_units
    t = state.u_type[:n]
    mask = state.u_alive[:n] & w.enemies[faction, state.u_owner[:n]] & w.t_ground[t]
    return np.bincount(state.u_place[:n][mask], weights=state.u_str[:n][mask], minlength=w.P)


def strike_target(state: GameState, u: int, f: int) -> int | None:
    """Where a backer's air unit strikes: None if nowhere."""
    w = state.world
    hostile = state.owner >= 0
    hostile[hostile] = w.enemies[f, state.owner[hostile]]
    t = state.u_type[u]
    in_reach = hostile & (w.air_km[state.u_place[u]] <= w.t_range[t])
    power = enemy_ground(state, f) * in_reach
    return None if power.max() <= 0 else int(np.argmax(power))


def march_to_the_front(state: GameState, u: int, f: int) -> int:
    """Where a backer's fighters at u go this week (their place if they stay)."""
    w = state.world
    hostile = state.owner >= 0
    hostile[hostile] = w.enemies[f, state.owner[hostile]]
    enemy = enemy_ground(state, f)
    pressure = np.array([sum(enemy[nb] for nb in w.neighbours[p] if hostile[nb]) if state.owner[p] == f else 0.0
                         for p in range(w.P)])
    here = int(state.u_place[u])
    if pressure.max() <= 0:
        return here
    goal = int(np.argmax(pressure))
    d = state.paths(f)[here]
    reach = np.flatnonzero((state.owner == f) & (d <= w.t_speed[state.u_type[u]]))
    if len(reach) == 0:
        return here
    to_goal = state.paths(f)[goal]
    best = min(reach.tolist(), key=lambda p: (to_goal[p], d[p], p))
    if to_goal[best] >= to_goal[here]:
        stages = [n for n in w.neighbours[here] if state.owner[n] == f]
        best = min(stages, key=lambda p: (w.route_km[here, p] + to_goal[p], p), default=here)
    return best if to_goal[best] < to_goal[here] else here


def in_danger(state: GameState, faction: int) -> bool:
    w = state.world
    if state.places_lost[faction] > 0:
        return True
    share = w.spec.rules.backers.danger_points_share
    key = np.nonzero((state.owner == faction) & (w.vp > 0) & (w.vp >= np.max(w.vp) * share))[0]
    hostile = state.owner >= 0
    hostile[hostile] = w.enemies[faction, state.owner[hostile]]
    return any(hostile[n] for p in key for n in w.neighbours[p])



def recruit_towns(state: GameState, f: int) -> list[int]:
    w = state.world
    sup = supplied(state, f)
    return [p for p in range(w.P) if state.owner[p] == f and sup[p]
            and w.population[p] >= w.rules.economy.min_recruit_population and state.raised[p] < w.recruit_cap[p]]


def legal_actions(state: GameState) -> list:
    """Every order of the active faction, in the list's order, from the options above:
    moves, strikes by kind, relocations, attacks, recruits, requests, politics, EndTurn."""
    from game.engine import actions as A
    from game.engine.air import STRIKE_KINDS

    w = state.world
    f = state.active
    if state.over:
        return []
    pending = [e for (pf, e) in state.pending if pf == f]
    if pending:
        return [A.ChooseOption(w.event_ids[pending[0]], o) for o in w.events[pending[0]].choice.options]
    pids = w.place_ids
    movers, reach = move_options(state, f)
    out: list = [A.Move(int(movers[i]), pids[p]) for i in range(len(movers)) for p in range(w.P) if reach[i, p]]
    flyers, strikes = strike_options(state, f)
    for k, kind in enumerate(STRIKE_KINDS):
        out += [A.DroneStrike(int(flyers[i]), pids[p], kind) for i in range(len(flyers)) for p in range(w.P)
                if strikes[i, k, p]]
    for u in flyers.tolist():
        if state.u_ready[u] and state.u_sorties[u] == w.t_sorties[state.u_type[u]]:
            out += [A.Relocate(u, pids[p]) for p in range(w.P)
                    if state.owner[p] == f and w.is_airbase[p] and p != state.u_place[u]]
    out += [A.Attack(pids[o], pids[t]) for o, t in attack_options(state, f)]
    towns = recruit_towns(state, f)
    if towns:
        money, men = state.treasury[f], state.manpower[f]
        out += [A.Recruit(w.type_ids[t], pids[p]) for t in w.recruits[f]
                if money >= w.t_cost[t] and men >= w.t_manpower[t] for p in towns]
    out += request_options(state, f)
    out += politics_options(state, f)
    out += works_options(state, f)
    if state.truce > 0 and state.world.spec.rules.truce.breakable:
        out.append(A.BreakTruce())
    return out + [A.EndTurn()]
