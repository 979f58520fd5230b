"""Which orders are legal, and carrying them out.

`why_illegal` is the single statement of each order's conditions; `legal_actions`
enumerates orders that meet them (a test checks the two agree) and `apply` refuses
anything else with an IllegalAction whose message a player can read.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

import numpy as np

from . import actions as A
from .air import STRIKE_KINDS, strike
from .backers import package_open, request
from .combat import attackers_at, resolve_attack
from .events import Event
from .scripted import choose
from .state import GameState
from .supply import supplied
from .turn import advance


class IllegalAction(Exception):
    """An order the rules forbid; the message says why in a player's words."""


def _place(state: GameState, pid: str) -> int | None:
    return state.world.pidx.get(pid)


def _unit_ok(state: GameState, u: int) -> str | None:
    if not isinstance(u, int) or not 0 <= u < state.n_units or not state.u_alive[u]:
        return f"there is no unit {u}"
    if state.u_owner[u] != state.active:
        return "that unit is not yours"
    if state.u_backer[u] >= 0:
        return f"that unit takes orders from {state.world.backers[state.u_backer[u]].name}, not from you"
    return None


def _unit_and_place(state: GameState, unit: int, pid: str) -> tuple[int, str | None]:
    """Checks shared by orders that send one of your units somewhere."""
    if (r := _unit_ok(state, unit)) is not None:
        return -1, r
    to = _place(state, pid)
    if to is None:
        return -1, f"there is no place '{pid}'"
    return to, None


def _hostile(state: GameState, faction: int, place: int) -> bool:
    o = state.owner[place]
    return o < 0 or bool(state.world.enemies[faction, o])


def _hostile_places(state: GameState, faction: int) -> np.ndarray:
    """Places the faction may attack: neutral ones and those its enemies hold."""
    o = state.owner
    return np.where(o >= 0, state.world.enemies[faction, np.maximum(o, 0)], True)


