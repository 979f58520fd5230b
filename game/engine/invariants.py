"""What must hold of every game state: the engine's invariants, in one place.

The tests check them after every action of many seeded games; loading a save checks
them too, so that a hand-edited or damaged file cannot start a game in a position no
play could reach (a negative strength, a gauge above 100, a unit off the map).
"""

from __future__ import annotations

import re

import numpy as np

from .jit import kernel
from .state import GameState

MAX_NAME = 120  # characters in a unit's name
FLAG = re.compile(r"[a-z][a-z0-9_]{0,47}")  # scenario flags are ids


def violations(state: GameState) -> list[str]:
    """Everything that must hold between any two actions, as readable violations (none
    for a sound state). The tests check it after every action of thousands of games; a
    loaded save must pass it too, so that no file can start a game no play could reach."""
    # The figures are checked by one compiled pass first, and stated one by one only when
    # that pass finds something wrong: the tests call this a million times a run.
    numbers = [] if numbers_sound(state) else number_violations(state)
    return numbers + other_violations(state)


def numbers_sound(state: GameState) -> bool:
    """Whether `number_violations` finds nothing, in one compiled pass."""
    w = state.world
    return _numbers_sound(state.n_units, state.u_str, state.u_alive, state.u_place, state.u_owner, state.u_type,
                          state.u_backer, state.u_sorties, w.P, w.F, w.B, len(w.type_ids), state.owner,
                          state.legitimacy, state.cohesion, state.treasury, state.manpower, state.budget,
                          state.commitment, state.sent, w.pk_cap, state.harm, state.local_defence, state.raised,
                          state.works, float(w.rules.fortification.max_level), state.works_due, state.works_by,
                          state.ground, w.ground(state.works))


@kernel
def _numbers_sound(n, u_str, u_alive, u_place, u_owner, u_type, u_backer, u_sorties, P, F, B, T, owner, legitimacy,
                   cohesion, treasury, manpower, budget, commitment, sent, pk_cap, harm, local_defence, raised, works,
                   max_level, works_due, works_by, ground, expected):
    for u in range(n):
        s = u_str[u]
        if not np.isfinite(s) or s < 0 or u_type[u] < 0 or u_type[u] >= T or u_backer[u] < -1 or u_backer[u] >= B:
            return False
        if u_alive[u]:
            if not s > 0 or u_place[u] < 0 or u_place[u] >= P or u_owner[u] < 0 or u_owner[u] >= F or u_sorties[u] < 0:
                return False
        elif s != 0:
            return False
    for p in range(P):
        if owner[p] < -1 or owner[p] >= F or local_defence[p] < 0:
            return False
        if not np.isfinite(harm[p]) or harm[p] < 0 or not np.isfinite(raised[p]) or raised[p] < 0:
            return False
        if not np.isfinite(works[p]) or works[p] < 0 or works[p] > max_level or works_due[p] < 0:
            return False
        if (works_due[p] > 0) != (works_by[p] >= 0) or works_by[p] >= F:
            return False
        if works_due[p] > 0 and owner[p] != works_by[p]:
            return False
        if ground[p] != expected[p]:
            return False
    for f in range(F):
        for x in (legitimacy[f], cohesion[f]):
            if not np.isfinite(x) or x < 0 or x > 100:
                return False
        if not np.isfinite(treasury[f]) or not np.isfinite(manpower[f]) or manpower[f] < 0:
            return False
    if B:
        for b in range(B):
            if not np.isfinite(budget[b]) or budget[b] < 0 or commitment[b] < 0 or commitment[b] > 100:
                return False
    for k in range(sent.shape[0]):
        if sent[k] < 0 or sent[k] > pk_cap[k]:
            return False
    return True


