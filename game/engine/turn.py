"""The order of a round: each faction in turn has income, gives orders and then
suffers its attrition and defections; then besieged towns lose armed locals,
backers decide, their units act, deliveries land, the scenario's events fire, the
round's unanswered strikes are felt (when the scenario's rule is on) and victory is
checked."""

from __future__ import annotations

import numpy as np

from .backers import backer_units_act, backers_phase, deliveries_phase, first_step, withdrawals
from .economy import income_phase
from .fortifications import works_phase
from .reports import Report
from .routes import refresh as refresh_routes
from .gauges import forget_old
from .jit import kernel
from .munitions import made
from .politics import air_war_phase, cohesion_phase
from .occupation import uprising_phase
from .scenario_events import events_phase
from .siege import siege_phase
from .state import GameState
from .supply import attrition
from .victory import check_victory


@kernel
def _rested(f, n, u_owner, u_type, u_ready, u_sorties, t_sorties):
    """The faction's units, dead ones too, are ready again with all their sorties."""
    for u in range(n):
        if u_owner[u] == f:
            u_ready[u] = True
            u_sorties[u] = t_sorties[u_type[u]]


def start_faction_turn(state: GameState) -> list[Report]:
    f = state.active
    _rested(f, state.n_units, state.u_owner, state.u_type, state.u_ready, state.u_sorties, state.world.t_sorties)
    state.requested.clear()
    state.action_count = 0
    out = income_phase(state, f)
    made(state, f)
    # A seated backer of the side takes its step first, so the side's orders can answer
    # what it sends (and the backer sees the side's income, as the side does).
    state.backer_step = first_step(state)
    return out


def end_faction_turn(state: GameState) -> list[Report]:
    f = state.active
    out = attrition(state, f) + cohesion_phase(state, f)
    lift_cuts(state, f)
    return out


def lift_cuts(state: GameState, f: int) -> None:
    """Roads cut by strikes stay cut until the side that holds them has felt it once,
    at the end of its turn: then they open, and its supply is traced again."""
    if _lift(f, state.owner, state.interdicted):
        state._supply.pop(f, None)


@kernel
def _lift(f, owner, interdicted):
    """Open the cut roads through the faction's places; whether there were any. One call,
    where numpy's masks and tests cost a few microseconds every turn."""
    lifted = False
    for p in range(owner.shape[0]):
        if interdicted[p] and owner[p] == f:
            interdicted[p] = False
            lifted = True
    return lifted


def end_round(state: GameState) -> list[Report]:
    # Sieges wear on before the truce counts down, so a round under truce costs nobody.
    out = siege_phase(state)
    out += uprising_phase(state)
    # Count down before the events, so a truce an event sets now lasts the turns it names.
    if state.truce > 0:
        state.truce -= 1
    out += backers_phase(state)
    out += backer_units_act(state)
    out += withdrawals(state)
    out += deliveries_phase(state)
    out += events_phase(state)
    out += works_phase(state)
    air_war_phase(state)
    out += check_victory(state)
    state.places_lost[:] = 0
    state.sent_this_round[:] = 0
    state.raised[:] = 0.0
    return out


def advance(state: GameState) -> list[Report]:
    """Finish the active faction's turn and start the next one (maybe a new round)."""
    out = end_faction_turn(state)
    state.active += 1
    if state.active >= state.world.F:
        out += end_round(state)
        if state.over:
            state.active = 0  # nobody moves any more, but the index stays valid
            return out
        state.turn += 1
        state.active = 0
        refresh_routes(state)
        forget_old(state)
        out.append(Report("turn", f"Turn {state.turn}: {state.date.isoformat()}", state.turn))
    out += start_faction_turn(state)
    return out


def new_game(world, seed: int | np.random.SeedSequence = 0, seated=()) -> GameState:
    """A fresh game on turn 1 with the first faction to move, its income already paid;
    `seated`: ids of the backers a seat (a person or an agent) will play, by order."""
    state = GameState(world, seed)
    refresh_routes(state)
    for bid in seated:
        state.seated[world.bidx[bid]] = True
    state.opening_events = start_faction_turn(state)
    return state
