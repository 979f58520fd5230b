"""The compiler behind the engine's hot loops, and the arithmetic they share.

Kernels are numba `@njit` functions over the state's arrays, compiled on first use
and cached on disk (`cache=True`), so a second process loads them in milliseconds.
Each kernel sits beside the rule it speeds up and is tested against that rule's plain
Python statement.

A kernel must give the very numbers the plain rule gives, bit for bit, or a seeded game
would play differently with and without it. Elementwise arithmetic and sequential loops
already agree; numpy's `sum` does not, because it adds in a pairwise order, so kernels
add with `np_sum` below.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from pathlib import Path

import numba
import numpy as np

# Packages whose modules hold kernels. A kernel compiled into the cache carries copies
# of the kernels it calls, and numba notices only a change to the file of the kernel
# itself; so the cache is kept per version of all of these sources together.
_KERNEL_PACKAGES = ("engine", "ai")
_STALE_DAYS = 30


def _sources_digest() -> str:
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(numba.__version__.encode())
    for package in _KERNEL_PACKAGES:
        for path in sorted((root / package).glob("*.py")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _writable(path: Path) -> bool:
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
        return True
    except OSError:
        return False


def cache_dir() -> Path:
    """Where compiled kernels are kept: under NUMBA_CACHE_DIR if set, else the user's
    cache directory, in a folder named for this version of the kernels' sources."""
    base = os.environ.get("NUMBA_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "sandtable")
    here = Path(base) / f"kernels-{_sources_digest()}"
    if not _writable(here):
        here = Path(tempfile.gettempdir()) / "sandtable" / here.name
        here.mkdir(parents=True, exist_ok=True)
    # Machine code for sources long since changed is of no further use.
    for old in here.parent.glob("kernels-*"):
        try:
            if old != here and time.time() - old.stat().st_mtime > _STALE_DAYS * 86400:
                shutil.rmtree(old, ignore_errors=True)
        except OSError:
            pass
    os.utime(here)
    return here


CACHE = cache_dir()
numba.config.CACHE_DIR = str(CACHE)
_READY = CACHE / "ready"

_caching = numba.core.caching
_UserLocator = getattr(_caching, "UserProvidedCacheLocator", None) or getattr(_caching, "_UserProvidedCacheLocator", None)
_Impl = getattr(_caching, "CacheImpl", None) or getattr(_caching, "_CacheImpl", None)
_PACKAGE_ROOT = Path(__file__).resolve().parent.parent

if _UserLocator is not None and _Impl is not None:
    class ProjectCacheLocator(_UserLocator):
        """Keeps a kernel under its package's name in CACHE, where numba would file it
        under a hash of its folder's absolute path. CACHE is already named for the
        kernels' sources, so another clone or checkout of the same sources finds the
        machine code this one made, instead of spending half a minute making it again."""

        def __init__(self, py_func, py_file):
            super().__init__(py_func, py_file)
            self._cache_path = os.path.join(numba.config.CACHE_DIR, Path(py_file).resolve().parent.name)

        @classmethod
        def from_function(cls, py_func, py_file):
            try:
                ours = Path(py_file).resolve().parent.parent == _PACKAGE_ROOT
            except (OSError, ValueError):
                ours = False
            return super().from_function(py_func, py_file) if ours else None

    if ProjectCacheLocator.__name__ not in {c.__name__ for c in _Impl._locator_classes}:
        _Impl._locator_classes.insert(0, ProjectCacheLocator)


def kernels_ready() -> bool:
    """Whether this version's kernels have all been compiled on this machine."""
    return _READY.exists()


def mark_ready() -> None:
    """Record that every kernel is compiled (after a warm-up has called them all)."""
    _READY.touch()

# Compile once per machine and keep the machine code; never trade exactness for speed
# (no fastmath), since games must replay bit for bit.
kernel = numba.njit(cache=True, nogil=True)


@kernel
def _block(a: np.ndarray, lo: int, n: int) -> float:
    """numpy's sum of a[lo:lo + n] for n <= 128: one running total below 8 elements,
    else eight, combined pairwise, then the remainder."""
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    i = 8
    whole = n - n % 8
    while i < whole:
        r0 += a[lo + i]
        r1 += a[lo + i + 1]
        r2 += a[lo + i + 2]
        r3 += a[lo + i + 3]
        r4 += a[lo + i + 4]
        r5 += a[lo + i + 5]
        r6 += a[lo + i + 6]
        r7 += a[lo + i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    return res


@kernel
def np_sum(a: np.ndarray, n: int) -> float:
    """The sum of a[:n] exactly as `numpy.sum` adds a contiguous float64 array: in
    blocks of up to 128, and a longer run as the sum of its two halves (split at a
    multiple of 8), recursively. The recursion is unrolled onto a stack because numba
    cannot cache a recursive function reliably."""
    if n <= 128:
        return _block(a, 0, n)
    los = np.empty(64, dtype=np.int64)
    sizes = np.empty(64, dtype=np.int64)
    lefts = np.empty(64)
    right_next = np.zeros(64, dtype=np.bool_)
    sp = 0
    los[0], sizes[0] = 0, n
    value = 0.0
    returning = False
    while sp >= 0:
        if returning:
            if not right_next[sp]:
                # The left half is summed: keep it, and sum the right half next.
                lefts[sp] = value
                right_next[sp] = True
                half = sizes[sp] // 2
                half -= half % 8
                los[sp + 1], sizes[sp + 1], right_next[sp + 1] = los[sp] + half, sizes[sp] - half, False
                sp += 1
                returning = False
            else:
                value = lefts[sp] + value
                sp -= 1
            continue
        if sizes[sp] <= 128:
            value = _block(a, los[sp], sizes[sp])
            sp -= 1
            returning = True
        else:
            half = sizes[sp] // 2
            half -= half % 8
            los[sp + 1], sizes[sp + 1], right_next[sp + 1] = los[sp], half, False
            sp += 1
    return value
