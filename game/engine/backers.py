"""Foreign backers: commitment that rises when the client is in danger and falls
under pressure, packages that cost money and exposure and arrive after a delay,
rivals that answer each other's escalation, red lines, and embargo interdiction.

The built-in policy here is how backers behave unless an AI takes them over; every
number it uses comes from the scenario (backer parameters and `rules.backers`).
"""

from __future__ import annotations

import copy

import numpy as np

from .events import Event
from .scripted import apply_effects, holds
from .state import GameState
from .supply import supplied


def package_open(state: GameState, k: int) -> bool:
    """Whether a package could be sent now, ignoring who pays."""
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


def dispatch(state: GameState, k: int) -> Event:
    """Commit a package: pay for it, queue it, and let rivals and the world react."""
    w = state.world
    ref = w.packages[k]
    pk = ref.spec
    b = ref.backer
    backer = w.backers[b]
    state.sent[k] += 1
    state.sent_this_round[b] += 1
    state.budget[b] -= pk.cost
    state.deliveries.append([state.turn + pk.delay, k])
    state.commitment[b] = max(0.0, state.commitment[b] - pk.exposure * backer.pressure_sensitivity)
    for r, rival in enumerate(w.backers):
        if w.backer_ids[b] in rival.rivals:
            state.commitment[r] = min(100.0, state.commitment[r] + pk.escalation)
    when = "this turn" if pk.delay == 0 else f"in {pk.delay} turn{'s' if pk.delay > 1 else ''}"
    return Event("dispatch", f"{backer.name} sends {pk.name} (arrives {when})", state.turn,
                 backer.supports, {"backer": w.backer_ids[b], "package": ref.id, "arrives": state.turn + pk.delay})


def request(state: GameState, faction: int, k: int) -> list[Event]:
    """A client asks. The backer agrees with a chance equal to its commitment; asking
    again later is easier, because each refusal still raises its commitment."""
    w = state.world
    ref = w.packages[k]
    b = ref.backer
    state.requested.add(k)
    if state.rng.random() * 100.0 < state.commitment[b] + w.spec.rules.backers.request_bonus:
        state.treasury[faction] -= ref.spec.client_cost
        return [dispatch(state, k)]
    state.commitment[b] = min(100.0, state.commitment[b] + w.spec.rules.backers.request_gain)
    return [Event("request", f"{w.backers[b].name} declines {ref.spec.name} for now", state.turn,
                  w.faction_ids[faction], {"backer": w.backer_ids[b], "package": ref.id})]


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


def deliver(state: GameState, k: int) -> list[Event]:
    w = state.world
    ref = w.packages[k]
    pk = ref.spec
    b = ref.backer
    client = int(w.backer_client[b])
    name = w.backers[b].name
    data = {"backer": w.backer_ids[b], "package": ref.id}
    if state.embargo > 0 and state.rng.random() < state.embargo:
        return [Event("interdicted", f"{pk.name} from {name} is stopped by embargo enforcement", state.turn,
                      w.faction_ids[client], data)]
    state.treasury[client] += pk.money
    state.legitimacy[client] = min(100.0, max(0.0, state.legitimacy[client] + pk.legitimacy))
    state.cohesion[client] = min(100.0, max(0.0, state.cohesion[client] + pk.cohesion))
    state.quality_bonus[client] += pk.quality_bonus
    if pk.units:
        air = any(w.t_air[w.tidx[g.type]] for g in pk.units)
        place = entry_point(state, client, pk.deliver_to, air)
        if place is None:
            return [Event("interdicted", f"{pk.name} from {name} has nowhere to land", state.turn, w.faction_ids[client], data)]
        commander = b if pk.kind.value == "volunteers" else -1
        expires = state.turn + pk.duration if pk.duration else 0
        for group in pk.units:
            for _ in range(group.count):
                state.add_unit(w.tidx[group.type], client, place, group.strength, backer=commander, expires=expires)
        data["place"] = w.place_ids[place]
    return [Event("delivery", f"{pk.name} from {name} arrives" + (f" at {w.place_name(place)}" if pk.units else ""),
                  state.turn, w.faction_ids[client], data)]


def in_danger(state: GameState, faction: int) -> bool:
    """Lost ground this round, or enemies at the gates of a place worth points."""
    w = state.world
    if state.places_lost[faction] > 0:
        return True
    share = w.spec.rules.backers.danger_points_share
    key = np.nonzero((state.owner == faction) & (w.vp > 0) & (w.vp >= np.max(w.vp) * share))[0]
    hostile = state.owner >= 0
    hostile[hostile] = w.enemies[faction, state.owner[hostile]]
    return any(hostile[n] for p in key for n in w.neighbours[p])


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


