"""The lab's commands for `sandtable`: simulate, sweep, tournament, replay and compare.

`add_commands(subparsers)` adds them to the main parser; each sets `func(args) -> int`
(the exit status). Mistakes in a request are printed one line each as
`sandtable: error: ...` with status 2; a scenario file with problems is raised as a
ScenarioError for the main command to print with its located lines.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import textwrap
from pathlib import Path

from .errors import LabError
from .executors import EXECUTORS, default_jobs

AI_DEFAULT = ("a faction not named plays at level normal, or random if no normal agent is installed; "
              "hard@N is the search level with a fixed effort, the same on any machine")
EPILOG_SEEDS = ("Game i is seeded by SeedSequence(SEED).spawn(GAMES)[i]: results do not depend on --jobs, "
                "--executor or chunking.")


def _user_errors(exc: LabError) -> int:
    for p in exc.problems:
        print(f"sandtable: error: {p}", file=sys.stderr)
    return 2


def _split(values: list[str] | None, flag: str = "") -> list[str]:
    """Repeated or comma-separated values; an empty one (`--without ""`, `a,,b`) is a
    mistake, not nothing, when `flag` names the option for the message."""
    out = []
    for item in values or []:
        parts = [v.strip() for v in item.split(",")]
        if flag and not all(parts):
            raise LabError(f"{flag} {item!r}: an empty value; give ids, separated by commas")
        out += [v for v in parts if v]
    return out


def _default_out(args, command: str) -> Path:
    return Path(args.out) if args.out else Path("out") / f"{Path(args.scenario).stem}-{command}"


def _command_line(args, command: str, extra: list[str] | None = None) -> str:
    """The command that reproduces the results (what changes games, not how they are run)."""
    parts = ["sandtable", command, args.scenario, "--games", str(args.games), "--seed", str(args.seed)]
    for a in getattr(args, "ai", None) or []:
        parts += ["--ai", a]
    for s in args.set or []:
        parts += ["--set", s]
    for b in _split(args.without, "--without"):
        parts += ["--without", b]
    parts += extra or []
    return " ".join(shlex.quote(p) for p in parts)


def _options(args):
    from .simulate import RunOptions

    return RunOptions(games=args.games, seed=args.seed, jobs=default_jobs() if args.jobs is None else args.jobs,
                      executor=args.executor,
                      scheduler=args.scheduler, resume=args.resume, overwrite=args.overwrite)


def _progress(args, label: str):
    from .progress import make_progress

    return make_progress(label, None if args.progress is None else args.progress)


def _write_failed(out: Path, exc: OSError) -> int:
    """A disk that fills up (or goes away) mid-run: every stored game is safe."""
    where = f" ({exc.filename})" if exc.filename else ""
    print(f"sandtable: error: writing the results failed{where}: {exc.strerror or exc}. The games stored before "
          f"it are kept in {out}; make room and run the same command with --resume to finish.", file=sys.stderr)
    return 1


def _guarded(out: Path, work):
    """Run a command's work: (its result, None), or (None, the exit status) after saying
    what went wrong, for a mistake in the request, an interruption or a failed write."""
    try:
        return work(), None
    except LabError as exc:
        return None, _user_errors(exc)
    except KeyboardInterrupt:
        return None, _interrupted(out)
    except OSError as exc:
        return None, _write_failed(out, exc)


def _interrupted(out: Path) -> int:
    print(f"sandtable: interrupted; finished games are kept in {out}. "
          "Run the same command with --resume to play only the missing ones.", file=sys.stderr)
    return 130


def _finish(summary: dict, out: Path, tty: bool, report: bool = True) -> int:
    from .outputs import one_line

    if tty:
        from rich.console import Console

        c = Console(highlight=False)
        c.print(f"[bold]{summary['scenario']}[/]: {summary['completed']} games"
                + (f", [bold red]{summary['failed']} failed[/]" if summary["failed"] else "")
                + (f" at {summary['games_per_second']:.1f} games/s" if summary.get("games_per_second") else ""))
        for k, o in summary["outcomes"].items():
            if o["rate"] is not None:
                c.print(f"  {k:>8}: {100 * o['rate']:5.1f}%  (95% CI {100 * o['ci95'][0]:.1f}–{100 * o['ci95'][1]:.1f}%)")
        cps = summary.get("checkpoints")
        if cps and cps["games"]:
            c.print(f"  against the record ({cps['file']}):")
            for cp in cps["checkpoints"] + [{"id": "every checkpoint", "date": "", "inside": cps["every"]}]:
                o = cp["inside"]
                c.print(f"    {cp['id']:<18} {cp['date']:<10} {100 * o['rate']:5.1f}% inside "
                        f"(95% CI {100 * o['ci95'][0]:.1f}–{100 * o['ci95'][1]:.1f}%)")
        c.print(f"  report: {out / 'report.md'}" if report else f"  results: {out / 'summary.json'}")
    else:
        print(one_line(summary, out))
    if summary["failed"]:
        for f in summary["failures"][:10]:
            print(f"sandtable: game {f['index']} (seed {f['entropy']}, spawn key {f['spawn_key']}) failed: {f['error']}",
                  file=sys.stderr)
        more = summary["failed"] - 10
        if more > 0:
            print(f"sandtable: ... and {more} more failed games (see {out / 'summary.json'})", file=sys.stderr)
        return 1
    return 0


# -- the commands ----------------------------------------------------------------------------


def cmd_simulate(args: argparse.Namespace) -> int:
    from .runs import parse_ai
    from .simulate import simulate
    from .variant import Variant

    out = _default_out(args, "simulate")
    progress = _progress(args, "simulate")

    def work():
        variant = Variant(args.scenario, tuple(args.set or ()), tuple(_split(args.without, "--without")))
        targets = False if args.no_targets else args.targets
        return simulate(variant, out, _options(args), parse_ai(_split(args.ai, "--ai")), args.save_replays,
                        progress=progress, command=_command_line(args, "simulate"), report=not args.no_report,
                        targets=targets, start=args.start)

    done, status = _guarded(out, work)
    if status is not None:
        return status
    _run, summary = done
    return _finish(summary, out, progress is not None, report=not args.no_report)


def cmd_sweep(args: argparse.Namespace) -> int:
    from .runs import parse_ai
    from .sweep import sweep

    out = _default_out(args, "sweep")
    progress = _progress(args, "sweep")
    extra = ["--sample", str(args.sample)] if args.sample is not None else []
    for f in args.fix or []:
        extra += ["--fix", f]
    done, status = _guarded(out, lambda: sweep(
        args.scenario, list(args.fix or []), _split(args.without, "--without"), list(args.set or []), out,
        _options(args), parse_ai(_split(args.ai, "--ai")), args.sample, progress=progress,
        command=_command_line(args, "sweep", extra), focus=_split(args.focus) or None))
    if status is not None:
        return status
    runs, rows = done
    failed = sum(r["summary"]["failed"] for r in rows)
    if progress is not None:
        from rich.console import Console
        from rich.table import Table

        spec = runs[0].prepared.spec
        outcomes = spec.outcomes()
        t = Table(title=f"Sweep on {spec.meta.id} ({args.games} games per point)")
        t.add_column("point", justify="right")
        for p in rows[0]["values"]:
            t.add_column(p)
        for o in outcomes:
            t.add_column(f"{o} (95% CI)", justify="right")
        for r in rows:
            cells = []
            for o in outcomes:
                oc = r["summary"]["outcomes"][o]
                cells.append("–" if oc["rate"] is None else
                             f"{100 * oc['rate']:.0f}% ({100 * oc['ci95'][0]:.0f}–{100 * oc['ci95'][1]:.0f})")
            t.add_row(str(r["point"]), *r["values"].values(), *cells)
        Console().print(t)
        Console().print(f"  report: {out / 'report.md'}")
    else:
        print(f"points={len(rows)} games_per_point={args.games} failed={failed} out={out}")
    if failed:
        print(f"sandtable: {failed} game(s) failed; see the points' summary.json files", file=sys.stderr)
        return 1
    return 0


def cmd_tournament(args: argparse.Namespace) -> int:
    from .tournament import print_table, tournament
    from .variant import Variant

    out = _default_out(args, "tournament")
    progress = _progress(args, "tournament")
    agents = _split([args.agents])

    def work():
        variant = Variant(args.scenario, tuple(args.set or ()), tuple(_split(args.without, "--without")))
        return tournament(variant, agents, out, _options(args), progress=progress,
                          command=_command_line(args, "tournament", ["--agents", ",".join(agents)]))

    done, status = _guarded(out, work)
    if status is not None:
        return status
    run, st = done
    from rich.console import Console

    # A table is the point of a tournament: print it even when not on a terminal (rich drops the colours).
    print_table(st, run.prepared.spec, Console())
    summary_failed = sum(1 for r in run.results() if r["status"] != "ok")
    if progress is None:
        ratings = " ".join(f"{a}={r:+.1f}" for a, r in zip(st.agents, st.ratings))
        print(f"games={len(run.jobs)} failed={summary_failed} ratings: {ratings} out={out}")
    if summary_failed:
        print(f"sandtable: {summary_failed} game(s) failed; see {out / 'summary.json'}", file=sys.stderr)
        return 1
    return 0


def cmd_check_targets(args: argparse.Namespace) -> int:
    from rich.console import Console

    from .check_targets import check_targets, find, print_table

    out = _default_out(args, "targets")
    progress = _progress(args, "check-targets")

    def work():
        variant, loaded = find(args.scenario, args.targets, only=_split(args.measure, "--measure"))
        return check_targets(variant, loaded, out, _options(args), progress=progress)

    taken, status = _guarded(out, work)
    if status is not None:
        return status
    # The table is the answer: print it even when not on a terminal (rich drops the colours).
    print_table(taken, Console(width=150))
    met = sum(t.met for t in taken)
    print(f"{met} of {len(taken)} targets met; runs and targets.json in {out}")
    return 0 if met == len(taken) else 1


def cmd_fit(args: argparse.Namespace) -> int:
    from .check_targets import find
    from .fit import fit
    from .sweep import format_value, parse_ranges
    from .progress import make_step_progress

    out = _default_out(args, "fit")

    def said(study, trial) -> None:
        print(f"trial {trial.number}: loss {trial.value:.2f} at "
              + ", ".join(f"{k}={v:.6g}" for k, v in trial.params.items())
              + f" (best so far {study.best_value:.2f}, trial {study.best_trial.number})", flush=True)

    bar = make_step_progress("fit", args.progress)

    def work():
        params = parse_ranges(args.param or [])
        variant, loaded = find(args.scenario, args.targets, tuple(args.set or ()), _split(args.measure, "--measure"))
        return fit(variant, loaded, params, out, _options(args), args.trials, progress=said, bar=bar)

    result, status = _guarded(out, work)
    if status is not None:
        return status
    again = result["remeasured"]
    print(f"best: trial {result['best_trial']} of {result['trials']}, loss {result['best_loss']:.2f}: "
          + " ".join(f"--set {s}" for s in result["set"]))
    tied = result["tied"]
    if tied["trials"] > 1:
        print(f"{tied['trials']} of {result['trials']} trials reached that loss; over them the values spanned "
              + ", ".join(f"{path} {format_value(lo, isinstance(lo, int))}..{format_value(hi, isinstance(hi, int))}"
                          for path, (lo, hi) in tied["spans"].items()))
    print(f"played again on fresh seeds ({again['seed']}): loss {again['loss']:.2f}, "
          f"{again['met']} of {len(again['measures'])} targets met")
    for m in again["measures"]:
        print(f"  {m['id']:<30} {'met' if m['met'] else 'missed: ' + m['why']}")
    print(f"fit.json, study.db and charts/ in {out}")
    return 0


def cmd_sensitivity(args: argparse.Namespace) -> int:
    from rich.console import Console

    from .progress import make_step_progress
    from .runs import parse_ai
    from .sensitivity import print_table, sensitivity
    from .sweep import parse_ranges
    from .variant import Variant

    out = _default_out(args, "sensitivity")
    bar = make_step_progress("points", args.progress)

    def work():
        params = parse_ranges(args.param or [])
        variant = Variant(args.scenario, tuple(args.set or ()), tuple(_split(args.without, "--without")))
        return sensitivity(variant, params, out, _options(args), args.method, args.samples,
                           parse_ai(_split(args.ai, "--ai")), progress=bar)

    result, status = _guarded(out, work)
    if status is not None:
        return status
    print_table(result, Console(width=120))
    print(f"{result['points']} points of {result['games']} games; sensitivity.json, sensitivity.csv and "
          f"charts/sensitivity.png in {out}")
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    from ..engine.persist import SaveError
    from .replays import verify

    try:
        ok, notes = verify(args.file, args.scenario)
    except LabError as exc:
        return _user_errors(exc)
    except SaveError as exc:
        msg = str(exc)
        print(f"sandtable: error: {msg if msg.startswith(str(args.file)) else f'{args.file}: {msg}'}", file=sys.stderr)
        return 1
    print(ok)
    for n in notes:
        print(f"  {n}")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from .compare import compare

    try:
        compare(args.runs, args.baseline, args.markdown, args.place)
    except LabError as exc:
        return _user_errors(exc)
    if args.markdown:
        print(f"wrote {args.markdown}")
    return 0


# -- wiring -----------------------------------------------------------------------------------------


def _run_options(p: argparse.ArgumentParser, games: int, what: str = "games") -> None:
    p.add_argument("scenario", metavar="SCENARIO", help="scenario file (YAML)")
    p.add_argument("--games", type=int, default=games, metavar="N", help=f"{what} (default: {games})")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="root seed (default: 0)")
    p.add_argument("--without", action="append", metavar="BACKER",
                   help="leave a backer out entirely, with everything that refers to it (repeatable; or a,b)")
    p.add_argument("--jobs", type=int, default=None, metavar="J",
                   help=f"worker processes (default: the CPUs available, here {default_jobs()})")
    p.add_argument("--executor", choices=EXECUTORS, default="local",
                   help="serial (in this process), local (process pool; default) or dask")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="with --executor dask: join the cluster at ADDRESS (default: a local cluster on 127.0.0.1)")
    p.add_argument("--out", metavar="DIR", help="output directory (default: out/<scenario>-<command>)")
    _resumable(p, "finish an interrupted run in DIR: play only missing games")


def _resumable(p: argparse.ArgumentParser, resume: str, overwrite: str = "the results already in DIR",
               bar: str = "live progress bar") -> None:
    """--resume, --overwrite and --progress, which every command that writes DIR has."""
    p.add_argument("--resume", action="store_true", help=resume)
    p.add_argument("--overwrite", action="store_true", help=f"discard {overwrite} and start again")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help=f"{bar} (default: only when standard error is a terminal)")


def _targets_options(p: argparse.ArgumentParser, games: int, what: str, seed: str, command: str) -> None:
    """The options of the commands that read a targets file (check-targets, fit)."""
    p.add_argument("scenario", metavar="SCENARIO", help="scenario file (YAML)")
    p.add_argument("targets", metavar="TARGETS", nargs="?",
                   help="targets file (default: the scenario's own NAME.targets.yaml beside it)")
    p.add_argument("--games", type=int, default=games, metavar="N", help=f"{what} (default: {games})")
    p.add_argument("--seed", type=int, default=0, metavar="S", help=f"{seed} (default: 0)")
    p.add_argument("--jobs", type=int, default=None, metavar="J",
                   help=f"worker processes (default: the CPUs available, here {default_jobs()})")
    p.add_argument("--executor", choices=EXECUTORS, default="local",
                   help="serial (in this process), local (process pool; default) or dask")
    p.add_argument("--scheduler", metavar="ADDRESS", help="with --executor dask: join the cluster at ADDRESS")
    p.add_argument("--out", metavar="DIR", help=f"output directory (default: out/<scenario>-{command})")
    p.add_argument("--measure", action="append", metavar="ID",
                   help="only this measure (and the one it is compared with); repeatable, or a,b")


def _para(text: str) -> str:
    return textwrap.fill(text, 79)


def add_commands(subparsers) -> None:
    fmt = argparse.RawDescriptionHelpFormatter

    p = subparsers.add_parser(
        "simulate", help="play many seeded AI-vs-AI games and report win rates", formatter_class=fmt,
        description=_para("Play GAMES seeded AI-vs-AI games of a scenario and write DIR/summary.json, games.csv, "
                          "turns.csv and report.md with charts."),
        epilog=_para(EPILOG_SEEDS) + "\n\nexamples:\n"
               "  sandtable simulate SCENARIO --games 500 --ai FACTION=easy\n"
               "  sandtable simulate SCENARIO --without BACKER --out out/without-backer\n"
               "  sandtable simulate SCENARIO --set backers.BACKER.packages.PACKAGE.cap=10")
    _run_options(p, 100)
    p.add_argument("--ai", action="append", metavar="FACTION=LEVEL",
                   help=f"agent level for a faction (repeatable; {AI_DEFAULT})")
    p.add_argument("--set", action="append", metavar="PATH=VALUE",
                   help="change a scenario value by dotted path, e.g. backers.BACKER.commitment=60 (repeatable)")
    p.add_argument("--save-replays", type=int, default=0, metavar="K",
                   help="keep the first K games' replays in DIR/replays/ (check them with `sandtable replay`)")
    p.add_argument("--targets", metavar="FILE",
                   help="count the games against this targets file's dated checkpoints (default: the scenario's "
                        "own NAME.targets.yaml beside it, if there is one)")
    p.add_argument("--no-targets", action="store_true", help="do not count games against any checkpoints")
    p.add_argument("--no-report", action="store_true",
                   help="write summary.json and the CSV files only, without report.md and its charts (a second or "
                        "two of drawing): for scripts that read the numbers")
    p.add_argument("--from", dest="start", metavar="SAVE",
                   help="play every game on from this saved position (`play --autoplay N --save SAVE`, or any "
                        "save of the scenario) with fresh dice, instead of from the scenario's start")
    p.set_defaults(func=cmd_simulate)

    p = subparsers.add_parser(
        "sweep", help="simulate over a grid (or Latin hypercube) of scenario values", formatter_class=fmt,
        description=_para("Play the same seeded games at every point of a grid of scenario values and chart the "
                          "effect: DIR/sweep.csv, report.md, charts/sweep.png and one run per point in DIR/points/."),
        epilog="Every point plays the same seeds, so differences come from the setting.\n\nexamples:\n"
               "  sandtable sweep SCENARIO --set backers.BACKER.commitment=0,25,50,75,100 --games 200\n"
               "  sandtable sweep SCENARIO --sample 30 --set backers.BACKER.commitment=0..100 \\\n"
               "      --set backers.OTHER.commitment=0..100 --games 100")
    _run_options(p, 100, "games per point")
    p.add_argument("--set", action="append", metavar="PATH=V1,V2,...",
                   help="a value to sweep: listed values (a grid axis), LOW..HIGH with --sample, or one value")
    p.add_argument("--sample", type=int, metavar="K",
                   help="instead of the full grid, K points of a Latin hypercube (seeded by --seed)")
    p.add_argument("--fix", action="append", metavar="PATH=VALUE",
                   help="a value changed at every point, like simulate's --set (repeatable)")
    p.add_argument("--ai", action="append", metavar="FACTION=LEVEL",
                   help=f"agent level for a faction (repeatable; {AI_DEFAULT})")
    p.add_argument("--focus", action="append", metavar="OUTCOME",
                   help="outcome(s) to chart: a faction id or 'draw' (default: every outcome seen on a grid; "
                        "the one that varies most in a sample)")
    p.set_defaults(func=cmd_sweep)

    p = subparsers.add_parser(
        "tournament", help="round-robin of agent levels, sides swapped, with ratings", formatter_class=fmt,
        description=_para("Every pair of agents plays GAMES seeds twice, swapping sides on the same seed; prints a "
                          "table with 95% intervals and Bradley-Terry ratings; writes tournament.csv, ratings.csv, "
                          "tournament.json and report.md in DIR."),
        epilog="example:\n  sandtable tournament SCENARIO --agents random,easy,normal --games 50")
    _run_options(p, 50, "seeds per pairing (each played once per side)")
    p.add_argument("--agents", required=True, metavar="A,B,...", help="agent levels to compare")
    p.add_argument("--set", action="append", metavar="PATH=VALUE", help="change a scenario value (repeatable)")
    p.set_defaults(func=cmd_tournament)

    p = subparsers.add_parser(
        "check-targets", help="play the runs a targets file's measures need and say which are met",
        formatter_class=fmt,
        description=_para("Read the `measures:` of a targets file (the end-state claims of the record: win "
                          "rates, places held at the end, the turn of a side's low point, one run measurably "
                          "below another), play each run they need (the scenario as it is, without some "
                          "backers, with other AI levels) as a simulate run in DIR/<run>/, and print every "
                          "measure with its value, its 95% interval and whether it is met. Writes "
                          "DIR/targets.json. Exits 1 if any is missed."),
        epilog=_para(EPILOG_SEEDS) + "\n\nexample:\n"
               "  sandtable check-targets SCENARIO --games 200")
    _targets_options(p, 200, "games per run", "root seed", "targets")
    _resumable(p, "finish interrupted runs in DIR: play only missing games")
    p.set_defaults(func=cmd_check_targets)

    p = subparsers.add_parser(
        "fit", help="search scenario values with optuna until a targets file's measures are met",
        formatter_class=fmt,
        description=_para("Search the named scenario values (--param PATH=LOW..HIGH, whole numbers at both ends "
                          "for a whole-number value) with optuna's TPE sampler so that the measures of a targets "
                          "file are met. Each trial plays the runs `check-targets` would, on the same seeds, and "
                          "scores each miss in standard errors of its own interval. The study is kept in "
                          "DIR/study.db: --resume goes on with it (up to --trials in all). "
                          "The best point is played again on fresh seeds; DIR/fit.json gives its --set values "
                          "and the measures there, DIR/charts/ the loss by trial and each value's importance."),
        epilog="example:\n  sandtable fit SCENARIO --param backers.BACKER.commitment=20..80 "
               "--trials 30 --games 100")
    _targets_options(p, 100, "games per run and trial", "root seed of every trial's games and of the sampler",
                     "fit")
    p.add_argument("--param", action="append", metavar="PATH=LOW..HIGH", help="a value to search (repeatable)")
    p.add_argument("--trials", type=int, default=30, metavar="T", help="trials in the study, in all (default: 30)")
    p.add_argument("--set", action="append", metavar="PATH=VALUE",
                   help="a value changed at every trial, like simulate's --set (repeatable; a --param of the same "
                        "path overrides it)")
    _resumable(p, "go on with the study in DIR (after an interruption, or with a higher --trials)",
               "the study in DIR", "live progress bar with the best so far")
    p.set_defaults(func=cmd_fit)

    p = subparsers.add_parser(
        "sensitivity", help="rank scenario values by their effect on the outcome (SALib Morris or Sobol)",
        formatter_class=fmt,
        description=_para("Sample the named scenario values (--param PATH=LOW..HIGH) as SALib's method asks "
                          "(Morris: --samples trajectories of k+1 points; Sobol: Saltelli's N(k+2) points), play "
                          "the same seeded games at every point (a simulate run each, in DIR/points/), and rank "
                          "the values by their effect on each side's win rate and on the game's length, with 95% "
                          "bounds. Writes DIR/sensitivity.json, sensitivity.csv and charts/sensitivity.png."),
        epilog="example:\n  sandtable sensitivity SCENARIO --param backers.BACKER.commitment=0..100 "
               "--param rules.combat.noise=0.2..0.6 --samples 10 --games 100")
    _run_options(p, 100, "games per point")
    p.add_argument("--param", action="append", metavar="PATH=LOW..HIGH", help="a value to rank (repeatable)")
    p.add_argument("--method", choices=("morris", "sobol"), default="morris",
                   help="morris (elementary effects: cheap, ranks) or sobol (variance shares: costlier)")
    p.add_argument("--samples", type=int, default=10, metavar="R",
                   help="Morris trajectories, or Sobol's base sample N (a power of 2) (default: 10)")
    p.add_argument("--ai", action="append", metavar="FACTION=LEVEL",
                   help=f"agent level for a faction (repeatable; {AI_DEFAULT})")
    p.add_argument("--set", action="append", metavar="PATH=VALUE",
                   help="a value changed at every point, like simulate's --set (repeatable)")
    p.set_defaults(func=cmd_sensitivity)

    p = subparsers.add_parser(
        "replay", help="re-run a recorded lab game and verify it",
        description="Re-run a replay saved by `simulate --save-replays`: rebuild its scenario (with its --set "
                    "and --without), replay every action checking the state hash after every round, and compare "
                    "the verdict. Prints `ok` with the verdict, or the first divergence and exits 1.")
    p.add_argument("file", metavar="FILE", help="a replay file (DIR/replays/game-NNNNN.json)")
    p.add_argument("--scenario", metavar="PATH", help="the scenario file, if it has moved since the recording")
    p.set_defaults(func=cmd_replay)

    p = subparsers.add_parser(
        "compare", help="finished simulate runs side by side: win rates, game length, momentum",
        formatter_class=fmt,
        description=_para("Read the summary.json of each finished simulate run (or sweep point) and print one row "
                          "per run: games, each side's win rate and draws with Wilson 95% intervals, mean turns, "
                          "and the median turn of each side's low point in the games it recovered from. A run is "
                          "named by its --without and --set changes, or else by its directory."),
        epilog=_para("With --baseline, each side also gets its change in win rate against the baseline, in "
                     "percentage points, and 'separated': yes when the two 95% intervals do not overlap.")
               + "\n\nexample:\n"
               "  sandtable compare out/no-backer out/half-backer --baseline out/base --markdown compare.md")
    p.add_argument("runs", nargs="+", metavar="RUN_DIR", help="a simulate run's output directory")
    p.add_argument("--baseline", metavar="DIR", help="the run the others are measured against (the first row, unless listed among them)")
    p.add_argument("--markdown", metavar="FILE", help="also write the table to FILE as GitHub Markdown")
    p.add_argument("--place", action="append", default=[], metavar="PLACE",
                   help="also show, per side, the share of games it ended holding PLACE (a key place: one with "
                        "an owner_PLACE column in games.csv); repeatable")
    p.set_defaults(func=cmd_compare)
