"""`sandtable sensitivity`: which scenario values matter to the outcome, ranked by SALib.

The named values (`--param PATH=LOW..HIGH`) are sampled as the method asks (Morris
trajectories, or Saltelli's points for Sobol indices); at every point the same seeded
games are played, so two points differ by their values alone; and each outcome (every
side's win rate, the mean game length) is analysed for the values' effects with
confidence bounds. Each point is a simulate run of its own in DIR/points/, so `--resume`
plays only the games still missing.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np

from ..atomic import write_text_atomic
from .errors import LabError
from .sweep import Axis, check_ranges, format_value
from .simulate import RunOptions, simulate
from .variant import Variant, prepare

METHODS = ("morris", "sobol")


def _problem(params: list[Axis]) -> dict:
    return {"num_vars": len(params), "names": [p.path for p in params], "bounds": [[p.lo, p.hi] for p in params]}


def sample(params: list[Axis], method: str, samples: int, seed: int, levels: int = 4) -> np.ndarray:
    """The points to play: `samples` Morris trajectories of (k + 1) points each, or
    Saltelli's N·(k + 2) points for first- and total-order Sobol indices."""
    problem = _problem(params)
    if method == "morris":
        from SALib.sample import morris

        x = morris.sample(problem, samples, num_levels=levels, seed=seed)
    else:
        from SALib.sample import sobol

        x = sobol.sample(problem, samples, calc_second_order=False, seed=seed)
    for j, p in enumerate(params):
        if p.integer:
            x[:, j] = np.round(x[:, j])
    return x


def analyse(params: list[Axis], method: str, x: np.ndarray, y: np.ndarray, seed: int, levels: int = 4) -> dict:
    """Each value's indices for one outcome: Morris μ* (mean absolute elementary effect,
    with its 95% bound) and σ, or Sobol S1 and ST with theirs."""
    problem = _problem(params)
    if method == "morris":
        from SALib.analyze import morris

        r = morris.analyze(problem, x, y, conf_level=0.95, num_levels=levels, seed=seed)
        keys = {"mu_star": "mu_star", "mu_star_conf": "mu_star_conf", "sigma": "sigma"}
    else:
        from SALib.analyze import sobol

        # SALib's Sobol analysis draws its bootstrap unseeded when the seed is 0 (it tests
        # `if seed:`), so the seed goes in one up: the bounds come out the same every run.
        r = sobol.analyze(problem, y, calc_second_order=False, conf_level=0.95, seed=seed + 1)
        keys = {"S1": "S1", "S1_conf": "S1_conf", "ST": "ST", "ST_conf": "ST_conf"}
    return {p.path: {k: float(np.nan_to_num(r[v][j])) for k, v in keys.items()} for j, p in enumerate(params)}


def rank_key(method: str) -> str:
    return "mu_star" if method == "morris" else "ST"


def sensitivity(variant: Variant, params: list[Axis], out: Path, options: RunOptions, method: str = "morris",
                samples: int = 10, levels: dict[str, str] | None = None, progress=None) -> dict:
    """Play every point, analyse every outcome and write DIR/sensitivity.json,
    sensitivity.csv and charts/sensitivity.png; returns what the JSON holds."""
    if method not in METHODS:
        raise LabError(f"--method {method}: choose from {', '.join(METHODS)}")
    if samples < 2:
        raise LabError("--samples must be at least 2")
    check_ranges(variant, params)
    x = sample(params, method, samples, options.seed)
    spec = prepare(variant).spec
    outcomes = list(spec.factions) + ["turns"]
    y = np.zeros((len(outcomes), len(x)))
    if progress is not None:
        progress.start(len(x), 0)
    try:
        _play(variant, params, x, y, outcomes, out, options, levels, progress)
    finally:
        if progress is not None:
            progress.stop()
    indices = {o: analyse(params, method, x, y[k], options.seed) for k, o in enumerate(outcomes)}
    result = {"method": method, "samples": samples, "points": len(x), "games": options.games, "seed": options.seed,
              "params": [{"path": p.path, "low": p.lo, "high": p.hi} for p in params],
              "outcomes": {o: "share of games won" if o != "turns" else "mean game length, turns" for o in outcomes},
              "indices": indices}
    out.mkdir(parents=True, exist_ok=True)
    write_text_atomic(out / "sensitivity.json", json.dumps(result, indent=1))
    buf = io.StringIO()
    names = list(next(iter(indices[outcomes[0]].values())))
    w = csv.writer(buf)
    w.writerow(["outcome", "param", *names])
    for o in outcomes:
        for path, ix in indices[o].items():
            w.writerow([o, path, *(f"{ix[n]:.6g}" for n in names)])
    write_text_atomic(out / "sensitivity.csv", buf.getvalue())
    _chart(result, out)
    return result


def _play(variant: Variant, params: list[Axis], x: np.ndarray, y: np.ndarray, outcomes: list[str], out: Path,
          options: RunOptions, levels, progress) -> None:
    """Each point's games, its outcomes into column i of `y`."""
    for i, row in enumerate(x):
        sets = tuple(f"{p.path}={format_value(v, p.integer)}" for p, v in zip(params, row))
        here = Variant(variant.path, variant.sets + sets, variant.without)
        _run, summary = simulate(here, out / "points" / f"{i:04d}", options, levels, report=False, targets=False)
        for k, o in enumerate(outcomes[:-1]):
            y[k, i] = summary["outcomes"][o]["rate"] or 0.0
        y[-1, i] = summary["turns"]["mean"] or 0.0
        if progress is not None:
            progress.step(", ".join(f"{o} {y[k, i]:.2f}" for k, o in enumerate(outcomes)))


def _chart(result: dict, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    key = rank_key(result["method"])
    outcomes = list(result["indices"])
    paths = [p["path"] for p in result["params"]]
    fig, axes = plt.subplots(1, len(outcomes), figsize=(3.2 * len(outcomes) + 1.5, 0.45 * len(paths) + 1.6),
                             squeeze=False)
    for ax, o in zip(axes[0], outcomes):
        ix = result["indices"][o]
        ax.barh(range(len(paths)), [ix[p][key] for p in paths], xerr=[ix[p][f"{key}_conf"] for p in paths],
                color="#4c78a8", ecolor="#333333", capsize=3)
        ax.set_yticks(range(len(paths)), paths if ax is axes[0][0] else [""] * len(paths), fontsize=8)
        ax.invert_yaxis()
        ax.set_title(result["outcomes"][o] if o == "turns" else f"{o} wins", fontsize=9)
        ax.set_xlabel("μ*" if key == "mu_star" else "total-order index", fontsize=8)
    fig.suptitle(f"What matters most ({result['method']}, {result['points']} points of {result['games']} games; "
                 "bars: 95% bounds)", fontsize=10)
    fig.tight_layout()
    (out / "charts").mkdir(exist_ok=True)
    fig.savefig(out / "charts" / "sensitivity.png", dpi=110)
    plt.close(fig)


def print_table(result: dict, console) -> None:
    from rich.table import Table

    key = rank_key(result["method"])
    for o, ix in result["indices"].items():
        label = result["outcomes"][o] if o == "turns" else f"{o} wins"
        t = Table(title=f"{label}: values ranked by {'μ*' if key == 'mu_star' else 'ST'}", title_justify="left")
        t.add_column("value")
        for name in next(iter(ix.values())):
            t.add_column(name, justify="right")
        for path, row in sorted(ix.items(), key=lambda kv: -kv[1][key]):
            t.add_row(path, *(f"{v:.3g}" for v in row.values()))
        console.print(t)

