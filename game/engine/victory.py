"""Victory as the scenario defines it, with the winner, the turn and a reason."""

from __future__ import annotations

from ..scenario.model import TimeoutRule, VictoryKind
from .reports import Report
from .conditions import faction_stat
from .peace import victory_paused
from .state import GameState


def points(state: GameState, faction: int) -> int:
    return int(state.world.vp[state.owner == faction].sum())


def _collapsed(state: GameState, faction: int, owner: list[int]) -> bool:
    """Its coalition has fallen apart, or it holds nothing and has no army left;
    `owner` is `state.owner` as a list."""
    return state.cohesion[faction] <= 0.0 or (faction not in owner and faction_stat(state, faction, "strength") <= 0.0)


def _finish(state: GameState, winner: int, reason: str) -> list[Report]:
    w = state.world
    state.winner = winner
    state.reason = reason
    who = w.factions[winner].name if winner >= 0 else "Nobody"
    text = f"{who} wins: {reason}" if winner >= 0 else f"Draw: {reason}"
    return [Report("victory", text, state.turn, w.faction_ids[winner] if winner >= 0 else None,
                  {"winner": w.faction_ids[winner] if winner >= 0 else None, "reason": reason})]


def check_victory(state: GameState) -> list[Report]:
    """Run after every round; ends the game when a condition is met or time runs out."""
    w = state.world
    if state.over:
        return []  # settled during the round
    winners: list[tuple[int, str]] = []
    owner = state.owner.tolist()
    # Under a truce that holds victory still, the conditions wait and the capture
    # counts stand; only the calendar runs on.
    for f, fac in enumerate(w.factions if not victory_paused(state) else ()):
        for j, v in enumerate(fac.victory):
            places = w.victory_places[f][j]
            held = all(owner[p] == f for p in places) if places else False
            if v.kind == VictoryKind.capture:
                state.hold[f, j] = state.hold[f, j] + 1 if held else 0
                if state.hold[f, j] >= v.hold_turns:
                    names = ", ".join(w.place_name(w.pidx[p]) for p in v.places)
                    winners.append((f, v.note or f"held {names} for {v.hold_turns} turn(s)"))
            elif v.kind == VictoryKind.collapse:
                beaten = [e for e in range(w.F) if w.enemies[f, e] and _collapsed(state, e, owner)]
                if beaten:
                    winners.append((f, v.note or f"the {w.faction_short(beaten[0])} collapsed"))
            elif v.kind == VictoryKind.points and points(state, f) >= v.points:
                winners.append((f, v.note or f"reached {v.points} victory points"))
    if winners:
        f, why = max(winners, key=lambda x: (points(state, x[0]), -x[0]))
        return _finish(state, f, why)
    if state.turn < w.last_turn:
        return []
    survivors = []
    for f, fac in enumerate(w.factions):
        for j, v in enumerate(fac.victory):
            if v.kind == VictoryKind.survive and v.places and all(owner[p] == f for p in w.victory_places[f][j]):
                names = ", ".join(w.place_name(w.pidx[p]) for p in v.places)
                survivors.append((f, v.note or f"still held {names} at the end"))
    if survivors:
        f, why = max(survivors, key=lambda x: (points(state, x[0]), -x[0]))
        return _finish(state, f, why)
    if w.spec.meta.on_timeout == TimeoutRule.points:
        scores = [points(state, f) for f in range(w.F)]
        best = max(scores)
        if scores.count(best) == 1:
            f = scores.index(best)
            return _finish(state, f, f"most victory points at the end ({best})")
    return _finish(state, -1, "time ran out with no side ahead")
