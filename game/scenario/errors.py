"""Problems found in a scenario, located at file:line:col, and how they are shown."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class Mark:
    """A position in a source file; line and column count from 1, as editors do."""

    file: str
    line: int
    col: int


_WIDTH = 160  # characters of a source line shown under a problem


@dataclass(frozen=True)
class Problem:
    mark: Mark
    message: str

    def render(self, source_lines: list[str] | None = None) -> str:
        head = f"{self.mark.file}:{self.mark.line}:{self.mark.col}: error: {self.message}"
        if not source_lines or not 1 <= self.mark.line <= len(source_lines):
            return head
        text = source_lines[self.mark.line - 1].rstrip("\r\n")
        # Tabs would shift the caret; show them as single spaces so it lines up.
        shown = text.replace("\t", " ")
        col = max(self.mark.col - 1, 0)
        # A file written as one long flow line (or a hostile one) would be echoed whole
        # for every problem; show a window around the column instead.
        if len(shown) > _WIDTH:
            start = min(max(col - _WIDTH // 2, 0), len(shown) - _WIDTH)
            end = start + _WIDTH
            shown = ("..." if start else "") + shown[start:end] + ("..." if end < len(shown) else "")
            col = col - start + (3 if start else 0)
        caret = " " * col + "^"
        return f"{head}\n    {shown}\n    {caret}"


@dataclass
class ScenarioError(Exception):
    """Raised when a scenario cannot be loaded; holds every problem found, not just the first."""

    problems: list[Problem]
    sources: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.problems = sorted(set(self.problems), key=lambda p: (p.mark, p.message))
        super().__init__(self.render())

    def render(self) -> str:
        return "\n".join(p.render(self.sources.get(p.mark.file)) for p in self.problems)

    def __str__(self) -> str:  # dataclass would otherwise print the field dump
        return self.render()


def did_you_mean(word: object, choices) -> str:
    """A ' (did you mean 'x'?)' suffix when a close match exists, else ''."""
    if not isinstance(word, str):
        return ""
    options = [str(c) for c in choices]
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if not close:
        lowered = {o.lower(): o for o in options}
        if word.lower() in lowered:
            close = [lowered[word.lower()]]
    return f" (did you mean '{close[0]}'?)" if close else ""


def display_path(path: str | Path) -> str:
    """Paths in messages read relative to where the user stands when that is shorter."""
    p = Path(path)
    try:
        rel = p.resolve().relative_to(Path.cwd().resolve())
        return str(rel)
    except (ValueError, OSError):
        return str(path)
