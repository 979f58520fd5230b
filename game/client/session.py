"""One game as the client runs it: the engine state, the agents that play the
sides no person plays, the turn log, the history behind the end-screen charts,
and saves (the state through `game.engine.persist`, the client's own notes in a
small sidecar file beside it).

No pygame here: the session is plain Python, so the client's rules about whose
turn it is and what gets saved can be tested on their own.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..atomic import write_text_atomic
from ..engine import EndTurn, IllegalAction, World, apply, legal_actions, new_game
from ..engine import actions as A
from ..engine.persist import SaveError, load_game, save_game, state_hash
from ..scenario import LoadedScenario, load_scenario
from ..scenario.companion import is_companion_file
from .paths import DEFAULT_SCENARIO, SCENARIO_DIR

AUTOSAVES = 5  # autosaves kept, the newest first
MAX_AI_ORDERS = 400  # an agent that gives more in one turn is ended (a guard against a looping AI)
LOG_KEEP = 400


# Orders that roll no dice and show the player nothing new, so taking one back leaves
# the game as if it had never been given. An attack or a strike reveals its outcome
# (and a backer's answer or an event's its own), so the turn's undo stops there.
UNDOABLE = (A.Move, A.Relocate, A.Split, A.Merge, A.Recruit, A.BuyAllegiance, A.Fortify, A.SetBlockade,
            A.SendPackage)

# The backers' moves the client keeps for the desk and the end screen (engine report kinds).
PACKAGE_KINDS = ("dispatch", "delivery", "interdicted")


# A seat a person sits in: ("faction", index) or ("backer", index). One seat is a game
# against the AI; two are a hotseat game, the seats taking turns at one machine.
Seat = tuple[str, int]


class UndoRefused(Exception):
    """Nothing the player may take back; the message says why."""


@dataclass
class _Snapshot:
    """The game just before an order that can be undone, and what the order did."""

    state: object  # a GameState clone: random generator included, so later dice are the same
    log: list
    orders_this_turn: int
    what: str


def available_levels() -> list[str]:
    from ..ai.agents import AGENTS

    order = ["random", "easy", "normal", "hard"]
    return sorted(AGENTS, key=lambda k: (order.index(k) if k in order else len(order), k))


def default_level() -> str:
    levels = available_levels()
    return "normal" if "normal" in levels else ("random" if "random" in levels else levels[0])


def make_agent(level: str, seed):
    from ..ai import agents

    if not agents.is_level(level):
        raise KeyError(f"unknown AI level '{level}' (known: {', '.join(available_levels())}; {agents.LEVEL_HELP})")
    return agents.make_agent(level, seed)


@dataclass
class LogEntry:
    turn: int
    faction: str | None  # faction id, for the colour; None for news and the world
    kind: str  # engine event kind, or "why" / "order" / "refused" / "system"
    text: str

    def to_json(self) -> list:
        return [self.turn, self.faction, self.kind, self.text]

    @classmethod
    def from_json(cls, data) -> "LogEntry":
        turn, faction, kind, text = data
        return cls(int(turn), faction if isinstance(faction, str) else None, str(kind), str(text))


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.stem + ".client.json")


class GameSession:
    """The state plus everything the client keeps about the game around it."""

    def __init__(self, loaded: LoadedScenario, world: World, state, human: int | None,
                 level: str, seed: int, save_dir: Path | None = None, autosave: bool = True,
                 backer: int | None = None):
        self.loaded = loaded
        self.world = world
        self.state = state
        self.seats: list[Seat] = [("faction", human)] if human is not None else []
        if backer is not None:
            self.seats = [("backer", backer)]
        self.viewer = 0  # the seat whose view the window shows (in hotseat, the one handed the machine)
        self.level = level
        self.seed = int(seed)
        self.save_dir = Path(save_dir) if save_dir is not None else None
        self.autosave_enabled = autosave
        self.log: list[LogEntry] = []
        self.history: list[dict] = []
        self.version = 0  # bumped on every change to the state, so views know when to redraw
        self.orders_this_turn = 0
        self.last_events: list = []
        self.last_save_error: str | None = None
        # The order count when the game was last written to disk (a fresh game counts as
        # saved: leaving it loses nothing the player did).
        self.saved_at = state.action_count
        self._undo: list[_Snapshot] = []  # this turn's orders that can be taken back, the last last
        self._undo_stop: str | None = None  # why undo stops where it does: the order that rolled dice
        self._agents: dict[int, object] = {}
        self._backer_agents: dict[int, object] = {}
        self._agent_seed = np.random.SeedSequence([self.seed, state.turn])
        self._agent_seeds = self._agent_seed.spawn(world.F)
        # Every package sent, delivered or stopped, as {turn, kind, backer, package}: the
        # desk's record of the rivals' moves and the end screen's marks on the war's course.
        self.package_log: list[dict] = []
        self.ask_why: dict[str, str] = {}  # package id → why the client asked the player's backer for it

    # -- construction ---------------------------------------------------------------
    @classmethod
    def new(cls, loaded: LoadedScenario, human: int | None, level: str | None = None, seed: int = 0,
            save_dir: Path | None = None, autosave: bool = True, backer: int | None = None,
            hotseat: Seat | None = None) -> "GameSession":
        """A new game with the player in faction `human`'s seat, or in backer `backer`'s
        (the AI then commands every faction), or watching (both None). `hotseat` is a
        second person's seat at the same machine; the AI plays the rest."""
        world = World(loaded.spec, loaded.sha256)
        # The same split of the seed as the lab's runner, so a spectated game with the
        # same agents and seed is the game the lab would play.
        game_seed, agent_seed = np.random.SeedSequence(int(seed)).spawn(2)
        seats = ([("backer", backer)] if backer is not None else [("faction", human)] if human is not None else [])
        if hotseat is not None:
            if not seats or hotseat in seats:
                raise ValueError("a hotseat game needs two different seats")
            seats.append(hotseat)
        seated = [world.backer_ids[i] for kind, i in seats if kind == "backer"]
        state = new_game(world, game_seed, seated)
        s = cls(loaded, world, state, None, level or default_level(), seed, save_dir, autosave)
        s.seats = seats
        s._agent_seed = agent_seed
        s._agent_seeds = agent_seed.spawn(world.F)
        s.note("system", f"{loaded.spec.meta.title} — seed {seed}")
        s._log_events(getattr(state, "opening_events", []) or [])
        s.record_history()
        return s

    @classmethod
    def load(cls, path: str | Path, save_dir: Path | None = None, scenario: str | Path | None = None,
             scenario_dir: Path = SCENARIO_DIR, autosave: bool = True) -> "GameSession":
        """Resume a save. Raises SaveError (bad or mismatched save) or ScenarioError."""
        path = Path(path)
        side = _read_sidecar(path)
        scen_path = _find_scenario(path, side, scenario, scenario_dir)
        loaded = load_scenario(scen_path)
        world = World(loaded.spec, loaded.sha256)
        state = load_game(path, world)
        human = None
        hid = side.get("human", "?")
        if hid in world.fidx:
            human = world.fidx[hid]
        elif hid == "?":  # no notes: the side whose turn it is takes over
            human = state.active
        backer = None
        bid = side.get("backer")
        if isinstance(bid, str) and bid in world.bidx and state.seated[world.bidx[bid]]:
            backer, human = world.bidx[bid], None
        seats = _noted_seats(side.get("seats"), world, state)
        level = side.get("level") if isinstance(side.get("level"), str) else default_level()
        if level not in available_levels():
            level = default_level()
        seed = side.get("seed") if isinstance(side.get("seed"), int) else 0
        s = cls(loaded, world, state, human, level, seed, save_dir, autosave, backer)
        if len(seats) == 2:
            s.seats = seats
            viewer = side.get("viewer")
            s.viewer = viewer if viewer in (0, 1) else 0
        try:
            s.log = [LogEntry.from_json(e) for e in side.get("log", [])][-LOG_KEEP:]
            s.history = [h for h in side.get("history", []) if isinstance(h, dict) and "turn" in h]
            s.package_log = [_package_entry(e) for e in side.get("packages", [])]
            s.ask_why = {str(k): str(v) for k, v in dict(side.get("ask_why", {})).items()}
        except (TypeError, ValueError, KeyError):
            s.log, s.history, s.package_log, s.ask_why = [], [], [], {}
        s.note("system", f"Loaded {path.name}: turn {state.turn}, {state.date.isoformat()}")
        if not s.history or s.history[-1]["turn"] != state.turn:
            s.record_history()
        return s

    # -- whose turn -------------------------------------------------------------------
    @property
    def spectating(self) -> bool:
        return not self.seats

    @property
    def hotseat(self) -> bool:
        return len(self.seats) > 1

    def _seat_index(self, kind: str) -> int | None:
        if not self.seats:
            return None
        k, i = self.seats[self.viewer]
        return i if k == kind else None

    @property
    def human(self) -> int | None:
        """The faction the seat on view commands (None when it is a backer's, or nobody's)."""
        return self._seat_index("faction")

    @property
    def backer(self) -> int | None:
        """The backer the seat on view plays (its seat in the engine), or None."""
        return self._seat_index("backer")

    def sit(self, seat: Seat | None) -> None:
        """Put the one player in `seat` (None: watch), as `play --load --as` does."""
        self.seats = [seat] if seat is not None else []
        self.viewer = 0

    def seat_name(self, seat: Seat | None = None) -> str:
        """Who sits in a seat (by default the one on view), in a few words: a faction's
        short name, a backer's name, or "watch"."""
        if seat is None:
            seat = self.seats[self.viewer] if self.seats else None
        if seat is None:
            return "watch"
        kind, i = seat
        return self.world.backers[i].name if kind == "backer" else self.world.factions[i].short

    def seat_to_move(self) -> int | None:
        """Which seat (an index into `seats`) gives the next order; None when the AI does."""
        s = self.state
        if s.over:
            return None
        for n, (kind, i) in enumerate(self.seats):
            if (s.backer_step == i) if kind == "backer" else (s.active == i and s.backer_step < 0):
                return n
        return None

    def idle_step(self) -> bool:
        """Whether the seat to move is a backer with nothing to decide this step: no
        package it could send and no ask of its client's waiting (its step is passed for
        it, so that a player is not called to a desk with nothing on it)."""
        n = self.seat_to_move()
        if n is None or self.seats[n][0] != "backer":
            return False
        from ..engine.backers import why_closed

        b = self.seats[n][1]
        ks = [int(k) for k in self.world.packages_of_backer[b]]
        return not any(k in self.state.asked for k in ks) and all(why_closed(self.state, k) is not None for k in ks)

    def pass_idle_step(self) -> list:
        """End an idle backer step (see `idle_step`), noted in the log."""
        b = self.seats[self.seat_to_move()][1]
        return self._apply(EndTurn(), f"{self.world.backers[b].name} has nothing to send or answer this turn")

    def ai_to_move(self) -> bool:
        return not self.state.over and self.seat_to_move() is None

    def handover_due(self) -> bool:
        """In hotseat, whether the machine must pass to the other seat before it can move."""
        n = self.seat_to_move()
        return n is not None and n != self.viewer

    def hand_over(self) -> None:
        n = self.seat_to_move()
        if n is not None:
            self.viewer = n
            self.version += 1

    is_replay = False  # a ReplaySession (replay.py) plays recorded actions instead of agents

    def script_done(self) -> bool:
        """True when the session has no more orders to give by itself (the end of a replay)."""
        return False

    def ai_label(self, faction: int) -> str:
        return f"AI {self.level}"

    def is_human_turn(self) -> bool:
        """Whether the seat on view is to move (a backer in its step in its client's turn)."""
        n = self.seat_to_move()
        return n is not None and n == self.viewer

    def pending_question(self) -> int | None:
        """Index of the scenario event whose question waits for the active faction (not
        in a backer's step: the faction answers when its own orders come)."""
        if self.state.backer_step >= 0:
            return None
        for f, e in self.state.pending:
            if f == self.state.active:
                return e
        return None

    def agent(self, faction: int):
        if faction not in self._agents:
            self._agents[faction] = make_agent(self.level, self._agent_seeds[faction])
        return self._agents[faction]

    def backer_agent(self, b: int):
        """The agent for a seated backer no person plays (a save seated in the lab, say):
        the scenario's own policy, seeded as the lab seeds it."""
        if b not in self._backer_agents:
            from ..ai.agents import seat_agents

            self._backer_agents.update(seat_agents(self.world, self._agent_seed, {self.world.backer_ids[b]: "normal"}))
        return self._backer_agents[b]

    # -- orders -------------------------------------------------------------------------
    def order(self, action, *more) -> list:
        """A person's order, or several given as one (and undone as one). Raises
        IllegalAction with the engine's reason, the game left as it was."""
        state = self.state
        before = _Snapshot(state.clone(), list(self.log), self.orders_this_turn, "")
        dice = state.rng.bit_generator.state
        turn = (state.turn, state.active)
        events: list = []
        try:
            for a in (action, *more):
                events += self._apply(a, None)
        except IllegalAction:
            if events:  # never half of a group
                self._restore(before)
            raise
        if (state.turn, state.active) != turn or state.over:
            pass  # the turn is over, and with it what could be undone (see _apply)
        elif (all(isinstance(a, UNDOABLE) for a in (action, *more)) and state.rng.bit_generator.state == dice
              and self.pending_question() is None):
            # Compared rather than assumed: a rule that one day rolls for a move
            # makes the move final by itself.
            before.what = "; ".join(e.text for e in events) or type(action).__name__
            self._undo.append(before)
        else:
            self._undo.clear()
            self._undo_stop = _what_rolled(self.world, action)
        return events

    def can_undo(self) -> bool:
        return bool(self._undo) and self.is_human_turn()

    def undo(self) -> str:
        """Take back the player's last order of this turn that rolled no dice: the game,
        its random generator and the log go back to just before it. Returns what was
        undone; raises UndoRefused saying why nothing can be."""
        if not self.is_human_turn():
            raise UndoRefused("it is not your turn")
        if not self._undo:
            if self._undo_stop:
                raise UndoRefused(f"{self._undo_stop}, so it stands")  # short: it fits the status line
            raise UndoRefused("no order this turn to take back")
        snap = self._undo.pop()
        self._restore(snap)
        self.note("system", f"Undone: {snap.what}", self.world.faction_ids[self.state.active])
        return snap.what

    def _restore(self, snap: _Snapshot) -> None:
        # In place, not a new object: the window's views hold this state. The snapshot
        # is used once, so its arrays can become the game's own.
        self.state.__dict__.update(snap.state.__dict__)
        self.log = snap.log
        self.orders_this_turn = snap.orders_this_turn
        self.last_events = []
        self.version += 1

    def ai_choose(self, state_copy=None):
        """Ask the active side's agent for its next order: (action, why). Works on a copy
        of the state, so it can run in a worker thread while the window keeps drawing."""
        state = self.state
        f = state.active
        if self.orders_this_turn >= MAX_AI_ORDERS:
            return self._fallback(), f"gave {MAX_AI_ORDERS} orders this turn; turn ended"
        agent = self.backer_agent(state.backer_step) if state.backer_step >= 0 else self.agent(f)
        try:
            action = agent.act(state_copy if state_copy is not None else state.clone())
        except Exception as exc:  # an AI bug must not end the player's game
            traceback.print_exc(file=sys.stderr)
            return self._fallback(), f"AI error ({type(exc).__name__}: {exc}); turn ended"
        return action, str(getattr(agent, "why", "") or "")

    def ai_apply(self, action, why: str) -> list:
        if self.backer is not None and isinstance(action, A.RequestSupport):
            self._note_ask(action)
        try:
            return self._apply(action, why)
        except IllegalAction as exc:
            self.note("refused", f"{self.world.faction_short(self.state.active)} AI gave an illegal order ({exc}); "
                                 "its turn ends")
            return self._apply(self._fallback(), None)

    def _note_ask(self, action: A.RequestSupport) -> None:
        """Keep, for the player's desk, why the client asks its backer for a package now."""
        from .desk_text import ask_reason

        w = self.world
        k = w.kidx.get((action.backer, action.package))
        if k is not None and w.packages[k].backer == self.backer:
            self.ask_why[action.package] = f"as it stood on turn {self.state.turn}: {ask_reason(self.state, k)}"

    def _fallback(self):
        legal = legal_actions(self.state)
        if self.pending_question() is not None:
            return legal[0]
        return EndTurn()

    def _apply(self, action, why: str | None) -> list:
        state = self.state
        before = (state.turn, state.active)
        events = apply(state, action)  # IllegalAction propagates to the caller
        self.version += 1
        actor = self.world.faction_ids[before[1]]
        if why:
            self.log.append(LogEntry(before[0], actor, "why", why))
        self._log_events(events)
        self.last_events = events
        if (state.turn, state.active) != before:
            self.orders_this_turn = 0
            self._undo.clear()  # a new turn: the last one's orders stand
            self._undo_stop = None
        else:
            self.orders_this_turn += 1
        if state.turn != before[0] or state.over:
            self.record_history()
            if self.autosave_enabled:
                self.autosave()
        if len(self.log) > LOG_KEEP * 2:
            self.log = self.log[-LOG_KEEP:]
        return events

    # -- log and history ----------------------------------------------------------------
    def note(self, kind: str, text: str, faction: str | None = None) -> None:
        self.log.append(LogEntry(self.state.turn, faction, kind, text))

    def _log_events(self, events) -> None:
        for e in events:
            self.log.append(LogEntry(e.turn, e.faction, e.kind, e.text))
            if e.kind in PACKAGE_KINDS and (e.data or {}).get("package"):
                self.package_log.append({"turn": int(e.turn), "kind": e.kind, "backer": e.data["backer"],
                                         "package": e.data["package"]})
            if e.kind == "scripted" and e.data.get("text"):
                self.log.append(LogEntry(e.turn, None, "news", e.data["text"]))

    def record_history(self) -> None:
        from .describe import ground_strength

        s, w = self.state, self.world
        row = {
            "turn": int(s.turn),
            "date": s.date.isoformat(),
            "places": [int(np.count_nonzero(s.owner == f)) for f in range(w.F)],
            "population": [float(w.population[s.owner == f].sum()) for f in range(w.F)],
            "strength": [round(ground_strength(s, f)) for f in range(w.F)],
            "legitimacy": [round(float(x), 1) for x in s.legitimacy],
            "cohesion": [round(float(x), 1) for x in s.cohesion],
            "treasury": [round(float(x), 1) for x in s.treasury],
        }
        if self.history and self.history[-1]["turn"] == row["turn"]:
            self.history[-1] = row
        else:
            self.history.append(row)

    # -- saves ----------------------------------------------------------------------------
    @property
    def saves_dir(self) -> Path | None:
        return self.save_dir / "saves" if self.save_dir is not None else None

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        save_game(path, self.state)
        side = {
            "format": "sandtable-client",
            "scenario": self.world.spec.meta.id,
            "scenario_path": str(Path(self.loaded.path).resolve()),
            "human": self.world.faction_ids[self.human] if self.human is not None else None,
            "backer": self.world.backer_ids[self.backer] if self.backer is not None else None,
            "seats": [[kind, (self.world.backer_ids if kind == "backer" else self.world.faction_ids)[i]]
                      for kind, i in self.seats],
            "viewer": self.viewer,
            "level": self.level,
            "seed": self.seed,
            "history": self.history,
            "log": [e.to_json() for e in self.log[-200:]],
            "packages": self.package_log,
            "ask_why": self.ask_why,
        }
        write_text_atomic(sidecar_path(path), json.dumps(side, separators=(",", ":")))
        self.saved_at = self.state.action_count
        return path

    def unsaved(self) -> bool:
        """Whether the player has given orders since the game was last saved (a game
        being watched, replayed or already over has nothing of theirs to lose)."""
        return (not self.spectating and not self.is_replay and not self.state.over
                and self.state.action_count != self.saved_at)

    def autosave(self) -> Path | None:
        """Save at the start of the player's turn, keeping the last AUTOSAVES of them in
        rotation (autosave.json the newest, then autosave-2.json ...), so that a mistake
        noticed a few turns late can still be undone."""
        if self.saves_dir is None:
            return None
        try:
            self._rotate_autosaves()
            return self.save(self.saves_dir / "autosave.json")
        except OSError as exc:  # a full disk must not end the game; say so instead
            self.last_save_error = str(exc)
            self.note("refused", f"Autosave failed: {exc}")
            return None

    def _rotate_autosaves(self) -> None:
        def name(i: int) -> Path:
            return self.saves_dir / ("autosave.json" if i == 1 else f"autosave-{i}.json")

        for i in range(AUTOSAVES - 1, 0, -1):
            older = name(i)
            if older.exists():
                os.replace(older, name(i + 1))
                side = sidecar_path(older)
                if side.exists():
                    os.replace(side, sidecar_path(name(i + 1)))

    def quicksave_path(self) -> Path | None:
        return self.saves_dir / "quicksave.json" if self.saves_dir is not None else None

    def hash(self) -> str:
        return state_hash(self.state)