def backers_phase(state: GameState) -> list[Event]:
    w = state.world
    rules = w.spec.rules.backers
    out: list[Event] = []
    danger = [in_danger(state, f) for f in range(w.F)]
    for b, backer in enumerate(w.backers):
        client = int(w.backer_client[b])
        c = state.commitment[b]
        if danger[client]:
            c += rules.danger_gain * backer.responsiveness
        c -= rules.decay
        floor = rules.pressure_legitimacy
        if state.legitimacy[client] < floor:  # a discredited client is costly to stand by
            c -= (floor - state.legitimacy[client]) / max(floor, 1e-9) * rules.pressure_rate * backer.pressure_sensitivity
        state.commitment[b] = min(100.0, max(0.0, c))
        for r, line in enumerate(backer.red_lines):
            if (b, r) not in state.redlines_fired and holds(state, line.when):
                state.redlines_fired.add((b, r))
                state.commitment[b] = min(100.0, state.commitment[b] + line.commitment)
                out.append(Event("red_line", line.note or f"{backer.name}: a red line is crossed", state.turn,
                                 backer.supports, {"backer": w.backer_ids[b]}))
                out += apply_effects(state, line.effects, w.backer_ids[b])
        state.budget[b] += backer.budget_per_turn
        # Send at most one package of its own accord per turn, likelier the more committed.
        open_ = [k for k in w.packages_of_backer[b] if package_open(state, k)]
        if open_:
            k = open_[int(state.rng.integers(len(open_)))]
            pk = w.packages[k].spec
            risky = pk.exposure > 0 or pk.escalation > 0
            chance = state.commitment[b] / 100.0 * rules.send_chance * (backer.risk_tolerance if risky else 1.0)
            if state.rng.random() < chance:
                out.append(dispatch(state, k))
    return out


def deliveries_phase(state: GameState) -> list[Event]:
    due = [d for d in state.deliveries if d[0] <= state.turn]
    state.deliveries = [d for d in state.deliveries if d[0] > state.turn]
    out: list[Event] = []
    for _, k in due:
        out += deliver(state, k)
    return out


def _enemy_ground(state: GameState, faction: int) -> np.ndarray:
    """Strength of the faction's enemies' ground units, per place."""
    w = state.world
    n = state.n_units
    t = state.u_type[:n]
    mask = state.u_alive[:n] & w.enemies[faction, state.u_owner[:n]] & w.t_ground[t]
    return np.bincount(state.u_place[:n][mask], weights=state.u_str[:n][mask], minlength=w.P)


def backer_units_act(state: GameState) -> list[Event]:
    """Units a backer still commands: its air units strike the strongest enemy force
    in reach; its ground units move up to the client's most threatened front place."""
    from .air import strike

    w = state.world
    out: list[Event] = []
    n = state.n_units
    for u in np.flatnonzero(state.u_alive[:n] & (state.u_backer[:n] >= 0)).tolist():
        if not state.u_alive[u]:
            continue
        f = int(state.u_owner[u])
        t = state.u_type[u]
        hostile = state.owner >= 0
        hostile[hostile] = w.enemies[f, state.owner[hostile]]
        if w.t_air[t]:
            if state.truce > 0:
                continue
            base = state.u_place[u]
            in_reach = hostile & (w.air_km[base] <= w.t_range[t])
            while state.u_sorties[u] > 0 and state.u_alive[u]:
                power = _enemy_ground(state, f) * in_reach
                if power.max() <= 0:
                    break
                out += strike(state, u, int(np.argmax(power)), "units")
        elif w.t_ground[t] and w.t_speed[t] > 0:
            _march_to_the_front(state, u, f, hostile)
    return out


def _march_to_the_front(state: GameState, u: int, f: int, hostile: np.ndarray) -> None:
    """A backer sends its fighters where the client is pressed hardest: the held place
    with the most enemy ground strength next door. Too far for one week's march, they
    go as far along the client's roads towards it as they can; where the next stage is
    itself longer than a week's march (a long desert road out of a remote airbase), they
    still make that one stage a week rather than stay stranded at the base for good."""
    w = state.world
    enemy = _enemy_ground(state, f)
    pressure = np.array([sum(enemy[nb] for nb in w.neighbours[p] if hostile[nb]) if state.owner[p] == f else 0.0
                         for p in range(w.P)])
    if pressure.max() <= 0:
        return
    goal = int(np.argmax(pressure))
    here = int(state.u_place[u])
    d = state.paths(f)[here]
    reach = np.flatnonzero((state.owner == f) & (d <= w.t_speed[state.u_type[u]]))
    if len(reach) == 0:
        return
    to_goal = state.paths(f)[goal]
    best = min(reach.tolist(), key=lambda p: (to_goal[p], d[p], p))
    if to_goal[best] >= to_goal[here]:
        stages = [n for n in w.neighbours[here] if state.owner[n] == f]
        best = min(stages, key=lambda p: (w.route_km[here, p] + to_goal[p], p), default=here)
    if to_goal[best] < to_goal[here]:
        state.u_place[u] = best


def withdrawals(state: GameState) -> list[Event]:
    """Units sent for a limited time (a strike package, a rotation) go home when it ends."""
    n = state.n_units
    due = np.flatnonzero(state.u_alive[:n] & (state.u_expires[:n] > 0) & (state.u_expires[:n] <= state.turn))
    if len(due) == 0:
        return []
    w = state.world
    names = sorted({w.types[int(state.u_type[u])].name for u in due})
    for u in due.tolist():
        state.kill(u)
    return [Event("withdrawal", f"{', '.join(names)} leave{'s' if len(due) == 1 else ''} the theatre", state.turn,
                  None, {"units": due.tolist()})]
