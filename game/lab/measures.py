"""A targets file's end-state measures (`Targets.measures`), taken over finished games.

A measure is a share of games (won by a side, or ending with places held as given,
perhaps among one side's wins only) with its Wilson interval, or the median turn of a
side's low point with a distribution-free interval. It is met when its value lies in
its band, and, for `below`/`above`, when its interval lies wholly on that side of the
other measure's: a difference the games can tell from noise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..scenario.targets import NEUTRAL, Measure
from .momentum import LowPoint, recovery_turns
from .stats import Z95, wilson


@dataclass
class Taken:
    """What a measure came to."""

    measure: Measure
    value: float | None  # a share, or a turn; None when no game counts
    ci95: tuple[float, float]
    count: int  # the games it is taken over
    met: bool = False
    why: str = ""  # what keeps it from being met, in a few words

    @property
    def is_share(self) -> bool:
        return self.measure.low_turn is None

    def shown(self, value: float | None = None) -> str:
        v = self.value if value is None else value
        if v is None:
            return "–"
        return f"{v:.1%}" if self.is_share else f"turn {v:g}"

    def to_json(self) -> dict:
        m = self.measure
        return {"id": m.id, "name": m.name, "run": m.run.label(), "value": self.value,
                "ci95": [round(x, 6) for x in self.ci95], "games": self.count, "met": self.met, "why": self.why,
                "min": m.min, "max": m.max, "below": m.below, "above": m.above}


def _holders(who) -> set[str]:
    return {("" if w == NEUTRAL else w) for w in ([who] if isinstance(who, str) else who)}


def share_of(measure: Measure, results: list[dict], places: list[str]) -> Taken:
    """The share of `results` (finished games' records, as `results.jsonl` holds them)
    that the measure counts, with its interval."""
    games = [r for r in results if r.get("status") == "ok"]
    if measure.among_wins_of:
        games = [r for r in games if r["winner"] == measure.among_wins_of]
    if measure.wins is not None:
        hits = sum(r["winner"] == measure.wins for r in games)
    else:
        at = {pid: places.index(pid) for pid in measure.holds}
        wanted = {pid: _holders(who) for pid, who in measure.holds.items()}
        hits = sum(all(r["owners"][at[pid]] in wanted[pid] for pid in measure.holds) for r in games)
    n = len(games)
    return Taken(measure, hits / n if n else None, wilson(hits, n), n)


def inside_share(measure: Measure, verdicts: dict[int, list[bool]], ids: list[str]) -> Taken:
    """The share of finished games inside the measure's checkpoint (or inside every one),
    from each game's verdicts (`Run.verdicts`, in the order of `ids`)."""
    games = list(verdicts.values())
    if measure.inside == "every":
        hits = sum(all(v) for v in games)
    else:
        k = ids.index(measure.inside)
        hits = sum(v[k] for v in games)
    n = len(games)
    return Taken(measure, hits / n if n else None, wilson(hits, n), n)


def median_with_interval(values: list[int]) -> tuple[float | None, tuple[float, float]]:
    """The median and a 95% interval for it from the order statistics (no assumption
    about the spread): the ranks n/2 ∓ 1.96·√n/2."""
    if not values:
        return None, (0.0, math.inf)
    v = sorted(values)
    n = len(v)
    mid = (v[(n - 1) // 2] + v[n // 2]) / 2.0
    half = Z95 * math.sqrt(n) / 2.0
    lo = v[max(0, math.floor(n / 2.0 - half))]
    hi = v[min(n - 1, math.ceil(n / 2.0 + half))]
    return mid, (float(lo), float(hi))


def low_turn_of(measure: Measure, factions: list[str], lows: list[list[LowPoint]]) -> Taken:
    turns = recovery_turns(factions, lows)[measure.low_turn]
    value, ci = median_with_interval(turns)
    return Taken(measure, value, ci, len(turns))


def judge(taken: list[Taken]) -> list[Taken]:
    """Mark each measure met or not: its band, then its comparison with another."""
    by_id = {t.measure.id: t for t in taken}
    for t in taken:
        m = t.measure
        misses = []
        if t.value is None:
            misses.append("no game counts")
        else:
            if m.min is not None and t.value < m.min:
                misses.append(f"below {t.shown(m.min)}")
            if m.max is not None and t.value > m.max:
                misses.append(f"above {t.shown(m.max)}")
        for key, other_id in (("below", m.below), ("above", m.above)):
            if other_id is None:
                continue
            other = by_id[other_id]
            clear = t.ci95[1] < other.ci95[0] if key == "below" else t.ci95[0] > other.ci95[1]
            if not clear:
                misses.append(f"not clearly {key} {other_id} ({other.shown()})")
        t.met = not misses
        t.why = "; ".join(misses)
    return taken
