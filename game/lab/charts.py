"""PNG charts for lab reports, drawn with matplotlib's Agg canvas.

Figures are built with `matplotlib.figure.Figure` directly, so nothing here touches
pyplot's global state or the backend another part of the program may use.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

DRAW_COLOUR = "#9a9a9a"
SETTLEMENT_COLOUR = "#c9b458"
_DPI = 110


def _figure(width: float = 8.0, height: float = 4.5) -> Figure:
    fig = Figure(figsize=(width, height), dpi=_DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _style(ax) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#e6e6e6", linewidth=0.8)
    ax.set_axisbelow(True)


def save_png(fig: Figure, path: Path) -> None:
    """Write the figure atomically, without metadata that would differ between runs."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(buf.getvalue())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def outcomes_chart(labels: list[str], rates: list[float], intervals: list[tuple[float, float]],
                   counts: list[int], colours: list[str], total: int, title: str) -> Figure:
    """Win rate of each side (and draws) with its 95% Wilson interval; the figures are
    written in a column beside the plot, where no bar can cover them."""
    fig = _figure(8.0, 1.3 + 0.65 * len(labels))
    ax, side = fig.subplots(1, 2, width_ratios=[3.0, 1.25], sharey=True)
    y = np.arange(len(labels))[::-1]
    lo = [r - i[0] for r, i in zip(rates, intervals)]
    hi = [i[1] - r for r, i in zip(rates, intervals)]
    ax.barh(y, rates, color=colours, height=0.6, alpha=0.85)
    ax.errorbar(rates, y, xerr=[lo, hi], fmt="none", ecolor="#222222", elinewidth=1.4, capsize=5)
    ax.set_yticks(y, labels)
    ax.set_ylim(-0.6, len(labels) - 0.3)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel("share of games; black bars: 95% Wilson interval")
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x", color="#e6e6e6", linewidth=0.8)
    ax.set_axisbelow(True)
    side.axis("off")
    side.set_xlim(0, 1)
    mono = {"family": "monospace", "clip_on": False}
    side.text(0.0, len(labels) - 0.45, f"{'rate':>4}  {'95% interval':<11}", fontsize=8.5, color="#555555",
              va="bottom", **mono)
    for yi, r, (a, b), c in zip(y, rates, intervals, counts):
        side.text(0.0, yi + 0.1, f"{_pct(r):>4}  {_pct(a)}–{_pct(b)}", va="bottom", fontsize=9.5, **mono)
        side.text(0.0, yi - 0.1, f"{'':>4}  {c} of {total} games", va="top", fontsize=8, color="#555555", **mono)
    fig.suptitle(title, x=0.01, ha="left", fontsize=11)
    return fig


def turns_chart(turns_by_outcome: dict[str, list[int]], colours: dict[str, str], labels: dict[str, str],
                last_turn: int, start: dt.date, days_per_turn: int, title: str) -> Figure:
    """Histogram of game length, stacked by who won."""
    fig = _figure(8.0, 4.2)
    ax = fig.add_subplot()
    everything = [t for ts in turns_by_outcome.values() for t in ts]
    hi = max(everything + [last_turn]) if everything else last_turn
    width = max(1, int(np.ceil(hi / 100)))
    bins = np.arange(0.5, hi + width + 0.5, width)
    keys = [k for k, ts in turns_by_outcome.items() if ts]
    if keys:
        ax.hist([turns_by_outcome[k] for k in keys], bins=bins, stacked=True,
                color=[colours[k] for k in keys], label=[f"{labels[k]} won" for k in keys],
                edgecolor="white", linewidth=0.4)
    if everything:
        med = float(np.median(everything))
        ax.axvline(med, color="#333333", linestyle="--", linewidth=1, label=f"median: turn {med:g}")
    ax.axvline(last_turn, color="#aa3333", linestyle=":", linewidth=1.2, label=f"last turn ({last_turn})")
    ax.legend(frameon=False, loc="upper left", fontsize=9)
    ax.set_xlabel("turn the game ended")
    ax.set_ylabel("games")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlim(0, hi + width)
    _dates_on_top(ax, start, days_per_turn)
    ax.set_title(title, loc="left", fontsize=11)
    _style(ax)
    return fig


