"""Playing lab games: what a worker process does with a chunk of games.

A chunk carries the validated scenario as JSON (so a worker on another machine needs
no file), its hash, and the games to play; each game is named by its seed (root
entropy and spawn key) and the agent level of every faction. A worker builds each
scenario's World once and keeps it for later chunks. A chunk may also carry a position
(a save, as JSON text) for its games to start from instead of the scenario's start,
and an order to give first there (the war room's "what if").

A game is seeded exactly as `game.ai.agents.run_game` seeds it: the game's seed
spawns two children, one for the rules and one for the agents. So a lab game can be
re-run alone from its row in games.csv:

    run_game(world, SeedSequence(entropy, spawn_key=key), levels)
"""

from __future__ import annotations

import json
import traceback
from dataclasses import dataclass

import numpy as np

from .. import __version__
from ..engine import World, apply, new_game
from ..engine.backer_score import backer_score, total
from ..engine.peace import outcome
from ..engine.persist import Recorder, state_from_json
from ..scenario.loader import scenario_hash
from ..scenario.model import Scenario

_WORLDS: dict[str, World] = {}
_MAX_WORLDS = 16  # a sweep visits many variants; keep the recent ones


@dataclass(frozen=True)
class GameJob:
    index: int
    spawn_key: tuple[int, ...]
    levels: tuple[tuple[str, str], ...]  # (faction id, agent level) for every faction
    replay: bool = False


@dataclass(frozen=True)
class Chunk:
    run: int  # which run of a session the games belong to (sweeps run many at once)
    spec_json: str
    sha256: str
    entropy: int
    games: tuple[GameJob, ...]
    version: str = __version__  # a worker on another machine must run the same Sandtable
    position: str = ""  # a save's JSON text to play on from; "" for the scenario's start
    change: object | None = None  # an engine action given at the position before play goes on


def world_for(spec_json: str, sha256: str) -> World:
    world = _WORLDS.get(sha256)
    if world is None:
        spec = Scenario.model_validate_json(spec_json)
        if scenario_hash(spec) != sha256:
            raise RuntimeError("the scenario sent to this worker does not match its hash")
        world = World(spec, sha256)
        if len(_WORLDS) >= _MAX_WORLDS:
            _WORLDS.pop(next(iter(_WORLDS)))
        _WORLDS[sha256] = world
    return world


# A turn row is [turn, then these figures for each faction in turn, then each backer's deliveries].
TURN_STATS = ("places", "strength", "funds", "legitimacy", "cohesion", "strikes", "lost_in_battle", "lost_to_strikes",
              "lost_to_siege")


# Why fighters were lost: the keys of a result's `losses`, in the order of the turn columns.
CAUSES = ("battle", "strikes", "siege")


# A place's holder in a game's ownership record: the faction's index as a digit or letter, "." for nobody.
HOLDER_CODES = "0123456789abcdefghijklmnopqrstuvwxyz"
NOBODY = "."


def holders_code(owner: np.ndarray) -> str:
    """Who holds every place, one character a place in map order: a turn's line of the
    ownership record a game keeps so that checkpoints can be tested after the run."""
    return "".join(HOLDER_CODES[o] if o >= 0 else NOBODY for o in owner.tolist())


def turn_column(faction: int, stat: str) -> int:
    """Where a faction's figure stands in a turn row."""
    return 1 + len(TURN_STATS) * faction + TURN_STATS.index(stat)


