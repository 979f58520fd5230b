"""Where a game's time goes, by kind of order: for each kind, how many a game gives,
and the wall time per order of the AI's thought and of carrying the order out.

    .venv/bin/python scripts/order_costs.py [SCENARIO] [--games N] [--level LEVEL]

The figures are for finding what to speed up; `sandtable bench` is the measure of speed.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from game.ai.agents import make_agents, warm_up
from game.engine import World, apply, new_game
from game.scenario import load_scenario


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", nargs="?", default="scenarios/tripoli_2019.yaml")
    parser.add_argument("--games", type=int, default=30)
    parser.add_argument("--level", default="normal")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    loaded = load_scenario(Path(args.scenario))
    world = World(loaded.spec, loaded.sha256)
    warm_up(world)
    spent = defaultdict(lambda: [0, 0.0, 0.0])  # kind -> orders, thinking, carrying out
    clock = time.perf_counter
    for ss in np.random.SeedSequence(args.seed).spawn(args.games):
        game_seed, agent_seed = ss.spawn(2)
        state = new_game(world, game_seed)
        agents = make_agents(world, agent_seed, {f: args.level for f in world.faction_ids})
        while not state.over:
            t0 = clock()
            action = agents[state.active].act(state)
            t1 = clock()
            apply(state, action, checked=True)
            row = spent[type(action).__name__]
            row[0] += 1
            row[1] += t1 - t0
            row[2] += clock() - t1
    total = sum(think + carry for _, think, carry in spent.values())
    print(f"{args.games} games of {world.spec.meta.id} at {args.level}: {total / args.games * 1000:.1f} ms a game")
    for kind, (n, think, carry) in sorted(spent.items(), key=lambda kv: -(kv[1][1] + kv[1][2])):
        print(f"{kind:<16} {n / args.games:7.0f} a game   think {think / n * 1e6:6.1f} µs   "
              f"carry out {carry / n * 1e6:6.1f} µs   {100 * (think + carry) / total:5.1f}% of the time")


if __name__ == "__main__":
    main()
