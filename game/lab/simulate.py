"""`simulate`: many seeded games of one scenario variant, with a report."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..scenario.targets import LoadedTargets, default_targets_path, load_targets
from . import lock
from .errors import LabError
from .executors import EXECUTORS, default_jobs
from .outputs import summarise, write_summary, write_tables
from .report import forget_report, write_report
from .runs import Run, check_levels, execute, simple_jobs
from .variant import Variant, prepare


# Games in one run (or one point of a sweep). Each waiting game is held in memory, and
# this many take hours even on a cluster; a bigger question is asked as several runs.
MAX_GAMES = 200_000


@dataclass
class RunOptions:
    """How to run games (shared by simulate, sweep and tournament)."""

    games: int = 100
    seed: int = 0
    jobs: int = field(default_factory=default_jobs)
    executor: str = "local"
    scheduler: str | None = None
    resume: bool = False
    overwrite: bool = False
    chunk: int | None = None  # games per chunk; None: chosen from games and jobs

    def check(self) -> None:
        problems = []
        if self.games < 1:
            problems.append("--games must be at least 1")
        elif self.games > MAX_GAMES:
            problems.append(f"--games {self.games}: at most {MAX_GAMES:,} games a run (that many take hours); "
                            "split a bigger study into runs with different --seed values")
        if self.seed < 0:
            problems.append("--seed must be 0 or more")
        if self.jobs < 1:
            problems.append("--jobs must be at least 1")
        if self.resume and self.overwrite:
            problems.append("--resume and --overwrite contradict each other")
        if self.executor not in EXECUTORS:
            problems.append(f"--executor {self.executor}: unknown executor (choose from {', '.join(EXECUTORS)})")
        if self.scheduler and self.executor != "dask":
            problems.append("--scheduler only applies to --executor dask")
        if problems:
            raise LabError(problems)


def read_position(path: str | Path, prepared) -> str:
    """A save's text, checked to be a game of this scenario variant that is not over."""
    from ..engine import World
    from ..engine.persist import SaveError, load_game, state_to_json

    try:
        state = load_game(path, World(prepared.spec, prepared.sha256))
    except SaveError as exc:
        raise LabError(f"--from {path}: {exc}") from None
    if state.over:
        raise LabError(f"--from {path}: the game in this save is over; there is nothing to play on")
    return json.dumps(state_to_json(state))


def find_targets(variant: Variant, spec, targets: str | Path | None | bool = None) -> LoadedTargets | None:
    """The checkpoints a run is measured against: the file named, else the scenario's
    own targets file if it has one (None for `targets=False`)."""
    if targets is False:
        return None
    if targets is None:
        path = default_targets_path(variant.path)
        if not path.exists():
            return None
    else:
        path = Path(targets)
        if not path.is_file():
            raise LabError(f"--targets {targets}: no such file")
    if variant.without:
        # The file is written for the whole scenario: its measures name the backers this
        # run leaves out (they say which runs leave them out).
        spec = prepare(Variant(variant.path)).spec
    return load_targets(path, spec)


def simulate(variant: Variant, out: str | Path, options: RunOptions, levels: dict[str, str] | None = None,
             save_replays: int = 0, progress=None, on_chunk=None, command: str = "",
             report: bool = True, targets: str | Path | None | bool = None,
             start: str | Path | None = None) -> tuple[Run, dict]:
    """Play the games (only the missing ones with `resume`) and write DIR's files.

    `targets` names a targets file to count the games against (see `checkpoints`);
    None takes the scenario's own, if any, and False none. `start` names a save to play
    every game on from, with fresh dice, instead of the scenario's start.
    Returns the run and its summary; failed games are in the summary, not raised."""
    options.check()
    if save_replays < 0:
        raise LabError("--save-replays must be 0 or more")
    if start is not None and save_replays:
        raise LabError("--save-replays records games from the scenario's start: it cannot go with --from")
    prepared = prepare(variant)
    levels = check_levels(prepared.spec, levels or {})
    position = read_position(start, prepared) if start is not None else ""
    run = Run("simulate", prepared, Path(out), options.seed,
              simple_jobs(options.games, levels, min(save_replays, options.games)), levels,
              targets=find_targets(variant, prepared.spec, targets), position=position)
    with lock.using(run.out):
        run.open(options.resume, options.overwrite)
        execute([run], options.executor, options.jobs, options.scheduler, progress, on_chunk, options.chunk)
        summary = summarise(run)
        write_tables(run)
        write_summary(run, summary)
        if report:
            write_report(run, summary, command)
        else:
            forget_report(run.out)
    return run, summary
