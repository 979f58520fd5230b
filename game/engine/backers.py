"""Foreign backers: commitment that rises when the client is in danger and falls
under pressure, packages that cost money and exposure and arrive after a delay,
rivals that answer each other's escalation, red lines, and embargo interdiction.

The built-in policy here is how backers behave unless an AI takes them over; every
number it uses comes from the scenario (backer parameters and `rules.backers`).
"""

from __future__ import annotations

import copy

import numpy as np

from . import munitions
from .air import strike
from .conditions import holds
from .reports import Report
from .gauges import bounded, move_to, shift
from .jit import kernel
from .reach import held_by_enemy, within_reach
from .scenario_events import apply_effects
from .state import GameState
from .supply import supplied


# Why a package cannot go now, as a number, in the order a player is told: the one
# statement of that test, for the backers' own round, the requests a side is offered
# and the check of a request alike. `money` is what its client can pay (infinite when
# the backer sends of its own accord and pays for everything itself).
OPEN, NOT_OFFERED, ALL_SENT, TOO_EARLY, UNCOMMITTED, NO_BUDGET, TOO_DEAR = range(7)


@kernel
def _closed(k, money, client_cost, unlocked, sent, cap, commitment, min_commitment, budget, cost, backer, from_turn,
            turn):
    b = backer[k]
    if not unlocked[k]:
        return NOT_OFFERED
    if sent[k] >= cap[k]:
        return ALL_SENT
    if turn < from_turn[k]:
        return TOO_EARLY
    if commitment[b] < min_commitment[k]:
        return UNCOMMITTED
    if budget[b] < cost[k]:
        return NO_BUDGET
    if money < client_cost[k]:
        return TOO_DEAR
    return OPEN


@kernel
def _open(ks, money, client_cost, unlocked, sent, cap, commitment, min_commitment, budget, cost, backer, from_turn,
          turn):
    out = np.empty(ks.shape[0], dtype=np.bool_)
    for i in range(ks.shape[0]):
        out[i] = _closed(ks[i], money, client_cost, unlocked, sent, cap, commitment, min_commitment, budget, cost,
                         backer, from_turn, turn) == OPEN
    return out


def _arrays(state: GameState) -> tuple:
    """The state's and world's arrays `_closed` reads, in its order after `money`."""
    w = state.world
    return (w.pk_client_cost, state.unlocked, state.sent, w.pk_cap, state.commitment, w.pk_min_commitment,
            state.budget, w.pk_cost, w.pk_backer, w.pk_from_turn, state.turn)


def packages_open(state: GameState, ks: np.ndarray) -> np.ndarray:
    """Which of the packages `ks` could be sent now, ignoring who pays: offered, not all
    sent, its date come, and its backer committed enough and with the budget for it."""
    return _open(ks, np.inf, *_arrays(state))


@kernel
def _open_within(ks, money, client_cost, unlocked, sent, cap, commitment, min_commitment, budget, cost, backer,
                 from_turn, turn):
    """The packages of `ks` that `_closed` lets through at `money`, in the order of `ks`."""
    out = np.empty(ks.shape[0], dtype=np.int64)
    n = 0
    for i in range(ks.shape[0]):
        if _closed(ks[i], money, client_cost, unlocked, sent, cap, commitment, min_commitment, budget, cost, backer,
                   from_turn, turn) == OPEN:
            out[n] = ks[i]
            n += 1
    return out[:n]


def open_packages(state: GameState, ks: np.ndarray, money: float = np.inf) -> list[int]:
    """`packages_open`, as the list of the packages of `ks` that are open, leaving out any
    that cost their client more than `money`: one call where a turn asks many times."""
    return _open_within(ks, float(money), *_arrays(state)).tolist()


def why_closed(state: GameState, k: int, money: float = np.inf) -> str | None:
    """Why package `k` cannot be sent now to a client who can pay `money`, in words for
    the player, or None if it can: the same test `open_packages` makes."""
    code = _closed(int(k), float(money), *_arrays(state))
    if code == OPEN:
        return None
    w = state.world
    ref = w.packages[k]
    pk, backer = ref.spec, w.backers[ref.backer]
    if code == NOT_OFFERED:
        return f"{pk.name} is not on offer yet"
    if code == ALL_SENT:
        return f"{pk.name} has all been sent ({pk.cap})"
    if code == TOO_EARLY:
        return f"{pk.name} is not available before {pk.available_from.isoformat()}"
    if code == UNCOMMITTED:
        return f"{backer.name} is not committed enough ({state.commitment[ref.backer]:.0f} < {pk.min_commitment:g})"
    if code == NO_BUDGET:
        return f"{backer.name} has no budget left for it"
    return f"it costs you {pk.client_cost:g}M; you have {money:.1f}M"


