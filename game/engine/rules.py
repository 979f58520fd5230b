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
from . import fortifications, peace
from .air import STRIKE_KINDS, strike
from .backers import end_step, open_packages, request, send, why_closed
from .combat import attackers_at, marchers, resolve_attack
from .munitions import armed_strike, why_unarmed
from .reports import Report
from .jit import kernel
from .reach import attackable, held_by_enemy, within_reach
from .scenario_events import choose
from .stacks import merge, split, why_not_merge, why_not_split
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
    return bool(attackable(faction, int(state.owner[place]), state.world.enemies))


@kernel
def _enemy_at(f, place, n, u_alive, u_owner, u_type, u_place, enemies, t_ground, t_ad):
    """Whether the faction's enemies have ground forces, and air defence, at a place."""
    ground = air_defence = False
    for u in range(n):
        if u_alive[u] and u_place[u] == place and enemies[f, u_owner[u]]:
            ground |= t_ground[u_type[u]]
            air_defence |= t_ad[u_type[u]]
    return ground, air_defence


def why_illegal(state: GameState, action) -> str | None:
    """Why the active side may not give this order now, in words for the player, or None
    if it may. Every order type has its own checker in `_CHECKS`."""
    w = state.world
    f = state.active
    if state.over:
        return "the game is over"
    if state.backer_step >= 0:  # a seated backer's step: its sends, or its end; the side's questions wait too
        if isinstance(action, (A.SendPackage, A.EndTurn)):
            return _CHECKS[type(action)](state, f, action)
        return f"{w.backers[state.backer_step].name} is choosing what to send; the side's orders wait for it"
    # Most orders are given with no question waiting: skip building the list then.
    pending = [e for (pf, e) in state.pending if pf == f] if state.pending else None
    if pending and not isinstance(action, A.ChooseOption):
        return f"first answer: {w.events[pending[0]].choice.prompt}"
    check = _CHECKS.get(type(action))
    if check is None:
        return f"unknown order {action!r}"
    return check(state, f, action)


def _check_move(state: GameState, f: int, action) -> str | None:
    """A ground unit walks by road through its side's own ground, within a turn's march."""
    w = state.world
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
    km = state.march_paths(f)[here, to]
    if km > w.t_speed[t]:
        if not np.isfinite(km):
            return f"no road through your own ground leads to {w.place_name(to)}"
        return f"{w.place_name(to)} is {km:.0f} km away by road; the unit covers {w.t_speed[t]:.0f} km a turn"
    return None


def _check_attack(state: GameState, f: int, action) -> str | None:
    """Ready ground units attack an enemy place next to theirs, outside a truce."""
    w = state.world
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
    ready = attackers_at(state, f, origin)
    if w.rules.movement.attack_within_march and len(ready):
        able = marchers(state, f, origin, target)
        km = f"{w.route_km[origin, target]:.0f} km"
        if not len(able):
            return (f"{w.place_name(target)} is {km} away by road; no unit at {w.place_name(origin)} can cover that "
                    "in a turn")
        named = action.units if isinstance(action.units, tuple) else ()
        slow = [u for u in named if u in ready and u not in able]
        if slow:
            return f"unit {slow[0]} cannot cover the {km} to {w.place_name(target)} in a turn"
        ready = able
    if action.units is not None:
        if not isinstance(action.units, tuple) or not action.units:
            return "name at least one unit to attack with"
        strays = [u for u in action.units if u not in ready]
        if strays:
            return f"unit {strays[0]} is not one of your ready ground units at {w.place_name(origin)}"
        if len(set(action.units)) != len(action.units):
            return "a unit is named twice"
        ready = np.asarray(action.units, dtype=np.int64)
    if not (state.u_backer[ready] < 0).any():
        return f"you have no ready ground units at {w.place_name(origin)}"
    return None


