"""Where lab games run: in this process, on a local process pool, or on Dask.

Each executor takes chunks of games and yields (chunk, result or exception) as
chunks finish, in whatever order they finish. Games are seeded one by one, so the
order, the chunk size and the executor never change a game's result.

- `serial`: in this process, one chunk after another (for debugging; a breakpoint
  in an agent works).
- `local` (default): `concurrent.futures.ProcessPoolExecutor` with `jobs` workers.
- `dask`: a `dask.distributed` Client's concurrent.futures executor, on the cluster
  at `scheduler` or, with none given, on a LocalCluster of `jobs` worker processes
  listening on 127.0.0.1 only. Dask is the optional `cluster` extra.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from .errors import LabError

EXECUTORS = ("serial", "local", "dask")


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _futures(executor: cf.Executor, fn: Callable, chunks: list) -> Iterator[tuple[object, object]]:
    pending = {executor.submit(fn, c): c for c in chunks}
    try:
        for fut in cf.as_completed(pending):
            chunk = pending.pop(fut)
            try:
                yield chunk, fut.result()
            except Exception as exc:  # the chunk as a whole failed (a worker died, ...)
                yield chunk, exc
    finally:
        for fut in pending:
            fut.cancel()


def on_pool(pool: cf.Executor) -> Callable:
    """The run function of `open_executor` on a pool its caller keeps open (and shuts)."""
    return lambda fn, chunks: _futures(pool, fn, chunks)


def _quiet_worker() -> None:
    """In each worker of a local cluster: leave Ctrl-C to the lab, and Dask's chatter unsaid."""
    import logging
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.getLogger("distributed").setLevel(logging.ERROR)


@contextmanager
def _dask_executor(jobs: int, scheduler: str | None):
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise LabError("the dask executor needs the optional 'cluster' extra: "
                       "pip install 'sandtable[cluster]' (dask[distributed])") from None
    import logging

    # Dask logs every worker's start and stop; the lab reports progress itself.
    logging.getLogger("distributed").setLevel(logging.ERROR)
    cluster = None
    try:
        if scheduler:
            try:
                client = Client(scheduler, timeout="10s")
            except (OSError, TimeoutError) as exc:
                raise LabError(f"--scheduler {scheduler}: cannot reach a Dask scheduler there ({exc})") from None
        else:
            try:
                cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                       host="127.0.0.1", dashboard_address=None)
            except Exception as exc:  # Dask reports a failed start in many ways
                raise LabError(f"could not start a local Dask cluster: {type(exc).__name__}: {exc}") from None
            client = Client(cluster)
            # Ctrl-C reaches every process of the terminal's group: let this one handle it
            # (keeping finished games) instead of each worker printing its own traceback.
            client.run(_quiet_worker)
        try:
            yield client.get_executor(pure=False)
        finally:
            client.close()
    finally:
        if cluster is not None:
            cluster.close()


@contextmanager
def open_executor(kind: str, jobs: int, scheduler: str | None = None, mp_context=None):
    """A function run(fn, chunks) -> iterator of (chunk, result | exception). `mp_context`
    is the local pool's process start method (multiprocessing's default when None)."""
    if kind not in EXECUTORS:
        raise LabError(f"--executor {kind}: unknown executor (choose from {', '.join(EXECUTORS)})")
    if scheduler and kind != "dask":
        raise LabError("--scheduler only applies to --executor dask")
    if kind == "serial":
        def run(fn, chunks):
            for c in chunks:
                try:
                    yield c, fn(c)
                except Exception as exc:
                    yield c, exc
        yield run
    elif kind == "local":
        pool = cf.ProcessPoolExecutor(max_workers=jobs, mp_context=mp_context)
        try:
            yield on_pool(pool)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    else:
        with _dask_executor(jobs, scheduler) as ex:
            try:
                yield lambda fn, chunks: _futures(ex, fn, chunks)
            finally:
                ex.shutdown(wait=False)
