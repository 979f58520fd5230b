"""The `sandtable` command: one entry point for playing, checking and studying scenarios."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .atomic import write_text_atomic
from .scenario import ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCENARIO = ROOT / "scenarios" / "tripoli_2019.yaml"
SCHEMA_PATH = ROOT / "scenarios" / "scenario.schema.json"
REFERENCE_PATH = ROOT / "scenarios" / "README.md"


class UserError(Exception):
    """A mistake in what the user asked for: printed as one line, exit status 2."""


def cmd_validate(args: argparse.Namespace) -> int:
    from .scenario.companion import kind_of, scenario_of
    from .scenario.targets import load_targets
    from .scenario.tutorial import load_tutorial

    status = 0
    for name in args.files:
        try:
            kind = kind_of(name)
            if kind is not None:
                # A targets or tutorial file is checked against the scenario it sits beside.
                scenario = scenario_of(name)
                if not scenario.is_file():
                    print(f"{name}: its scenario {scenario} does not exist (a {kind} file sits beside the "
                          "scenario it is for)", file=sys.stderr)
                    status = 1
                    continue
                spec = load_scenario(scenario).spec
                if kind == "targets":
                    targets = load_targets(name, spec)
                    measures = len(targets.targets.measures)
                    print(f"ok {targets.targets.scenario} targets ({len(targets.checkpoints)} checkpoints"
                          + (f", {measures} measures)" if measures else ")"))
                else:
                    t = load_tutorial(name, spec, scenario).tutorial
                    print(f"ok {t.scenario} tutorial ({len(t.steps)} steps, as {t.side})")
                continue
            loaded = load_scenario(name)
        except ScenarioError as exc:
            print(exc.render(), file=sys.stdout)
            count = len(exc.problems)
            print(f"{name}: {count} problem{'s' if count != 1 else ''}", file=sys.stderr)
            status = 1
            continue
        print(f"ok {loaded.id}")
    return status


def cmd_upgrade(args: argparse.Namespace) -> int:
    from .scenario.companion import kind_of
    from .scenario.rewrite import RewriteError, upgrade_file

    status = 0
    for name in args.files:
        kind = kind_of(name)
        if kind is not None:
            # `upgrade scenarios/*.yaml` names them too; their formats have one version so far.
            print(f"{name}: a {kind} file, whose format has only the one version so far: nothing to do")
            continue
        try:
            done = upgrade_file(name, check=args.check, backup=not args.no_backup)
        except RewriteError as exc:
            print(str(exc), file=sys.stderr)
            status = 1
            continue
        if not done.changes:
            print(f"{name}: already format version {done.source}, nothing to do")
            continue
        what = "; ".join(done.changes)
        if args.check:
            print(f"{name}: needs upgrading: {what}")
            status = 1
        else:
            kept = f"; the original is kept as {done.backup}" if done.backup else ""
            print(f"{name}: upgraded, and it loads to the same scenario: {what}{kept}")
    return status


def cmd_schema(args: argparse.Namespace) -> int:
    from .scenario.schema import reference_markdown, schema_text, targets_schema_text

    text = reference_markdown() if args.reference else targets_schema_text() if args.targets else schema_text()
    if args.output == "-":
        sys.stdout.write(text)
    else:
        write_text_atomic(Path(args.output), text)
        print(f"wrote {args.output}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from .bench import run

    if args.games < 1:
        raise UserError("--games must be at least 1")
    return run(Path(args.scenario), args.games, args.json)


def cmd_compile(args: argparse.Namespace) -> int:
    import time

    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    from .ai.agents import warm_up
    from .engine import World
    from .engine.jit import CACHE, kernels_ready, mark_ready

    loaded = load_scenario(args.scenario)
    t0 = time.perf_counter()
    world = World(loaded.spec, loaded.sha256)
    if kernels_ready() or (os.cpu_count() or 1) < 2:
        warm_up(world)
    else:
        # A first compile takes half a minute on one core; the engine's kernels are
        # compiled in a second process meanwhile, each writing its own cache files.
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            engine = pool.submit(_warm_up_engine, str(args.scenario))
            warm_up(world, mark=False)
            engine.result()
        mark_ready()
    print(f"kernels ready in {time.perf_counter() - t0:.1f} s (kept in {CACHE})")
    return 0


def _warm_up_engine(path: str) -> None:
    from .ai.agents import warm_up_engine
    from .engine import World

    loaded = load_scenario(path)
    warm_up_engine(World(loaded.spec, loaded.sha256))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sandtable", description="Strategy simulation of proxy war.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("validate", help="check scenario files (and targets files) and report every problem")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("upgrade", help="rewrite scenario files of an older format version in the current one",
                       description="Rewrite each scenario file in the current format version, keeping its comments, "
                                   "and only once the rewritten file loads to the same scenario as the old one. The "
                                   "original is kept beside it as FILE.vN unless --no-backup.")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file needs upgrading")
    p.add_argument("--no-backup", action="store_true", help="do not keep the original as FILE.vN")
    p.set_defaults(func=cmd_upgrade)

    p = sub.add_parser("schema", help="write the scenario JSON Schema (or the format reference)")
    p.add_argument("-o", "--output", default="-", help="file to write (default: standard output)")
    p.add_argument("--reference", action="store_true", help="write the Markdown format reference instead")
    p.add_argument("--targets", action="store_true", help="write the JSON Schema of targets files instead")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("compile", help="compile the engine's and the AI's kernels for this machine",
                       description="Compile the engine's and the AI's hot loops for this machine now, rather than "
                                   "at the start of the first game (`make` does it on install). They are kept on "
                                   "disk, under NUMBA_CACHE_DIR if set, else ~/.cache/sandtable.")
    p.add_argument("--scenario", default=str(DEFAULT_SCENARIO), help="scenario to play while compiling")
    p.set_defaults(func=cmd_compile)

    p = sub.add_parser("bench", help="measure load time, engine, lab and AI speed, and frame time")
    p.add_argument("--scenario", default=str(DEFAULT_SCENARIO), help="scenario to measure (default: tripoli_2019)")
    p.add_argument("--games", type=int, default=30, help="games to time (default: 30)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    p.set_defaults(func=cmd_bench)

    from .lab.commands import add_commands as add_lab_commands

    add_lab_commands(sub)

    from .client.commands import add_commands as add_client_commands

    add_client_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ScenarioError as exc:
        print(exc.render(), file=sys.stderr)
        return 1
    except UserError as exc:
        print(f"sandtable: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("sandtable: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
