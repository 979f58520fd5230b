"""From clicks to orders: what is selected, which orders the rules allow for it
(taken from `legal_actions`, never guessed), and what a click on a place means.

An order the rules refuse is never dropped silently: `click_place` returns the
engine's own explanation (`why_illegal`) for the player to read.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from ..engine import actions as A
from ..engine import legal_actions, why_illegal
from ..engine.combat import battle_terms, marchers, win_chance
from ..engine.fortifications import defence_factor
from ..engine.preview import Preview, preview
from . import describe as D
from . import gfx
from .map_view import Marks


class LegalIndex:
    """The active faction's legal orders, sorted by what they act on."""

    def __init__(self, state):
        w = state.world
        self.moves: dict[int, set[int]] = defaultdict(set)
        self.attacks: dict[int, set[int]] = defaultdict(set)
        self.strikes: dict[int, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.relocations: dict[int, set[int]] = defaultdict(set)
        self.recruits: dict[int, list[str]] = defaultdict(list)
        self.requests: set[tuple[str, str]] = set()
        self.buys: set[int] = set()
        self.blockade: A.SetBlockade | None = None
        self.choices: list[A.ChooseOption] = []
        self.count = 0
        for a in legal_actions(state):
            self.count += 1
            if isinstance(a, A.Move):
                self.moves[a.unit].add(w.pidx[a.to])
            elif isinstance(a, A.Attack):
                self.attacks[w.pidx[a.origin]].add(w.pidx[a.target])
            elif isinstance(a, A.DroneStrike):
                self.strikes[a.unit][w.pidx[a.target]].append(a.kind)
            elif isinstance(a, A.Relocate):
                self.relocations[a.unit].add(w.pidx[a.to])
            elif isinstance(a, A.Recruit):
                self.recruits[w.pidx[a.place]].append(a.unit_type)
            elif isinstance(a, A.RequestSupport):
                self.requests.add((a.backer, a.package))
            elif isinstance(a, A.BuyAllegiance):
                self.buys.add(w.pidx[a.place])
            elif isinstance(a, A.SetBlockade):
                self.blockade = a
            elif isinstance(a, A.ChooseOption):
                self.choices.append(a)

    def unit_has_orders(self, u: int) -> bool:
        return bool(self.moves.get(u) or self.strikes.get(u) or self.relocations.get(u))


@dataclass
class Click:
    """What a click on the map asks for."""

    kind: str  # "select", "order", "attack", "strike", "refused", "none"
    action: object = None
    message: str = ""
    place: int | None = None
    unit: int | None = None
    kinds: tuple = ()


class Orders:
    def __init__(self, session):
        self.session = session
        self.selected_place: int | None = None
        self.selected_unit: int | None = None
        self._index: LegalIndex | None = None
        self._index_version = -1
        self._odds: dict[tuple, object] = {}  # attack odds and previews, until the game changes
        self._odds_version = -1

    @property
    def state(self):
        return self.session.state

    @property
    def world(self):
        return self.session.world

    # -- what the rules allow now -----------------------------------------------------
    def index(self) -> LegalIndex:
        if self._index is None or self._index_version != self.session.version:
            self._index = LegalIndex(self.state)
            self._index_version = self.session.version
        return self._index

    def _kept(self, key: tuple, work_out):
        """What the rules say about a proposed order, worked out once and kept until the
        game changes."""
        if self._odds_version != self.session.version:
            self._odds.clear()
            self._odds_version = self.session.version
        if key not in self._odds:
            self._odds[key] = work_out()
        return self._odds[key]

    def odds(self, origin: int, target: int, units: tuple[int, ...] | None = None) -> float:
        """The engine's own chance for the attack (by `units` only, if given)."""
        return self._kept(("odds", origin, target, units),
                          lambda: win_chance(self.state, self.state.active, origin, target, units))

    def terms(self, origin: int, target: int, units: tuple[int, ...] | None = None) -> dict[str, float]:
        """Where the attack's odds come from (`engine.combat.battle_terms`)."""
        return self._kept(("terms", origin, target, units),
                          lambda: battle_terms(self.state, self.state.active, origin, target, units))

    def preview(self, action: A.Attack | A.DroneStrike) -> Preview:
        """What the order is likely to cost, from the rules' own trial runs (`engine.preview`)."""
        return self._kept(("preview", action), lambda: preview(self.state, action))

    def can_order(self) -> bool:
        """Whether the player may give units orders now (a backer's seat gives none)."""
        return self.session.human is not None and self.session.is_human_turn()

    # -- selection ----------------------------------------------------------------------
    def clear(self) -> None:
        self.selected_place = None
        self.selected_unit = None

    def validate(self) -> None:
        """Drop a selection the game has made stale (a unit killed, a place lost)."""
        u = self.selected_unit
        if u is not None and (u >= self.state.n_units or not self.state.u_alive[u]):
            self.selected_unit = None
        elif u is not None:
            self.selected_place = int(self.state.u_place[u])

    def my_units_at(self, p: int) -> list[int]:
        s = self.state
        f = self.session.human
        if f is None:
            return []
        return [int(u) for u in s.units_at(p, f) if s.u_backer[u] < 0]

    def best_unit_at(self, p: int) -> int | None:
        """The unit a click on a place picks: a ready one that has orders, ground first."""
        units = self.my_units_at(p)
        if not units:
            return None
        idx = self.index() if self.can_order() else None
        w, s = self.world, self.state

        def rank(u):
            has = idx.unit_has_orders(u) if idx is not None else False
            return (not has, bool(w.t_air[s.u_type[u]]), -float(s.u_str[u]), u)

        return min(units, key=rank)

    def select_place(self, p: int | None, pick_unit: bool = True) -> None:
        self.selected_place = p
        self.selected_unit = self.best_unit_at(p) if (p is not None and pick_unit) else None

    def select_unit(self, u: int) -> None:
        self.selected_unit = u
        self.selected_place = int(self.state.u_place[u])

    def next_unit(self) -> int | None:
        """Tab: the next of your units that can still do something this turn."""
        if not self.can_order():
            return None
        idx = self.index()
        s = self.state
        f = self.session.human
        n = s.n_units
        mine = [u for u in range(n) if s.u_alive[u] and s.u_owner[u] == f and s.u_backer[u] < 0]
        useful = [u for u in mine if idx.unit_has_orders(u) or (s.u_ready[u] and idx.attacks.get(int(s.u_place[u])))]
        if not useful:
            return None
        # Order by place, so Tab walks along the front rather than jumping about.
        useful.sort(key=lambda u: (int(s.u_place[u]), u))
        cur = self.selected_unit
        after = [u for u in useful if cur is None or (int(s.u_place[u]), u) > (int(s.u_place[cur]), cur)]
        u = after[0] if after else useful[0]
        self.select_unit(u)
        return u

    # -- what the map should show -----------------------------------------------------------
    def marks(self, hover: int | None = None) -> Marks:
        s, w = self.state, self.world
        self.validate()
        mk = Marks(selected_place=self.selected_place, selected_unit=self.selected_unit, hover=hover,
                   you=self.session.human, your_turn=self.can_order())
        u = self.selected_unit
        if u is not None:
            t = int(s.u_type[u])
            if w.t_air[t] and w.t_range[t] > 0:
                mk.range_rings.append((int(s.u_place[u]), float(w.t_range[t]), gfx.STRIKE))
        if not self.can_order():
            return mk
        idx = self.index()
        if u is not None:
            mk.moves = set(idx.moves.get(u, ()))
            mk.strikes = set(idx.strikes.get(u, {}).keys())
            mk.relocations = set(idx.relocations.get(u, ()))
        p = self.selected_place
        if p is not None and (u is None or not w.t_air[s.u_type[u]]):
            for t in idx.attacks.get(p, ()):
                mk.attacks[t] = self.odds(p, t)
        return mk

    # -- clicks ------------------------------------------------------------------------------
    def _refusal(self, action) -> Click:
        reason = why_illegal(self.state, action)
        if reason is None:  # allowed after all (the index was built for this same state)
            return Click("order", action)
        return Click("refused", action, message=reason)

    def click_place(self, p: int, right: bool = False) -> Click:
        """Left click selects or gives the highlighted order; right click always tries
        the order (and explains a refusal)."""
        s, w = self.state, self.world
        pid = w.place_ids[p]
        if not self.can_order():
            if right:
                return Click("refused", message="it is not your turn" if not s.over else "the game is over")
            self.select_place(p, pick_unit=False)
            return Click("select", place=p)
        if self.session.pending_question() is not None:
            return Click("refused", message=why_illegal(s, A.EndTurn()) or "answer the question first")
        idx = self.index()
        u = self.selected_unit
        here = self.selected_place
        if u is not None and s.u_alive[u]:
            t = int(s.u_type[u])
            origin = int(s.u_place[u])
            if w.t_air[t]:
                kinds = idx.strikes.get(u, {}).get(p)
                if kinds:
                    return Click("strike", unit=u, place=p, kinds=tuple(kinds))
                if p in idx.relocations.get(u, ()):
                    return Click("order", A.Relocate(u, pid))
                if p == origin and not right:
                    self.select_place(p, pick_unit=False)
                    return Click("select", place=p)
                if not right and self.my_units_at(p):
                    self.select_place(p)
                    return Click("select", place=p)
                if s.owner[p] == s.active and w.is_airbase[p]:
                    return self._refusal(A.Relocate(u, pid))
                return self._refusal(A.DroneStrike(u, pid, "units"))
            if p in idx.moves.get(u, ()):
                return Click("order", A.Move(u, pid))
            if p in idx.attacks.get(origin, ()):
                return Click("attack", A.Attack(w.place_ids[origin], pid), place=p)
            if p == origin and not right:
                self.select_place(p, pick_unit=False)
                return Click("select", place=p)
            if not right and self.my_units_at(p):
                self.select_place(p)
                return Click("select", place=p)
            if s.owner[p] == s.active:
                return self._refusal(A.Move(u, pid))
            return self._refusal(A.Attack(w.place_ids[origin], pid))
        if here is not None and p in idx.attacks.get(here, ()):
            return Click("attack", A.Attack(w.place_ids[here], pid), place=p)
        if right and here is not None and p != here:
            if s.owner[here] == s.active and s.owner[p] != s.active:
                return self._refusal(A.Attack(w.place_ids[here], pid))
            return Click("refused", message="select one of your units first, then choose where it goes")
        self.select_place(p)
        return Click("select", place=p)

    def attack_summary(self, origin: int, target: int) -> dict:
        """Forces on each side of a proposed attack, from the state arrays."""
        s, w = self.state, self.world
        f = s.active
        atk = [int(u) for u in marchers(s, f, origin, target)]  # those who cannot march the road stay behind
        owner = int(s.owner[target])
        dfd = [] if owner < 0 else [int(u) for u in s.units_at(target, owner)
                                    if w.t_ground[s.u_type[u]] or w.t_ad[s.u_type[u]]]
        return {
            "attackers": atk,
            "attack_strength": float(np.sum(s.u_str[atk])) if atk else 0.0,
            "defenders": dfd,
            "defence_strength": (float(np.sum(s.u_str[dfd])) if dfd else 0.0) + float(s.local_defence[target]),
            "locals": float(s.local_defence[target]),
            "owner": owner,
            "terrain": w.spec.map.places[w.place_ids[target]].terrain.value,
            "terrain_factor": float(w.terrain_defence[target]),
            "works": float(s.works[target]),
            "works_factor": defence_factor(s, target),
            "chance": self.odds(origin, target),
        }

    # -- leaving a place bare -------------------------------------------------------------------
    def bared(self, place: int, leaving, advancing_into: int | None = None) -> str | None:
        """A warning, in HTML, when the ground units `leaving` are the last of the player's
        at `place` and an enemy holds a place next to it (or stands there); else None.
        An attack's winners advance into the target, so that neighbour is theirs then
        and does not count (`advancing_into`)."""
        s, w = self.state, self.world
        f = self.session.human
        if f is None or s.owner[place] != f:
            return None
        gone = {int(u) for u in leaving}
        stay = [int(u) for u in s.units_at(place, f) if int(u) not in gone and w.t_ground[s.u_type[u]]]
        if stay or not any(w.t_ground[s.u_type[u]] for u in gone):
            return None
        near = []
        for n in w.neighbours[place]:
            n = int(n)
            if n == advancing_into:
                continue
            held = int(s.owner[n]) >= 0 and w.enemies[f, int(s.owner[n])]
            troops = sum(float(s.u_str[u]) for u in s.units_at(n)
                         if w.enemies[f, s.u_owner[u]] and w.t_ground[s.u_type[u]])
            if held or troops > 0:
                near.append((troops, n))
        if not near:
            return None
        near.sort(reverse=True)
        beside = " and ".join(f"{D.esc(w.place_name(n))} ({D.people(t)} enemy)" if t else
                              D.esc(w.place_name(n)) for t, n in near[:3])
        locals_ = float(s.local_defence[place])
        held_by = (f"only its {D.people(locals_)} armed locals would hold it" if locals_ > 0
                   else "nobody would hold it: an enemy could walk in")
        return (f"<font color='{D.BAD}'><b>{D.esc(w.place_name(place))} would be left without a garrison</b></font> "
                f"beside {beside}; {held_by}.")