def exposure_loss(world, k: int) -> float:
    """The commitment a backer loses to international pressure for each delivery of package `k`."""
    ref = world.packages[k]
    return ref.spec.exposure * world.backers[ref.backer].pressure_sensitivity


def roused_by(world, b: int) -> list[int]:
    """The backers whose commitment rises when backer `b` escalates: those that count it a rival."""
    return [r for r, rival in enumerate(world.backers) if world.backer_ids[b] in rival.rivals]


def dispatch(state: GameState, k: int) -> Report:
    """Commit a package: pay for it, queue it, and let rivals and the world react."""
    w = state.world
    ref = w.packages[k]
    pk = ref.spec
    b = ref.backer
    backer = w.backers[b]
    state.sent[k] += 1
    state.sent_this_round[b] += 1
    state.budget[b] -= pk.cost
    state.spent[b] += pk.cost
    state.exposed[b] += pk.exposure
    state.deliveries.append([state.turn + pk.delay, k])
    shift(state, "commitment", b, -exposure_loss(w, k), f"exposure for sending {pk.name}")
    for r in roused_by(w, b):
        shift(state, "commitment", r, pk.escalation, f"{backer.name} sent {pk.name}")
    when = "this turn" if pk.delay == 0 else f"in {pk.delay} turn{'s' if pk.delay > 1 else ''}"
    return Report("dispatch", f"{backer.name} sends {pk.name} (arrives {when})", state.turn,
                 backer.supports, {"backer": w.backer_ids[b], "package": ref.id, "arrives": state.turn + pk.delay})


def grants(state: GameState, b: int, roll: float) -> bool:
    """Whether backer `b` grants an ask, for a uniform `roll` in [0, 1): with a chance of
    its commitment plus the scenario's request bonus, in percent."""
    return roll * 100.0 < state.commitment[b] + state.world.rules.backers.request_bonus


def request(state: GameState, faction: int, k: int) -> list[Report]:
    """A client asks. The backer agrees with a chance equal to its commitment; asking
    again later is easier, because each refusal still raises its commitment."""
    w = state.world
    ref = w.packages[k]
    b = ref.backer
    state.requested.add(k)
    if state.seated[b]:
        # A seat answers for itself, in its next step; the client pays if it is granted.
        state.asked.add(k)
        return [Report("request", f"{w.faction_short(faction)} asks {w.backers[b].name} for {ref.spec.name}",
                       state.turn, w.faction_ids[faction], {"backer": w.backer_ids[b], "package": ref.id})]
    if grants(state, b, state.rng.random()):
        state.treasury[faction] -= ref.spec.client_cost
        return [dispatch(state, k)]
    return [decline(state, faction, k)]


def decline(state: GameState, faction: int, k: int) -> Report:
    """A backer says no to its client's ask; the asking still wins it over a little."""
    w = state.world
    ref = w.packages[k]
    b = ref.backer
    shift(state, "commitment", b, w.rules.backers.request_gain, f"asked for {ref.spec.name} and declined")
    return Report("request", f"{w.backers[b].name} declines {ref.spec.name} for now", state.turn,
                  w.faction_ids[faction], {"backer": w.backer_ids[b], "package": ref.id})


# -- seats: a backer played by a person or a lab agent --------------------------------


def first_step(state: GameState, after: int = -1) -> int:
    """The next seated backer of the side whose turn it is, after backer `after` in the
    scenario's order (−1: none left, the side itself gives orders)."""
    w = state.world
    for b in range(after + 1, w.B):
        if state.seated[b] and w.client_of[b] == state.active:
            return b
    return -1


def send(state: GameState, k: int) -> list[Report]:
    """A seated backer's order to send package `k`: it pays from its budget; if its
    client asked for it, the client pays its part too, when it has the money."""
    w = state.world
    if k in state.asked:
        state.asked.discard(k)
        client = w.client_of[w.packages[k].backer]
        if state.treasury[client] >= w.pk_client_cost[k]:
            state.treasury[client] -= w.pk_client_cost[k]
    return [dispatch(state, k)]


