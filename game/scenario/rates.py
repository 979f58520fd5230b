"""Rates stated per day (`meta.rates: day`), made into the per-turn rates the engine runs on.

A scenario of three-day turns and one of monthly turns should not need every rate tuned
again by hand. With `meta.rates: day`, each rate of the format below is read as a day's
worth and scaled by `meta.days_per_turn` when the file is loaded: an amount (money,
recruits, points of a gauge, sorties) is multiplied by it, and a chance or a share lost
(attrition, desertion, an event's chance) compounds over the turn's days, 1 − (1 − x)^days.
The loaded scenario, and everything that shows it, then holds per-turn values.

This table is the one home of what counts as a rate; a new per-turn field belongs here.
"""

from __future__ import annotations

from typing import Any

# (path, kind): "*" stands for every id of a mapping. "amount" scales linearly ("whole" if
# the field holds whole numbers), "chance" compounds over the days.
RATES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("unit_types", "*", "upkeep"), "amount"),
    (("unit_types", "*", "sorties"), "whole"),
    (("factions", "*", "income", "base"), "amount"),
    (("factions", "*", "income", "per_100k_population"), "amount"),
    (("factions", "*", "manpower_per_turn"), "whole"),
    (("backers", "*", "budget_per_turn"), "amount"),
    (("events", "*", "probability"), "chance"),
    (("rules", "supply", "attrition"), "chance"),
    (("rules", "combat", "siege_loss"), "chance"),
    (("rules", "economy", "blockade_legitimacy"), "amount"),
    (("rules", "economy", "unpaid_desertion"), "chance"),
    (("rules", "economy", "unpaid_cohesion"), "amount"),
    (("rules", "economy", "recruits_per_1000"), "amount"),
    (("rules", "politics", "cohesion_recovery"), "amount"),
    (("rules", "backers", "danger_gain"), "amount"),
    (("rules", "backers", "decay"), "amount"),
    (("rules", "backers", "send_chance"), "chance"),
    (("rules", "backers", "pressure_rate"), "amount"),
)


def scaled(value: float, kind: str, days: int) -> float | int:
    """A day's rate of this kind as a turn's of `days` days."""
    if kind == "chance":
        return 1.0 - (1.0 - float(value)) ** days
    if kind == "whole":
        return int(round(value * days))
    return float(value) * days


def per_turn(data: dict, days: int) -> list[tuple[tuple, Any, Any]]:
    """Scale, in place, every rate that `data` (a scenario's plain values, defaults
    written out) states; returns (path, per-day value, per-turn value) for each."""
    out = []

    def walk(node: Any, pattern: tuple[str, ...], path: tuple, kind: str) -> None:
        if not isinstance(node, dict):
            return
        key, rest = pattern[0], pattern[1:]
        keys = list(node) if key == "*" else ([key] if key in node else [])
        for k in keys:
            if rest:
                walk(node[k], rest, path + (k,), kind)
            elif isinstance(node[k], (int, float)) and not isinstance(node[k], bool):
                before = node[k]
                node[k] = scaled(before, kind, days)
                out.append((path + (k,), before, node[k]))

    for pattern, kind in RATES:
        walk(data, pattern, (), kind)
    return out
