"""Places changing hands: the new holder takes the place, its armed locals are gone,
the loser's cohesion frays (and the winner's lifts), and whoever else stood there falls
back to the nearest place their side holds, or is lost. Battles, defections and the
scenario's events all hand places over through `capture`."""

from __future__ import annotations

from .fortifications import changed_hands
from .gauges import shift
from .jit import kernel
from .state import GameState
from .supply import supplied


@kernel
def _fall_back(place, o, owner, sup, route_km, nbr_ptr, nbr_idx):
    best = -1
    for j in range(nbr_ptr[place], nbr_ptr[place + 1]):
        n = nbr_idx[j]
        if owner[n] != o:
            continue
        if best < 0 or (not sup[n], route_km[place, n], n) < (not sup[best], route_km[place, best], best):
            best = n
    return best


def retreat_destination(state: GameState, faction: int, place: int) -> int | None:
    """Where beaten defenders fall back: the held neighbour that is best supplied and
    nearest (the first in place order if several are as good)."""
    w = state.world
    dest = _fall_back(place, faction, state.owner, supplied(state, faction), w.route_km, w.nbr_ptr, w.nbr_idx)
    return None if dest < 0 else dest


def capture(state: GameState, faction: int, place: int) -> float:
    """Change a place's owner (-1: it turns neutral); whoever else is left there falls
    back to a neighbour their side holds, or is lost. Returns the strength lost for want
    of somewhere to fall back to."""
    w = state.world
    old = int(state.owner[place])
    state.set_owner(place, faction)
    state.local_defence[place] = 0.0
    if old != faction:
        changed_hands(state, place)
    if faction < 0:
        # Nobody holds it now to feel the cut roads (`turn.end_faction_turn`), and a
        # neutral town may carry supply (`supply.through_neutral`).
        state.interdicted[place] = False
    if old >= 0:
        state.places_lost[old] += 1
        pol = w.rules.politics
        loss = pol.cohesion_per_loss + pol.cohesion_per_point * float(w.vp[place])
        shift(state, "cohesion", old, -loss, f"lost {w.place_name(place)}")
        if faction >= 0:
            # Winning lifts a coalition as losing frays it, so a place that changes hands
            # back and forth does not by itself wear both sides out.
            shift(state, "cohesion", faction, pol.cohesion_gain_share * loss, f"took {w.place_name(place)}")
    trapped = 0.0
    fall_back: dict[int, int | None] = {}  # each side's retreat is the same for all its units
    for u in state.units_at(place).tolist():
        o = int(state.u_owner[u])
        if o == faction:
            continue
        if o not in fall_back:
            fall_back[o] = retreat_destination(state, o, place)
        dest = fall_back[o]
        if dest is None:
            trapped += float(state.u_str[u])
            state.kill(u)
        else:
            state.u_place[u] = dest
    return trapped
