"""`sandtable fit`: search scenario values (`--param PATH=LOW..HIGH`) with optuna until a
targets file's measures are met.

Each trial plays the runs the measures need at the trial's values, every trial on the
same seeds (so two trials differ by their values, not their luck), and scores the
misses: how far each measure lies outside its band, or how far its interval overlaps the
one it must clear, in units of its own interval's standard error, so that a miss the
games cannot tell from noise weighs little. The study lives in DIR/study.db (optuna's
SQLite storage): an interrupted fit resumes where it stopped. The best point is then
played again on seeds no trial used, since the best of many noisy trials flatters itself.
"""

from __future__ import annotations

import json
import shutil
import signal
import sys
import threading
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from ..atomic import write_text_atomic
from ..scenario.targets import LoadedTargets
from .check_targets import check_targets
from .errors import LabError
from .measures import Taken
from .simulate import RunOptions
from .sweep import Axis, check_ranges, format_value
from .variant import Variant

Z95 = 3.919927969080108  # the width of a 95% interval in standard errors (2 × 1.96)
FRESH = 1_000_003  # added to --seed for the re-measure: seeds no trial played


def miss(t: Taken, by_id: dict[str, Taken]) -> float:
    """How far a measure is from being met, in standard errors of its own interval
    (0 when met)."""
    m = t.measure
    if t.value is None:
        return 10.0  # nothing to count: as bad as a clear miss
    se = max((t.ci95[1] - t.ci95[0]) / Z95, 0.01 if t.is_share else 0.5)
    gap = 0.0
    if m.min is not None:
        gap = max(gap, m.min - t.value)
    if m.max is not None:
        gap = max(gap, t.value - m.max)
    for key, other_id in (("below", m.below), ("above", m.above)):
        if other_id is not None:
            other = by_id[other_id]
            overlap = t.ci95[1] - other.ci95[0] if key == "below" else other.ci95[1] - t.ci95[0]
            gap = max(gap, overlap)
    return max(gap, 0.0) / se


def loss(taken: list[Taken]) -> float:
    by_id = {t.measure.id: t for t in taken}
    return sum(miss(t, by_id) for t in taken)


def _sets(params: list[Axis], values: dict) -> tuple[str, ...]:
    return tuple(f"{p.path}={format_value(values[p.path], p.integer)}" for p in params)


def _run_trials(study, objective, trials: int, seed: int, callbacks: list, bar, interrupted: list) -> None:
    import optuna

    finished = lambda: sum(t.state == optuna.trial.TrialState.COMPLETE for t in study.trials)  # noqa: E731
    if bar is not None:
        bar.start(trials, min(trials, finished()))
    try:
        while (done := finished()) < trials:
            # A sampler seeded afresh for each trial by the count of trials finished: the
            # sampler's state is not in the study, so this is what lets a resumed study
            # draw what an uninterrupted one would have.
            study.sampler = optuna.samplers.TPESampler(seed=seed * 100_003 + done)
            study.optimize(objective, n_trials=1, callbacks=callbacks)
            if interrupted:
                raise KeyboardInterrupt
            if bar is not None:
                bar.step(f"best loss {study.best_value:.2f}")
    finally:
        if bar is not None:
            bar.stop()


@contextmanager
def _interruptible():
    """Ctrl-C stops a fit even when it lands in a clean-up callback of the study's
    database layer, where Python swallows the KeyboardInterrupt and prints a traceback:
    the signal is also noted, the fit stops at the end of that trial at the latest, and
    the swallowed interrupt is not printed. Yields the note (a list, empty until then)."""
    interrupted: list = []
    if threading.current_thread() is not threading.main_thread():
        yield interrupted
        return

    def on_sigint(signum, frame):
        interrupted.append(signum)
        raise KeyboardInterrupt

    def hook(unraisable, previous=sys.unraisablehook):
        if not issubclass(unraisable.exc_type, KeyboardInterrupt):
            previous(unraisable)

    before, before_hook = signal.signal(signal.SIGINT, on_sigint), sys.unraisablehook
    sys.unraisablehook = hook
    try:
        yield interrupted
    finally:
        signal.signal(signal.SIGINT, before)
        sys.unraisablehook = before_hook