def low_turns_chart(low_turns: dict[str, list[int]], colours: dict[str, str], labels: dict[str, str],
                    last_turn: int, start: dt.date, days_per_turn: int, title: str) -> Figure:
    """One histogram per side, on a shared turn axis: the turn of its low point in the
    games it recovered from. Panels rather than stacked bars, because a game can be a
    recovery for more than one side."""
    fig = _figure(8.0, 1.4 + 1.9 * len(low_turns))
    axes = fig.subplots(len(low_turns), 1, sharex=True, squeeze=False)[:, 0]
    hi = max([t for ts in low_turns.values() for t in ts] + [last_turn])
    width = max(1, int(np.ceil(hi / 100)))
    bins = np.arange(-0.5, hi + width + 0.5, width)  # the low can be turn 0, the start
    for ax, (k, turns) in zip(axes, low_turns.items()):
        if turns:
            ax.hist(turns, bins=bins, color=colours[k], alpha=0.85, edgecolor="white", linewidth=0.4)
            med = float(np.median(turns))
            ax.axvline(med, color="#333333", linestyle="--", linewidth=1, label=f"median: turn {med:g}")
            ax.legend(frameon=False, loc="upper right", fontsize=9)
        else:
            ax.text(0.5, 0.5, "no game with a recovery", transform=ax.transAxes, ha="center", color="#777777")
        ax.set_title(f"{labels[k]}: {len(turns)} games with a recovery", loc="left", fontsize=9.5)
        ax.set_ylabel("games")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        _style(ax)
    axes[-1].set_xlim(-0.5, hi + width)
    axes[-1].set_xlabel("turn of the low point (fewest places held)")
    _dates_on_top(axes[0], start, days_per_turn)
    fig.suptitle(title, x=0.01, ha="left", fontsize=11)
    return fig


def _dates_on_top(ax, start: dt.date, days_per_turn: int) -> None:
    """A second x axis with the calendar date of each turn."""
    top = ax.secondary_xaxis("top", functions=(lambda t: t, lambda t: t))
    lo, hi = ax.get_xlim()
    ticks = [t for t in np.linspace(max(1, lo), hi, 6)]
    top.set_xticks(ticks, [(start + dt.timedelta(days=days_per_turn * (int(round(t)) - 1))).strftime("%b %Y")
                           for t in ticks])
    top.tick_params(labelsize=8, colors="#555555")
    top.spines["top"].set_visible(False)


def band_chart(series: dict[str, np.ndarray], colours: dict[str, str], labels: dict[str, str], ylabel: str,
               title: str, start: dt.date, days_per_turn: int, running: np.ndarray | None = None,
               subtitle: str = "") -> Figure:
    """Median over games with the 10–90% band, per side, by turn. `series[k]` is
    games × turns (a finished game's last value carried forward)."""
    fig = _figure(8.0, 5.0)
    ax = fig.add_subplot()
    handles = []
    top = 0.0
    for k, arr in series.items():
        if arr.size == 0:
            continue
        turns = np.arange(arr.shape[1])
        p10, p50, p90 = np.percentile(arr, [10, 50, 90], axis=0)
        top = max(top, float(p90.max()))
        ax.fill_between(turns, p10, p90, color=colours[k], alpha=0.18, linewidth=0)
        (line,) = ax.plot(turns, p50, color=colours[k], linewidth=2, label=f"{labels[k]}: median, band 10–90%")
        handles.append(line)
    ax.set_xlabel("turn")
    ax.set_ylabel(ylabel)
    ax.set_ylim(0, top * 1.08 if top > 0 else 1)
    ax.set_xlim(0, max((a.shape[1] - 1 for a in series.values() if a.size), default=1))
    if running is not None and running.size:
        twin = ax.twinx()
        (line,) = twin.plot(np.arange(len(running)), running * 100, color="#777777", linewidth=1.2, linestyle=":",
                            label="games still running (right axis)")
        handles.append(line)
        twin.set_ylim(0, 108)
        twin.set_ylabel("games still running, %", color="#777777", fontsize=9)
        twin.tick_params(axis="y", colors="#777777", labelsize=8)
        twin.spines[["top"]].set_visible(False)
    fig.legend(handles=handles, loc="outside lower center", ncols=min(3, len(handles)), frameon=False, fontsize=9)
    _dates_on_top(ax, start, days_per_turn)
    fig.suptitle(title, x=0.01, ha="left", fontsize=11)
    if subtitle:
        ax.set_title(subtitle, loc="left", fontsize=8.5, color="#555555")
    _style(ax)
    return fig


def checkpoint_chart(series: dict[str, np.ndarray], colours: dict[str, str], labels: dict[str, str],
                     bands: dict[str, list[tuple[int, int | None, int | None, str]]], shares: list[tuple[int, str, float]],
                     title: str, start: dt.date, days_per_turn: int, running: np.ndarray | None = None) -> Figure:
    """Places held by turn (as `band_chart`) with the record's bands drawn over it: at
    each checkpoint, a bar in the side's colour from the fewest to the most places the
    record allows, and along the top the share of games inside that checkpoint."""
    fig = band_chart(series, colours, labels, "places held", title, start, days_per_turn, running,
                     "bars: the record's band at each checkpoint; figures along the top: share of games inside it")
    ax = fig.axes[0]
    lo_y, hi_y = ax.get_ylim()
    n = max(1, len(bands))
    for k, (side, marks) in enumerate(bands.items()):
        shift = (k - (n - 1) / 2) * 0.45  # sides' bars at one date stand apart
        for turn, lo, hi, _cp in marks:
            bottom = lo if lo is not None else 0
            top = hi if hi is not None else hi_y
            ax.plot([turn + shift] * 2, [bottom, top], color=colours[side], linewidth=5, alpha=0.55,
                    solid_capstyle="butt", zorder=4)
            for end, given in ((bottom, lo), (top, hi)):
                if given is not None:
                    ax.plot([turn + shift - 0.6, turn + shift + 0.6], [end] * 2, color=colours[side], linewidth=1.5,
                            zorder=5)
    # The labels sit in a strip above the data, staggered so that close dates do not collide.
    ax.set_ylim(lo_y, hi_y * 1.22)
    for k, (turn, name, share) in enumerate(sorted(shares)):
        ax.axvline(turn, color="#bbbbbb", linewidth=0.8, linestyle="--", zorder=1)
        ax.annotate(f"{name}: {_pct(share)}", (turn, hi_y * (1.17 if k % 2 == 0 else 1.08)), ha="center",
                    va="center", fontsize=7.5, color="#333333", zorder=6,
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "#cccccc", "lw": 0.6})
    return fig


