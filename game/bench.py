"""`sandtable bench`: the project's one measure of speed.

Game speeds are CPU time of this process, so that other work on the machine does not
count, and each game counts with the least of a few plays of it, since even CPU time
varies on a shared machine. Figures belong in notes and the README, never in
test assertions.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from .scenario import load_scenario

REPEATS = 3


def bench_load(path: Path, repeats: int = 5) -> float:
    from .scenario import cache

    times = []
    for _ in range(repeats):
        cache.forget()  # a load as from nothing, not the copy kept from the last one
        t0 = time.perf_counter()
        load_scenario(path)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000.0


def _world(path: Path):
    from .engine import World

    loaded = load_scenario(path)
    return World(loaded.spec, loaded.sha256)


def bench_games(path: Path, level: str, games: int, seed: int = 0, repeats: int = REPEATS) -> dict:
    """Whole games of one AI level against itself, in this process: games per CPU
    second. Each seeded game is played `repeats` times, not in a row, and counts with
    its least CPU time: a game plays the same every time, so the least is its own cost
    and the rest is what a busy host added."""
    from .ai.agents import run_game, warm_up

    world = _world(path)
    warm_up(world)  # compiled kernels loaded outside the timing
    seeds = np.random.SeedSequence(seed).spawn(games)
    levels = {f: level for f in world.faction_ids}
    best = [float("inf")] * games
    turns = []
    for _ in range(repeats):
        turns = []
        for i, s in enumerate(seeds):
            t0 = time.process_time()
            turns.append(run_game(world, s, levels).turn)
            best[i] = min(best[i], time.process_time() - t0)
    return {"games_per_cpu_second": games / sum(best), "mean_turns": statistics.fmean(turns)}


def bench_orders(path: Path, level: str, games: int, seed: int = 1) -> dict:
    """How long a player waits for the AI: per order given (the agent's thought and
    the order carried out; for the end of a turn, the thought only, since what follows
    is the round's own business) and per faction turn, in µs and ms, as p50 and p95."""
    from .ai.agents import make_agents, warm_up
    from .engine import EndTurn, apply, new_game

    world = _world(path)
    warm_up(world)
    orders: list[float] = []
    turns: list[float] = []
    for ss in np.random.SeedSequence(seed).spawn(games):
        game_seed, agent_seed = ss.spawn(2)
        state = new_game(world, game_seed)
        agents = make_agents(world, agent_seed, {f: level for f in world.faction_ids})
        while not state.over:
            who, turn = state.active, state.turn
            t_turn = time.perf_counter()
            while not state.over and state.active == who and state.turn == turn:
                t0 = time.perf_counter()
                action = agents[who].act(state)
                t1 = time.perf_counter()
                apply(state, action, checked=True)
                orders.append((t1 if type(action) is EndTurn else time.perf_counter()) - t0)
            turns.append(time.perf_counter() - t_turn)

    def spread(values: list[float], scale: float) -> dict:
        return {"p50": round(float(np.percentile(values, 50)) * scale, 2),
                "p95": round(float(np.percentile(values, 95)) * scale, 2)}

    return {"order_us": spread(orders, 1e6), "turn_ms": {**spread(turns, 1e3), "turns": len(turns)}}


def bench_compile() -> dict:
    """Seconds to compile every kernel from nothing (as on a new machine, or after the
    engine changes), and to load them once compiled: `sandtable compile` twice in a
    fresh process, with an empty cache."""
    with tempfile.TemporaryDirectory(prefix="sandtable-kernels-") as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        out = {}
        for key in ("compile_s", "kernel_load_s"):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "game.cli", "compile"], env=env, check=True, capture_output=True,
                           cwd=Path(__file__).resolve().parent.parent)
            out[key] = round(time.perf_counter() - t0, 2)
    return out


def run(scenario: Path, games: int, as_json: bool) -> int:
    results: dict = {
        "scenario": scenario.stem,
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    results["load_ms"] = round(bench_load(scenario), 2)
    results.update(bench_compile())
    normal = bench_games(scenario, "normal", games)
    results["normal_games_per_cpu_second"] = round(normal["games_per_cpu_second"], 2)
    results["normal_mean_turns"] = round(normal["mean_turns"], 1)
    rand = bench_games(scenario, "random", 3 * games)
    results["random_games_per_cpu_second"] = round(rand["games_per_cpu_second"], 2)
    results["random_mean_turns"] = round(rand["mean_turns"], 1)
    from .lab.throughput import bench_lab

    results.update(bench_lab(scenario))
    from .client.frame_times import bench_frames

    results.update(bench_frames(scenario))
    normal_orders = bench_orders(scenario, "normal", games=6)
    hard_orders = bench_orders(scenario, "hard@1", games=1)
    results["order_us"] = {"normal": normal_orders["order_us"], "hard@1": hard_orders["order_us"]}
    results["ai_turn_ms"] = {"normal": normal_orders["turn_ms"], "hard@1": hard_orders["turn_ms"]}
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
    table.add_row("compile_s", f"{results['compile_s']:.1f}",
                  "compile every kernel from nothing (once per machine and engine version)")
    table.add_row("kernel_load_s", f"{results['kernel_load_s']:.1f}",
                  "start a process and load the compiled kernels (`sandtable compile` when ready)")
    table.add_row("normal_games_per_cpu_second", f"{results['normal_games_per_cpu_second']:.1f}",
                  f"whole normal-vs-normal games per CPU second, one process ({games} games, each the least of {REPEATS} plays)")
    table.add_row("random_games_per_cpu_second", f"{results['random_games_per_cpu_second']:.1f}",
                  f"whole random-vs-random games per CPU second, one process ({3 * games} games, each the least of {REPEATS} plays)")
    table.add_row("lab_games_per_second", f"{results['lab_games_per_second']:.1f}",
                  "sandtable simulate, local executor, 2 jobs, normal agents (wall clock)")
    fm = results["frame_ms"]
    table.add_row("frame_ms", f"{fm['p50']:.1f} / {fm['p95']:.1f}", "map screen at 1600×900, p50 / p95 (dummy video driver)")
    for level, t in results["order_us"].items():
        table.add_row(f"order_us.{level}", f"{t['p50']:.0f} / {t['p95']:.0f}",
                      f"µs per AI order, thought and carried out, p50 / p95 ({level} vs {level})")
    for level, t in results["ai_turn_ms"].items():
        table.add_row(f"ai_turn_ms.{level}", f"{t['p50']:.1f} / {t['p95']:.1f}",
                      f"ms per faction turn, p50 / p95 ({t['turns']} turns, {level} vs {level})")
    Console().print(table)
    return 0
