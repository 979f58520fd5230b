"""The scenario picker's list: every scenario file in a directory, loaded and checked.
A broken one stays in the list with its problems, so its author can see them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..scenario import LoadedScenario, ScenarioError, load_scenario
from ..scenario.companion import is_companion_file


@dataclass
class Entry:
    path: Path
    loaded: LoadedScenario | None = None
    error: str | None = None  # rendered problems, one per line with the offending source line

    @property
    def ok(self) -> bool:
        return self.loaded is not None

    @property
    def title(self) -> str:
        if self.loaded is not None:
            return self.loaded.spec.meta.title
        return f"{self.path.name} (cannot be loaded)"

    @property
    def problem_count(self) -> int:
        return 0 if self.error is None else sum(1 for ln in self.error.splitlines() if ": error: " in ln) or 1


_CACHE: dict[tuple, Entry] = {}


def load_entry(path: Path) -> Entry:
    """Load and check one file; unchanged files are not loaded twice in a session."""
    try:
        st = Path(path).stat()
        key = (str(Path(path).resolve()), st.st_mtime_ns, st.st_size)
    except OSError:
        key = None
    if key is not None and key in _CACHE:
        return _CACHE[key]
    entry = _load_entry(path)
    if key is not None:
        _CACHE[key] = entry
    return entry


def _load_entry(path: Path) -> Entry:
    try:
        return Entry(path, loaded=load_scenario(path))
    except ScenarioError as exc:
        return Entry(path, error=exc.render())
    except (OSError, ValueError, RecursionError) as exc:  # unreadable file: still listed, still explained
        return Entry(path, error=f"{path.name}: {exc}")


def scan(directory: Path) -> list[Entry]:
    """Every *.yaml / *.yml file in `directory`, sorted by name, working ones first."""
    files = sorted(p for p in [*Path(directory).glob("*.yaml"), *Path(directory).glob("*.yml")]
                   if not is_companion_file(p))
    entries = [load_entry(p) for p in files]
    return sorted(entries, key=lambda e: (not e.ok, e.path.name))
