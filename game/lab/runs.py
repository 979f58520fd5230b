"""Running lab games: runs, their stored results, and a session that plays them.

A *run* is a set of seeded games of one scenario variant with an output directory
(a `simulate`, one point of a `sweep`, a `tournament`). A *session* plays the
missing games of one or more runs on one executor, appending each finished chunk
to its run's results file before moving on; interrupting it loses at most the
chunks in flight, and `--resume` plays only what is missing.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..engine.persist import write_json_atomic
from ..scenario.targets import LoadedTargets
from .checkpoints import Test, compile_tests, misses
from .front import front_block
from .errors import LabError
from .executors import open_executor
from .momentum import LowPoint, low_points, territory_floor
from .play import TURN_STATS, Chunk, GameJob, failed_result, run_chunk, world_for
from .store import PER_TURN, RESULTS, ResultStore
from .variant import Prepared


def default_level() -> str:
    """The level of a faction that `--ai` leaves out. An analyst who asks for a few
    hundred games wants to learn about the war, not about random play, so it is the
    utility AI; random only stands in when no "normal" agent is registered."""
    from ..ai.agents import AGENTS

    return "normal" if "normal" in AGENTS else "random"


def check_levels(spec, levels: dict[str, str]) -> dict[str, str]:
    """Every faction's agent level (`default_level()` unless given), checked against the
    agents registered now; LabError with did-you-mean for an unknown faction or level."""
    from ..ai.agents import AGENTS, BACKER_AGENTS, LEVEL_HELP, is_level
    from ..scenario.errors import did_you_mean

    problems = []
    factions = list(spec.factions)
    seats = factions + list(spec.backers)
    for fid, level in levels.items():
        if fid in spec.backers:
            if level not in BACKER_AGENTS:
                problems.append(f"--ai {fid}={level}: a backer is played at {', '.join(BACKER_AGENTS)}"
                                f"{did_you_mean(level, BACKER_AGENTS)} (leave it out for the scenario's own policy)")
            continue
        if fid not in spec.factions:
            problems.append(f"--ai {fid}={level}: no faction or backer '{fid}' in this scenario"
                            f"{did_you_mean(fid, seats) or ' (factions: ' + ', '.join(factions) + '; backers: ' + ', '.join(spec.backers) + ')'}")
        if not is_level(level):
            problems.append(f"--ai {fid}={level}: unknown agent level '{level}'{did_you_mean(level, AGENTS)}; "
                            f"known levels: {', '.join(AGENTS)} ({LEVEL_HELP})")
    if problems:
        raise LabError(problems)
    default = default_level()
    # Every faction has a level; a backer only if a seat plays it (else its own policy does).
    return {fid: levels.get(fid, default) for fid in factions} | {
        bid: level for bid, level in levels.items() if bid in spec.backers}


def parse_ai(texts: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for t in texts:
        if "=" not in t:
            raise LabError(f"--ai {t}: expected FACTION=LEVEL or BACKER=LEVEL, e.g. --ai red=normal")
        fid, level = (x.strip() for x in t.split("=", 1))
        out[fid] = level
    return out


@dataclass
class Run:
    kind: str  # simulate | sweep-point | tournament
    prepared: Prepared
    out: Path
    seed: int
    jobs: list[GameJob]
    levels: dict[str, str] = field(default_factory=dict)  # when the same for every game
    extra: dict = field(default_factory=dict)  # recorded in the fingerprint (e.g. a tournament's agents)
    store: ResultStore | None = None
    targets: LoadedTargets | None = None  # the record's checkpoints, when the scenario has a targets file
    position: str = ""  # a save's JSON text the games play on from (`simulate --from`); "" for the start
    ran: int = 0  # this run's games played in this session
    session_games: int = 0  # games of all runs played in this session (a sweep plays many runs at once)
    elapsed: float = 0.0  # seconds the session took
    _lows: tuple | None = field(default=None, init=False, repr=False)  # (state of the results, low points)
    _misses: tuple | None = field(default=None, init=False, repr=False)  # (state of the results, misses)

    @property
    def games(self) -> int:
        return len(self.jobs)

    def fingerprint(self) -> dict:
        v = self.prepared.variant
        return {
            "kind": self.kind, "scenario": self.prepared.spec.meta.id, "scenario_sha256": self.prepared.sha256,
            "seed": self.seed, "agents": self.levels, "sets": list(v.sets), "without": list(v.without),
            "version": __version__,
            # The shape of a game's turn rows: results written with other columns cannot be resumed.
            "turn_stats": list(TURN_STATS), "per_turn": list(PER_TURN), **self.extra,
            # Games from a saved position are other games than those from the start.
            **({"position_sha256": hashlib.sha256(self.position.encode()).hexdigest()} if self.position else {}),
        }

    def open(self, resume: bool, overwrite: bool) -> None:
        store = ResultStore(self.out, self.fingerprint())
        if store.exists() and not resume and not overwrite and store.is_empty():
            overwrite = True  # a run that stopped before its first game: nothing to lose
        if store.exists() and resume:
            store.load()
        elif store.exists() and not overwrite:
            raise LabError(f"{self.out} already holds a run ({RESULTS}); add --resume to finish it, "
                           "--overwrite to start again, or choose another --out")
        else:
            if resume:
                raise LabError(f"--resume: {self.out} holds no run to resume (no {RESULTS})")
            store.create()
        self.store = store

    def missing(self) -> list[GameJob]:
        done = self.store.done() if self.store else set()
        return [j for j in self.jobs if j.index not in done]

    def results(self) -> list[dict]:
        """This run's results in game order (only its own indices, latest record of each),
        without their per-turn rows (see `turn_rows`)."""
        return [self.store.results[j.index] for j in self.jobs if j.index in self.store.results]

    def turn_rows(self, index: int) -> list[list]:
        """A game's per-turn rows, read back from the results file."""
        return self.store.turn_rows(index)

    def held(self, index: int) -> list[list]:
        """A game's ownership record: [turn, who holds each place] at each turn row."""
        return self.store.held(index)

    def low_points(self) -> dict[int, list[LowPoint]]:
        """Every finished game's low points (see `momentum`) by game index. Finding them
        reads each game's turn rows back from disk, and the summary, games.csv and the
        report all want them, so they are kept until more games are stored."""
        state = (len(self.store.results), self.ran)
        if self._lows is None or self._lows[0] != state:
            factions = len(self.prepared.spec.factions)
            self._lows = (state, {r["index"]: low_points(self.turn_rows(r["index"]), factions)
                                  for r in self.results() if r["status"] == "ok"})
        return self._lows[1]


    def territory(self) -> dict:
        """Each side's lowest median territory over the war (see `momentum.territory_floor`)."""
        factions = list(self.prepared.spec.factions)
        return territory_floor(factions, [self.turn_rows(r["index"]) for r in self.results() if r["status"] == "ok"])

    def front(self) -> dict:
        """How often each place changed hands, and when first (see `front.front_block`)."""
        spec = self.prepared.spec
        return front_block(list(spec.map.places), list(spec.factions),
                           [self.held(r["index"]) for r in self.results() if r["status"] == "ok"])

    def checkpoint_tests(self) -> list[Test]:
        return compile_tests(self.prepared.spec, self.targets.checkpoints) if self.targets else []

    def misses(self) -> dict[int, list[list[str]]]:
        """What kept every finished game out of each checkpoint (in date order; an empty
        list: inside it), by game index; kept, like the low points, until more games are
        stored."""
        state = (len(self.store.results), self.ran)
        if self._misses is None or self._misses[0] != state:
            found = misses(self.checkpoint_tests(), self.results(), self.held, self.prepared.spec.meta.last_turn)
            self._misses = (state, found)
        return self._misses[1]

    def verdicts(self) -> dict[int, list[bool]]:
        """Whether every finished game was inside each checkpoint, by game index."""
        return {i: [not m for m in game] for i, game in self.misses().items()}