class TurnTracker:
    """Per-turn figures for turns.csv: at the start (turn 0) and at the end of every
    round, each faction's places, ground strength, funds, legitimacy and cohesion, its
    drone strikes in the round, the fighters it lost in the round in battle (a garrison
    routed by an event's `set_owner` included), to the enemy's strikes (its armed locals
    included) and under siege (armed locals only), and each backer's deliveries
    (packages sent) in it, then the munitions each side holds."""

    def __init__(self, world: World, state):
        self.world = world
        self.turn = state.turn
        # How the AI moves, per faction over the game (see `_watch_moves`).
        self.active = state.active
        self.left: set[int] = set()  # places the active side moved units out of this turn
        self.returned = np.zeros(world.F, dtype=np.int64)
        self.capital_emptied = np.zeros(world.F, dtype=np.int64)
        self.strikes = np.zeros(world.F, dtype=np.int64)
        self.lost = np.zeros((len(CAUSES), world.F))  # by cause, this round
        self.lost_total = np.zeros((len(CAUSES), world.F))  # by cause, over the game
        self.sent = np.zeros(world.B)
        self.held: list[list] = []  # [turn, holders_code] beside each turn row
        # The first row is the game as it starts: turn 0 from the scenario's start; from a
        # saved position, the turn before the one under way.
        self.rows: list[list] = [self.snapshot(state, state.turn - 1)]

    def snapshot(self, state, turn: int) -> list:
        w = self.world
        n = state.n_units
        alive = state.u_alive[:n] & w.t_ground[state.u_type[:n]]
        strength = np.bincount(state.u_owner[:n][alive], weights=state.u_str[:n][alive], minlength=w.F)
        places = np.bincount(state.owner[state.owner >= 0], minlength=w.F)
        per_backer = _sent_by_backer(w, state)
        row: list = [turn]
        for f in range(w.F):
            row += [int(places[f]), float(strength[f]), float(state.treasury[f]), float(state.legitimacy[f]),
                    float(state.cohesion[f]), int(self.strikes[f])]
            row += [round(float(x), 1) for x in self.lost[:, f]]
        row += [int(round(x)) for x in (per_backer - self.sent)]
        row += state.stocks.ravel().tolist()  # munitions each side holds, side by side (none in most wars)
        self.sent = per_backer
        self.strikes[:] = 0
        self.lost_total += self.lost
        self.lost[:] = 0
        self.held.append([turn, holders_code(state.owner)])
        return row

    def _watch_moves(self, events, state) -> None:
        """Two habits a person notices in an AI's turn: *returned moves*, a unit moved into
        a place its side moved a unit out of earlier in the same turn (shuttling), and
        *capital emptied*, a turn its side ended with a capital it holds left without
        a unit while an enemy stood next to it."""
        w = self.world
        for e in events:
            if e.kind == "move" and e.data and "from" in e.data and e.faction in w.fidx:
                if w.pidx[e.data["to"]] in self.left:
                    self.returned[w.fidx[e.faction]] += 1
                self.left.add(w.pidx[e.data["from"]])
        if state.active != self.active or state.over:
            f = self.active
            n = state.n_units
            alive = state.u_alive[:n]
            for p in np.nonzero(w.is_capital & (state.owner == f))[0]:
                mine = alive & (state.u_place[:n] == p) & (state.u_owner[:n] == f)
                if mine.any():
                    continue
                near = (np.isin(state.u_place[:n], w.neighbours[p]) & alive & w.enemies[f, state.u_owner[:n]]
                        & w.t_ground[state.u_type[:n]])
                if near.any():
                    self.capital_emptied[f] += 1
            self.active = state.active
            self.left = set()

    def see(self, events, state) -> None:
        w = self.world
        fidx = w.fidx
        self._watch_moves(events, state)
        for e in events:
            if e.kind == "strike" and e.faction in fidx:
                self.strikes[fidx[e.faction]] += 1
                # Units stand only on their own side's ground, so a strike's losses are the holder's.
                victim = int(state.owner[w.pidx[e.data["place"]]])
                if e.data.get("damage") and victim >= 0:
                    self.lost[1, victim] += e.data["damage"]
            elif e.kind == "control" and e.data and "lost" in e.data:
                # A garrison routed as its place was taken by surprise (an event's `rout`).
                for fid, lost in e.data["lost"].items():
                    self.lost[0, fidx[fid]] += lost
            elif e.kind == "battle" and e.faction in fidx:
                self.lost[0, fidx[e.faction]] += e.data["attacker_lost"]
                if e.data["defender"] in fidx:
                    self.lost[0, fidx[e.data["defender"]]] += e.data["defender_lost"]
            elif e.kind == "siege" and e.faction in fidx:
                self.lost[2, fidx[e.faction]] += e.data["lost"]
        if state.turn != self.turn or state.over:
            self.rows.append(self.snapshot(state, self.turn))
            self.turn = state.turn


def _sent_by_backer(world: World, state) -> np.ndarray:
    owners = np.array([p.backer for p in world.packages], dtype=np.int64)
    return np.bincount(owners, weights=state.sent.astype(float), minlength=world.B)


