"""Ways a war stops short of victory: truces, breaking them, and settlements.

A truce (the scenario's `truce` effect) stops ground attacks and strikes for some
turns. What else it does is the scenario's choice (`rules.truce`): whether it holds
the victory checks still, and whether a side may break it, at a price in legitimacy
and in its backers' support. A settlement (the `settle` effect) ends the war with no
winner and a share for each side. Every rule about them is here; the orders' checks
(`rules`), the victory checks and the events call in.
"""

from __future__ import annotations

import numpy as np

from .gauges import shift
from .reports import Report
from .state import GameState


def start_truce(state: GameState, turns: int, broker: str | None) -> list[Report]:
    """A truce of `turns` turns from now (0 ends one), brokered by `broker` if given."""
    w = state.world
    state.truce = turns
    state.truce_broker = w.bidx[broker] if broker and turns > 0 else -1
    if turns <= 0:
        return [Report("truce", "The truce ends", state.turn, None, {"turns": 0})]
    by = f", brokered by {w.backers[state.truce_broker].name}" if state.truce_broker >= 0 else ""
    return [Report("truce", f"A truce for {turns} turn(s){by}", state.turn, None,
                   {"turns": turns, "broker": broker if state.truce_broker >= 0 else None})]


def why_not_break(state: GameState, faction: int) -> str | None:
    """Why the faction may not break a truce now, or None if it may."""
    if state.truce <= 0:
        return "no truce holds"
    if not state.world.rules.truce.breakable:
        return "truces in this war hold for all their turns"
    return None


def break_costs(state: GameState, faction: int) -> tuple[float, list[tuple[int, float]]]:
    """What breaking the truce would cost the faction: its legitimacy, and each backer's
    change of commitment (its own backers lose, a broker backing another side gains)."""
    w = state.world
    rules = w.rules.truce
    moves = [(b, -rules.break_commitment) for b in range(w.B) if w.client_of[b] == faction]
    broker = state.truce_broker
    if broker >= 0 and w.client_of[broker] != faction:
        moves.append((broker, rules.break_commitment))
    return rules.break_legitimacy, moves


def break_truce(state: GameState, faction: int) -> list[Report]:
    """The faction breaks the truce: it pays, the truce ends, and it may attack at once."""
    w = state.world
    legitimacy, moves = break_costs(state, faction)
    broker = state.truce_broker
    shift(state, "legitimacy", faction, -legitimacy, "broke the truce")
    for b, delta in moves:
        shift(state, "commitment", b, delta, f"the {w.faction_short(faction)} broke the truce")
    state.truce = 0
    state.truce_broker = -1
    brokered = f" that {w.backers[broker].name} brokered" if broker >= 0 else ""
    return [Report("truce", f"The {w.faction_short(faction)} breaks the truce{brokered}", state.turn,
                   w.faction_ids[faction], {"turns": 0, "broken_by": w.faction_ids[faction],
                                            "broker": w.backer_ids[broker] if broker >= 0 else None})]


def victory_paused(state: GameState) -> bool:
    """No side can win while a truce holds, where the scenario says so."""
    return state.truce > 0 and state.world.rules.truce.pauses_victory


def settlement_shares(state: GameState, shares: dict[str, float] | None) -> np.ndarray:
    """What each faction gets: the shares given, or its share of the map's victory points."""
    w = state.world
    if shares is not None:
        return np.array([float(shares[fid]) for fid in w.faction_ids])
    held = np.array([float(w.vp[state.owner == f].sum()) for f in range(w.F)])
    total = float(w.vp.sum())
    return held / total if total > 0 else np.zeros(w.F)


def settle(state: GameState, note: str, shares: dict[str, float] | None) -> list[Report]:
    """The war ends in a settlement: no winner, and each side keeps its share."""
    w = state.world
    if state.over:
        return []
    state.terms = settlement_shares(state, shares)
    state.settled = True
    state.winner = -1
    state.reason = note
    parts = ", ".join(f"{w.faction_short(f)} {state.terms[f]:.0%}" for f in range(w.F))
    return [Report("victory", f"Settlement: {note} ({parts})", state.turn, None,
                   {"winner": None, "settlement": True, "reason": note,
                    "shares": {w.faction_ids[f]: round(float(state.terms[f]), 4) for f in range(w.F)}})]


def outcome(state: GameState) -> str | None:
    """How the war ended, in the lab's words: the winner's id, 'settlement' or 'draw'
    (None while it goes on)."""
    if not state.over:
        return None
    if state.winner is not None and state.winner >= 0:
        return state.world.faction_ids[state.winner]
    return "settlement" if state.settled else "draw"