def deliveries_chart(series: dict[str, np.ndarray], colours: dict[str, str], labels: dict[str, str],
                     title: str, start: dt.date, days_per_turn: int) -> Figure:
    """Mean cumulative packages sent per game, per backer, by turn."""
    fig = _figure(8.0, 4.6)
    ax = fig.add_subplot()
    order = sorted(series, key=lambda k: -float(series[k][:, -1].mean()) if series[k].size else 0)
    for k in order:
        arr = series[k]
        if arr.size == 0 or arr[:, -1].mean() == 0:
            continue
        ax.plot(np.arange(arr.shape[1]), arr.mean(axis=0), color=colours[k], linewidth=2,
                label=f"{labels[k]} ({arr[:, -1].mean():.1f} by the end)")
    ax.set_xlabel("turn")
    ax.set_ylabel("packages sent (mean per game, cumulative)")
    ax.set_ylim(bottom=0)
    ax.set_xlim(0, max((a.shape[1] - 1 for a in series.values() if a.size), default=1))
    if ax.get_lines():
        ax.legend(frameon=False, loc="upper left", fontsize=9)
    else:
        ax.text(0.5, 0.5, "no backer sent anything", transform=ax.transAxes, ha="center", color="#777777")
    _dates_on_top(ax, start, days_per_turn)
    ax.set_title(title, loc="left", fontsize=11)
    _style(ax)
    return fig


def effect_chart(panels: list[tuple], colours: dict[str, str], labels: dict[str, str], title: str,
                 scatter: bool = False) -> Figure:
    """Outcome rates against a swept value with 95% interval bars. Each panel is
    (x label, x values, {outcome: (rates, lo, hi)}[, panel title]); x values that are
    not all numbers are placed evenly and labelled."""
    n = len(panels)
    cols = min(n, 3)
    rows = int(np.ceil(n / cols))
    fig = _figure(max(8.0, min(4.6 * cols, 15.0)), 3.9 * rows + 0.5)
    for i, panel in enumerate(panels):
        xlabel, xs, outcomes = panel[:3]
        ptitle = panel[3] if len(panel) > 3 else ""
        ax = fig.add_subplot(rows, cols, i + 1)
        numeric = all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in xs)
        if numeric:
            positions = np.asarray(xs, dtype=float)
            if all(isinstance(x, int) for x in xs):
                ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        else:
            names = list(dict.fromkeys(str(x) for x in xs))
            positions = np.array([names.index(str(x)) for x in xs], dtype=float)
            ax.set_xticks(range(len(names)), names)
        span = float(positions.max() - positions.min()) if len(positions) > 1 else 1.0
        keys = list(outcomes)
        for j, k in enumerate(keys):
            r, lo, hi = (np.asarray(a, dtype=float) for a in outcomes[k])
            # Nudge outcomes sideways a little so that their interval bars do not overlap.
            x = positions + (j - (len(keys) - 1) / 2) * (span or 1.0) * 0.012
            ax.errorbar(x, r, yerr=[r - lo, hi - r], color=colours[k], marker="o", markersize=5,
                        linestyle="none" if scatter else "-", linewidth=1.6, capsize=4, label=labels[k])
        ax.set_ylim(-0.02, 1.02)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_xlabel(xlabel)
        if i % cols == 0:
            ax.set_ylabel("share of games (95% Wilson interval)")
        if ptitle:
            ax.set_title(ptitle, fontsize=9)
        _style(ax)
        if i == 0:
            ax.legend(frameon=False, fontsize=9)
    fig.suptitle(title, x=0.01, ha="left", fontsize=10.5)
    return fig


def ratings_chart(names: list[str], ratings: list[float], title: str) -> Figure:
    fig = _figure(7.0, 0.9 + 0.6 * len(names))
    ax = fig.add_subplot()
    y = np.arange(len(names))[::-1]
    ax.barh(y, ratings, color=["#3b7dd8" if r >= 0 else "#d8793b" for r in ratings], height=0.6)
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.set_yticks(y, names)
    ax.set_xlabel("Bradley–Terry rating (Elo scale, mean 0)")
    ax.set_title(title, loc="left", fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    return fig
