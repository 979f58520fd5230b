"""Splitting a ground unit in two and merging two into one: a person's way to leave a
garrison behind, or to gather a stack back up. Neither rolls dice or changes what a
side fights with: fighters, upkeep (paid per fighter) and power (summed per fighter)
stay the same, so only where they can go changes.

Only ground units split and merge. A drone squadron flies its sorties and an
air-defence battery covers its radius per unit, so two of them would be worth more
than one; a ground unit is worth its fighters wherever they stand.

These orders are not in `legal_actions`: a split's strength is any number in a range,
and the agents plan in whole units. So no AI gives them and seeded lab games stay as
they were; a person, a save or a replay can (`rules.apply` checks them like any order).
"""

from __future__ import annotations

import math

from .reports import Report
from .invariants import MAX_NAME
from .state import GameState

DETACHED = " (detachment)"  # added to the name of the part that leaves


def split_range(state: GameState, unit: int) -> tuple[float, float]:
    """The fighters that may leave `unit` in a split, lowest and highest (lowest >
    highest: it cannot split). Each part keeps at least the floor below which the
    rules break a worn unit up (`supply.unit_floor` of full strength), so that a split
    never throws fighters away at the next count, and at least one fighter."""
    w = state.world
    t = int(state.u_type[unit])
    least = max(1.0, w.rules.supply.unit_floor * float(w.t_strength[t]))
    return least, float(state.u_str[unit]) - least


def why_not_split(state: GameState, unit: int, strength) -> str | None:
    """Why `unit` (already known to be the active side's own) cannot split off `strength` fighters."""
    w = state.world
    t = int(state.u_type[unit])
    if not w.t_ground[t]:
        return "only ground units split; a squadron or battery acts as one"
    if isinstance(strength, bool) or not isinstance(strength, (int, float)) or not math.isfinite(strength):
        return f"say how many fighters leave, as a number (got {strength!r})"
    lo, hi = split_range(state, unit)
    if lo > hi:
        return f"it is too small to split: each part needs at least {lo:,.0f} fighters"
    if not lo <= strength <= hi:
        return f"between {lo:,.0f} and {hi:,.0f} fighters can leave, so that each part keeps at least {lo:,.0f}"
    return None


def why_not_merge(state: GameState, unit: int, into: int) -> str | None:
    """Why `unit` cannot join `into` (both already known to be the active side's own)."""
    w = state.world
    t = int(state.u_type[unit])
    if not w.t_ground[t]:
        return "only ground units merge; a squadron or battery acts as one"
    if unit == into:
        return "a unit cannot merge with itself"
    if int(state.u_type[into]) != t:
        return f"only units of the same type merge: {w.type_names[t]} and {w.type_names[int(state.u_type[into])]}"
    if state.u_place[unit] != state.u_place[into]:
        return "the two units are not at the same place"
    if state.u_militia[unit] != state.u_militia[into]:
        # A town's militia can change sides and take its fighters along; mixed, no one
        # could say whose they were.
        return "they are militias of different towns, who answer to different leaders"
    if state.u_expires[unit] != state.u_expires[into]:
        return "they are hired for different terms and leave at different times"
    return None


def merge_partners(state: GameState, unit: int) -> list[int]:
    """The active side's units that `unit` could merge with now, in unit order."""
    return [int(v) for v in state.units_at(int(state.u_place[unit]), state.active)
            if state.u_backer[v] < 0 and why_not_merge(state, unit, int(v)) is None]


def split(state: GameState, faction: int, unit: int, strength: float) -> list[Report]:
    w = state.world
    name = state.u_names[unit]
    if name is not None and not name.endswith(DETACHED):
        name = (name[:MAX_NAME - len(DETACHED)] + DETACHED)
    new = state.add_unit(int(state.u_type[unit]), faction, int(state.u_place[unit]), float(strength),
                         backer=int(state.u_backer[unit]), militia=int(state.u_militia[unit]), name=name,
                         expires=int(state.u_expires[unit]))
    state.u_str[unit] -= float(strength)
    # The part that leaves is as free to act as the unit was: splitting neither spends
    # nor gives a turn's orders.
    state.u_ready[new] = state.u_ready[unit]
    state.u_sorties[new] = state.u_sorties[unit]
    p = int(state.u_place[unit])
    return [Report("stack", f"{w.type_names[state.u_type[unit]]} at {w.place_name(p)} splits: "
                           f"{float(strength):,.0f} fighters form a new unit", state.turn, w.faction_ids[faction],
                  {"unit": unit, "new": new, "strength": float(strength), "place": w.place_ids[p]})]


def merge(state: GameState, faction: int, unit: int, into: int) -> list[Report]:
    w = state.world
    state.u_str[into] += state.u_str[unit]
    # Merged, they move or fight together: only as soon as both can.
    state.u_ready[into] = state.u_ready[into] and state.u_ready[unit]
    state.u_sorties[into] = min(state.u_sorties[into], state.u_sorties[unit])
    state.kill(unit)
    p = int(state.u_place[into])
    return [Report("stack", f"{w.type_names[state.u_type[into]]} at {w.place_name(p)}: two units merge into one of "
                           f"{float(state.u_str[into]):,.0f} fighters", state.turn, w.faction_ids[faction],
                  {"unit": unit, "into": into, "place": w.place_ids[p]})]


def stays_behind(state: GameState, units) -> int:
    """Of the ground units about to leave a place together, the one that stays to hold
    it when leaving would bare it: the smallest (the first of equals), so the garrison
    costs the force that goes as little as it can. The attack dialog's default and the
    AI's garrison in a capital at risk both keep this one."""
    return min((int(u) for u in units), key=lambda u: (float(state.u_str[u]), u))
