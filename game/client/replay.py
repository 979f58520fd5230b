"""Watching a lab replay: `sandtable play --replay FILE`.

A replay (written by `sandtable simulate --save-replays`) is the scenario file with
its `--set` and `--without`, the game's seed, every action and the state hash after
every round. `load_replay` rebuilds the scenario as `game.lab.replays` does, checks
the whole recording up front (so a changed scenario or a diverging replay is an
error before any window opens), then returns a ReplaySession: a spectated
GameSession whose "AI" gives the recorded actions, one at a time, and which checks
each round's hash again as it is shown.

No pygame here.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..engine import IllegalAction, World, new_game
from ..engine.actions import action_from_json
from ..engine.peace import outcome
from ..engine.persist import SaveError, read_json, replay, replay_seats, state_hash
from .session import GameSession


class ReplayError(Exception):
    """A replay that cannot be shown; the message says why (one line or a few)."""


class ReplaySession(GameSession):
    """A spectated game whose orders come from a recording instead of agents."""

    def __init__(self, *args, actions: list, hashes: list[str], agents: dict[str, str], source: Path, **kw):
        super().__init__(*args, **kw)
        self.script = actions
        self.hashes = hashes
        self.agents = agents
        self.source = source
        self.cursor = 0  # index of the next recorded action
        self.checked = 0  # rounds whose hash has been checked during playback
        self.replay_error: str | None = None

    is_replay = True

    def script_done(self) -> bool:
        return self.replay_error is not None or self.cursor >= len(self.script)

    def ai_label(self, faction: int) -> str:
        lv = self.agents.get(self.world.faction_ids[faction])
        return f"recorded AI {lv}" if lv else "recorded"

    def ai_choose(self, state_copy=None):
        if self.script_done():
            return None, ""
        return self.script[self.cursor], ""

    def ai_apply(self, action, why: str) -> list:
        if action is None or self.script_done():
            return []
        try:
            events = self._apply(action, None)
        except IllegalAction as exc:
            self._fail(f"the replay diverges at action {self.cursor} ({action}): {exc}")
            return []
        self.cursor += 1
        return events

    def _apply(self, action, why):
        before = self.state.turn
        events = super()._apply(action, why)
        s = self.state
        if s.turn != before or s.over:
            if self.checked >= len(self.hashes) or state_hash(s) != self.hashes[self.checked]:
                self._fail(f"the replay diverges after action {self.cursor}: the state hash differs at round "
                           f"{self.checked + 1}")
            self.checked += 1
        return events

    def _fail(self, msg: str) -> None:
        self.replay_error = msg
        self.note("refused", f"Replay stopped: {msg}")


def load_replay(path: str | Path, scenario: str | Path | None = None, save_dir: Path | None = None) -> ReplaySession:
    """Rebuild a lab replay's scenario, verify the recording, and return a session at its
    start. Raises ReplayError (bad file, missing or changed scenario, divergence) or
    ScenarioError (the scenario file itself is broken)."""
    from ..lab.errors import LabError
    from ..lab.variant import Variant, prepare

    path = Path(path)
    try:
        data = read_json(path, "replay")
    except SaveError as exc:
        raise ReplayError(str(exc)) from None
    if not isinstance(data, dict) or data.get("format") != "sandtable-replay":
        raise ReplayError(f"{path}: not a Sandtable replay file")
    lab = data.get("lab")
    if not isinstance(lab, dict):
        if scenario is None:
            raise ReplayError(f"{path}: this replay does not say which scenario file it needs; "
                              "give it as `sandtable play SCENARIO --replay FILE`")
        lab = {}
    file = str(scenario) if scenario is not None else (lab.get("scenario_path") or lab.get("scenario"))
    if not isinstance(file, str):
        raise ReplayError(f"{path}: replay is corrupt: no scenario file named")
    if scenario is None and not Path(file).is_file() and isinstance(lab.get("scenario"), str) \
            and Path(lab["scenario"]).is_file():
        file = lab["scenario"]
    if not Path(file).is_file():
        raise ReplayError(f"{path}: the scenario it was recorded with, {file}, is not there; "
                          "give its path as `sandtable play SCENARIO --replay FILE`")
    sets, without = lab.get("sets", ()), lab.get("without", ())
    if not all(isinstance(x, list | tuple) and all(isinstance(t, str) for t in x) for x in (sets, without)):
        raise ReplayError(f"{path}: replay is corrupt: bad 'sets' or 'without'")
    try:
        prepared = prepare(Variant(file, tuple(sets), tuple(without)))
    except LabError as exc:
        raise ReplayError("\n".join(f"{path}: {p}" for p in exc.problems)) from None
    world = World(prepared.spec, prepared.sha256)
    try:
        final = replay(data, world)  # the whole recording, checked before anything is shown
        actions = [action_from_json(a) for a in data["actions"]]
        seed = np.random.SeedSequence(int(data["seed"]["entropy"]),
                                      spawn_key=tuple(int(k) for k in data["seed"]["spawn_key"]))
    except SaveError as exc:
        raise ReplayError(f"{path}: {exc}") from None
    except (KeyError, TypeError, ValueError) as exc:
        raise ReplayError(f"{path}: replay is corrupt: {exc}") from None
    want = lab.get("verdict")
    if isinstance(want, dict):
        winner = outcome(final)
        got = {"winner": winner, "reason": final.reason, "turns": int(final.turn)}
        if got != want:
            raise ReplayError(f"{path}: the actions replay to {got}, but the file records {want}")
    agents = lab.get("agents") if isinstance(lab.get("agents"), dict) else {}
    state = new_game(world, seed, replay_seats(data, world))
    entropy = lab.get("entropy") if isinstance(lab.get("entropy"), int) else 0
    s = ReplaySession(prepared.loaded, world, state, None, "replay", entropy, save_dir, autosave=False,
                      actions=actions, hashes=[str(h) for h in data["hashes"]],
                      agents={str(k): str(v) for k, v in agents.items()}, source=path)
    variant = "".join(f" --set {t}" for t in sets) + "".join(f" --without {t}" for t in without)
    s.note("system", f"Replay {path.name}: {prepared.spec.meta.title}{variant} — {len(actions)} actions, "
                     f"{len(s.hashes)} rounds")
    s._log_events(getattr(state, "opening_events", []) or [])
    s.record_history()
    return s
