"""`sweep`: the same games at many settings of one or more scenario values.

    --set backers.patron.commitment=0,25,50,75,100      a grid axis (every value)
    --set backers.patron.packages.drones.cap=2,4        a second axis: the full grid is 5 x 2
    --set rules.embargo=0.2                             one value: fixed at every point
    --sample 20 --set backers.patron.commitment=0..100  Latin hypercube: 20 points over the range

Every point plays the same seeds (`SeedSequence(seed).spawn(games)`), so differences
between points come from the setting, not from luckier dice (common random numbers).
Each point is a full run in DIR/points/pNNN/ (summary.json, games.csv, turns.csv,
results.jsonl); DIR/sweep.csv has one row per point, and DIR/report.md the chart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import product
from pathlib import Path

import numpy as np

from ..atomic import write_text_atomic
from ..scenario import ScenarioError
from ..scenario.flow import split_top_level
from . import charts, lock
from .errors import LabError
from .outcomes import outcome_colour, outcome_label, outcome_short
from .outputs import _csv, summarise, write_summary, write_tables
from .overrides import split_setting
from .runs import Run, check_levels, execute, simple_jobs
from .simulate import RunOptions, find_targets
from .variant import Variant, prepare


@dataclass(frozen=True)
class Axis:
    path: str  # dotted path as typed
    values: tuple[str, ...] = ()  # value texts (a list), or
    lo: float | None = None  # a range lo..hi (only with --sample)
    hi: float | None = None
    integer: bool = False

    @property
    def is_range(self) -> bool:
        return self.lo is not None

    @property
    def varies(self) -> bool:
        return self.is_range or len(self.values) > 1




def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _is_range(raw: str) -> bool:
    return ".." in raw and not raw.strip().startswith(("[", "{", "'", '"'))


def _range(path: str, raw: str) -> Axis | None:
    """`LOW..HIGH` as a range axis (whole numbers at both ends make a whole-number one);
    None unless both are numbers and LOW is not above HIGH."""
    lo_t, hi_t = (x.strip() for x in raw.split("..", 1))
    lo, hi = _number(lo_t), _number(hi_t)
    if lo is None or hi is None or lo > hi:
        return None
    return Axis(path, lo=lo, hi=hi, integer=all(t.lstrip("-").isdigit() for t in (lo_t, hi_t)))


def parse_ranges(texts: list[str], flag: str = "--param") -> list[Axis]:
    """`PATH=LOW..HIGH` each, as range axes: the values a fit searches or a sensitivity
    run ranks."""
    axes, problems = [], []
    for text in texts:
        try:
            path, raw = split_setting(text, flag)
        except LabError as exc:
            problems += exc.problems
            continue
        axis = _range(path, raw) if _is_range(raw) else None
        if axis is None or axis.lo == axis.hi:
            problems.append(f"{flag} {text}: expected PATH=LOW..HIGH with two numbers, LOW below HIGH, "
                            "e.g. backers.BACKER.commitment=20..80")
            continue
        axes.append(axis)
    if not texts:
        problems.append(f"give at least one {flag} PATH=LOW..HIGH")
    if len({a.path for a in axes}) != len(axes):
        problems.append(f"a {flag} path is given twice")
    if problems:
        raise LabError(problems)
    return axes


def check_ranges(variant: Variant, axes: list[Axis]) -> None:
    """A path that does not exist, or a range that reaches past what the format allows
    there, is a mistake found before any game is played. Both ends are tried, since a
    search may draw either; the format's bounds are intervals, so what lies between the
    two is allowed too."""
    problems: list[str] = []
    for a in axes:
        for end in (a.lo, a.hi):
            try:
                prepare(Variant(variant.path, variant.sets + (f"{a.path}={format_value(end, a.integer)}",),
                                variant.without))
            except LabError as exc:
                span = f"{format_value(a.lo, a.integer)}..{format_value(a.hi, a.integer)}"
                problems += [f"--param {a.path}={span}: {p.split(': ', 1)[-1]}" for p in exc.problems]
                break
    if problems:
        raise LabError(problems)


def parse_axes(texts: list[str], sample: int | None) -> list[Axis]:
    axes, problems = [], []
    seen = set()
    for text in texts:
        try:
            path, raw = split_setting(text)
        except LabError as exc:
            problems += exc.problems
            continue
        if path in seen:
            problems.append(f"--set {text}: {path} is set twice")
            continue
        seen.add(path)
        if _is_range(raw):
            axis = _range(path, raw)
            if axis is None:
                problems.append(f"--set {text}: a range is LOW..HIGH with two numbers, LOW not above HIGH")
                continue
            if not sample:
                problems.append(f"--set {text}: a range needs --sample K (a grid needs listed values: V1,V2,...)")
                continue
            axes.append(axis)
            continue
        values = split_top_level(raw)
        if any(v == "" for v in values):
            problems.append(f"--set {text}: an empty value in the list")
            continue
        axes.append(Axis(path, tuple(values)))
    if problems:
        raise LabError(problems)
    if sample is not None and not any(a.varies for a in axes):
        raise LabError("--sample needs at least one --set with a range LOW..HIGH or a list of values")
    return axes


def grid_points(axes: list[Axis]) -> list[dict[str, str]]:
    """Every combination, the first axis varying slowest."""
    return [dict(zip([a.path for a in axes], combo)) for combo in product(*[a.values for a in axes])]


def format_value(x: float, integer: bool) -> str:
    return str(int(round(x))) if integer else f"{x:.6g}"


def lhs_points(axes: list[Axis], k: int, seed: int) -> list[dict[str, str]]:
    """A Latin hypercube of k points: each varying axis is cut into k equal strata and
    every stratum is used exactly once, in an order shuffled independently per axis.
    Ranges are sampled uniformly within the stratum; lists take the value the stratum
    falls on. Seeded, so the same command gives the same points."""
    if k < 1:
        raise LabError("--sample must be at least 1")
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0x5EE9,)))
    columns: dict[str, list[str]] = {}
    for a in axes:
        if not a.varies:
            columns[a.path] = [a.values[0]] * k
            continue
        u = (rng.permutation(k) + rng.random(k)) / k
        if a.is_range:
            columns[a.path] = [format_value(a.lo + x * (a.hi - a.lo), a.integer) for x in u]
        else:
            columns[a.path] = [a.values[min(int(x * len(a.values)), len(a.values) - 1)] for x in u]
    return [{p: columns[p][i] for p in columns} for i in range(k)]


def _value(text: str):
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def sweep(path: str, base_sets: list[str], without: list[str], axis_texts: list[str], out: str | Path,
          options: RunOptions, levels: dict[str, str] | None = None, sample: int | None = None,
          progress=None, on_chunk=None, command: str = "", focus: list[str] | None = None
          ) -> tuple[list[Run], list[dict]]:
    options.check()
    axes = parse_axes(axis_texts, sample)
    if not axes:
        raise LabError("sweep needs at least one --set PATH=V1,V2,...")
    points = lhs_points(axes, sample, options.seed) if sample is not None else grid_points(axes)
    out = Path(out)
    plan = {"axes": [a.path for a in axes], "points": points, "sample": sample}
    plan_path = out / "sweep-plan.json"
    if options.resume and plan_path.exists():
        old = json.loads(plan_path.read_text(encoding="utf-8"))
        if old != plan:
            raise LabError(f"{out}: holds a sweep over other points; resume it with the same --set and --sample")
    # The file, the fixed settings and --without first: their problems are the same at every point.
    prepare(Variant(path, tuple(base_sets), tuple(without)))
    runs: list[Run] = []
    problems: list[str] = []
    level_map = None
    for i, point in enumerate(points):
        sets = tuple(base_sets) + tuple(f"{p}={v}" for p, v in point.items())
        try:
            prepared = prepare(Variant(path, sets, tuple(without)))
        except LabError as exc:
            problems += [f"point {i} ({_label(point)}): {p}" for p in exc.problems]
            continue
        except ScenarioError as exc:
            problems += [f"point {i}: {p.mark.file}:{p.mark.line}:{p.mark.col}: {p.message}" for p in exc.problems]
            continue
        if level_map is None:
            level_map = check_levels(prepared.spec, levels or {})
            known = prepared.spec.outcomes()
            for o in focus or []:
                if o not in known:
                    from ..scenario.errors import did_you_mean

                    problems.append(f"--focus {o}: not an outcome of this scenario{did_you_mean(o, known)} "
                                    f"(outcomes: {', '.join(known)})")
        # Each point is counted against the scenario's own checkpoints, so a sweep shows
        # which settings keep the war's shape as well as its outcome.
        runs.append(Run("sweep-point", prepared, out / "points" / f"p{i:03d}", options.seed,
                        simple_jobs(options.games, level_map), level_map,
                        targets=find_targets(prepared.variant, prepared.spec)))
    if problems:
        raise LabError(sorted(set(problems), key=problems.index))
    with lock.using(out):
        if options.overwrite and (out / "points").is_dir():
            import shutil

            shutil.rmtree(out / "points")  # points of an earlier plan must not linger beside the new ones
        for r in runs:
            r.open(options.resume, options.overwrite)
        write_text_atomic(plan_path, json.dumps(plan, indent=2) + "\n")
        execute(runs, options.executor, options.jobs, options.scheduler, progress, on_chunk, options.chunk)
        rows = []
        for i, (point, run) in enumerate(zip(points, runs)):
            summary = summarise(run)
            write_tables(run)
            write_summary(run, summary)
            rows.append({"point": i, "values": point, "summary": summary})
        write_sweep(runs[0].prepared.spec, axes, rows, out, sample, command, focus)
    return runs, rows


def _label(point: dict[str, str]) -> str:
    return ", ".join(f"{p}={v}" for p, v in point.items())


def write_sweep(spec, axes: list[Axis], rows: list[dict], out: Path, sample: int | None, command: str,
                focus: list[str] | None = None) -> None:
    outcomes = spec.outcomes()
    header = ["point"] + [a.path for a in axes] + ["games", "completed", "failed"]
    for o in outcomes:
        header += [f"{o}_count", f"{o}_rate", f"{o}_lo", f"{o}_hi"]
    header += ["turns_mean", "turns_median"]
    table = []
    for r in rows:
        s = r["summary"]
        row = [r["point"]] + [r["values"][a.path] for a in axes] + [s["games"], s["completed"], s["failed"]]
        for o in outcomes:
            oc = s["outcomes"][o]
            row += [oc["count"], "" if oc["rate"] is None else f"{oc['rate']:.4f}",
                    f"{oc['ci95'][0]:.4f}", f"{oc['ci95'][1]:.4f}"]
        row += ["" if s["turns"]["mean"] is None else f"{s['turns']['mean']:.2f}",
                "" if s["turns"]["median"] is None else f"{s['turns']['median']:g}"]
        table.append(row)
    write_text_atomic(out / "sweep.csv", _csv(header, table))
    write_text_atomic(out / "sweep.json", json.dumps({
        "scenario": spec.meta.id, "axes": [a.path for a in axes], "sample": sample,
        "points": [{"point": r["point"], "values": r["values"], "outcomes": r["summary"]["outcomes"],
                    "turns": r["summary"]["turns"], "completed": r["summary"]["completed"],
                    "failed": r["summary"]["failed"]} for r in rows]}, indent=2) + "\n")
    chart = effect_figure(spec, axes, rows, sample, focus)
    if chart is not None:
        charts.save_png(chart, out / "charts" / "sweep.png")
    write_text_atomic(out / "report.md", _report(spec, axes, rows, sample, command, chart is not None))


def effect_figure(spec, axes: list[Axis], rows: list[dict], sample: int | None, focus: list[str] | None = None):
    """The effect of the swept values on the outcome rates, with 95% interval bars.

    A grid draws lines against the first varying setting, one panel per combination
    of the others. A Latin hypercube draws each sampled point against each varying
    setting, one panel per setting; since the other settings vary too, it shows only
    the focus outcome (by default the one whose rate varies most)."""
    varying = [a for a in axes if a.varies]
    if not varying or not rows:
        return None
    seen = [o for o in spec.outcomes() if any(r["summary"]["outcomes"][o]["count"] for r in rows)]
    rates = {o: [r["summary"]["outcomes"][o]["rate"] or 0.0 for r in rows] for o in seen}
    if focus:
        outcomes = focus
    elif sample is not None and seen:
        outcomes = [max(seen, key=lambda o: (max(rates[o]) - min(rates[o]), -seen.index(o)))]
    else:
        outcomes = seen or list(spec.factions)
    colours = {o: outcome_colour(spec, o) for o in spec.outcomes()}
    labels = {o: outcome_label(spec, o) for o in spec.outcomes()}

    def series(subset: list[dict]) -> dict:
        return {o: ([r["summary"]["outcomes"][o]["rate"] or 0.0 for r in subset],
                    [r["summary"]["outcomes"][o]["ci95"][0] for r in subset],
                    [r["summary"]["outcomes"][o]["ci95"][1] for r in subset]) for o in outcomes}

    n = rows[0]["summary"]["games"]
    if sample is not None:
        panels = []
        for a in varying:
            order = sorted(rows, key=lambda r: _sort_key(r["values"][a.path]))
            xs = [_value(r["values"][a.path]) for r in order]
            panels.append((a.path, xs, series(order)))
        what = " and ".join(labels[o] for o in outcomes)
        title = f"{what}: {len(rows)} Latin-hypercube points, {n} games each (all settings vary at once)"
        return charts.effect_chart(panels, colours, labels, title, scatter=True)
    first = varying[0]
    xs = [_value(v) for v in first.values]
    others = varying[1:]
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        groups.setdefault(tuple(r["values"][a.path] for a in others), []).append(r)
    panels = []
    for key, subset in list(groups.items())[:9]:
        subset = sorted(subset, key=lambda r: first.values.index(r["values"][first.path]))
        ptitle = ", ".join(f"{a.path}={v}" for a, v in zip(others, key))
        panels.append((first.path, xs, series(subset), ptitle))
    title = f"Outcome against {first.path}: {n} games per point, the same seeds at every point"
    return charts.effect_chart(panels, colours, labels, title)


def _sort_key(text: str):
    v = _value(text)
    return (0, float(v), "") if isinstance(v, (int, float)) else (1, 0.0, str(v))


def _report(spec, axes: list[Axis], rows: list[dict], sample: int | None, command: str, chart: bool) -> str:
    outcomes = spec.outcomes()
    L = [f"# Sweep: {spec.meta.title}", ""]
    n = rows[0]["summary"]["games"] if rows else 0
    how = f"Latin hypercube of {sample} points" if sample is not None else f"full grid of {len(rows)} points"
    L.append(f"{how}; {n} games per point on the same seeds (seed {rows[0]['summary']['seed'] if rows else ''}).")
    if command:
        L += ["", f"Command: `{command}`"]
    L.append("")
    if chart:
        L += ["![Outcome against the swept setting](charts/sweep.png)", ""]
    names = {o: outcome_short(spec, o) for o in spec.outcomes()}
    L.append("| point | " + " | ".join(f"`{a.path}`" for a in axes) + " | "
             + " | ".join(f"{names[o]} (95% CI)" for o in outcomes) + " | mean turns |")
    L.append("|---:|" + "---|" * len(axes) + "---|" * len(outcomes) + "---:|")
    for r in rows:
        s = r["summary"]
        cells = []
        for o in outcomes:
            oc = s["outcomes"][o]
            cells.append("–" if oc["rate"] is None else
                         f"{100 * oc['rate']:.0f}% ({100 * oc['ci95'][0]:.0f}–{100 * oc['ci95'][1]:.0f}%)")
        turns = "–" if s["turns"]["mean"] is None else f"{s['turns']['mean']:.1f}"
        L.append(f"| {r['point']} | " + " | ".join(r["values"][a.path] for a in axes) + " | " + " | ".join(cells)
                 + f" | {turns} |")
    failed = sum(r["summary"]["failed"] for r in rows)
    if failed:
        L += ["", f"{failed} game(s) failed; see each point's summary.json."]
    L += ["", "Each point's games are in `points/pNNN/` (games.csv, turns.csv, summary.json).", ""]
    return "\n".join(L)
