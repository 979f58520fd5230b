"""Saves, hashes and replays.

A save is JSON: the format version, the scenario's id and content hash, and every
field of the state (arrays as lists, the random generator's exact state). Loading
checks all three, so a save never silently runs against a changed scenario.
A replay is the seed plus the action log, with the state hash after every round
so that re-running it verifies every turn.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from ..atomic import write_atomic
from .actions import action_from_json, action_to_json
from .fortifications import refresh_ground
from .routes import refresh as refresh_routes
from .gauges import GAUGE_NAMES
from .invariants import violations
from .rules import IllegalAction, apply
from .state import GameState
from .turn import new_game
from .world import World

SAVE_FORMAT = 1
# Far beyond any real save or game (a 2019 game ends with a few hundred units and saves
# in well under a megabyte); a file past these is refused before it is read or built.
MAX_SAVE_BYTES = 32 * 1024 * 1024
MAX_UNITS = 100_000
# `ground` is worked out from the works and the map (`fortifications.refresh_ground`).
_SKIP = {"world", "rng", "_paths", "_march", "_supply", "opening_events", "ground"}
# Fields added since format 1 whose starting value is right for an older save: who each
# town's people stand with (as at the start), the gauges' ledger (empty), the works
# (none were dug before they existed), the recruits drawn at each place this round, and
# the backers' seats and what they have sent (no seats, nothing counted, before them);
# then a truce's broker and a settlement (none), the scenario's counters (their starting
# values), the strikes, losses and arrivals counted (none), the munitions held (none were
# counted) and the routes events closed (none).
_ADDED = {"allegiance", "ledger", "air_balance", "works", "works_due", "works_by", "raised", "seated", "backer_step",
          "asked", "spent", "exposed", "truce_broker", "settled", "terms", "variables", "struck", "stocks", "route_shut",
          "losses", "arrived"}


class SaveError(Exception):
    """A save or replay that cannot be used; the message says why."""


def _encode(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, set):
        return sorted(_encode(v) for v in value)
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    return value


def state_to_json(state: GameState) -> dict:
    fields = {}
    for name, value in sorted(state.__dict__.items()):
        if name in _SKIP:
            continue
        if isinstance(value, np.ndarray) and name.startswith("u_"):
            value = value[: state.n_units]
        fields[name] = _encode(value)
    return {
        "format": "sandtable-save",
        "format_version": SAVE_FORMAT,
        "scenario": state.world.spec.meta.id,
        "scenario_sha256": state.world.hash,
        "rng": state.rng.bit_generator.state,
        "state": fields,
    }


def state_hash(state: GameState) -> str:
    blob = json.dumps(state_to_json(state), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def _check_header(data: Any, world: World, what: str) -> None:
    if not isinstance(data, dict) or data.get("format") != f"sandtable-{what}":
        raise SaveError(f"not a Sandtable {what} file")
    if data.get("format_version") != SAVE_FORMAT:
        raise SaveError(f"{what} format version {data.get('format_version')!r} is not supported (expected {SAVE_FORMAT})")
    if data.get("scenario") != world.spec.meta.id:
        raise SaveError(f"this {what} is for scenario '{data.get('scenario')}', not '{world.spec.meta.id}'")
    if data.get("scenario_sha256") != world.hash:
        raise SaveError(f"scenario '{world.spec.meta.id}' has changed since this {what} was made, so it cannot be resumed "
                        "faithfully (its content hash differs)")


def state_from_json(data: Any, world: World) -> GameState:
    _check_header(data, world, "save")
    fields = data.get("state")
    if not isinstance(fields, dict):
        raise SaveError("save has no game state")
    state = GameState(world, 0)
    try:
        for name, template in list(state.__dict__.items()):
            if name in _SKIP:
                continue
            if name not in fields:
                if name in _ADDED:
                    continue  # a save from before the field existed: the new game's value stands
                raise SaveError(f"save is missing '{name}'")
            raw = fields[name]
            if isinstance(template, np.ndarray):
                if template.dtype == bool and not _all_bools(raw):
                    raise SaveError(f"save is corrupt: '{name}' must hold only true or false")
                value = np.array(raw, dtype=template.dtype)
                if not name.startswith("u_") and value.shape != template.shape:
                    raise SaveError(f"save field '{name}' has the wrong shape")
            elif isinstance(template, set):
                value = {tuple(v) if isinstance(v, list) else v for v in raw}
            elif name == "pending":
                value = [tuple(v) for v in raw]
            else:
                value = raw
            setattr(state, name, value)
        unit_lengths = {len(getattr(state, n)) for n in state.__dict__ if n.startswith("u_")}
        if unit_lengths != {state.n_units}:
            raise SaveError("save's unit lists disagree in length")
        state.rng.bit_generator.state = data["rng"]
        refresh_routes(state)
        refresh_ground(state)
        _check_values(state)
    except SaveError:
        raise
    except (KeyError, TypeError, ValueError, OverflowError) as exc:
        raise SaveError(f"save is corrupt: {exc}") from None
    state.invalidate()
    return state


def _all_bools(raw: Any) -> bool:
    """True when a (possibly nested) list holds nothing but true and false: JSON's 5 or
    "yes" would otherwise pass into a boolean array as true."""
    if isinstance(raw, list):
        return all(_all_bools(v) for v in raw)
    return isinstance(raw, bool)


def _check_values(state: GameState) -> None:
    """Refuse a save whose values no game could reach, before they crash the rules."""
    w = state.world
    n = state.n_units

    def need(ok: bool, what: str) -> None:
        if not ok:
            raise SaveError(f"save is corrupt: {what}")

    for name in ("turn", "active", "n_units", "truce", "truce_broker", "action_count", "backer_step"):
        need(type(getattr(state, name)) is int, f"'{name}' is not a whole number")
    need(0 <= state.truce <= 100, "truce is out of range")
    need(-1 <= state.truce_broker < w.B, "the truce's broker is out of range")
    need(type(state.settled) is bool, "'settled' is not true or false")
    need(not state.settled or state.winner == -1, "a settled war has a winner")
    need(bool(np.all((state.terms >= 0.0) & (state.terms <= 1.0))), "a settlement's share is outside 0–1")
    need(bool(np.all(state.struck >= 0)), "a count of strikes is below 0")
    need(bool(np.all(state.losses >= 0)) and bool(np.all(state.arrived >= 0)), "a count of losses or deliveries is below 0")
    need(bool(np.all(state.stocks >= 0)), "a stock of munitions is below 0")
    need(1 <= state.turn <= w.last_turn + 1, "turn is out of range")
    need(0 <= state.active < w.F, "active faction is out of range")
    need(state.winner is None or (type(state.winner) is int and -1 <= state.winner < w.F), "winner is out of range")
    need(bool(np.all((state.owner >= -1) & (state.owner < w.F))), "a place has an unknown owner")
    need(bool(np.all((state.allegiance >= -1) & (state.allegiance < w.F))), "a place's people stand with an unknown side")
    need(bool(np.all((state.u_place[:n] >= 0) & (state.u_place[:n] < w.P))), "a unit stands on an unknown place")
    need(bool(np.all((state.u_type[:n] >= 0) & (state.u_type[:n] < len(w.types)))), "a unit has an unknown type")
    need(bool(np.all((state.u_owner[:n] >= 0) & (state.u_owner[:n] < w.F))), "a unit has an unknown owner")
    need(bool(np.all((state.u_backer[:n] >= -1) & (state.u_backer[:n] < w.B))), "a unit has an unknown backer")
    for name, value in state.__dict__.items():
        if isinstance(value, np.ndarray) and value.dtype.kind == "f":
            need(bool(np.all(np.isfinite(value))), f"'{name}' holds a value that is not a finite number")
    need(all(isinstance(p, tuple) and len(p) == 2 and 0 <= p[0] < w.F and 0 <= p[1] < len(w.events)
             and w.events[p[1]].choice is not None for p in state.pending), "a pending question refers to nothing")
    need(all(isinstance(d, list) and len(d) == 2 and 0 <= d[1] < len(w.packages) for d in state.deliveries),
         "a delivery refers to nothing")
    need(all(isinstance(e, int) and 0 <= e < len(w.events) for e in state.fired), "a fired event refers to nothing")
    need(all(isinstance(k, int) and 0 <= k < len(w.packages) for k in state.asked), "an ask refers to no package")
    need(all(_ledger_entry_ok(e, w) for e in state.ledger), "a line of the gauges' ledger is not a gauge's change")
    need(n <= MAX_UNITS, f"{n} units, more than any game makes")
    broken = violations(state)
    need(not broken, "; ".join(broken[:3]) + (f" (and {len(broken) - 3} more)" if len(broken) > 3 else ""))


def _ledger_entry_ok(entry: Any, world: World) -> bool:
    if not (isinstance(entry, list) and len(entry) == 5):
        return False
    turn, gauge, i, moved, why = entry
    size = world.B if gauge == "commitment" else world.F
    return (type(turn) is int and gauge in GAUGE_NAMES and type(i) is int and 0 <= i < size
            and isinstance(moved, (int, float)) and not isinstance(moved, bool) and math.isfinite(moved)
            and isinstance(why, str))


def write_json_atomic(path: str | Path, data: Any) -> None:
    write_atomic(path, lambda fh: json.dump(data, fh, separators=(",", ":")))


def read_json(path: str | Path, what: str) -> Any:
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except FileNotFoundError:
        raise SaveError(f"{path}: no such {what} file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SaveError(f"{path}: {what} is corrupt or truncated ({exc})") from None
    except RecursionError:
        raise SaveError(f"{path}: {what} is nested too deeply to be a Sandtable file") from None


def save_game(path: str | Path, state: GameState) -> None:
    write_json_atomic(path, state_to_json(state))


def load_game(path: str | Path, world: World) -> GameState:
    try:
        size = Path(path).stat().st_size
    except OSError:
        size = 0  # read_json reports a missing or unreadable file
    if size > MAX_SAVE_BYTES:
        raise SaveError(f"{path}: {size / 2**20:.0f} MB is far larger than any save; not loaded")
    return state_from_json(read_json(path, "save"), world)


# -- replays ---------------------------------------------------------------------------


class Recorder:
    """Collects the actions of a game and the state hash at the end of every round."""

    def __init__(self, state: GameState):
        self.world = state.world
        self.seed = dict(state.seed)
        self.seated = [self.world.backer_ids[b] for b in np.flatnonzero(state.seated).tolist()]
        self.actions: list[dict] = []
        self.hashes: list[str] = []
        self._turn = state.turn

    def record(self, action, state: GameState) -> None:
        self.actions.append(action_to_json(action))
        if state.turn != self._turn or state.over:
            self._turn = state.turn
            self.hashes.append(state_hash(state))

    def to_json(self) -> dict:
        return {
            "format": "sandtable-replay",
            "format_version": SAVE_FORMAT,
            "scenario": self.world.spec.meta.id,
            "scenario_sha256": self.world.hash,
            "seed": self.seed,
            "actions": self.actions,
            "hashes": self.hashes,
            # Only when a seat played a backer: the game must start with the same seats.
            **({"seated": self.seated} if self.seated else {}),
        }


def replay_seats(data: dict, world: World) -> list[str]:
    """The backers a replay's game seated (none for most), each checked to exist."""
    seated = data.get("seated", [])
    if not isinstance(seated, list) or not all(isinstance(b, str) and b in world.bidx for b in seated):
        raise SaveError("replay is corrupt: 'seated' must list backers of the scenario")
    return seated


def replay(data: Any, world: World) -> GameState:
    """Re-run a recorded game, checking the state hash after every round."""
    _check_header(data, world, "replay")
    try:
        seed = np.random.SeedSequence(int(data["seed"]["entropy"]), spawn_key=tuple(int(k) for k in data["seed"]["spawn_key"]))
        actions = [action_from_json(a) for a in data["actions"]]
        hashes = list(data["hashes"])
    except (KeyError, TypeError, ValueError) as exc:
        raise SaveError(f"replay is corrupt: {exc}") from None
    state = new_game(world, seed, replay_seats(data, world))
    turn, checked = state.turn, 0
    for i, action in enumerate(actions):
        try:
            apply(state, action)
        except IllegalAction as exc:
            raise SaveError(f"replay diverges at action {i} ({action}): {exc}") from None
        if state.turn != turn or state.over:
            turn = state.turn
            if checked >= len(hashes) or state_hash(state) != hashes[checked]:
                raise SaveError(f"replay diverges after action {i}: state hash differs at round {checked + 1}")
            checked += 1
    if checked != len(hashes):
        raise SaveError(f"replay ended after {checked} rounds but recorded {len(hashes)}")
    return state
