"""Lab replays: a recorded game that can be re-run and checked.

A lab replay is the engine's replay format (scenario id and hash, the game's seed,
every action, the state hash after every round) plus a `lab` section: the scenario
file with its `--set` and `--without`, the game's seed in the run (root entropy and
spawn key), the agents that played and the verdict. `verify` rebuilds the scenario,
replays the actions checking every round's hash, and compares the verdict; then it
lets the recorded agents play the same seed again and says whether they still
choose the same actions (they may not if an agent's code has changed since, which
does not make the recorded game wrong).
"""

from __future__ import annotations

from pathlib import Path

from .. import __version__
from ..engine import World
from ..engine.peace import outcome
from ..engine.persist import SaveError, read_json, replay
from ..scenario import ScenarioError
from .errors import LabError
from .outcomes import outcome_label
from .variant import Variant, prepare


def lab_replay(run, result: dict, recorded: dict) -> dict:
    v = run.prepared.variant
    return {
        **recorded,
        "lab": {
            "scenario": v.path,
            "scenario_path": str(Path(v.path).resolve()),
            "sets": list(v.sets),
            "without": list(v.without),
            "entropy": run.seed,
            "spawn_key": result["spawn_key"],
            "game": result["index"],
            "agents": result["levels"],
            "version": __version__,
            "verdict": {"winner": result["winner"], "reason": result["reason"], "turns": result["turns"]},
        },
    }


def _verdict(world: World, state) -> dict:
    winner = outcome(state)
    return {"winner": winner, "reason": state.reason, "turns": int(state.turn)}


def verify(path: str | Path, scenario: str | None = None) -> tuple[str, list[str]]:
    """(the ok line, notes) for a replay that checks out; SaveError or LabError if not."""
    data = read_json(path, "replay")
    if not isinstance(data, dict) or data.get("format") != "sandtable-replay":
        raise SaveError(f"{path}: not a Sandtable replay file")
    lab = data.get("lab")
    if not isinstance(lab, dict):
        if scenario is None:
            raise LabError(f"{path}: this replay does not say which scenario file it needs; give it with --scenario")
        lab = {}
    file = scenario or lab.get("scenario_path") or lab.get("scenario")
    if not isinstance(file, str):
        raise SaveError(f"{path}: replay is corrupt: no scenario file named")
    if scenario is None and not Path(file).is_file() and isinstance(lab.get("scenario"), str) and Path(lab["scenario"]).is_file():
        file = lab["scenario"]
    if not Path(file).is_file():
        raise LabError(f"{path}: the scenario it was recorded with, {file}, is not there; give its path with --scenario")
    try:
        variant = Variant(file, tuple(lab.get("sets", ())), tuple(lab.get("without", ())))
    except TypeError:
        raise SaveError(f"{path}: replay is corrupt: bad 'sets' or 'without'") from None
    try:
        prepared = prepare(variant)
    except ScenarioError as exc:
        # The path came out of the replay (or beside it): whatever file it names, its lines
        # are not shown, so a doctored replay cannot make this print another file's contents.
        n = len(exc.problems)
        raise LabError(f"{path}: the scenario file it names, {file}, is not a valid Sandtable scenario "
                       f"({n} problem{'s' if n != 1 else ''}; `sandtable validate` that file to see them), "
                       "or give the right one with --scenario") from None
    world = World(prepared.spec, prepared.sha256)
    state = replay(data, world)  # SaveError at the first divergence
    got = _verdict(world, state)
    want = lab.get("verdict")
    if isinstance(want, dict) and want != got:
        raise SaveError(f"{path}: the actions replay to {_say(world, got)}, but the file records {_say(world, want)}")
    n = len(data.get("actions", []))
    ok = f"ok {Path(path).name}: {_say(world, got)} ({n} actions, {len(data.get('hashes', []))} rounds verified)"
    notes = _check_agents(world, data, lab) if lab else []
    return ok, notes


def _say(world: World, v: dict) -> str:
    w = v.get("winner")
    if w is None:
        return f"an unfinished game at turn {v.get('turns')}"
    who = "a draw" if w == "draw" else (outcome_label(world.spec, w) if w in world.spec.outcomes() else f"{w} wins")
    return f"{who} on turn {v.get('turns')} — {v.get('reason')}"


def _check_agents(world: World, data: dict, lab: dict) -> list[str]:
    """Let the recorded agents play the recorded seed; report whether they still agree."""
    from ..ai.agents import is_level
    from .play import GameJob, play_game

    agents = lab.get("agents")
    key = lab.get("spawn_key")
    entropy = lab.get("entropy")
    if not (isinstance(agents, dict) and isinstance(key, list) and isinstance(entropy, int)):
        return ["the file does not name its agents and seed, so only the recorded actions were checked"]
    missing = sorted({lv for lv in agents.values() if not is_level(lv)})
    if missing:
        return [f"agent level(s) {', '.join(missing)} no longer exist; only the recorded actions were checked"]
    job = GameJob(-1, tuple(int(k) for k in key), tuple(agents.items()), replay=True)
    again = play_game(world, entropy, job)
    if again.get("status") != "ok":
        return [f"the agents fail on this seed now ({again.get('error')}); the recorded actions still verify"]
    mine, theirs = again["replay"]["actions"], data.get("actions", [])
    if mine == theirs:
        levels = ", ".join(f"{f}={lv}" for f, lv in agents.items())
        return [f"the agents ({levels}) play this seed to the same {len(mine)} actions"]
    first = next((i for i, (a, b) in enumerate(zip(mine, theirs)) if a != b), min(len(mine), len(theirs)))
    return [f"note: the agents now play this seed differently (from action {first}); "
            "the recorded game itself verifies"]