def end_step(state: GameState) -> list[Report]:
    """The seated backer giving orders is done for this turn: the asks it left unanswered
    are declined, and the next seated backer of the same client, if any, takes its step."""
    w = state.world
    b = state.backer_step
    out = [decline(state, w.client_of[b], k) for k in sorted(state.asked) if w.packages[k].backer == b]
    state.asked.difference_update(w.packages_of_backer[b].tolist())
    state.backer_step = first_step(state, b)
    return out


def own_accord(state: GameState, b: int, rng: np.random.Generator) -> int | None:
    """The package the scenario's built-in policy sends of the backer's own accord this
    turn, if any: at most one, picked at random among those open, sent with a chance
    that grows with commitment (less for a risky one if the backer shies from risk)."""
    w = state.world
    ks = w.packages_of_backer[b]
    if not len(ks) or state.budget[b] < w.cheapest[b] or state.commitment[b] < w.least_commitment[b]:
        return None  # none it could send
    open_ = open_packages(state, ks)
    if not open_:
        return None
    k = open_[int(rng.integers(len(open_)))]
    pk = w.packages[k].spec
    risky = pk.exposure > 0 or pk.escalation > 0
    chance = float(state.commitment[b]) / 100.0 * w.rules.backers.send_chance * (
        w.backers[b].risk_tolerance if risky else 1.0)
    return k if rng.random() < chance else None


def entry_point(state: GameState, faction: int, preferred: str | None, air: bool = False) -> int | None:
    """Where foreign help lands: the named place if held; else, for drones and
    aircraft, the biggest held airbase in supply; else the capital, a port or an
    airbase in supply; else anywhere held."""
    w = state.world
    if preferred is not None and state.owner[w.pidx[preferred]] == faction:
        return w.pidx[preferred]
    mine = state.owner == faction
    sup = supplied(state, faction)
    masks = [mine & sup & w.is_airbase] if air else []
    for mask in masks + [mine & sup & w.is_bank, mine & sup & (w.is_port | w.is_airbase), mine & sup, mine]:
        idx = np.nonzero(mask)[0]
        if len(idx):
            return int(idx[np.argmax(w.population[idx])])
    return None


def deliver(state: GameState, k: int) -> list[Report]:
    w = state.world
    ref = w.packages[k]
    pk = ref.spec
    b = ref.backer
    client = int(w.backer_client[b])
    name = w.backers[b].name
    data = {"backer": w.backer_ids[b], "package": ref.id}
    if state.embargo > 0 and state.rng.random() < state.embargo:
        return [Report("interdicted", f"{pk.name} from {name} is stopped by embargo enforcement", state.turn,
                      w.faction_ids[client], data)]
    state.treasury[client] += pk.money
    if pk.stocks:
        data["stocks"] = munitions.delivered(state, client, pk.stocks)
    shift(state, "legitimacy", client, pk.legitimacy, f"{pk.name} from {name}")
    shift(state, "cohesion", client, pk.cohesion, f"{pk.name} from {name}")
    state.quality_bonus[client] += pk.quality_bonus
    if pk.units:
        air = any(w.t_air[w.tidx[g.type]] for g in pk.units)
        place = entry_point(state, client, pk.deliver_to, air)
        if place is None:
            return [Report("interdicted", f"{pk.name} from {name} has nowhere to land", state.turn, w.faction_ids[client], data)]
        commander = b if pk.kind.value == "volunteers" else -1
        expires = state.turn + pk.duration if pk.duration else 0
        for group in pk.units:
            for _ in range(group.count):
                state.add_unit(w.tidx[group.type], client, place, group.strength, backer=commander, expires=expires)
        data["place"] = w.place_ids[place]
    state.arrived[k] += 1
    return [Report("delivery", f"{pk.name} from {name} arrives" + (f" at {w.place_name(place)}" if pk.units else ""),
                  state.turn, w.faction_ids[client], data)]


