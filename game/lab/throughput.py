"""The lab's speed figure for `sandtable bench`: whole games per second through `simulate`.

Measured end to end as a user runs it (process pool start-up, shipping the scenario,
writing results), with the local executor and two jobs, on the 2019 scenario, with
the strongest fast agent that is registered ("normal" when it exists, else "random").
"""

from __future__ import annotations

import tempfile
from pathlib import Path

GAMES = 40
JOBS = 2


def bench_agent() -> str:
    from .runs import default_level

    return default_level()  # what an unqualified `simulate` plays, so the figure is the one users see


def bench_lab(scenario_path: str | Path, games: int = GAMES, jobs: int = JOBS) -> dict:
    from .simulate import RunOptions, simulate
    from .variant import Variant, prepare

    level = bench_agent()
    spec = prepare(Variant(str(scenario_path))).spec
    with tempfile.TemporaryDirectory(prefix="sandtable-bench-") as tmp:
        run, summary = simulate(Variant(str(scenario_path)), Path(tmp) / "run",
                                RunOptions(games=games, seed=0, jobs=jobs, executor="local"),
                                levels={f: level for f in spec.factions}, report=False)
    return {"lab_games_per_second": round(run.session_games / run.elapsed, 2) if run.elapsed > 0 else None}
