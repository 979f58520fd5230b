"""The headless lab: many seeded AI-vs-AI games, statistics, sweeps, tournaments, reports.

    from game.lab import Variant, RunOptions, simulate
    run, summary = simulate(Variant("scenarios/my_war.yaml", without=("patron",)),
                            "out/no-patron", RunOptions(games=200, jobs=2))

Modules: `variant` (a scenario with `--set` and `--without`), `overrides` (`--set`),
`counterfactual` (removing a backer), `play` (what a worker does), `runs` and
`store` (runs, resumable results), `executors` (serial, local pool, Dask),
`outputs`, `report` and `charts` (files), `stats` (Wilson, Bradley-Terry), `momentum`
(each side's low point and recoveries), `checkpoints` (games against the record's
dated checkpoints), `simulate`, `sweep`, `tournament`, `replays`, `compare` (finished
runs side by side), `throughput` (the lab's games per second for `sandtable bench`),
and `commands` (the CLI).
"""

from .errors import LabError
from .simulate import RunOptions, simulate
from .variant import Variant, prepare

__all__ = ["LabError", "RunOptions", "Variant", "prepare", "simulate"]