def _check_strike(state: GameState, f: int, action) -> str | None:
    """A drone or aircraft with a sortie left strikes within range of a base its side holds."""
    w = state.world
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
    if w.M and (unarmed := why_unarmed(state, action.unit)) is not None:
        return unarmed
    base = int(state.u_place[action.unit])
    if state.owner[base] != f:
        return "that squadron has lost its base"
    if not within_reach(w.air_km, w.t_range, int(t), base, target):  # plain ints: numba takes them faster
        return f"{w.place_name(target)} is {w.air_km[base, target]:.0f} km away; the range is {w.t_range[t]:.0f} km"
    if action.kind != "supply":
        ground, air_defence = _enemy_at(f, target, state.n_units, state.u_alive, state.u_owner, state.u_type,
                                        state.u_place, w.enemies, w.t_ground, w.t_ad)
        if action.kind == "units" and not ground:
            return f"there are no enemy ground forces at {w.place_name(target)}"
        if action.kind == "air_defence" and not air_defence:
            return f"there is no enemy air defence at {w.place_name(target)}"
    if action.kind == "supply" and not held_by_enemy(f, int(state.owner[target]), w.enemies):
        return f"{w.place_name(target)} is not held by an enemy"
    return None


def _check_relocate(state: GameState, f: int, action) -> str | None:
    """A squadron that has not flown this turn moves to another airbase its side holds."""
    w = state.world
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


def _check_split(state: GameState, f: int, action) -> str | None:
    """Part of one of the side's own ground units leaves it as a new unit (`stacks`)."""
    if (r := _unit_ok(state, action.unit)) is not None:
        return r
    return why_not_split(state, action.unit, action.strength)


def _check_merge(state: GameState, f: int, action) -> str | None:
    """Two of the side's own ground units of a type, at one place, become one (`stacks`)."""
    for u in (action.unit, action.into):
        if (r := _unit_ok(state, u)) is not None:
            return r
    return why_not_merge(state, action.unit, action.into)


def _check_recruit(state: GameState, f: int, action) -> str | None:
    """A side raises a unit type it may recruit, in a town big enough, held and in supply, if it can pay."""
    w = state.world
    t = w.tidx.get(action.unit_type)
    p = _place(state, action.place)
    if t is None or p is None:
        return "there is no such unit type or place"
    if t not in w.recruits[f]:
        return f"the {w.factions[f].short} cannot raise {w.types[t].name}"
    if state.owner[p] != f:
        return f"you do not hold {w.place_name(p)}"
    if w.population[p] < w.rules.economy.min_recruit_population:
        return f"{w.place_name(p)} is too small to raise fighters in"
    if state.raised[p] >= w.recruit_cap[p]:
        return (f"{w.place_name(p)} has given all the recruits it can this turn "
                f"({state.raised[p]:,.0f} of {w.recruit_cap[p]:,.0f}); raise more elsewhere or next turn")
    if not supplied(state, f)[p]:
        return f"{w.place_name(p)} is cut off from supply"
    ut = w.types[t]
    if state.treasury[f] < ut.cost:
        return f"{ut.name} cost {ut.cost:g}M; you have {state.treasury[f]:.1f}M"
    if state.manpower[f] < ut.manpower:
        return f"{ut.name} need {ut.manpower} recruits; you have {state.manpower[f]:.0f}"
    return None


def _check_request(state: GameState, f: int, action) -> str | None:
    """A client asks its backer for a package on offer, once a turn."""
    w = state.world
    k = w.kidx.get((action.backer, action.package))
    if k is None:
        return "there is no such backer or package"
    ref = w.packages[k]
    if w.backer_client[ref.backer] != f:
        return f"{w.backers[ref.backer].name} does not back you"
    if k in state.requested:
        return "you have already asked for that this turn"
    return why_closed(state, k, float(state.treasury[f]))


def _check_send(state: GameState, f: int, action) -> str | None:
    """A seated backer, in its step, sends a package it has open; it pays for it."""
    w = state.world
    k = w.kidx.get((action.backer, action.package))
    if k is None:
        return "there is no such backer or package"
    b = w.packages[k].backer
    if state.backer_step != b:
        return (f"{w.backers[b].name} sends by order only in its own step" if state.seated[b]
                else f"{w.backers[b].name} decides by itself (no seat plays it)")
    return why_closed(state, k)


