"""Writing a file all at once or not at all: a temporary file beside the target,
flushed to disk, then renamed over it. A crash or a full disk mid-write leaves the
previous file as it was and no half-written one."""

from __future__ import annotations

import glob
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TextIO


def write_atomic(path: str | Path, write: Callable[[TextIO], object]) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # mkstemp makes the file private (0600); give it the mode a plain open() would.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _sweep_leftovers(path)


def _sweep_leftovers(path: Path) -> None:
    """Remove temporary files an earlier write of `path` left when its process was killed
    mid-write: the file just written supersedes whatever they held."""
    for old in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        try:
            old.unlink()
        except OSError:
            pass  # gone already, or not ours to remove: it does no harm


def write_text_atomic(path: str | Path, text: str) -> None:
    write_atomic(path, lambda fh: fh.write(text))
