"""Legitimacy and cohesion: a coalition that is losing frays, and when its cohesion
falls below the scenario's threshold its least loyal militias go home or change
sides, taking their home towns with them. Civilian harm, counted per place and per
faction, costs the one who caused it legitimacy."""

from __future__ import annotations

import numpy as np

from .reports import Report
from .gauges import shift
from .state import GameState
from .territory import capture


def defect(state: GameState, faction: int, militia: int, to: int) -> list[Report]:
    w = state.world
    m_id = w.militia_ids[faction][militia]
    m = w.factions[faction].militias[m_id]
    n = state.n_units
    units = [i for i in range(n) if state.u_alive[i] and state.u_owner[i] == faction and state.u_militia[i] == militia]
    target_militias = w.militia_ids[to]
    new_militia = target_militias.index(m_id) if m_id in target_militias else -1
    for u in units:
        state.u_owner[u] = to
        state.u_militia[u] = new_militia
    if m.home:
        home = w.pidx[m.home]
        # The town's own fighters chose the new side, and its people go with them.
        state.allegiance[home] = to
        if state.owner[home] == faction:
            capture(state, to, home)
    # Turncoats standing on their old side's ground walk to the nearest place of their new one.
    held = np.flatnonzero(state.owner == to)
    for u in units:
        here = int(state.u_place[u])
        if state.owner[here] == to:
            continue
        if len(held) == 0:
            state.kill(u)
        else:
            state.u_place[u] = int(held[np.argmin(w.road_km[here, held])])
    return [Report("defection", f"{m.name} leaves the {w.faction_short(faction)} for the {w.faction_short(to)}",
                  state.turn, w.faction_ids[faction], {"militia": m_id, "to": w.faction_ids[to], "units": len(units)})]


def disband(state: GameState, faction: int, militia: int | None, backer: int | None, fraction: float) -> int:
    n = state.n_units
    count = 0
    for u in range(n):
        if not state.u_alive[u] or state.u_owner[u] != faction:
            continue
        if militia is not None and state.u_militia[u] != militia:
            continue
        if backer is not None and state.u_backer[u] != backer:
            continue
        state.u_str[u] *= 1.0 - fraction
        state.prune(np.array([u]))
        count += 1
    return count


def air_war_phase(state: GameState) -> None:
    """Each side loses `cohesion_per_strike` for every enemy strike that got through to it
    this round beyond its own that got through; then the count starts again."""
    w = state.world
    per_strike = w.rules.politics.cohesion_per_strike
    for f in range(w.F):
        unanswered = float(state.air_balance[f])
        if per_strike > 0 and unanswered > 0:
            shift(state, "cohesion", f, -per_strike * unanswered,
                  f"{unanswered:.0f} more enemy strikes got through than its own")
    state.air_balance[:] = 0.0


def cohesion_phase(state: GameState, faction: int) -> list[Report]:
    w = state.world
    rules = w.rules.politics
    f = w.factions[faction]
    events: list[Report] = []
    if state.cohesion[faction] < rules.defection_below:
        pressure = (rules.defection_below - state.cohesion[faction]) / 100.0
        for mi, m_id in enumerate(w.militia_ids[faction]):
            m = f.militias[m_id]
            if state.rng.random() >= pressure * (1.0 - m.loyalty):
                continue
            if m.defects_to and m.defects_to in w.fidx:
                events += defect(state, faction, mi, w.fidx[m.defects_to])
            elif disband(state, faction, mi, None, 0.5):
                events.append(Report("defection", f"{m.name} fighters of the {f.short} head home", state.turn,
                                    w.faction_ids[faction], {"militia": m_id}))
    elif state.places_lost[faction] == 0:
        # A quiet week lets the coalition mend a little, never past where it began.
        shift(state, "cohesion", faction, rules.cohesion_recovery, "no place lost by the end of its turn", top=f.cohesion)
    return events


def harm_of(world, population, intensity: float):
    """The civilians a strike or battle of this intensity harms among `population`
    people (a place's, or every place's as an array): the one statement of the rule,
    which the AI's estimates and the previews read as well as the rules."""
    return population / 100_000.0 * world.rules.politics.harm_per_strike * intensity


def standing_cost(world, population, intensity: float):
    """The legitimacy a side loses for the harm `harm_of` gives."""
    return harm_of(world, population, intensity) * world.rules.politics.harm_legitimacy


def civilian_harm(state: GameState, faction: int, place: int, intensity: float) -> float:
    """Harm civilians at a place, on the record and at the cost of the side's standing."""
    w = state.world
    harm = harm_of(w, float(w.population[place]), intensity)
    if harm > 0:
        state.harm[place] += harm
        state.harm_by[faction] += harm
        shift(state, "legitimacy", faction, -harm * w.rules.politics.harm_legitimacy,
              f"civilians harmed at {w.place_name(place)}")
    return harm
