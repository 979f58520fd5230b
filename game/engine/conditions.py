"""What the scenario's conditions mean: each kind as a function of the game state,
what it reads, and which places' change of hands can change its answer. Events, red
lines and victory read them; the world compiles them once, before any state exists."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..scenario import model as m
from .reach import enemy_held

if TYPE_CHECKING:  # a type only: the world (which the state needs) reads conditions first
    from .state import GameState


def faction_stat(state: GameState, faction: int, stat: str) -> float:
    w = state.world
    if stat == "strength":
        n = state.n_units
        mask = state.u_alive[:n] & (state.u_owner[:n] == faction) & w.t_ground[state.u_type[:n]]
        return float(state.u_str[:n][mask].sum())
    if stat == "places":
        return float(np.count_nonzero(state.owner == faction))
    return float(getattr(state, stat)[faction])


def holds(state: GameState, cond) -> bool:
    """Whether a scenario condition holds in this state."""
    if cond is None:
        return True
    tests = state.world.condition_tests
    known = tests.get(id(cond))
    if known is None or known[0] is not cond:
        known = tests[id(cond)] = (cond, _test(state.world, cond))
    return bool(known[1](state))


def _test(w, cond):
    """The condition as a function of the state, with its ids looked up once: the
    statement of what each kind of condition means."""
    if cond is None:
        return lambda s: True
    if isinstance(cond, m.OwnsCond):
        place, who = w.pidx[cond.place], (w.fidx[cond.faction] if cond.faction else -1)
        return lambda s: s.owner[place] == who
    if isinstance(cond, m.TurnCond):
        turn = cond.turn
        return lambda s: s.turn >= turn
    if isinstance(cond, m.FlagCond):
        flag = cond.flag
        return lambda s: flag in s.flags
    if isinstance(cond, m.CommitmentCond):
        b, value = w.bidx[cond.backer], cond.value
        return lambda s: s.commitment[b] >= value
    if isinstance(cond, m.StatCond):
        f, stat, value = w.fidx[cond.faction], cond.stat, cond.value
        if cond.test == "stat_below":
            return lambda s: faction_stat(s, f, stat) < value
        return lambda s: faction_stat(s, f, stat) > value
    if isinstance(cond, m.NearCond):
        f = w.fidx[cond.faction]
        near = np.flatnonzero(w.road_km[w.pidx[cond.place]] <= cond.km)

        def enemy_near(s) -> bool:
            return bool(np.any(enemy_held(w, s.owner[near], f)))
        return enemy_near
    if isinstance(cond, m._Count):
        count = _counter(w, cond)
        lo = cond.at_least if cond.at_least is not None else -np.inf
        hi = cond.at_most if cond.at_most is not None else np.inf
        return lambda s: lo <= count(s) <= hi
    if isinstance(cond, (m.AllCond, m.AnyCond)):
        parts = [_test(w, c) for c in cond.of]
        if isinstance(cond, m.AllCond):
            def all_of(s) -> bool:
                for part in parts:
                    if not part(s):
                        return False
                return True
            return all_of

        def any_of(s) -> bool:
            for part in parts:
                if part(s):
                    return True
            return False
        return any_of
    if isinstance(cond, m.NotCond):
        part = _test(w, cond.of)
        return lambda s: not part(s)
    raise TypeError(f"unknown condition {cond!r}")


def _area(w, cond) -> np.ndarray | slice:
    """The places a count covers: one, a region's, or all of them."""
    if cond.place is not None:
        return np.array([w.pidx[cond.place]])
    if cond.region is not None:
        return np.flatnonzero(w.region == w.regions.index(cond.region))
    return slice(None)


def _counter(w, cond):
    """What a counting condition counts, as a function of the state."""
    if isinstance(cond, m.VariableCond):
        v = w.vidx[cond.variable]
        return lambda s: int(s.variables[v])
    if isinstance(cond, m.SentCond):
        k = w.kidx[(cond.backer, cond.package)]
        return lambda s: int(s.sent[k])
    if isinstance(cond, m.DeliveredCond):
        k = w.kidx[(cond.backer, cond.package)]
        return lambda s: int(s.arrived[k])
    if isinstance(cond, m.LossesCond):
        f = w.fidx[cond.faction]
        return lambda s: float(s.losses[f])
    if isinstance(cond, m.StruckCond):
        where = _area(w, cond)
        if cond.by is not None:
            f = w.fidx[cond.by]
            return lambda s: int(s.struck[f, where].sum())
        return lambda s: int(s.struck[:, where].sum())
    if isinstance(cond, m.HarmCond):
        where = _area(w, cond)
        return lambda s: float(s.harm[where].sum())
    raise TypeError(f"unknown count {cond!r}")


def reads(cond) -> frozenset[str]:
    """What a condition reads of the game, so that a caller can tell when its answer
    may have changed: 'owner' (who holds what), 'turn', 'flags' (the scenario's flags
    and counters, which only effects change), 'commitment' (of backers, and what they
    have sent) or 'stats' (a faction's funds, men, standing, cohesion or strength, and
    what strikes and battles have done)."""
    if cond is None:
        return frozenset()
    if isinstance(cond, (m.OwnsCond, m.NearCond)):
        return frozenset({"owner"})
    if isinstance(cond, m.TurnCond):
        return frozenset({"turn"})
    if isinstance(cond, (m.FlagCond, m.VariableCond)):
        return frozenset({"flags"})
    if isinstance(cond, (m.SentCond, m.DeliveredCond)):
        return frozenset({"commitment"})
    if isinstance(cond, (m.StruckCond, m.HarmCond, m.LossesCond)):
        return frozenset({"stats"})
    if isinstance(cond, m.CommitmentCond):
        return frozenset({"commitment"})
    if isinstance(cond, m.StatCond):
        return frozenset({"owner"} if cond.stat == "places" else {"stats"})
    if isinstance(cond, (m.AllCond, m.AnyCond)):
        return frozenset().union(*(reads(c) for c in cond.of))
    if isinstance(cond, m.NotCond):
        return reads(cond.of)
    raise TypeError(f"unknown condition {cond!r}")


def swayed_by(world, cond) -> np.ndarray:
    """Mask over places: those whose change of hands alone can change the condition's
    answer (it reads who holds them, or how many places a side holds)."""
    w = world
    if isinstance(cond, m.OwnsCond):
        return np.arange(w.P) == w.pidx[cond.place]
    if isinstance(cond, m.NearCond):
        return w.road_km[w.pidx[cond.place]] <= cond.km
    if isinstance(cond, m.StatCond) and cond.stat == "places":
        return np.ones(w.P, dtype=bool)
    if isinstance(cond, (m.AllCond, m.AnyCond)):
        return np.logical_or.reduce([swayed_by(w, c) for c in cond.of])
    if isinstance(cond, m.NotCond):
        return swayed_by(w, cond.of)
    return np.zeros(w.P, dtype=bool)