def _noted_seats(noted, world, state) -> list[Seat]:
    """The seats a sidecar names, checked against the game (a backer's seat must be one
    the engine has seated); an empty list if any is wrong."""
    seats: list[Seat] = []
    if not isinstance(noted, list):
        return seats
    for item in noted:
        if not (isinstance(item, list) and len(item) == 2 and all(isinstance(x, str) for x in item)):
            return []
        kind, sid = item
        if kind == "faction" and sid in world.fidx:
            seats.append(("faction", world.fidx[sid]))
        elif kind == "backer" and sid in world.bidx and state.seated[world.bidx[sid]]:
            seats.append(("backer", world.bidx[sid]))
        else:
            return []
    return seats if len(set(seats)) == len(seats) else []


def _package_entry(e) -> dict:
    """One entry of a sidecar's package log, checked (a hand-edited file must not break the desk)."""
    return {"turn": int(e["turn"]), "kind": str(e["kind"]), "backer": str(e["backer"]), "package": str(e["package"])}


def _what_rolled(world, action) -> str:
    """Why undo stops at this order, in the player's words."""
    def place(pid):
        return world.place_name(world.pidx[pid]) if pid in world.pidx else pid

    if isinstance(action, A.Attack):
        return f"the attack on {place(action.target)} rolled dice"
    if isinstance(action, A.DroneStrike):
        return f"the air strike on {place(action.target)} rolled dice"
    if isinstance(action, A.RequestSupport):
        return "your backer has answered your request"
    if isinstance(action, A.ChooseOption):
        return "your answer to the question is given"
    return "your last order rolled dice"


