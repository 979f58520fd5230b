"""Progress of a long run: a live rich bar on a terminal, silence otherwise.

On a terminal the bar shows games done, games per second, failures and the time
left. When output goes to a file or a pipe nothing is drawn; the command prints one
machine-readable summary line at the end instead.
"""

from __future__ import annotations

import sys

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn,
                           TimeElapsedColumn, TimeRemainingColumn)
from rich.text import Text


class _Speed(ProgressColumn):
    def render(self, task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:.1f} games/s" if speed else "– games/s", style="cyan")


class _Failed(ProgressColumn):
    def render(self, task) -> Text:
        n = task.fields.get("failed", 0)
        return Text(f"{n} failed" if n else "", style="bold red")


class LiveProgress:
    """start(total, already_done) / advance(games, failed) / stop()."""

    def __init__(self, label: str, console: Console | None = None):
        self.label = label
        self.console = console or Console(file=sys.stderr)
        self._progress: Progress | None = None
        self._task = None
        self.failed = 0

    def start(self, total: int, done: int) -> None:
        self._progress = Progress(
            TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), _Speed(), _Failed(),
            TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
            console=self.console, transient=False, refresh_per_second=8,
        )
        self._progress.start()
        # Games kept from an interrupted run show as done without counting towards the speed.
        self._task = self._progress.add_task(self.label, total=total, completed=done, failed=0)

    def advance(self, games: int, failed: int) -> None:
        self.failed += failed
        if self._progress is not None:
            self._progress.update(self._task, advance=games, failed=self.failed)

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


def _bar(kind, label: str, enabled: bool | None):
    console = Console(file=sys.stderr)
    if enabled is None:
        enabled = console.is_terminal
    return kind(label, console) if enabled else None


def make_progress(label: str, enabled: bool | None = None) -> LiveProgress | None:
    """A live bar when standard error is a terminal (or when asked), else None."""
    return _bar(LiveProgress, label, enabled)


class StepProgress:
    """A live bar over the steps of a study (a fit's trials, a sensitivity run's points),
    with a note on the latest (the best so far) and the time left:
    start(total, already_done) / step(note) / stop()."""

    def __init__(self, label: str, console: Console):
        self.label = label
        self.console = console
        self._progress: Progress | None = None
        self._task = None

    def start(self, total: int, done: int) -> None:
        self._progress = Progress(
            TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[note]}", style="cyan"), TimeElapsedColumn(), TextColumn("ETA"),
            TimeRemainingColumn(), console=self.console, transient=False, refresh_per_second=4,
        )
        self._progress.start()
        self._task = self._progress.add_task(self.label, total=total, completed=done, note="")

    def step(self, note: str = "") -> None:
        if self._progress is not None:
            self._progress.update(self._task, advance=1, note=note)

    stop = LiveProgress.stop


def make_step_progress(label: str, enabled: bool | None = None) -> StepProgress | None:
    """A live bar over a study's steps when standard error is a terminal (or when asked)."""
    return _bar(StepProgress, label, enabled)
