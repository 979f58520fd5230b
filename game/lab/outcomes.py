"""How the lab names and colours what a game can end in (`Scenario.outcomes`): a
faction's win, a settlement (in a war whose data can bring one) or a draw."""

from __future__ import annotations

from . import charts

SETTLEMENT = "settlement"
DRAW = "draw"
_NO_WINNER = {SETTLEMENT: "a settlement", DRAW: "draw"}


def outcome_short(spec, key: str) -> str:
    """A column's name: the faction's short name, or 'settlement' or 'draw'."""
    return spec.factions[key].short if key in spec.factions else key


def outcome_label(spec, key: str, long: bool = False) -> str:
    """A row's name: the faction's short name and 'wins' (its full name if `long`), 'a settlement' or 'draw'."""
    if key in spec.factions:
        return f"{spec.factions[key].name if long else spec.factions[key].short} wins"
    return _NO_WINNER.get(key, key)


def outcome_colour(spec, key: str) -> str:
    if key in spec.factions:
        return spec.factions[key].colour
    return charts.SETTLEMENT_COLOUR if key == SETTLEMENT else charts.DRAW_COLOUR


def without_winner(key: str) -> bool:
    return key in _NO_WINNER
