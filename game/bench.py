"""`sandtable bench`: the project's one measure of speed.

Figures are wall-clock on this machine, so they belong in notes and the README,
never in test assertions.
"""

from __future__ import annotations

import json
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from .scenario import load_scenario


def bench_load(path: Path, repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        load_scenario(path)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000.0


def bench_engine(path: Path, games: int, seed: int = 0) -> dict:
    from .ai.runner import run_game
    from .engine import World

    loaded = load_scenario(path)
    world = World(loaded.spec, loaded.sha256)
    seeds = np.random.SeedSequence(seed).spawn(games)
    run_game(world, seeds[0])  # warm caches and imports outside the timing
    turns = []
    t0 = time.perf_counter()
    for s in seeds:
        turns.append(run_game(world, s).turn)
    elapsed = time.perf_counter() - t0
    return {"games_per_second": games / elapsed, "mean_turns": statistics.fmean(turns)}


def bench_ai(path: Path, level: str, games: int, seed: int = 1) -> dict:
    """Milliseconds per faction turn for an AI level playing itself (orders and their
    resolution both count: this is how long a player waits for the AI)."""
    from .ai.runner import AGENTS
    from .engine import World, apply, new_game

    loaded = load_scenario(path)
    world = World(loaded.spec, loaded.sha256)
    times: list[float] = []
    for ss in np.random.SeedSequence(seed).spawn(games):
        game_seed, agent_seed = ss.spawn(2)
        state = new_game(world, game_seed)
        agents = [AGENTS[level](s) for s in agent_seed.spawn(world.F)]
        while not state.over:
            who, turn = state.active, state.turn
            t0 = time.perf_counter()
            while not state.over and state.active == who and state.turn == turn:
                apply(state, agents[who].act(state))
            times.append((time.perf_counter() - t0) * 1000.0)
    return {"p50": round(float(np.percentile(times, 50)), 2), "p95": round(float(np.percentile(times, 95)), 2),
            "turns": len(times)}


def run(scenario: Path, games: int, as_json: bool) -> int:
    results: dict = {
        "scenario": scenario.stem,
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    results["load_ms"] = round(bench_load(scenario), 2)
    eng = bench_engine(scenario, games)
    results["engine_games_per_second"] = round(eng["games_per_second"], 2)
    results["engine_mean_turns"] = round(eng["mean_turns"], 1)
    from .lab.bench import bench_lab

    results.update(bench_lab(scenario))
    from .client.bench import bench_frames

    results.update(bench_frames(scenario))
    results["ai_turn_ms"] = {"normal": bench_ai(scenario, "normal", games=6), "hard": bench_ai(scenario, "hard", games=2)}
    if as_json:
        json.dump(results, sys.stdout)
        sys.stdout.write("\n")
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Sandtable bench — {scenario.name}")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_column("what it is")
    table.add_row("load_ms", f"{results['load_ms']:.1f}", "load and validate the scenario (median of 5)")
    table.add_row("engine_games_per_second", f"{results['engine_games_per_second']:.1f}",
                  f"whole random-vs-random games, one process ({games} games)")
    table.add_row("engine_mean_turns", f"{results['engine_mean_turns']:.1f}", "average game length in turns")
    table.add_row("lab_games_per_second", f"{results['lab_games_per_second']:.1f}",
                  "sandtable simulate, local executor, 2 jobs, normal agents")
    fm = results["frame_ms"]
    table.add_row("frame_ms", f"{fm['p50']:.1f} / {fm['p95']:.1f}", "map screen at 1600×900, p50 / p95 (dummy video driver)")
    for level, t in results["ai_turn_ms"].items():
        table.add_row(f"ai_turn_ms.{level}", f"{t['p50']:.1f} / {t['p95']:.1f}",
                      f"ms per faction turn, p50 / p95 ({t['turns']} turns, {level} vs {level})")
    Console().print(table)
    return 0