def _check_allegiance(state: GameState, f: int, action) -> str | None:
    """A neutral place next to the side's ground, for sale, bought for its price."""
    w = state.world
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


def _check_fortify(state: GameState, f: int, action) -> str | None:
    """A level of works at a place the side holds (`fortifications.why_not`)."""
    p = _place(state, action.place)
    if p is None:
        return f"there is no place '{action.place}'"
    return fortifications.why_not(state, f, p)


def _check_blockade(state: GameState, f: int, action) -> str | None:
    """A side that holds oil may shut it in, or let it flow again."""
    if bool(state.blockade[f]) == bool(action.on):
        return "the blockade is already " + ("on" if action.on else "off")
    if action.on and not np.any((state.owner == f) & (state.oil > 0)):
        return "you hold no oil fields or terminals to shut"
    return None


def _check_choice(state: GameState, f: int, action) -> str | None:
    """The answer to the question waiting for the side, among its options."""
    w = state.world
    pending = [e for (pf, e) in state.pending if pf == f]
    e = w.eidx.get(action.event)
    if e is None or not pending or e != pending[0]:
        return "there is no such question waiting for you"
    if action.option not in w.events[e].choice.options:
        return f"'{action.option}' is not one of the options"
    return None


_CHECKS = {
    A.EndTurn: lambda state, f, action: None,
    A.Move: _check_move,
    A.Attack: _check_attack,
    A.DroneStrike: _check_strike,
    A.Relocate: _check_relocate,
    A.Split: _check_split,
    A.Merge: _check_merge,
    A.Recruit: _check_recruit,
    A.RequestSupport: _check_request,
    A.SendPackage: _check_send,
    A.BuyAllegiance: _check_allegiance,
    A.Fortify: _check_fortify,
    A.SetBlockade: _check_blockade,
    A.BreakTruce: lambda state, f, action: peace.why_not_break(state, f),
    A.ChooseOption: _check_choice,
}


def why_illegal_unasked(state: GameState, action) -> str | None:
    """`why_illegal` in a game not over, for a side with no question waiting (the
    random agent answers questions first): the order's own checker, without the
    generic steps that cost as much as the check itself a thousand times a game."""
    return _CHECKS[type(action)](state, state.active, action)


class _Maker:
    """Builds a unit-and-place order only when it is looked at: a turn can offer
    hundreds of moves and strikes, and most callers (the random agent, rollouts)
    look at a handful. It reads its orders from shared (unit, place) arrays at an
    offset, since slicing those arrays for each kind of order cost more than the
    handful of orders a caller builds."""

    __slots__ = ("cls", "who", "where", "lo", "count", "pids", "extra")

    def __init__(self, cls, who: np.ndarray, where: np.ndarray, lo: int, count: int, pids: list[str], *extra):
        self.cls, self.who, self.where, self.lo, self.count, self.pids, self.extra = cls, who, where, lo, count, pids, extra

    @property
    def units(self) -> np.ndarray:
        return self.who[self.lo:self.lo + self.count]

    @property
    def places(self) -> np.ndarray:
        return self.where[self.lo:self.lo + self.count]

    def __call__(self, i: int):
        j = self.lo + i
        return self.cls(int(self.who[j]), self.pids[int(self.where[j])], *self.extra)


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
        if type(i) is int and i >= 0 and self._ends and i < self._ends[-1]:
            # The common case, a lazily built order by its position, in as few steps
            # as possible: agents look orders up one by one, by the thousand a game.
            k = bisect.bisect_right(self._ends, i)
            part = self._parts[k]
            i -= self._ends[k - 1] if k else 0
            return part[1](i) if type(part) is tuple else part[i]
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
                or any(isinstance(a, cls) for a in self._tail) \
                or any(issubclass(part[2], cls) and not isinstance(part[1], _Maker)
                       for part in self._parts if isinstance(part, tuple)):
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


STRIKE_TARGETS = {kind: k for k, kind in enumerate(STRIKE_KINDS)}