def number_violations(state: GameState) -> list[str]:
    """The figures of the state that no play can reach, each stated."""
    w = state.world
    n = state.n_units
    bad: list[str] = []
    s = state.u_str[:n]
    alive = state.u_alive[:n]
    if not np.isfinite(s).all():
        bad.append(f"non-finite unit strength: units {np.nonzero(~np.isfinite(s))[0].tolist()}")
    if (s < 0).any():
        bad.append(f"negative unit strength: units {np.nonzero(s < 0)[0].tolist()}")
    if (alive & ~(s > 0)).any():
        bad.append(f"alive unit with strength <= 0: units {np.nonzero(alive & ~(s > 0))[0].tolist()}")
    if (~alive & (s != 0)).any():
        bad.append(f"dead unit with strength left: units {np.nonzero(~alive & (s != 0))[0].tolist()}")
    place = state.u_place[:n][alive]
    if ((place < 0) | (place >= w.P)).any():
        bad.append(f"alive unit off the map: places {sorted(set(place.tolist()))}")
    owners = state.u_owner[:n][alive]
    if ((owners < 0) | (owners >= w.F)).any():
        bad.append(f"alive unit with owner out of range: {sorted(set(owners.tolist()))}")
    types = state.u_type[:n]
    if ((types < 0) | (types >= len(w.type_ids))).any():
        bad.append("unit type index out of range")
    backers = state.u_backer[:n]
    if ((backers < -1) | (backers >= w.B)).any():
        bad.append("unit backer index out of range")
    if (state.u_sorties[:n][alive] < 0).any():
        bad.append("negative sorties left")
    if ((state.owner < -1) | (state.owner >= w.F)).any():
        bad.append(f"place owner out of range: {sorted(set(state.owner.tolist()))}")
    for name in ("legitimacy", "cohesion"):
        arr = getattr(state, name)
        if not np.isfinite(arr).all() or (arr < 0).any() or (arr > 100).any():
            bad.append(f"{name} outside [0, 100]: {arr.tolist()}")
    if not np.isfinite(state.treasury).all():
        bad.append(f"treasury not finite: {state.treasury.tolist()}")
    if not np.isfinite(state.manpower).all() or (state.manpower < 0).any():
        bad.append(f"manpower negative or not finite: {state.manpower.tolist()}")
    if w.B:
        if not np.isfinite(state.budget).all() or (state.budget < 0).any():
            bad.append(f"backer budget negative or not finite: {state.budget.tolist()}")
        if (state.commitment < 0).any() or (state.commitment > 100).any():
            bad.append(f"commitment outside [0, 100]: {state.commitment.tolist()}")
    if (state.sent < 0).any() or (state.sent > w.pk_cap).any():
        bad.append(f"packages sent beyond their cap: {state.sent.tolist()}")
    if not np.isfinite(state.harm).all() or (state.harm < 0).any():
        bad.append("civilian harm negative or not finite")
    if (state.local_defence < 0).any():
        bad.append("negative local defence")
    if not np.isfinite(state.raised).all() or (state.raised < 0).any():
        bad.append("recruits drawn at a place negative or not finite")
    most = w.rules.fortification.max_level
    if not np.isfinite(state.works).all() or (state.works < 0).any() or (state.works > most).any():
        bad.append(f"works outside [0, {most}]: {state.works.tolist()}")
    digging = state.works_due > 0
    if (state.works_due < 0).any() or (digging != (state.works_by >= 0)).any() or (state.works_by >= w.F).any():
        bad.append("works under way with no one digging them, or the reverse")
    elif (state.owner[digging] != state.works_by[digging]).any():
        bad.append("works dug by a side that does not hold the place")
    # Exactly equal: the multiplier is only ever worked out by this one formula.
    if not np.array_equal(state.ground, w.ground(state.works)):
        bad.append("a place's defence multiplier disagrees with its ground and works")
    return bad


def other_violations(state: GameState) -> list[str]:
    """What must hold of the state besides its figures: the turn, whose move it is, the
    questions waiting, the verdict, the units' names and the flags."""
    w = state.world
    n = state.n_units
    bad: list[str] = []
    if not 1 <= state.turn <= w.last_turn:
        bad.append(f"turn {state.turn} outside 1..{w.last_turn}")
    # Once the game is over `active` is left one past the last faction; that is checked
    # (as a known engine bug) by test_rules_victory.test_active_faction_valid_after_game_over.
    if not state.over and not 0 <= state.active < w.F:
        bad.append(f"active faction {state.active} out of range")
    for f, e in state.pending:
        if not (0 <= e < len(w.events) and w.events[e].choice is not None and w.fidx[w.events[e].choice.faction] == f):
            bad.append(f"pending choice {(f, e)} is not a choice of that faction")
    b = state.backer_step
    if b != -1 and not (0 <= b < w.B and state.seated[b] and w.backer_client[b] == state.active):
        bad.append(f"backer {b} giving orders is not a seated backer of the side whose turn it is")
    if any(not (0 <= k < len(w.packages) and state.seated[w.packages[k].backer]) for k in state.asked):
        bad.append("an ask waits on a backer that no seat commands")
    if (state.spent < 0).any() or (state.exposed < 0).any():
        bad.append("a backer has sent less than nothing")
    if state.over:
        if not -1 <= state.winner < w.F:
            bad.append(f"winner {state.winner} out of range")
        if not isinstance(state.reason, str) or not state.reason.strip():
            bad.append("game over without a reason")
    if len(state.u_names) != n or not _short_lines(state.u_names):
        bad.append("a unit's name is not a short line of text")
    if any(not isinstance(f, str) or not FLAG.fullmatch(f) for f in state.flags):
        bad.append(f"a flag is not an id: {sorted(map(repr, state.flags))[:3]}")
    return bad


def _short_lines(names: list) -> bool:
    """Whether every name is None or a printable line of at most MAX_NAME characters.
    Checked after every action of thousands of test games, so in bulk: a joined text is
    printable exactly when each of its parts is."""
    if not set(map(type, names)) <= {str, type(None)}:
        return False
    texts = list(filter(None, names))
    return max(map(len, texts), default=0) <= MAX_NAME and "".join(texts).isprintable()
