"""The scenario's own events (the YAML's `events:`): when they fire, and their effects, from the format's
fixed vocabulary. Nothing here knows about any particular war. What their conditions
mean is in `conditions`."""

from __future__ import annotations

import numpy as np

from ..scenario import model as m
from . import fortifications, peace, politics, routes
from .conditions import holds
from .reports import Report
from .gauges import shift
from .state import GameState, lose_share
from .territory import capture


def _cause(w, source: str) -> str:
    """What to call an effect's source in a gauge's ledger: the event's name, or the
    backer whose red line it is."""
    if source in w.spec.events:
        return w.spec.events[source].name
    if source in w.bidx:
        return f"{w.backers[w.bidx[source]].name}'s red line"
    return source


def _rout(state: GameState, place: int, winner: int, share: float) -> dict[int, float]:
    """Every side but `winner` loses `share` of its units' strength at `place`, before they
    fall back (`territory.capture`): a garrison scattered by surprise. It counts among
    the side's losses, as a battle's do. Returns the strength each side lost, by faction
    index."""
    w = state.world
    out: dict[int, float] = {}
    for f in range(w.F):
        if f == winner:
            continue
        units = state.units_at(place, f)
        if len(units):
            lost = lose_share(units, share, w.rules.supply.unit_floor, state.u_alive, state.u_type, state.u_str,
                              w.t_strength)
            if lost > 0:
                out[f] = float(lost)
                state.count_loss(f, float(lost))
    return out


def apply_effect(state: GameState, eff, source: str) -> list[Report]:
    w = state.world
    t = state.turn
    if isinstance(eff, m.SetOwnerEffect):
        place = w.pidx[eff.place]
        who = w.fidx[eff.faction] if eff.faction else -1
        locals_ = float(state.local_defence[place])
        routed = _rout(state, place, who, eff.rout) if eff.rout > 0 else {}
        capture(state, who, place)
        kept = ""
        if eff.keep_locals and locals_ > 0:
            state.local_defence[place] = locals_
            kept = f", with its {locals_:,.0f} armed locals"
        data = {"place": eff.place}
        if routed:
            kept += "; " + ", ".join(f"{w.faction_short(f)} loses {lost:,.0f} as it falls back"
                                     for f, lost in routed.items())
            data["lost"] = {w.faction_ids[f]: round(lost, 1) for f, lost in routed.items()}
        return [Report("control", f"{w.place_name(place)} passes to {w.faction_short(who)}{kept}", t, eff.faction,
                       data)]
    if isinstance(eff, m.StatEffect):
        f = w.fidx[eff.faction]
        arr = getattr(state, eff.effect)
        if eff.effect in ("legitimacy", "cohesion"):
            shift(state, eff.effect, f, eff.delta, _cause(w, source))
        else:
            arr[f] = arr[f] + eff.delta
            if eff.effect == "manpower":
                arr[f] = max(0.0, arr[f])
        return []
    if isinstance(eff, m.CommitmentEffect):
        b = w.bidx[eff.backer]
        shift(state, "commitment", b, eff.delta, _cause(w, source))
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
        return [Report("reinforce", f"{eff.count} × {w.types[ty].name} appear at {w.place_name(p)}", t, eff.faction,
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
        return peace.start_truce(state, eff.turns, eff.broker)
    if isinstance(eff, m.SettleEffect):
        return peace.settle(state, eff.note, eff.shares)
    if isinstance(eff, m.UnlockEffect):
        state.unlocked[w.kidx[(eff.backer, eff.package)]] = True
        return []
    if isinstance(eff, m.FortifyEffect):
        p = w.pidx[eff.place]
        level = eff.level if eff.level is not None else float(state.works[p]) + eff.delta
        fortifications.set_level(state, p, level)
        return [Report("works", f"Works at {w.place_name(p)} now at level {state.works[p]:.1f}", t, None,
                       {"place": eff.place, "level": round(float(state.works[p]), 2)})]
    if isinstance(eff, m.VariableEffect):
        v = w.vidx[eff.variable]
        state.variables[v] = eff.set if eff.set is not None else state.variables[v] + eff.add
        return []
    if isinstance(eff, m.RouteEffect):
        return routes.set_open(state, eff.a, eff.b, eff.open)
    if isinstance(eff, m.MessageEffect):
        return [Report("message", eff.text, t, None, {"source": source})]
    raise TypeError(f"unknown effect {eff!r}")


def apply_effects(state: GameState, effects, source: str) -> list[Report]:
    out: list[Report] = []
    for eff in effects:
        out += apply_effect(state, eff, source)
    return out


def events_phase(state: GameState) -> list[Report]:
    if state.winner is not None:
        return []  # settled earlier this round (a red line's terms): nothing more happens
    w = state.world
    turn = state.turn
    fired = state.fired
    out: list[Report] = []
    # A turn spans several days; an event whose window touches any of them may fire.
    for i in w.events_in_turn(turn):
        ev = w.events[i]
        if i in fired and not ev.repeat:
            continue
        if not holds(state, ev.when):
            continue
        if ev.probability < 1.0 and state.rng.random() >= ev.probability:
            continue
        state.fired.add(i)
        out.append(Report("scripted", ev.name, state.turn, None, {"event": w.event_ids[i], "text": ev.text}))
        out += apply_effects(state, ev.effects, w.event_ids[i])
        if ev.choice is not None:
            state.pending.append((w.fidx[ev.choice.faction], i))
        if state.winner is not None:
            break  # the war was settled: nothing more happens
    return out


def choose(state: GameState, faction: int, event: int, option: str) -> list[Report]:
    w = state.world
    ev = w.events[event]
    state.pending.remove((faction, event))
    opt = ev.choice.options[option]
    out = [Report("choice", f"{w.faction_short(faction)}: {opt.label}", state.turn, w.faction_ids[faction],
                 {"event": w.event_ids[event], "option": option})]
    return out + apply_effects(state, opt.effects, w.event_ids[event])