def why_illegal(state: GameState, action) -> str | None:
    w = state.world
    f = state.active
    if state.over:
        return "the game is over"
    pending = [e for (pf, e) in state.pending if pf == f]
    if pending and not isinstance(action, A.ChooseOption):
        return f"first answer: {w.events[pending[0]].choice.prompt}"
    if isinstance(action, A.EndTurn):
        return None
    if isinstance(action, A.Move):
        to, r = _unit_and_place(state, action.unit, action.to)
        if r is not None:
            return r
        t = state.u_type[action.unit]
        if w.t_air[t]:
            return "drones and aircraft relocate between airbases instead of moving by road"
        if not state.u_ready[action.unit]:
            return "that unit has already moved or fought this turn"
        if state.owner[to] != f:
            return f"{w.place_name(to)} is not yours; attack it instead"
        here = state.u_place[action.unit]
        if to == here:
            return "the unit is already there"
        km = state.paths(f)[here, to]
        if km > w.t_speed[t]:
            if not np.isfinite(km):
                return f"no road through your own ground leads to {w.place_name(to)}"
            return f"{w.place_name(to)} is {km:.0f} km away by road; the unit covers {w.t_speed[t]:.0f} km a turn"
        return None
    if isinstance(action, A.Attack):
        origin, target = _place(state, action.origin), _place(state, action.target)
        if origin is None or target is None:
            return "there is no such place"
        if state.truce > 0:
            return f"a truce holds for {state.truce} more turn(s)"
        if state.owner[origin] != f:
            return f"you do not hold {w.place_name(origin)}"
        if target not in w.neighbours[origin]:
            return f"no road joins {w.place_name(origin)} directly to {w.place_name(target)}"
        if not _hostile(state, f, target):
            return f"{w.place_name(target)} is not held by an enemy"
        if not np.any(state.u_backer[attackers_at(state, f, origin)] < 0):
            return f"you have no ready ground units at {w.place_name(origin)}"
        return None
    if isinstance(action, A.DroneStrike):
        if (r := _unit_ok(state, action.unit)) is not None:
            return r
        target = _place(state, action.target)
        if target is None:
            return f"there is no place '{action.target}'"
        if action.kind not in STRIKE_KINDS:
            return f"strike kind must be one of {', '.join(STRIKE_KINDS)}"
        t = state.u_type[action.unit]
        if not w.t_air[t] or w.t_strike[t] <= 0:
            return "only drones and aircraft fly strikes"
        if state.truce > 0:
            return f"a truce holds for {state.truce} more turn(s)"
        if state.u_sorties[action.unit] <= 0:
            return "that squadron has flown all its sorties this turn"
        base = state.u_place[action.unit]
        if state.owner[base] != f:
            return "that squadron has lost its base"
        if w.air_km[base, target] > w.t_range[t]:
            return f"{w.place_name(target)} is {w.air_km[base, target]:.0f} km away; the range is {w.t_range[t]:.0f} km"
        enemy = state.units_at(target)
        enemy = enemy[w.enemies[f, state.u_owner[enemy]]]
        if action.kind == "units" and not w.t_ground[state.u_type[enemy]].any():
            return f"there are no enemy ground forces at {w.place_name(target)}"
        if action.kind == "air_defence" and not w.t_ad[state.u_type[enemy]].any():
            return f"there is no enemy air defence at {w.place_name(target)}"
        if action.kind == "supply" and not (state.owner[target] >= 0 and w.enemies[f, state.owner[target]]):
            return f"{w.place_name(target)} is not held by an enemy"
        return None
    if isinstance(action, A.Relocate):
        to, r = _unit_and_place(state, action.unit, action.to)
        if r is not None:
            return r
        t = state.u_type[action.unit]
        if not w.t_air[t]:
            return "only drones and aircraft relocate; move ground units by road"
        if not state.u_ready[action.unit] or state.u_sorties[action.unit] < w.t_sorties[t]:
            return "that squadron has already flown or moved this turn"
        if state.owner[to] != f or not w.is_airbase[to]:
            return f"{w.place_name(to)} is not an airbase you hold"
        if to == state.u_place[action.unit]:
            return "the squadron is already there"
        return None
    if isinstance(action, A.Recruit):
        t = w.tidx.get(action.unit_type)
        p = _place(state, action.place)
        if t is None or p is None:
            return "there is no such unit type or place"
        if t not in w.recruits[f]:
            return f"the {w.factions[f].short} cannot raise {w.types[t].name}"
        if state.owner[p] != f:
            return f"you do not hold {w.place_name(p)}"
        if w.population[p] < w.spec.rules.economy.min_recruit_population:
            return f"{w.place_name(p)} is too small to raise fighters in"
        if not supplied(state, f)[p]:
            return f"{w.place_name(p)} is cut off from supply"
        ut = w.types[t]
        if state.treasury[f] < ut.cost:
            return f"{ut.name} cost {ut.cost:g}M; you have {state.treasury[f]:.1f}M"
        if state.manpower[f] < ut.manpower:
            return f"{ut.name} need {ut.manpower} recruits; you have {state.manpower[f]:.0f}"
        return None
    if isinstance(action, A.RequestSupport):
        k = w.kidx.get((action.backer, action.package))
        if k is None:
            return "there is no such backer or package"
        ref = w.packages[k]
        if w.backer_client[ref.backer] != f:
            return f"{w.backers[ref.backer].name} does not back you"
        if k in state.requested:
            return "you have already asked for that this turn"
        pk = ref.spec
        if not state.unlocked[k]:
            return f"{pk.name} is not on offer yet"
        if state.sent[k] >= pk.cap:
            return f"{pk.name} has all been sent ({pk.cap})"
        if pk.available_from is not None and state.date < pk.available_from:
            return f"{pk.name} is not available before {pk.available_from.isoformat()}"
        if state.commitment[ref.backer] < pk.min_commitment:
            return f"{w.backers[ref.backer].name} is not committed enough ({state.commitment[ref.backer]:.0f} < {pk.min_commitment:g})"
        if state.budget[ref.backer] < pk.cost:
            return f"{w.backers[ref.backer].name} has no budget left for it"
        if state.treasury[f] < pk.client_cost:
            return f"it costs you {pk.client_cost:g}M; you have {state.treasury[f]:.1f}M"
        return None
    if isinstance(action, A.BuyAllegiance):
        p = _place(state, action.place)
        if p is None:
            return f"there is no place '{action.place}'"
        if state.owner[p] >= 0:
            return f"{w.place_name(p)} is not neutral"
        cost = w.allegiance_cost[p]
        if cost <= 0:
            return f"{w.place_name(p)} is not for sale"
        if not any(state.owner[n] == f for n in w.neighbours[p]):
            return f"you hold no place next to {w.place_name(p)}"
        if state.treasury[f] < cost:
            return f"its allegiance costs {cost:g}M; you have {state.treasury[f]:.1f}M"
        return None
    if isinstance(action, A.SetBlockade):
        if bool(state.blockade[f]) == bool(action.on):
            return "the blockade is already " + ("on" if action.on else "off")
        if action.on and not np.any((state.owner == f) & (state.oil > 0)):
            return "you hold no oil fields or terminals to shut"
        return None
    if isinstance(action, A.ChooseOption):
        e = w.eidx.get(action.event)
        if e is None or not pending or e != pending[0]:
            return "there is no such question waiting for you"
        if action.option not in w.events[e].choice.options:
            return f"'{action.option}' is not one of the options"
        return None
    return f"unknown order {action!r}"