def simple_jobs(games: int, levels: dict[str, str], replays: int = 0) -> list[GameJob]:
    """Game i is seeded by SeedSequence(seed).spawn(games)[i], i.e. spawn key (i,)."""
    lv = tuple(levels.items())
    return [GameJob(i, (i,), lv, replay=i < replays) for i in range(games)]


def chunk_size(total: int, jobs: int) -> int:
    # Enough chunks to keep every worker busy and the progress bar moving; few
    # enough that shipping the scenario with each costs nothing.
    return max(1, min(32, math.ceil(total / max(1, jobs * 8))))


def execute(runs: list[Run], executor: str = "local", jobs: int = 1, scheduler: str | None = None,
            progress=None, on_chunk: Callable[[Run, list[dict]], None] | None = None,
            size: int | None = None) -> int:
    """Play every run's missing games; return how many were played.

    `progress` (optional) gets start(total, already_done), advance(games, failed) and
    stop(); `on_chunk(run, results)` is called after each chunk is safely stored."""
    work: list[Chunk] = []
    todo = [(r, r.missing()) for r in runs]
    total_missing = sum(len(m) for _, m in todo)
    size = size or chunk_size(total_missing, jobs)
    for ri, (run, missing) in enumerate(todo):
        spec_json = run.prepared.spec.model_dump_json()
        for i in range(0, len(missing), size):
            work.append(Chunk(ri, spec_json, run.prepared.sha256, run.seed, tuple(missing[i:i + size]),
                              position=run.position))
    already = sum(r.games for r in runs) - total_missing
    if progress is not None:
        progress.start(sum(r.games for r in runs), already)
    played = 0
    t0 = time.perf_counter()
    try:
        if work:
            if executor == "local":
                # Ready the compiled kernels here, once: the pool's workers are forked
                # from this process and inherit them, and the scenario's world with them.
                from ..ai.agents import warm_up

                warm_up(world_for(work[0].spec_json, work[0].sha256))
            with open_executor(executor, jobs, scheduler) as run_all:
                for chunk, outcome in run_all(run_chunk, work):
                    run = runs[chunk.run]
                    if isinstance(outcome, Exception):  # the whole chunk failed (a worker died, ...)
                        results = [failed_result(g, outcome) for g in chunk.games]
                    else:
                        results = outcome[1]
                    _store(run, results)
                    played += len(results)
                    if progress is not None:
                        progress.advance(len(results), sum(r["status"] != "ok" for r in results))
                    if on_chunk is not None:
                        on_chunk(run, results)
    finally:
        elapsed = time.perf_counter() - t0
        for r in runs:
            r.elapsed = elapsed
            r.session_games = played
        if progress is not None:
            progress.stop()
    return played


def _store(run: Run, results: list[dict]) -> None:
    """Write the chunk's replays, then append its games to the run's results."""
    for r in results:
        replay = r.pop("replay", None)
        if replay is not None:
            from .replays import lab_replay

            write_json_atomic(run.out / "replays" / f"game-{r['index']:05d}.json", lab_replay(run, r, replay))
    run.store.append(results)
    run.ran += len(results)
