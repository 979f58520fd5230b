"""The scenario's own events: conditions on the state, and effects from the
format's fixed vocabulary. Nothing here knows about any particular war."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..scenario import model as m
from .events import Event

if TYPE_CHECKING:  # the world reads conditions (`reads`) before any state exists
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
            owners = s.owner[near]
            return bool(np.any((owners >= 0) & w.enemies[f, np.maximum(owners, 0)]))
        return enemy_near
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


def reads(cond) -> frozenset[str]:
    """What a condition reads of the game, so that a caller can tell when its answer
    may have changed: 'owner' (who holds what), 'turn', 'flags', 'commitment' (of
    backers) or 'stats' (a faction's funds, men, standing, cohesion or strength)."""
    if cond is None:
        return frozenset()
    if isinstance(cond, (m.OwnsCond, m.NearCond)):
        return frozenset({"owner"})
    if isinstance(cond, m.TurnCond):
        return frozenset({"turn"})
    if isinstance(cond, m.FlagCond):
        return frozenset({"flags"})
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


def apply_effect(state: GameState, eff, source: str) -> list[Event]:
    from . import politics
    from .combat import capture

    w = state.world
    t = state.turn
    if isinstance(eff, m.SetOwnerEffect):
        place = w.pidx[eff.place]
        who = w.fidx[eff.faction] if eff.faction else -1
        capture(state, who, place)
        return [Event("control", f"{w.place_name(place)} passes to {w.faction_short(who)}", t, eff.faction, {"place": eff.place})]
    if isinstance(eff, m.StatEffect):
        f = w.fidx[eff.faction]
        arr = getattr(state, eff.effect)
        arr[f] = arr[f] + eff.delta
        if eff.effect in ("legitimacy", "cohesion"):
            arr[f] = min(100.0, max(0.0, arr[f]))
        elif eff.effect == "manpower":
            arr[f] = max(0.0, arr[f])
        return []
    if isinstance(eff, m.CommitmentEffect):
        b = w.bidx[eff.backer]
        state.commitment[b] = min(100.0, max(0.0, state.commitment[b] + eff.delta))
        return []
    if isinstance(eff, m.SpawnEffect):
        f, p, ty = w.fidx[eff.faction], w.pidx[eff.place], w.tidx[eff.type]
        if state.owner[p] != f:
            # The place changed hands: they gather at the nearest place their side holds.
            held = np.flatnonzero(state.owner == f)
            if len(held) == 0:
                return []
            p = int(held[np.argmin(w.road_km[p, held])])
        for _ in range(eff.count):
            state.add_unit(ty, f, p, eff.strength, backer=w.bidx[eff.backer] if eff.backer else -1)
        return [Event("reinforce", f"{eff.count} × {w.types[ty].name} appear at {w.place_name(p)}", t, eff.faction,
                      {"place": w.place_ids[p], "type": eff.type, "count": eff.count})]
    if isinstance(eff, m.DisbandEffect):
        f = w.fidx[eff.faction]
        mi = w.militia_ids[f].index(eff.militia) if eff.militia else None
        bi = w.bidx[eff.backer] if eff.backer else None
        politics.disband(state, f, mi, bi, eff.fraction)
        return []
    if isinstance(eff, m.DefectEffect):
        f = w.fidx[eff.faction]
        if eff.militia not in w.militia_ids[f]:
            return []
        return politics.defect(state, f, w.militia_ids[f].index(eff.militia), w.fidx[eff.to])
    if isinstance(eff, m.FlagEffect):
        state.flags.add(eff.flag)
        return []
    if isinstance(eff, m.BlockadeEffect):
        state.blockade[w.fidx[eff.faction]] = eff.on
        return []
    if isinstance(eff, m.OilEffect):
        state.oil[w.pidx[eff.place]] = eff.bpd
        return []
    if isinstance(eff, m.EmbargoEffect):
        state.embargo = eff.level
        return []
    if isinstance(eff, m.TruceEffect):
        state.truce = eff.turns
        return []
    if isinstance(eff, m.UnlockEffect):
        state.unlocked[w.kidx[(eff.backer, eff.package)]] = True
        return []
    if isinstance(eff, m.MessageEffect):
        return [Event("message", eff.text, t, None, {"source": source})]
    raise TypeError(f"unknown effect {eff!r}")


def apply_effects(state: GameState, effects, source: str) -> list[Event]:
    out: list[Event] = []
    for eff in effects:
        out += apply_effect(state, eff, source)
    return out


def events_phase(state: GameState) -> list[Event]:
    w = state.world
    turn = state.turn
    fired = state.fired
    out: list[Event] = []
    for i, (lo, hi) in enumerate(w.event_turns):
        # A turn spans several days; an event whose window touches any of them may fire.
        if turn < lo or turn > hi:
            continue
        ev = w.events[i]
        if i in fired and not ev.repeat:
            continue
        if not holds(state, ev.when):
            continue
        if ev.probability < 1.0 and state.rng.random() >= ev.probability:
            continue
        state.fired.add(i)
        out.append(Event("scripted", ev.name, state.turn, None, {"event": w.event_ids[i], "text": ev.text}))
        out += apply_effects(state, ev.effects, w.event_ids[i])
        if ev.choice is not None:
            state.pending.append((w.fidx[ev.choice.faction], i))
    return out


def choose(state: GameState, faction: int, event: int, option: str) -> list[Event]:
    w = state.world
    ev = w.events[event]
    state.pending.remove((faction, event))
    opt = ev.choice.options[option]
    out = [Event("choice", f"{w.faction_short(faction)}: {opt.label}", state.turn, w.faction_ids[faction],
                 {"event": w.event_ids[event], "option": option})]
    return out + apply_effects(state, opt.effects, w.event_ids[event])
