"""Where the front moves: how often each place changes hands over a run's games, when
it first does, and to whom. Read from each game's record of who held every place at
the end of every turn (the record the checkpoints are tested on), so a place taken and
taken back within one round counts for nothing.

A war of fronts shows few changes in few places. A war of raids, in which each side's
stacks take whatever is thinly held behind the other's lines and lose it again a week
later, shows many changes spread over many places. The table says which of the two a
run played and where.
"""

from __future__ import annotations

import numpy as np

from .play import HOLDER_CODES, NOBODY
from .stats import rate

NEUTRAL = ""  # the first taker of a place that went neutral, as games.csv writes nobody


def game_changes(held: list[list], factions: list[str]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """One game's [turn, code] record, in turn order: per place, how many turn ends found
    it with another holder than the turn before; the turn of its first change (0: never);
    and who took it then (None: never changed hands)."""
    codes = [code for _, code in held]
    turns = [int(t) for t, _ in held]
    places = len(codes[0]) if codes else 0
    changes = np.zeros(places, dtype=np.int64)
    first = np.zeros(places, dtype=np.int64)
    taker: list[str | None] = [None] * places
    for before, after, turn in zip(codes, codes[1:], turns[1:]):
        for p in range(places):
            if after[p] != before[p]:
                changes[p] += 1
                if taker[p] is None:
                    first[p] = turn
                    taker[p] = NEUTRAL if after[p] == NOBODY else factions[HOLDER_CODES.index(after[p])]
    return changes, first, taker


def front_block(place_ids: list[str], factions: list[str], records: list[list[list]]) -> dict:
    """summary.json's `front`, over the finished games' ownership `records`: the mean
    changes of hands a game (all places together), and per place that changed hands in
    any game, most changes first: its mean changes a game, the share of games in which
    it changed hands at all (Wilson interval), the median turn of its first change over
    those games, and who took it first, as shares of those games."""
    n = len(records)
    if n == 0:
        return {"games": 0, "changes_per_game": None, "places": []}
    P = len(place_ids)
    changes = np.zeros((n, P), dtype=np.int64)
    first = np.zeros((n, P), dtype=np.int64)
    takers: list[list[str | None]] = []
    for g, record in enumerate(records):
        c, f, t = game_changes(record, factions)
        changes[g, :len(c)], first[g, :len(f)] = c, f
        takers.append(t + [None] * (P - len(t)))
    rows = []
    for p in range(P):
        changed = changes[:, p] > 0
        k = int(changed.sum())
        if k == 0:
            continue
        firsts = [takers[g][p] for g in range(n) if changed[g]]
        rows.append({
            "place": place_ids[p],
            "changes": round(float(changes[:, p].mean()), 3),
            "changed": rate(k, n),
            "first_turn": float(np.median(first[changed, p])),
            "first_taken_by": {who: round(firsts.count(who) / k, 4)
                               for who in sorted(set(firsts), key=lambda w: (-firsts.count(w), w))},
        })
    rows.sort(key=lambda r: (-r["changes"], r["place"]))
    return {"games": n, "changes_per_game": round(float(changes.sum(axis=1).mean()), 3), "places": rows}