@kernel
def _besieged(f, key_places, owner, enemies, nbr_ptr, nbr_idx):
    """Whether an enemy holds a place next to one of the faction's key places."""
    for p in range(owner.shape[0]):
        if key_places[p] and owner[p] == f:
            for j in range(nbr_ptr[p], nbr_ptr[p + 1]):
                if held_by_enemy(f, owner[nbr_idx[j]], enemies):
                    return True
    return False


def in_danger(state: GameState, faction: int) -> bool:
    """Lost ground this round, or enemies at the gates of a place worth points (a share
    `rules.backers.danger_points_share` of the most any place is worth)."""
    w = state.world
    if state.places_lost[faction] > 0:
        return True
    return _besieged(faction, w.key_places, state.owner, w.enemies, w.nbr_ptr, w.nbr_idx)


def red_lines_in_reach(state: GameState, faction: int) -> np.ndarray:
    """Mask over places: those whose taking by `faction` could set off one of its enemy
    backers' red lines not yet crossed; `red_lines_crossed` is empty for any other."""
    w = state.world
    mask = np.zeros(w.P, dtype=bool)
    for b, backer in enumerate(w.backers):
        if w.enemies[faction, int(w.backer_client[b])]:
            for r in range(len(backer.red_lines)):
                if (b, r) not in state.redlines_fired:
                    mask |= w.red_line_sway[b][r]
    return mask


def red_lines_crossed(state: GameState, faction: int, place: int) -> list[tuple[int, object]]:
    """The enemy backers' red lines that `faction` taking `place` would set off now:
    (backer, red line) for each line not yet fired whose condition holds once the place
    changes hands but not before. Lets a player, or the AI, see the threat coming."""
    w = state.world
    out = []
    taken = None
    for b, backer in enumerate(w.backers):
        if not w.enemies[faction, int(w.backer_client[b])]:
            continue
        for r, line in enumerate(backer.red_lines):
            if (b, r) in state.redlines_fired or holds(state, line.when):
                continue
            if taken is None:
                # A shallow copy that differs only in who holds the place: the
                # conditions read ownership, flags and stats, never change them.
                taken = copy.copy(state)
                taken.owner = state.owner.copy()
                taken.owner[place] = faction
            if holds(taken, line.when):
                out.append((b, line))
    return out


_DRIFT_WORDS: dict[tuple, str] = {}


def _drift_words(gain: float | None, decay: float) -> str:
    """The ledger's words for a backer's danger gain (None: its client is safe) and the
    week's decay, as `backers_phase` names them."""
    key = (gain, decay)
    words = _DRIFT_WORDS.get(key)
    if words is None:
        parts = ([f"its client in danger {gain:+.1f}"] if gain is not None else []) + \
            [f"a week's waning interest {decay:+.1f}"]
        # The parts are the scenario's fixed figures, so the table stays small; bounded
        # all the same, for a long-lived process that loads many variants.
        if len(_DRIFT_WORDS) > 4096:
            _DRIFT_WORDS.clear()
        words = _DRIFT_WORDS[key] = ", ".join(parts)
    return words


def backers_phase(state: GameState) -> list[Report]:
    w = state.world
    rules = w.rules.backers
    out: list[Report] = []
    danger = [in_danger(state, f) for f in range(w.F)]
    floor = rules.pressure_legitimacy
    decay = -rules.decay
    for b, backer in enumerate(w.backers):
        client = w.client_of[b]
        # The week's drift is one change (bounded once), with its parts named: the
        # client's danger, the waning interest, and a discredited client's cost, added
        # in that order.
        now = c = float(state.commitment[b])
        gain = rules.danger_gain * backer.responsiveness if danger[client] else None
        if gain is not None:
            c += gain
        c += decay
        standing = float(state.legitimacy[client])
        discredit = None
        if standing < floor:  # a discredited client is costly to stand by
            discredit = -(floor - standing) / max(floor, 1e-9) * rules.pressure_rate * backer.pressure_sensitivity
            c += discredit
        # The ledger's wording is only needed when the gauge moves, and its fixed parts
        # repeat every round, so they are worded once.
        why = ""
        if bounded(c) != now:
            why = _drift_words(gain, decay)
            if discredit is not None:
                why += f", a discredited client {discredit:+.1f}"
        move_to(state, "commitment", b, c, why)
        for r, line in enumerate(backer.red_lines):
            if (b, r) not in state.redlines_fired and holds(state, line.when):
                state.redlines_fired.add((b, r))
                shift(state, "commitment", b, line.commitment, f"its red line crossed: {line.note or 'a red line'}")
                out.append(Report("red_line", line.note or f"{backer.name}: a red line is crossed", state.turn,
                                 backer.supports, {"backer": w.backer_ids[b]}))
                out += apply_effects(state, line.effects, w.backer_ids[b])
        state.budget[b] += backer.budget_per_turn
        if state.seated[b]:
            continue  # its seat sends by order, in its own step
        k = own_accord(state, b, state.rng)
        if k is not None:
            out.append(dispatch(state, k))
    return out