class _Maker:
    """Builds a unit-and-place order only when it is looked at: a turn can offer
    hundreds of moves and strikes, and most callers (the random agent, rollouts)
    look at a handful."""

    __slots__ = ("cls", "units", "places", "pids", "extra")

    def __init__(self, cls, units: np.ndarray, places: np.ndarray, pids: list[str], *extra):
        self.cls, self.units, self.places, self.pids, self.extra = cls, units, places, pids, extra

    def __call__(self, i: int):
        return self.cls(int(self.units[i]), self.pids[int(self.places[i])], *self.extra)


class ActionList(Sequence):
    """A read-only list of orders whose bulk part is built on demand."""

    def __init__(self) -> None:
        self._parts: list = []  # lists of actions, or (count, maker) pairs
        self._ends: list[int] = []
        self._tail: list = []

    def _close_tail(self) -> None:
        if self._tail:
            self._parts.append(self._tail)
            self._ends.append((self._ends[-1] if self._ends else 0) + len(self._tail))
            self._tail = []

    def append(self, action) -> None:
        self._tail.append(action)

    def extend(self, actions) -> None:
        self._tail.extend(actions)

    def add_lazy(self, count: int, maker, cls=None) -> None:
        """`count` orders of class `cls` (default: the maker's), built by `maker(i)`."""
        if count:
            self._close_tail()
            self._parts.append((count, maker, cls or maker.cls))
            self._ends.append((self._ends[-1] if self._ends else 0) + count)

    def __len__(self) -> int:
        return (self._ends[-1] if self._ends else 0) + len(self._tail)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        n = len(self)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("action index out of range")
        k = bisect.bisect_right(self._ends, i)
        if k == len(self._parts):
            return self._tail[i - (self._ends[-1] if self._ends else 0)]
        start = self._ends[k - 1] if k else 0
        part = self._parts[k]
        return part[1](i - start) if isinstance(part, tuple) else part[i - start]

    def __iter__(self):
        for part in self._parts:
            if isinstance(part, tuple):
                count, maker, _ = part
                for j in range(count):
                    yield maker(j)
            else:
                yield from part
        yield from self._tail

    def of_type(self, cls):
        """The orders of one kind, in list order, building only those: an agent that
        weighs its strikes need not build every move to find them."""
        for part in self._parts:
            if isinstance(part, tuple):
                count, maker, made = part
                if issubclass(made, cls):
                    for j in range(count):
                        yield maker(j)
            else:
                yield from (a for a in part if isinstance(a, cls))
        yield from (a for a in self._tail if isinstance(a, cls))

    def unit_place_pairs(self, cls, *extra) -> tuple[np.ndarray, np.ndarray]:
        """The (unit, place index) pairs of the unit orders of one class (and, for
        strikes, one kind: `extra`), in list order, without building them, so an agent
        can score them all at once."""
        if any(isinstance(a, cls) for part in self._parts if not isinstance(part, tuple) for a in part) \
                or any(isinstance(a, cls) for a in self._tail):
            raise TypeError(f"{cls.__name__} orders are not all unit-and-place orders here")
        makers = [part[1] for part in self._parts
                  if isinstance(part, tuple) and issubclass(part[2], cls) and isinstance(part[1], _Maker)
                  and part[1].extra == extra]
        if not makers:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return (np.concatenate([m.units for m in makers]).astype(np.int64),
                np.concatenate([m.places for m in makers]).astype(np.int64))

    def __repr__(self) -> str:
        return f"ActionList({len(self)} orders)"