@kernel
def _strike_reach(f, truce, n, u_alive, u_owner, u_backer, u_type, u_place, u_sorties, owner, enemies, t_air,
                  t_strike, t_ground, t_ad, t_range, air_km):
    """The faction's own drones and aircraft (unit order) and, for each, which places it
    may strike now, by kind (STRIKE_KINDS order): any with enemy ground forces, enemy
    air defence, or held by an enemy."""
    P = owner.shape[0]
    enemy_ground = np.zeros(P, dtype=np.bool_)
    enemy_ad = np.zeros(P, dtype=np.bool_)
    flyers = np.empty(n, dtype=np.int64)
    count = 0
    for u in range(n):
        if not u_alive[u]:
            continue
        t = u_type[u]
        if enemies[f, u_owner[u]]:
            enemy_ground[u_place[u]] |= t_ground[t]
            enemy_ad[u_place[u]] |= t_ad[t]
        elif u_owner[u] == f and u_backer[u] < 0 and t_air[t]:
            flyers[count] = u
            count += 1
    reach = np.zeros((count, 3, P), dtype=np.bool_)
    for i in range(count):
        u = flyers[i]
        t = u_type[u]
        base = u_place[u]
        if not truce and u_sorties[u] > 0 and owner[base] == f and t_strike[t] > 0:
            for p in range(P):
                if within_reach(air_km, t_range, t, base, p):
                    reach[i, 0, p] = enemy_ground[p]
                    reach[i, 1, p] = enemy_ad[p]
                    reach[i, 2, p] = held_by_enemy(f, owner[p], enemies)
    return flyers[:count], reach


def strike_options(state: GameState, faction: int) -> tuple[np.ndarray, np.ndarray]:
    """The faction's own air units (unit order) and a (unit, kind, place) mask of the
    strikes each may fly now, kinds in STRIKE_KINDS order."""
    w = state.world
    return _strike_reach(faction, state.truce > 0, state.n_units, state.u_alive, state.u_owner, state.u_backer,
                         state.u_type, state.u_place, state.u_sorties, state.owner, w.enemies, w.t_air,
                         armed_strike(state, faction), w.t_ground, w.t_ad, w.t_range, w.air_km)


@kernel
def _move_reach(f, n, u_alive, u_owner, u_backer, u_type, u_ready, u_place, owner, t_air, t_speed, paths):
    count = 0
    for u in range(n):
        t = u_type[u]
        if u_alive[u] and u_owner[u] == f and u_backer[u] < 0 and not t_air[t] and u_ready[u] and t_speed[t] > 0:
            count += 1
    P = owner.shape[0]
    movers = np.empty(count, dtype=np.int64)
    reach = np.zeros((count, P), dtype=np.bool_)
    i = 0
    for u in range(n):
        t = u_type[u]
        if u_alive[u] and u_owner[u] == f and u_backer[u] < 0 and not t_air[t] and u_ready[u] and t_speed[t] > 0:
            movers[i] = u
            here = u_place[u]
            for p in range(P):
                reach[i, p] = p != here and owner[p] == f and paths[here, p] <= t_speed[t]
            i += 1
    return movers, reach


def move_options(state: GameState, faction: int) -> tuple[np.ndarray, np.ndarray]:
    """The faction's own ready ground and air-defence units that can move (unit order),
    and a (unit, place) mask of the held places each can reach this turn by road
    through its own ground."""
    w = state.world
    return _move_reach(faction, state.n_units, state.u_alive, state.u_owner, state.u_backer, state.u_type,
                       state.u_ready, state.u_place, state.owner, w.t_air, w.t_speed, state.march_paths(faction))