def deliveries_phase(state: GameState) -> list[Report]:
    due = [d for d in state.deliveries if d[0] <= state.turn]
    state.deliveries = [d for d in state.deliveries if d[0] > state.turn]
    out: list[Report] = []
    for _, k in due:
        out += deliver(state, k)
    return out


@kernel
def _enemy_ground_into(f, n, u_alive, u_owner, u_type, u_place, u_str, enemies, t_ground, out):
    out[:] = 0.0
    for u in range(n):
        if u_alive[u] and enemies[f, u_owner[u]] and t_ground[u_type[u]]:
            out[u_place[u]] += u_str[u]


def backer_units_act(state: GameState) -> list[Report]:
    """Units a backer still commands: its air units strike the strongest enemy force
    in reach; its ground units move up to the client's most threatened front place."""
    w = state.world
    out: list[Report] = []
    table = _commanded(state.n_units, state.u_alive, state.u_backer, state.u_type, state.u_owner, w.t_air,
                       w.t_ground, w.t_speed)
    units = table[0]
    if len(units) == 0:
        return out
    # Runs of one side's ground units march in one kernel call, in unit order as one by
    # one: a call per unit cost more than the march itself. Only an air unit's strikes,
    # between runs, can change what a later unit marches against.
    ids, air, owners, marching = table.tolist()
    lo, count = 0, len(ids)
    while lo < count:
        u, f = ids[lo], owners[lo]
        hi = lo + 1
        if not air[lo]:
            while hi < count and not air[hi] and owners[hi] == f:
                hi += 1
            # The side's roads are traced only if someone marches on them, as unit by
            # unit: a trace made afresh and one kept up to date may differ in the last bit.
            if any(marching[i] and state.u_alive[ids[i]] for i in range(lo, hi)):
                _march_run(units[lo:hi], f, state.n_units, state.u_alive, state.u_owner, state.u_type, state.u_place,
                           state.u_str, state.owner, w.enemies, w.t_ground, w.t_speed, state.paths(f), w.route_km,
                           w.nbr_ptr, w.nbr_idx)
            lo = hi
            continue
        lo = hi
        if state.truce > 0 or not state.u_alive[u]:
            continue
        while state.u_sorties[u] > 0 and state.u_alive[u] and (not w.M or munitions.why_unarmed(state, u) is None):
            target = _strike_target(u, f, state.n_units, state.u_alive, state.u_owner, state.u_type, state.u_place,
                                    state.u_str, state.owner, w.enemies, w.t_ground, w.t_range, w.air_km)
            if target < 0:
                break
            out += strike(state, u, target, "units")
    return out


@kernel
def _commanded(n, u_alive, u_backer, u_type, u_owner, t_air, t_ground, t_speed):
    """The living units a backer commands, in unit order, as the rows of a table: the
    unit, whether it flies (1) or not (0), its side, and whether it marches (a ground
    unit with a speed). One call, where picking them out with numpy's masks took
    several microseconds every round."""
    out = np.empty((4, n), dtype=np.int64)
    k = 0
    for u in range(n):
        if u_alive[u] and u_backer[u] >= 0:
            t = u_type[u]
            out[0, k] = u
            out[1, k] = t_air[t]
            out[2, k] = u_owner[u]
            out[3, k] = t_ground[t] and t_speed[t] > 0
            k += 1
    return out[:, :k].copy()