def legal_actions(state: GameState) -> ActionList:
    """Every order the active faction may give now, EndTurn last."""
    w = state.world
    f = state.active
    if state.over:
        return ActionList()
    pending = [e for (pf, e) in state.pending if pf == f]
    if pending:
        e = pending[0]
        out = ActionList()
        out.extend(A.ChooseOption(w.event_ids[e], o) for o in w.events[e].choice.options)
        return out
    out = ActionList()
    n = state.n_units
    P = w.P
    alive = state.u_alive[:n]
    owners = state.u_owner[:n]
    types = state.u_type[:n]
    where = state.u_place[:n]
    mine = np.nonzero(alive & (owners == f) & (state.u_backer[:n] < 0))[0]
    held = state.owner == f
    hostile_place = _hostile_places(state, f)
    enemy_unit = alive & w.enemies[f, owners]
    enemy_ground = np.bincount(where[enemy_unit & w.t_ground[types]], minlength=P) > 0
    enemy_ad = np.bincount(where[enemy_unit & w.t_ad[types]], minlength=P) > 0
    enemy_held = hostile_place & (state.owner >= 0)
    paths = state.paths(f)
    pids = w.place_ids
    truce = state.truce > 0
    ready_u = state.u_ready[:n]
    sorties = state.u_sorties[:n]
    air = w.t_air[types[mine]]
    # Road moves for every ready ground unit at once: one boolean matrix unit × place.
    movers = mine[~air & ready_u[mine] & (w.t_speed[types[mine]] > 0)]
    if len(movers):
        reach = (paths[where[movers]] <= w.t_speed[types[movers]][:, None]) & held[None, :]
        reach[np.arange(len(movers)), where[movers]] = False
        ui, pi = np.nonzero(reach)
        out.add_lazy(len(ui), _Maker(A.Move, movers[ui], pi, pids))
    flyers = mine[air]
    if len(flyers):
        bases = where[flyers]
        ft = types[flyers]
        can_strike = (sorties[flyers] > 0) & held[bases] & (w.t_strike[ft] > 0) & (not truce)
        reach = (w.air_km[bases] <= w.t_range[ft][:, None]) & can_strike[:, None]
        for kind, mask in (("units", enemy_ground), ("air_defence", enemy_ad), ("supply", enemy_held)):
            ui, pi = np.nonzero(reach & mask[None, :])
            out.add_lazy(len(ui), _Maker(A.DroneStrike, flyers[ui], pi, pids, kind))
        rested = ready_u[flyers] & (sorties[flyers] == w.t_sorties[ft])
        can_go = rested[:, None] & (held & w.is_airbase)[None, :]
        can_go[np.arange(len(flyers)), bases] = False
        ui, pi = np.nonzero(can_go)
        out.add_lazy(len(ui), _Maker(A.Relocate, flyers[ui], pi, pids))
    if not truce:
        ready = alive & state.u_ready[:n] & (owners == f) & (state.u_backer[:n] < 0) & w.t_ground[types]
        has_attackers = np.bincount(where[ready], minlength=P) > 0
        hostile_list = hostile_place.tolist()
        for origin in np.flatnonzero(held & has_attackers).tolist():
            out.extend([A.Attack(pids[origin], pids[nb]) for nb in w.neighbours[origin] if hostile_list[nb]])
    sup = supplied(state, f)
    towns = np.flatnonzero(held & sup & (w.population >= w.spec.rules.economy.min_recruit_population)).tolist()
    affordable = [w.type_ids[t] for t in w.recruits[f]
                  if state.treasury[f] >= w.types[t].cost and state.manpower[f] >= w.types[t].manpower]
    if affordable and towns:
        out.add_lazy(len(affordable) * len(towns),
                     lambda i: A.Recruit(affordable[i // len(towns)], pids[towns[i % len(towns)]]), A.Recruit)
    for k in w.packages_of_client[f]:
        ref = w.packages[k]
        if k not in state.requested and package_open(state, k) and state.treasury[f] >= ref.spec.client_cost:
            out.append(A.RequestSupport(w.backer_ids[ref.backer], ref.id))
    for p in np.nonzero((state.owner < 0) & (w.allegiance_cost > 0) & (w.allegiance_cost <= state.treasury[f]))[0]:
        if any(held[nb] for nb in w.neighbours[p]):
            out.append(A.BuyAllegiance(pids[p]))
    if state.blockade[f]:
        out.append(A.SetBlockade(False))
    elif np.any(held & (state.oil > 0)):
        out.append(A.SetBlockade(True))
    out.append(A.EndTurn())
    return out


def apply(state: GameState, action) -> list[Event]:
    """Carry out one order of the active faction; raise IllegalAction if the rules forbid it."""
    reason = why_illegal(state, action)
    if reason is not None:
        raise IllegalAction(reason)
    w = state.world
    f = state.active
    fid = w.faction_ids[f]
    state.action_count += 1
    if isinstance(action, A.EndTurn):
        return advance(state)
    if isinstance(action, A.Move):
        u = action.unit
        frm = state.u_place[u]
        state.u_place[u] = w.pidx[action.to]
        state.u_ready[u] = False
        return [Event("move", f"{w.types[state.u_type[u]].name} moves {w.place_name(frm)} → {w.place_name(w.pidx[action.to])}",
                      state.turn, fid, {"unit": u, "from": w.place_ids[frm], "to": action.to})]
    if isinstance(action, A.Attack):
        return resolve_attack(state, f, w.pidx[action.origin], w.pidx[action.target])
    if isinstance(action, A.DroneStrike):
        return strike(state, action.unit, w.pidx[action.target], action.kind)
    if isinstance(action, A.Relocate):
        u = action.unit
        state.u_place[u] = w.pidx[action.to]
        state.u_ready[u] = False
        state.u_sorties[u] = 0
        return [Event("move", f"{w.types[state.u_type[u]].name} relocates to {w.place_name(w.pidx[action.to])}",
                      state.turn, fid, {"unit": u, "to": action.to})]
    if isinstance(action, A.Recruit):
        t, p = w.tidx[action.unit_type], w.pidx[action.place]
        state.treasury[f] -= w.types[t].cost
        state.manpower[f] -= w.types[t].manpower
        state.add_unit(t, f, p)
        return [Event("recruit", f"{w.faction_short(f)} raises {w.types[t].name} at {w.place_name(p)}", state.turn, fid,
                      {"type": action.unit_type, "place": action.place})]
    if isinstance(action, A.RequestSupport):
        return request(state, f, w.kidx[(action.backer, action.package)])
    if isinstance(action, A.BuyAllegiance):
        p = w.pidx[action.place]
        state.treasury[f] -= w.allegiance_cost[p]
        state.set_owner(p, f)
        state.local_defence[p] = 0.0
        return [Event("control", f"{w.place_name(p)} sides with the {w.faction_short(f)}", state.turn, fid, {"place": action.place})]
    if isinstance(action, A.SetBlockade):
        state.blockade[f] = action.on
        verb = "shuts the oil fields and terminals it holds" if action.on else "lets the oil flow again"
        return [Event("blockade", f"{w.faction_short(f)} {verb}", state.turn, fid, {"on": action.on})]
    if isinstance(action, A.ChooseOption):
        return choose(state, f, w.eidx[action.event], action.option)
    raise IllegalAction(f"unknown order {action!r}")  # unreachable: why_illegal refuses it first

