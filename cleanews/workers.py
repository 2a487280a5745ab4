"""Worker processes with a time limit per item, results in input order.

trafilatura has no time limit of its own (its issue #704) and a pathological
page can hold the extractor (C code in lxml included) for minutes. Only a
separate process can be stopped safely in the middle of that, so each item is
one pebble task with a timeout: on expiry pebble kills the worker and starts
another, and the item comes back as a ``Failure`` naming why.

Items are fed lazily: at most ``IN_FLIGHT_PER_WORKER`` per worker wait in
the pool, so memory stays bounded on a corpus of any size.

Items and results cross between processes as bytes pickled here, not by
pebble: pebble pickles in a scheduler thread, and an item it cannot pickle
(a value nested too deep) kills that thread and leaves the parent waiting
for its result forever. Pickled here, such an item is a ``Failure`` at once.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, wait
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, TypeVar

from pebble import ProcessExpired, ProcessPool

from cleanews.errors import WorkerStartError

T = TypeVar("T")
R = TypeVar("R")

# Enough queued items to keep each worker busy while the parent reads the next.
IN_FLIGHT_PER_WORKER = 4
# Modules the fork server imports once, so a worker restarted after a timeout
# starts in milliseconds instead of re-importing trafilatura (about a second);
# cleanews.clean.warm loads the stop lists and models there too (0.3 s a worker).
PRELOAD = ["cleanews.clean", "cleanews.clean.html", "cleanews.clean.warm", "cleanews.steps"]
# How often a wait for a result checks that the pool is still alive.
POLL_SECONDS = 0.5
WORKERS_CANNOT_START = (
    "worker processes could not start: each one imports the script that started the run, so in a script put "
    "the code that runs cleanews under `if __name__ == \"__main__\":` (jobs=1 with time_limit=None needs no workers)"
)


@dataclass(frozen=True)
class Failure:
    """An item that gave no result: it ran out of time or its worker process died."""

    reason: str


def ordered_map(function: Callable[[T], R], items: Iterable[T], jobs: int = 1,
                time_limit: float | None = None, warm_up: Callable[[], None] | None = None) -> Iterator[tuple[T, R | Failure]]:
    """``(item, function(item))`` for each item, in order, computed in ``jobs`` processes.

    With ``time_limit`` (seconds) an item that takes longer gives a Failure
    and the others go on; so does an item whose worker died, and every item
    in the pool when the whole pool broke (a new pool takes the rest).
    Without a time limit and with one job, everything runs in this process.
    ``function`` must be picklable (a module-level function or an instance
    of a module-level class); exceptions it raises propagate. Raises
    WorkerStartError when the workers cannot start at all.
    ``warm_up`` (module-level too) runs once in each worker before its first
    item, outside any item's time limit: a worker started after a timeout
    must not spend its first item's time loading what every item needs.
    """
    if time_limit is None and jobs <= 1:
        for item in items:
            yield item, function(item)
        return
    refuse_in_starting_worker()
    pool = Workers(jobs, warm_up)
    window: deque[tuple[T, Future[bytes] | Failure]] = deque()
    call = _Pickled(function)
    try:
        for item in items:
            payload = pickled(item)
            window.append((item, payload if isinstance(payload, Failure) else pool.schedule(call, payload, time_limit)))
            while len(window) >= jobs * IN_FLIGHT_PER_WORKER or (window and _ready(window[0][1])):
                yield pool.outcome(*window.popleft(), time_limit)
        while window:
            yield pool.outcome(*window.popleft(), time_limit)
    finally:
        # Done, or left early (an error, Ctrl-C, the consumer stopped): stop the workers now.
        pool.stop()


def pickled(value: Any) -> bytes | Failure:
    """``value`` as pickle bytes, or a Failure when it cannot be pickled."""
    try:
        return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    # RecursionError: nested too deep; the others: a value pickle cannot represent.
    except (RecursionError, pickle.PicklingError, TypeError, AttributeError) as error:
        return Failure(f"cannot be passed to a worker process ({type(error).__name__}: {error})")


@dataclass(frozen=True)
class _Pickled:
    """``function`` over pickled arguments, giving a pickled result (or a pickled Failure)."""

    function: Callable[[Any], Any]

    def __call__(self, payload: bytes) -> bytes:
        result = pickled(self.function(pickle.loads(payload)))
        return result if isinstance(result, bytes) else pickle.dumps(result)


def _ready(task: Future[bytes] | Failure) -> bool:
    return isinstance(task, Failure) or task.done()


class Workers:
    """A pebble pool, replaced by a new one when it breaks; knows whether a worker ever took an item."""

    def __init__(self, jobs: int, warm_up: Callable[[], None] | None):
        self.jobs = jobs
        self.warm_up = warm_up
        self.pool = self.new_pool()
        self.worked = False

    def new_pool(self) -> ProcessPool:
        return ProcessPool(max_workers=self.jobs, initializer=_start_worker, initargs=(self.warm_up,), context=_context())

    def schedule(self, function: Callable[[bytes], bytes], payload: bytes, time_limit: float | None) -> Future[bytes]:
        if not self.pool.active:  # broke since the last item: its items are Failures already
            self.stop()
            self.pool = self.new_pool()
        return self.pool.schedule(function, args=(payload,), timeout=time_limit)

    def outcome(self, item: T, future: Future[bytes] | Failure, time_limit: float | None) -> tuple[T, Any]:
        """The item and its result, or a Failure saying why there is none."""
        if isinstance(future, Failure):  # it could not be handed over
            return item, future
        # pebble may leave a task queued forever when its pool breaks: wait while the pool lives.
        while not wait([future], timeout=POLL_SECONDS).done and self.pool.active:
            pass
        try:
            result = future.result(timeout=0)
        except FutureTimeout:
            if not future.done():  # the pool broke under it
                return self.broken(item, BrokenProcessPool("the pool stopped"))
            self.worked = True
            return item, Failure(f"timed out: took longer than the {time_limit:g} s limit (--time-limit)")
        except ProcessExpired as error:
            self.worked = True
            return item, Failure(f"worker process died ({describe_exit(error.exitcode)})")
        except BrokenProcessPool as error:
            return self.broken(item, error)
        self.worked = True
        try:
            return item, pickle.loads(result)
        # Rebuilding a result runs whatever its pickle names; none of that may end the run.
        except Exception as error:  # noqa: BLE001
            return item, Failure(f"its result could not be read back from the worker ({type(error).__name__}: {error})")

    def broken(self, item: T, error: BrokenProcessPool) -> tuple[T, Failure]:
        if not self.worked:
            raise WorkerStartError(WORKERS_CANNOT_START + f" ({error})") from None
        return item, Failure(f"the pool of worker processes broke ({error}); the rest goes on in a new one")

    def stop(self) -> None:
        self.pool.stop()
        self.pool.join()


def refuse_in_starting_worker() -> None:
    """Exit quietly when this is a worker process importing a script that starts a run outside a ``__main__`` guard.

    Such a worker would start workers of its own, without end; it stops,
    and the run that started it raises WorkerStartError, which says so.
    """
    if getattr(multiprocessing.current_process(), "_inheriting", False):
        raise SystemExit(1)


def describe_exit(code: int) -> str:
    """
    >>> describe_exit(-9), describe_exit(3)
    ('killed by SIGKILL', 'exit status 3')
    """
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


def _context() -> multiprocessing.context.BaseContext:
    if os.name == "nt":
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def _start_worker(warm_up: Callable[[], None] | None) -> None:
    """Workers leave Ctrl-C to the parent, which stops them and reports what was written; then they warm up."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if warm_up is not None:
        warm_up()
