"""One run at a time in an output directory.

Two processes appending to the same results file interleave their lines and spoil the
run for both (the second finds the first's half-lines when it reads the file back), so
a run holds an advisory lock on its directory while it plays and writes. The lock goes
with the process, so a run that is killed never leaves a stale one behind.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

from .errors import LabError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows has no flock; runs there are not guarded
    fcntl = None

LOCK = ".sandtable.lock"
_HELD: set[Path] = set()


@contextmanager
def using(directory: str | Path):
    """Hold `directory` for this process while the block runs; LabError at once if
    another process holds it. A block inside another on the same directory (a sweep's
    points) simply runs."""
    d = Path(directory).resolve()
    if d in _HELD or fcntl is None:
        yield
        return
    try:
        d.mkdir(parents=True, exist_ok=True)
        fd = os.open(d / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except FileExistsError:
        raise LabError(f"{directory}: is a file, not a directory; choose another --out") from None
    except OSError as exc:
        raise LabError(f"{directory}: cannot write here ({exc.strerror or exc}); choose another --out") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.read(fd, 32).decode(errors="replace").strip()
            who = f" (process {holder})" if holder.isdigit() else ""
            raise LabError(f"{directory}: another run is writing here{who}; wait for it to finish "
                           "or choose another --out") from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        _HELD.add(d)
        try:
            yield
        finally:
            _HELD.discard(d)
    finally:
        os.close(fd)  # closing the descriptor releases the lock