def fit(variant: Variant, loaded: LoadedTargets, params: list[Axis], out: Path, options: RunOptions,
        trials: int, progress=None, bar=None) -> dict:
    """Run (or resume) the study to `trials` finished trials, re-measure the best point
    on fresh seeds and write DIR/fit.json and the charts; returns what fit.json holds."""
    import optuna

    check_ranges(variant, params)
    if trials < 1:
        raise LabError("--trials must be at least 1")
    db = out / "study.db"
    if db.exists() and not options.resume:
        if not options.overwrite:
            raise LabError(f"{out} already holds a study (study.db); add --resume to go on with it, --overwrite "
                           "to start again, or choose another --out")
        db.unlink()
        shutil.rmtree(out / "trials", ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(study_name="fit", storage=f"sqlite:///{db.resolve()}", load_if_exists=True,
                                direction="minimize")
    quiet = replace(options, resume=False, overwrite=True)

    def objective(trial) -> float:
        values = {p.path: (trial.suggest_int(p.path, int(p.lo), int(p.hi)) if p.integer
                           else trial.suggest_float(p.path, p.lo, p.hi)) for p in params}
        here = Variant(variant.path, variant.sets + _sets(params, values), variant.without)
        where = out / "trials" / f"{trial.number:04d}"
        taken = check_targets(here, loaded, where, quiet)
        # Only the trial's verdicts are kept (targets.json): its games would fill the disk.
        for run in where.iterdir():
            if run.is_dir():
                shutil.rmtree(run)
        return loss(taken)

    callbacks = [lambda st, tr: progress(st, tr)] if progress else []
    with _interruptible() as interrupted:
        _run_trials(study, objective, trials, options.seed, callbacks, bar, interrupted)
        best = study.best_trial
        patch = _sets(params, best.params)
        fresh = replace(options, seed=options.seed + FRESH, resume=False, overwrite=True)
        again = check_targets(Variant(variant.path, variant.sets + patch, variant.without), loaded, out / "best",
                              fresh)
        if interrupted:
            raise KeyboardInterrupt
    result = {
        "targets": str(loaded.path), "games": options.games, "seed": options.seed, "trials": len(study.trials),
        "best_trial": best.number, "best_loss": best.value, "set": list(patch), "tied": _tied(study, params),
        "remeasured": {"seed": fresh.seed, "loss": loss(again), "met": sum(t.met for t in again),
                       "measures": [t.to_json() for t in again]},
    }
    write_text_atomic(out / "fit.json", json.dumps(result, indent=1))
    _charts(study, out)
    return result


def _tied(study, params: list[Axis]) -> dict:
    """The trials as good as the best, and the span of each value over them. Claims that
    leave a value loose give many such trials, and then the best is only the first one
    found: an analyst must see the span, not one point of it."""
    import optuna

    done = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    best = min(t.value for t in done)
    tied = [t for t in done if t.value == best]
    spans = {}
    for p in params:
        # A study resumed with another --param has trials that never drew this one.
        drawn = [t.params[p.path] for t in tied if p.path in t.params]
        if drawn:
            spans[p.path] = [min(drawn), max(drawn)]
    return {"trials": len(tied), "spans": spans}


def _charts(study, out: Path) -> None:
    """optuna's own charts, drawn by matplotlib: the loss trial by trial and, with two
    parameters or more and enough trials, how much each one mattered."""
    import warnings

    import matplotlib

    matplotlib.use("Agg")
    warnings.filterwarnings("ignore", category=optuna_experimental())
    import matplotlib.pyplot as plt
    from optuna.visualization import matplotlib as charts

    charts_dir = out / "charts"
    charts_dir.mkdir(exist_ok=True)
    ax = charts.plot_optimization_history(study)
    ax.set_title("", loc="left")
    ax.set_title("Loss by trial (0: every claim met)")
    ax.set_ylabel("loss: the misses, in standard errors")
    ax.figure.savefig(charts_dir / "history.png", dpi=110, bbox_inches="tight")
    plt.close(ax.figure)
    if len(study.best_trial.params) > 1 and len(study.trials) >= 4:
        ax = charts.plot_param_importances(study)
        # optuna titles the chart on the left; one title, in the analyst's terms.
        ax.set_title("", loc="left")
        ax.set_title("How much each value mattered to the loss")
        ax.set_xlabel("importance (fANOVA: share of the loss's variance)")
        ax.set_ylabel("")
        if ax.get_legend() is not None:
            ax.get_legend().remove()
        ax.figure.savefig(charts_dir / "importances.png", dpi=110, bbox_inches="tight")
        plt.close(ax.figure)


def optuna_experimental():
    from optuna.exceptions import ExperimentalWarning

    return ExperimentalWarning