def _final(world: World, state, tracker: TurnTracker) -> dict:
    w = world
    per_backer = _sent_by_backer(w, state)
    return {
        "winner": outcome(state),
        "reason": state.reason,
        "turns": int(state.turn),
        "owners": [w.faction_ids[o] if o >= 0 else "" for o in state.owner.tolist()],
        "harm": float(state.harm.sum()),
        "harm_by": [float(x) for x in state.harm_by],
        "deliveries": [int(round(x)) for x in per_backer],
        # Each backer's score as a seated player's would be counted: how its decisions
        # paid off, which the war's winner alone does not show.
        "backer_scores": [round(total(backer_score(state, b)), 3) for b in range(w.B)],
        "losses": {cause: [round(float(x), 1) for x in tracker.lost_total[i]] for i, cause in enumerate(CAUSES)},
        "returned_moves": tracker.returned.tolist(),
        "capital_emptied": tracker.capital_emptied.tolist(),
    }


def start_state(world: World, game_seed: np.random.SeedSequence, agent_seed: np.random.SeedSequence,
                levels: dict[str, str], position: str = "", change=None) -> tuple:
    """A game's first state and its seated backers' agents: the scenario's start (the
    backers `levels` names seated), or a saved position with fresh dice from `game_seed`
    (the backers seated in it played at their level in `levels`, else `normal`), with
    `change` given there first."""
    from ..ai.agents import seat_agents

    if not position:
        seats = seat_agents(world, agent_seed, levels)
        return new_game(world, game_seed, [world.backer_ids[b] for b in seats]), seats
    state = state_from_json(json.loads(position), world)
    state.rng = np.random.Generator(np.random.PCG64(game_seed))
    seats = seat_agents(world, agent_seed, {world.backer_ids[b]: levels.get(world.backer_ids[b], "normal")
                                            for b in range(world.B) if state.seated[b]})
    if change is not None:
        apply(state, change)  # checked as a player's order is
    return state, seats


def play_game(world: World, entropy: int, job: GameJob, position: str = "", change=None) -> dict:
    """One game, never raising: a failure comes back as a row with its error. From the
    scenario's start, or from `position` (see `start_state`)."""
    from ..ai.agents import make_agents, play_out  # agents are looked up when the game starts

    result: dict = {"index": job.index, "spawn_key": list(job.spawn_key), "levels": dict(job.levels)}
    state = None
    try:
        ss = np.random.SeedSequence(entropy, spawn_key=job.spawn_key)
        game_seed, agent_seed = ss.spawn(2)
        state, seats = start_state(world, game_seed, agent_seed, dict(job.levels), position, change)
        agents = make_agents(world, agent_seed, dict(job.levels))
        tracker = TurnTracker(world, state)
        recorder = Recorder(state) if job.replay else None

        def on_action(action, events, st) -> None:
            if recorder is not None:
                recorder.record(action, st)
            tracker.see(events, st)

        play_out(state, agents, on_action=on_action, backers=seats)
        result.update(status="ok", error="", **_final(world, state, tracker), turn_rows=tracker.rows,
                      held=tracker.held)
        if recorder is not None:
            result["replay"] = recorder.to_json()
    except Exception as exc:  # a game that raises is data, not the end of the run
        return failed_result(job, exc, traceback.format_exc(limit=20), int(state.turn) if state is not None else 0)
    return result


def failed_result(job: GameJob, exc: BaseException, trace: str = "", turns: int = 0) -> dict:
    """The record of a game that raised (or whose whole chunk did): its seed and the error."""
    return {"index": job.index, "spawn_key": list(job.spawn_key), "levels": dict(job.levels), "status": "failed",
            "error": f"{type(exc).__name__}: {exc}".replace("\n", " ")[:500], "traceback": trace,
            "winner": None, "reason": "", "turns": turns, "owners": [], "harm": 0.0, "harm_by": [],
            "deliveries": [], "backer_scores": [], "losses": {cause: [] for cause in CAUSES}, "turn_rows": [], "held": [],
            "returned_moves": [], "capital_emptied": []}


def run_chunk(chunk: Chunk) -> tuple[int, list[dict]]:
    """The function workers run: play every game of the chunk, in order."""
    if chunk.version != __version__:
        raise RuntimeError(f"this worker runs Sandtable {__version__}, the run needs {chunk.version}")
    world = world_for(chunk.spec_json, chunk.sha256)
    return chunk.run, [play_game(world, chunk.entropy, job, chunk.position, chunk.change) for job in chunk.games]
