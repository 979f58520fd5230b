"""`sandtable check-targets`: play the runs a targets file's measures need (the scenario
as it is, without some backers, with other AI levels), one `simulate` run each in its own
directory, then take every measure and say whether it is met."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from ..atomic import write_text_atomic
from ..scenario.targets import LoadedTargets, RunOf, default_targets_path, load_targets
from .errors import LabError
from .measures import Taken, inside_share, judge, low_turn_of, share_of
from .simulate import RunOptions, simulate
from .variant import Variant, prepare


def run_dir(out: Path, run: RunOf) -> Path:
    """Each distinct run of games in a directory of its own, named for what it changes."""
    parts = [f"without-{'-'.join(sorted(run.without))}"] if run.without else []
    parts += [f"{f}-{level.replace('@', '-')}" for f, level in sorted(run.ai.items())]
    return out / ("_".join(parts or ["historical"]) + (f"_{run.games}-games" if run.games else ""))


def find(scenario: str, targets: str | None, sets: tuple[str, ...] = (),
         only: list[str] | None = None) -> tuple[Variant, LoadedTargets]:
    """The scenario (with `sets`) and its targets file, keeping only the measures named
    in `only` (and those they are compared with), if given."""
    variant = Variant(scenario, sets)
    spec = prepare(Variant(scenario)).spec
    if sets:
        prepare(variant)  # a bad --set is found before the targets are read
    path = Path(targets) if targets else default_targets_path(scenario)
    if not path.is_file():
        raise LabError(f"{path}: no such targets file" + ("" if targets else " beside the scenario; name one"))
    loaded = load_targets(path, spec)
    measures = loaded.targets.measures
    if not measures:
        raise LabError(f"{path}: no measures to check (add a `measures:` list; see scenarios/README.md)")
    if only:
        ids = [m.id for m in measures]
        unknown = [i for i in only if i not in ids]
        if unknown:
            raise LabError([f"--measure {i}: no such measure in {path} (it has {', '.join(ids)})" for i in unknown])
        keep = set(only) | {m.below or m.above for m in measures if m.id in only} - {None}
        loaded = LoadedTargets(loaded.targets.model_copy(update={"measures": [m for m in measures if m.id in keep]}),
                               loaded.path)
    return variant, loaded


def check_targets(variant: Variant, loaded: LoadedTargets, out: Path, options: RunOptions,
                  progress=None) -> list[Taken]:
    """Play each run the measures need (resuming or overwriting as `options` says) and
    take the measures; writes DIR/targets.json."""
    measures = loaded.targets.measures
    runs: dict[tuple, RunOf] = {}
    for m in measures:
        runs.setdefault(m.run.key(), m.run)
    taken: dict[str, Taken] = {}
    for run in runs.values():
        v = Variant(variant.path, variant.sets, tuple(run.without))
        levels = dict(run.ai)
        opts = replace(options, games=run.games or options.games)
        # Games are counted against the checkpoints only where a measure reads them.
        mine = [m for m in measures if m.run.key() == run.key()]
        checkpoints = loaded.path if any(m.inside for m in mine) else False
        done, _summary = simulate(v, run_dir(out, run), opts, levels, progress=progress, report=False,
                                  targets=checkpoints)
        results = done.results()
        spec = done.prepared.spec
        places, factions = list(spec.map.places), list(spec.factions)
        for m in mine:
            if m.low_turn:
                taken[m.id] = low_turn_of(m, factions, list(done.low_points().values()))
            elif m.inside:
                taken[m.id] = inside_share(m, done.verdicts(), [t.id for t in done.checkpoint_tests()])
            else:
                taken[m.id] = share_of(m, results, places)
    ordered = judge([taken[m.id] for m in measures])
    out.mkdir(parents=True, exist_ok=True)
    write_text_atomic(out / "targets.json", json.dumps({
        "targets": str(loaded.path), "games": options.games, "seed": options.seed,
        "met": sum(t.met for t in ordered), "measures": [t.to_json() for t in ordered]}, indent=1))
    return ordered


def print_table(taken: list[Taken], console) -> None:
    from rich.table import Table

    # Ids, not names, keep a row on one line; the names are in the targets file and targets.json.
    table = Table(title="Targets against the record", title_justify="left")
    for col, just in (("target", "left"), ("run", "left"), ("games", "right"), ("band", "left"),
                      ("measured", "right"), ("95% interval", "right"), ("", "left")):
        table.add_column(col, justify=just)
    for t in taken:
        m = t.measure
        band = []
        if m.min is not None:
            band.append(f"≥ {t.shown(m.min)}")
        if m.max is not None:
            band.append(f"≤ {t.shown(m.max)}")
        band += [f"below {m.below}"] if m.below else []
        band += [f"above {m.above}"] if m.above else []
        lo, hi = t.ci95
        interval = f"{t.shown(lo)}–{t.shown(hi)}" if t.value is not None else "–"
        verdict = "[green]met[/]" if t.met else f"[red]missed[/]: {t.why}"
        table.add_row(m.id, m.run.label(), str(t.count), ", ".join(band), t.shown(), interval, verdict)
    console.print(table)
