"""Scenarios loaded before, kept with a digest of every file each was read from.

The client loads the same file again for each new game, save and menu, and reading it
(YAML, validation, the map) takes a tenth of a second. A file whose bytes have not
changed gives the same scenario, and a loaded scenario is never changed (its models
are frozen), so `load_scenario` hands back the one it made before. Only plain loads are
kept: with overrides or a transform, the result is the caller's own.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .loader import LoadedScenario

_LOADED: OrderedDict = OrderedDict()
_KEEP = 8


def file_digest(path: Path) -> str | None:
    """The SHA-256 of the file's bytes, or None if it is not a regular file or cannot be
    read. Only a regular file is opened: a named pipe would wait for a writer, a device
    might never end, and the loader turns both away with an error of its own."""
    try:
        if not path.is_file():
            return None
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except (OSError, ValueError):  # ValueError: a path with a NUL byte
        return None


def _cache_key(path: Path) -> tuple[str, str]:
    # The path as given (a LoadedScenario names it so) and the file it means from here.
    return str(path), str(path.resolve())


def cached(path: Path) -> LoadedScenario | None:
    try:
        key = _cache_key(path)
    except (OSError, RuntimeError, ValueError):
        return None
    found = _LOADED.get(key)
    if found is None:
        return None
    files, loaded = found
    if any(file_digest(f) != digest for f, digest in files):
        del _LOADED[key]
        return None
    _LOADED.move_to_end(key)
    return loaded


def keep(path: Path, files: list[tuple[Path, str | None]], loaded: LoadedScenario) -> None:
    if any(d is None for _, d in files):
        return
    key = _cache_key(path)
    _LOADED[key] = (files, loaded)
    _LOADED.move_to_end(key)
    while len(_LOADED) > _KEEP:
        _LOADED.popitem(last=False)


def forget() -> None:
    """Drop every kept scenario: the next load of each reads its files again (for
    measuring what a load costs)."""
    _LOADED.clear()