@kernel
def _strike_target(u, f, n, u_alive, u_owner, u_type, u_place, u_str, owner, enemies, t_ground, t_range, air_km):
    """Where a backer's air unit strikes: the enemy-held place in its reach with the
    most enemy ground strength (the first if several tie); −1 if there is none."""
    enemy = np.zeros(owner.shape[0])
    _enemy_ground_into(f, n, u_alive, u_owner, u_type, u_place, u_str, enemies, t_ground, enemy)
    best, most = -1, 0.0
    for p in range(owner.shape[0]):
        if (held_by_enemy(f, owner[p], enemies) and within_reach(air_km, t_range, u_type[u], u_place[u], p)
                and enemy[p] > most):
            best, most = p, enemy[p]
    return best


@kernel
def _march(here, f, speed, owner, enemy, enemies, paths, route_km, nbr_ptr, nbr_idx):
    """Where a backer sends its fighters this week (−1: they stay): towards the held
    place with the most enemy ground strength next door (the first such place if
    several tie). Too far for one week's march, they go as far along the client's roads
    towards it as they can (nearest to it, then nearest to where they are, then the
    first place); where the next stage is itself longer than a week's march (a long
    desert road out of a remote airbase), they still make that one stage a week rather
    than stay stranded at the base for good."""
    P = owner.shape[0]
    goal, most = -1, 0.0
    for p in range(P):
        pressure = 0.0
        if owner[p] == f:
            for j in range(nbr_ptr[p], nbr_ptr[p + 1]):
                q = nbr_idx[j]
                if held_by_enemy(f, owner[q], enemies):
                    pressure += enemy[q]
        if goal < 0 or pressure > most:
            goal, most = p, pressure
    if most <= 0:
        return -1
    d = paths[here]
    to_goal = paths[goal]
    best = -1
    for p in range(P):
        if owner[p] == f and d[p] <= speed:
            if best < 0 or to_goal[p] < to_goal[best] or (to_goal[p] == to_goal[best] and d[p] < d[best]):
                best = p
    if best < 0:
        return -1
    if to_goal[best] >= to_goal[here]:
        best, leg = -1, 0.0
        for j in range(nbr_ptr[here], nbr_ptr[here + 1]):
            q = nbr_idx[j]
            if owner[q] == f:
                km = route_km[here, q] + to_goal[q]
                if best < 0 or km < leg or (km == leg and q < best):
                    best, leg = q, km
        if best < 0:
            return -1
    return best if to_goal[best] < to_goal[here] else -1


@kernel
def _march_unit(u, f, speed, n, u_alive, u_owner, u_type, u_place, u_str, owner, enemies, t_ground, paths, route_km,
                nbr_ptr, nbr_idx):
    """`_march` for unit `u`, weighing the enemy's ground strength as it stands now (an
    earlier unit's march may have changed it)."""
    enemy = np.empty(owner.shape[0])
    _enemy_ground_into(f, n, u_alive, u_owner, u_type, u_place, u_str, enemies, t_ground, enemy)
    return _march(u_place[u], f, speed, owner, enemy, enemies, paths, route_km, nbr_ptr, nbr_idx)


@kernel
def _march_run(units, f, n, u_alive, u_owner, u_type, u_place, u_str, owner, enemies, t_ground, t_speed, paths,
               route_km, nbr_ptr, nbr_idx):
    """`_march_unit` for each of the faction's living ground units of `units` in turn,
    each one moved before the next one weighs the front."""
    for i in range(units.shape[0]):
        u = units[i]
        t = u_type[u]
        if u_alive[u] and t_ground[t] and t_speed[t] > 0:
            to = _march_unit(u, f, t_speed[t], n, u_alive, u_owner, u_type, u_place, u_str, owner, enemies, t_ground,
                             paths, route_km, nbr_ptr, nbr_idx)
            if to >= 0:
                u_place[u] = to


def withdrawals(state: GameState) -> list[Report]:
    """Units sent for a limited time (a strike package, a rotation) go home when it ends."""
    n = state.n_units
    if not state.u_expires[:n].any():  # nothing sent for a limited time
        return []
    due = np.flatnonzero(state.u_alive[:n] & (state.u_expires[:n] > 0) & (state.u_expires[:n] <= state.turn))
    if len(due) == 0:
        return []
    w = state.world
    names = sorted({w.types[int(state.u_type[u])].name for u in due})
    for u in due.tolist():
        state.kill(u)
    return [Report("withdrawal", f"{', '.join(names)} leave{'s' if len(due) == 1 else ''} the theatre", state.turn,
                  None, {"units": due.tolist()})]