@kernel
def _attack_pairs(f, n, u_alive, u_ready, u_owner, u_backer, u_type, u_place, owner, enemies, t_ground, nbr_ptr,
                  nbr_idx, only, t_speed, route_km, within_march):
    P = owner.shape[0]
    ready = np.zeros(P, dtype=np.bool_)
    fastest = np.zeros(P)
    for u in range(n):
        if u_alive[u] and u_ready[u] and u_owner[u] == f and u_backer[u] < 0 and t_ground[u_type[u]]:
            ready[u_place[u]] = only[u_place[u]]
            fastest[u_place[u]] = max(fastest[u_place[u]], t_speed[u_type[u]])
    origins = np.empty(nbr_idx.shape[0], dtype=np.int64)
    targets = np.empty(nbr_idx.shape[0], dtype=np.int64)
    i = 0
    for p in range(P):
        if owner[p] == f and ready[p]:
            for j in range(nbr_ptr[p], nbr_ptr[p + 1]):
                if attackable(f, owner[nbr_idx[j]], enemies) and (
                        within_march == 0.0 or route_km[p, nbr_idx[j]] <= fastest[p]):
                    origins[i] = p
                    targets[i] = nbr_idx[j]
                    i += 1
    return origins[:i], targets[:i]


def attack_options(state: GameState, faction: int, only: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Origins and targets of every attack the faction may launch now: from each held
    place with its own ready ground units (place order) on each neutral or enemy
    neighbour (in the order of the place's roads). `only` (a mask over places) keeps
    the attacks from some origins."""
    if state.truce > 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    w = state.world
    return _attack_pairs(faction, state.n_units, state.u_alive, state.u_ready, state.u_owner, state.u_backer,
                         state.u_type, state.u_place, state.owner, w.enemies, w.t_ground, w.nbr_ptr, w.nbr_idx,
                         w.every_place if only is None else only, w.t_speed, w.route_km, w.within_march)


@kernel
def _recruit_towns(f, owner, sup, population, least, raised, cap):
    towns = np.empty(owner.shape[0], dtype=np.int64)
    k = 0
    for p in range(owner.shape[0]):
        if owner[p] == f and sup[p] and population[p] >= least and raised[p] < cap[p]:
            towns[k] = p
            k += 1
    return towns[:k]


def recruit_towns(state: GameState, faction: int) -> np.ndarray:
    """The faction's held towns in supply big enough to raise fighters in, that have not
    given all the recruits they can this turn."""
    w = state.world
    return _recruit_towns(faction, state.owner, supplied(state, faction), w.population,
                          w.rules.economy.min_recruit_population, state.raised, w.recruit_cap)


def affordable_types(state: GameState, faction: int) -> list[int]:
    """The unit types the faction can raise and afford, in money and men."""
    w = state.world
    money, men = float(state.treasury[faction]), float(state.manpower[faction])
    return [t for t in w.recruits[faction] if money >= w.t_cost[t] and men >= w.t_manpower[t]]


def recruit_options(state: GameState, faction: int) -> tuple[list[int], list[int]]:
    """What the faction may raise and where: any affordable type at any recruiting town."""
    towns = recruit_towns(state, faction).tolist()
    return (affordable_types(state, faction), towns) if towns else ([], [])


def open_requests(state: GameState, faction: int) -> list[int]:
    """The packages (indices) the faction may ask its backers for now."""
    w = state.world
    ks = w.packages_of_client[faction]
    if len(ks) == 0:
        return []
    return [k for k in open_packages(state, ks, float(state.treasury[faction])) if k not in state.requested]


def request_order(world, k: int) -> A.RequestSupport:
    """The order asking for package `k`."""
    return A.RequestSupport(world.backer_ids[world.packages[k].backer], world.packages[k].id)


def request_options(state: GameState, faction: int) -> list:
    w = state.world
    return [request_order(w, k) for k in open_requests(state, faction)]


@kernel
def _politics(f, owner, allegiance_cost, treasury, blockade, oil, nbr_ptr, nbr_idx):
    """The neutral places the faction can afford to buy next to its own, and whether it
    can set the blockade (1), lift it (0) or neither (−1)."""
    P = owner.shape[0]
    buy = np.empty(P, dtype=np.int64)
    k = 0
    for p in range(P):
        if owner[p] < 0 and 0 < allegiance_cost[p] <= treasury:
            for j in range(nbr_ptr[p], nbr_ptr[p + 1]):
                if owner[nbr_idx[j]] == f:
                    buy[k] = p
                    k += 1
                    break
    if blockade:
        return buy[:k], 0
    for p in range(P):
        if owner[p] == f and oil[p] > 0:
            return buy[:k], 1
    return buy[:k], -1


def politics_options(state: GameState, faction: int) -> list:
    """Buying a neutral town next to one's own, and setting or lifting the oil blockade."""
    w = state.world
    # Plain Python scalars: numba takes a numpy scalar argument several times more slowly.
    buy, blockade = _politics(faction, state.owner, w.allegiance_cost, float(state.treasury[faction]),
                              bool(state.blockade[faction]), state.oil, w.nbr_ptr, w.nbr_idx)
    out = [A.BuyAllegiance(w.place_ids[p]) for p in buy.tolist()]
    if blockade >= 0:
        out.append(A.SetBlockade(bool(blockade)))
    return out


def truce_options(state: GameState, faction: int) -> list:
    """Breaking the truce, where the scenario lets a side break one and one holds."""
    return [A.BreakTruce()] if peace.why_not_break(state, faction) is None else []


def works_options(state: GameState, faction: int) -> list:
    """A level of works at each place the faction could dig one now."""
    pids = state.world.place_ids
    return [A.Fortify(pids[p]) for p in fortifications.buildable(state, faction).tolist()]


@kernel
def _unit_orders(f, truce, n, u_alive, u_owner, u_backer, u_type, u_ready, u_place, u_sorties, owner, enemies,
                 is_airbase, t_air, t_speed, t_strike, t_ground, t_ad, t_range, t_sorties, air_km, paths, nbr_ptr,
                 nbr_idx, every_place, route_km, within_march):
    """The unit-and-place orders of `legal_actions` in list order, in one call: a turn's
    list is rebuilt for every order of some agents, and as separate numpy steps it cost
    more in calls than in arithmetic. Returns (who, where, ends): moves, strikes of each
    kind (STRIKE_KINDS order), relocations (unit, place) and attacks (origin, target),
    part k ending at ends[k]."""
    movers, move_reach = _move_reach(f, n, u_alive, u_owner, u_backer, u_type, u_ready, u_place, owner, t_air,
                                     t_speed, paths)
    flyers, strike_reach = _strike_reach(f, truce, n, u_alive, u_owner, u_backer, u_type, u_place, u_sorties, owner,
                                         enemies, t_air, t_strike, t_ground, t_ad, t_range, air_km)
    if truce:
        origins, targets = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    else:
        origins, targets = _attack_pairs(f, n, u_alive, u_ready, u_owner, u_backer, u_type, u_place, owner, enemies,
                                         t_ground, nbr_ptr, nbr_idx, every_place, t_speed, route_km, within_march)
    P = owner.shape[0]
    size = (movers.shape[0] + 4 * flyers.shape[0]) * P + origins.shape[0]
    who = np.empty(size, dtype=np.int64)
    where = np.empty(size, dtype=np.int64)
    ends = np.empty(6, dtype=np.int64)
    k = 0
    for i in range(movers.shape[0]):
        for p in range(P):
            if move_reach[i, p]:
                who[k], where[k] = movers[i], p
                k += 1
    ends[0] = k
    for kind in range(3):
        for i in range(flyers.shape[0]):
            for p in range(P):
                if strike_reach[i, kind, p]:
                    who[k], where[k] = flyers[i], p
                    k += 1
        ends[1 + kind] = k
    # Relocation: a squadron that has neither flown nor moved, to another held airbase.
    for i in range(flyers.shape[0]):
        u = flyers[i]
        if u_ready[u] and u_sorties[u] == t_sorties[u_type[u]]:
            for p in range(P):
                if owner[p] == f and is_airbase[p] and p != u_place[u]:
                    who[k], where[k] = u, p
                    k += 1
    ends[4] = k
    for i in range(origins.shape[0]):
        who[k], where[k] = origins[i], targets[i]
        k += 1
    ends[5] = k
    return who, where, ends


class _AttackMaker:
    """Builds the i-th attack of the (origin, target) place pairs stored from `lo` on."""

    __slots__ = ("origins", "targets", "lo", "pids")
    cls = A.Attack

    def __init__(self, origins: np.ndarray, targets: np.ndarray, lo: int, pids: list[str]):
        self.origins, self.targets, self.lo, self.pids = origins, targets, lo, pids

    def __call__(self, i: int):
        j = self.lo + i
        return A.Attack(self.pids[int(self.origins[j])], self.pids[int(self.targets[j])])


def legal_actions(state: GameState) -> ActionList:
    """Every order the active faction may give now, EndTurn last; but not attacks by
    part of a stack, splits or merges, which a person names (the agents pick from this
    list, so it stays as it was and seeded games with them do too)."""
    w = state.world
    f = state.active
    if state.over:
        return ActionList()
    if state.backer_step >= 0:
        return _send_options(state)
    pending = [e for (pf, e) in state.pending if pf == f]
    if pending:
        e = pending[0]
        out = ActionList()
        out.extend(A.ChooseOption(w.event_ids[e], o) for o in w.events[e].choice.options)
        return out
    out = ActionList()
    pids = w.place_ids
    who, where, ends = _unit_orders(
        f, state.truce > 0, state.n_units, state.u_alive, state.u_owner, state.u_backer, state.u_type, state.u_ready,
        state.u_place, state.u_sorties, state.owner, w.enemies, w.is_airbase, w.t_air, w.t_speed,
        armed_strike(state, f) if w.M else w.t_strike, w.t_ground, w.t_ad, w.t_range, w.t_sorties, w.air_km,
        state.march_paths(f), w.nbr_ptr, w.nbr_idx, w.every_place, w.route_km, w.within_march)
    e = ends.tolist()
    if e[0]:
        out.add_lazy(e[0], _Maker(A.Move, who, where, 0, e[0], pids))
    for k, kind in enumerate(STRIKE_KINDS):
        if e[1 + k] > e[k]:
            out.add_lazy(e[1 + k] - e[k], _Maker(A.DroneStrike, who, where, e[k], e[1 + k] - e[k], pids, kind))
    if e[4] > e[3]:
        out.add_lazy(e[4] - e[3], _Maker(A.Relocate, who, where, e[3], e[4] - e[3], pids))
    if e[5] > e[4]:
        out.add_lazy(e[5] - e[4], _AttackMaker(who, where, e[4], pids))
    types, towns = recruit_options(state, f)
    if types:
        tids = [w.type_ids[t] for t in types]
        out.add_lazy(len(types) * len(towns), lambda i: A.Recruit(tids[i // len(towns)], pids[towns[i % len(towns)]]),
                     A.Recruit)
    # Built when looked at, as the unit orders are: a side is offered a dozen packages
    # a turn and an agent looks at few of them.
    asks = open_requests(state, f)
    if asks:
        out.add_lazy(len(asks), lambda i: request_order(w, asks[i]), A.RequestSupport)
    out.extend(politics_options(state, f))
    out.extend(works_options(state, f))
    if state.truce > 0:
        out.extend(truce_options(state, f))
    out.append(A.EndTurn())
    return out


def _send_options(state: GameState) -> ActionList:
    """What the seated backer in its step may order: each package it has open, then the
    end of its step."""
    w = state.world
    b = state.backer_step
    bid = w.backer_ids[b]
    out = ActionList()
    out.extend(A.SendPackage(bid, w.packages[k].id) for k in open_packages(state, w.packages_of_backer[b]))
    out.append(A.EndTurn())
    return out


def _move(state: GameState, f: int, action) -> list[Report]:
    w = state.world
    u = action.unit
    frm = int(state.u_place[u])
    to = w.pidx[action.to]
    state.u_place[u] = to
    state.u_ready[u] = False
    names = w.place_names
    return [Report("move", f"{w.type_names[state.u_type[u]]} moves {names[frm]} → {names[to]}",
                  state.turn, w.faction_ids[f], {"unit": u, "from": w.place_ids[frm], "to": action.to})]


def _attack(state: GameState, f: int, action) -> list[Report]:
    w = state.world
    return resolve_attack(state, f, w.pidx[action.origin], w.pidx[action.target], action.units)


def _strike(state: GameState, f: int, action) -> list[Report]:
    return strike(state, action.unit, state.world.pidx[action.target], action.kind)


def _relocate(state: GameState, f: int, action) -> list[Report]:
    w = state.world
    u = action.unit
    state.u_place[u] = w.pidx[action.to]
    state.u_ready[u] = False
    state.u_sorties[u] = 0
    return [Report("move", f"{w.types[state.u_type[u]].name} relocates to {w.place_name(w.pidx[action.to])}",
                  state.turn, w.faction_ids[f], {"unit": u, "to": action.to})]


def _recruit(state: GameState, f: int, action) -> list[Report]:
    w = state.world
    t, p = w.tidx[action.unit_type], w.pidx[action.place]
    state.treasury[f] -= w.types[t].cost
    state.manpower[f] -= w.types[t].manpower
    state.raised[p] += w.types[t].manpower
    state.add_unit(t, f, p)
    return [Report("recruit", f"{w.faction_short(f)} raises {w.types[t].name} at {w.place_name(p)}", state.turn,
                  w.faction_ids[f], {"type": action.unit_type, "place": action.place})]


def _request(state: GameState, f: int, action) -> list[Report]:
    return request(state, f, state.world.kidx[(action.backer, action.package)])


def _buy(state: GameState, f: int, action) -> list[Report]:
    w = state.world
    p = w.pidx[action.place]
    state.treasury[f] -= w.allegiance_cost[p]
    state.set_owner(p, f)
    state.local_defence[p] = 0.0
    return [Report("control", f"{w.place_name(p)} sides with the {w.faction_short(f)}", state.turn, w.faction_ids[f],
                  {"place": action.place})]


def _fortify(state: GameState, f: int, action) -> list[Report]:
    return fortifications.start(state, f, state.world.pidx[action.place])


def _blockade(state: GameState, f: int, action) -> list[Report]:
    w = state.world
    state.blockade[f] = action.on
    verb = "shuts the oil fields and terminals it holds" if action.on else "lets the oil flow again"
    return [Report("blockade", f"{w.faction_short(f)} {verb}", state.turn, w.faction_ids[f], {"on": action.on})]


def _break_truce(state: GameState, f: int, action) -> list[Report]:
    return peace.break_truce(state, f)


def _choose(state: GameState, f: int, action) -> list[Report]:
    return choose(state, f, state.world.eidx[action.event], action.option)


def _send(state: GameState, f: int, action) -> list[Report]:
    return send(state, state.world.kidx[(action.backer, action.package)])


def _end(state: GameState, f: int, action) -> list[Report]:
    if state.backer_step >= 0:
        return end_step(state)  # the backer's step ends, not the side's turn
    return advance(state)


def _split(state: GameState, f: int, action) -> list[Report]:
    return split(state, f, action.unit, float(action.strength))


def _merge(state: GameState, f: int, action) -> list[Report]:
    return merge(state, f, action.unit, action.into)


_CARRY_OUT = {A.Move: _move, A.Attack: _attack, A.DroneStrike: _strike, A.Relocate: _relocate, A.Split: _split,
              A.Merge: _merge, A.Recruit: _recruit, A.RequestSupport: _request, A.SendPackage: _send,
              A.BuyAllegiance: _buy, A.Fortify: _fortify, A.SetBlockade: _blockade, A.BreakTruce: _break_truce,
              A.ChooseOption: _choose, A.EndTurn: _end}


def apply(state: GameState, action, checked: bool = False) -> list[Report]:
    """Carry out one order of the active faction; raise IllegalAction if the rules forbid it.

    `checked` says the caller has already made sure the order is legal in this very
    state (as the AI does, taking its orders from the rules' own lists of what is
    legal), so it is not checked a second time."""
    if not checked:
        reason = why_illegal(state, action)
        if reason is not None:
            raise IllegalAction(reason)
    state.action_count += 1
    return _CARRY_OUT[type(action)](state, state.active, action)