def _read_sidecar(path: Path) -> dict:
    try:
        data = json.loads(sidecar_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) and data.get("format") == "sandtable-client" else {}


def _peek_scenario_id(path: Path) -> str | None:
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        raise SaveError(f"{path}: no such save file") from None
    except (OSError, ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise SaveError(f"{path}: save is corrupt or truncated ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != "sandtable-save":
        raise SaveError(f"{path}: not a Sandtable save file")
    sid = data.get("scenario")
    return sid if isinstance(sid, str) else None


def _find_scenario(path: Path, side: dict, explicit, scenario_dir: Path) -> Path:
    """The scenario a save belongs to: the one named on the command line, else the
    file the client noted beside the save, else the scenario with the save's id."""
    sid = _peek_scenario_id(path)
    if explicit is not None:
        return Path(explicit)
    noted = side.get("scenario_path")
    if isinstance(noted, str) and Path(noted).is_file() and side.get("scenario") == sid:
        return Path(noted)
    for p in sorted(Path(scenario_dir).glob("*.y*ml")):
        if is_companion_file(p):
            continue
        try:
            loaded = load_scenario(p)
        except Exception:
            continue
        if loaded.id == sid:
            return p
    if sid is not None:
        raise SaveError(f"{path}: this save is for scenario '{sid}', which is not in {scenario_dir}")
    return DEFAULT_SCENARIO


def list_saves(save_dir: Path | None) -> list[Path]:
    if save_dir is None:
        return []
    d = Path(save_dir) / "saves"
    if not d.is_dir():
        return []
    files = [p for p in d.glob("*.json") if not p.name.endswith(".client.json")]
    return sorted(files, key=lambda p: p.stat().st_mtime, reverse=True)


def autoplay(session: GameSession, turns: int) -> int:
    """Let the AI play every side for up to `turns` turns, without a window, answering
    the scenario's questions for the player's side too: a scenario with a decision
    every few weeks would otherwise stop it within a turn or two. Stops early at the
    end of the game. Returns the number of orders given."""
    state = session.state
    target = state.turn + max(0, int(turns))
    count = 0
    while not state.over and state.turn < target and not session.script_done():
        action, why = session.ai_choose()
        session.ai_apply(action, why)
        count += 1
    return count
