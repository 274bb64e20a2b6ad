"""The one event loop every snippet runs on, in real time or on a virtual clock, anywhere.

:class:`CellLoop` is CPython's own ``asyncio.BaseEventLoop`` (the scheduling, the timers,
``run_until_complete``, ``close``, the asyncgen and executor shutdowns: all of it the
interpreter's code), with one part of ours where a selector loop keeps its selector: a
*waiter*, which only waits. A snippet does no I/O, so waiting for the next timer is all a
selector would do for it, and CPython's stock selector loop cannot start in Pyodide (no
``socketpair``). The waiter decides what a second is:

- :class:`ClockWaiter`: a virtual clock; waiting is advancing, and the threads the loop
  hands work to (``asyncio.to_thread``) keep to it (the tests, the matrix);
- :class:`ThreadWaiter`: real time on CPython; another thread's ``call_soon_threadsafe`` wakes it;
- :class:`PausingWaiter`: real time on a host that supplies the pause (the browser's worker,
  the Node host of the tests): with JSPI the pause suspends, so Stop can wake it.

Loops come from a policy derived from CPython's default policy class of the running
interpreter, so ``get_event_loop()``, ``new_event_loop()``, ``set_event_loop()`` and
``asyncio.run()`` do what that version does (3.12 warns where 3.14 raises), also in
Pyodide, whose own policy would hand out its WebLoop.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import heapq
import itertools
import threading
import time
import warnings
import weakref
from typing import Callable

# 3.14 keeps the class under a private name (policies are deprecated there).
_DEFAULT_POLICY = (
    getattr(asyncio.events, "_BaseDefaultEventLoopPolicy", None)
    or asyncio.events.BaseDefaultEventLoopPolicy
)
_REAL_SLEEP = time.sleep
# A loop with work ready asks to wait 0 s at every step; the host pauses for one of those this often,
# so a busy async loop still lets a Stop (and output) through, without a pause per step.
YIELD_EVERY = 0.05


class Clock:
    """Virtual seconds, shared by every loop of one run and by ``time.sleep``."""

    def __init__(self) -> None:
        self.now = 0.0

    def advance(self, seconds: float) -> None:
        if seconds > 0:
            self.now += seconds


class ClockWaiter:
    """Waiting is advancing: sleeps end at once, in order, and time still adds up.

    Threads keep to the same clock. A job the loop hands to a thread (``asyncio.to_thread``,
    ``run_in_executor``) runs between two steps of the loop, until its result reaches the
    loop or it calls ``time.sleep``, which parks it until the clock reaches its deadline:
    the clock moves only while every job is parked. So a job's sleep takes virtual time as
    a task's would, and a run with threads repeats exactly. The executor's shutdown at the
    end of ``asyncio.run`` is waited for once every job is done.

    Not jobs: a thread the snippet starts itself, and a job that runs :attr:`STUCK` seconds
    without sleeping or returning (it waits for something the loop has yet to do): their
    ``time.sleep`` advances the clock at once, as a blocking call in a coroutine does.
    """

    STUCK = 5.0  # real seconds a job may run without sleeping or calling back before it is let go
    HANG = (
        "virtual clock: every task is waiting and no timer is set, so this run would hang forever"
    )

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.time = lambda: clock.now
        self._owner = threading.get_ident()
        self._changed = threading.Condition()
        self._running: set = set()  # jobs the loop waits for: neither parked nor called back
        self._free: set = set()  # jobs that were STUCK, until they call back: not waited for
        self._shutdowns: set = set()  # executor shutdowns under way
        self._parked: list = []  # heap of (deadline, order, job)
        self._order = itertools.count()
        self._woken = False
        self._thread = threading.local()  # .job: the job this thread runs, until it calls back

    def select(self, timeout=None) -> list:
        if not (self._running or self._parked or self._shutdowns or self._free or self._woken):
            if timeout is None:  # the common case: no thread involved
                raise RuntimeError(self.HANG)
            self.clock.advance(timeout)
            return []
        with self._changed:
            self._settle()
            if self._woken:
                pass  # a thread called back: the loop runs that before time moves
            elif self._parked and (
                timeout is None or self._parked[0][0] <= self.clock.now + timeout
            ):
                self._release_first()
                self._settle()
            elif self._shutdowns and not self._parked and timeout != 0:
                # Every job is done: the shutdown's thread calls back at once, before any timer.
                self._wait_for_a_call_back(
                    "virtual clock: the executor's shutdown never called back"
                )
            elif timeout is None:
                if not self._free:
                    raise RuntimeError(self.HANG)
                self._wait_for_a_call_back(self.HANG)
            else:
                self.clock.advance(timeout)
            self._woken = False
        return []

    def wake(self) -> None:
        if threading.get_ident() == self._owner:
            return  # the loop's own thread: the loop is not waiting
        with self._changed:
            job = getattr(self._thread, "job", None)
            if job is not None and job.calling_back:
                self._thread.job = None
                for jobs in (self._running, self._free, self._shutdowns):
                    jobs.discard(job)
            self._woken = True
            self._changed.notify_all()

    def sleep(self, seconds) -> None:
        job = getattr(self._thread, "job", None)
        if job is not None and job in self._running and not job.calling_back:
            self._park(job, seconds)
        elif self._parked and threading.get_ident() == self._owner:
            with self._changed:  # the loop's thread blocks: parked jobs wake meanwhile, in order
                target = self.clock.now + seconds
                while self._parked and self._parked[0][0] <= target:
                    self._release_first()
                    self._settle()
                self.clock.advance(target - self.clock.now)
        else:
            self.clock.advance(seconds)

    def job(self, func: Callable, shutdown: bool = False) -> _Job:
        """``func`` as the loop hands it to a thread: waited for from now until it calls the loop back.

        A job calls back once it has returned (with its result); an executor's ``shutdown`` calls
        back itself, once the executor's jobs are done.
        """
        job = _Job(self, func, shutdown)
        with self._changed:
            (self._shutdowns if shutdown else self._running).add(job)
        return job

    def _park(self, job: _Job, seconds) -> None:
        with self._changed:
            entry = (self.clock.now + max(0.0, seconds), next(self._order), job)
            heapq.heappush(self._parked, entry)
            self._running.discard(job)
            self._changed.notify_all()
            self._changed.wait_for(lambda: job in self._running)

    def _release_first(self) -> None:
        deadline, _, job = heapq.heappop(self._parked)
        self.clock.advance(deadline - self.clock.now)
        self._running.add(job)
        self._changed.notify_all()

    def _settle(self) -> None:
        """Let every job run until it parks or calls back (the lock held); stop waiting for the STUCK."""
        if not self._changed.wait_for(lambda: not self._running, self.STUCK):
            self._free |= self._running
            self._running.clear()

    def _wait_for_a_call_back(self, otherwise: str) -> None:
        if not self._changed.wait_for(lambda: self._woken, self.STUCK):
            raise RuntimeError(otherwise)

    def _drop(self, job: _Job) -> None:
        with self._changed:
            for jobs in (self._running, self._shutdowns):
                jobs.discard(job)
            self._changed.notify_all()


class _Job:
    """A function a ClockWaiter's loop hands to a thread (see ClockWaiter)."""

    def __init__(self, waiter: ClockWaiter, func: Callable, shutdown: bool) -> None:
        self._waiter = waiter
        self._func = func
        self.calling_back = shutdown  # a shutdown calls back from inside
        self._started = self._dropped = False

    def __call__(self, *args):
        with self._waiter._changed:
            self._started = not self._dropped
        if not self._started:
            return self._func(*args)
        self._waiter._thread.job = self
        try:
            return self._func(*args)
        finally:
            self.calling_back = True  # with its result, from this thread, next

    def dropped(self) -> None:
        """No thread took it (none could start): stop waiting for it. Nothing once it started."""
        with self._waiter._changed:
            if not (self._started or self._dropped):
                self._dropped = True
                self._waiter._drop(self)


class ThreadWaiter:
    """Real time on CPython: an Event, so ``call_soon_threadsafe`` from a thread ends the wait."""

    time = staticmethod(time.monotonic)
    sleep = staticmethod(_REAL_SLEEP)

    def __init__(self) -> None:
        self._event = threading.Event()

    def select(self, timeout=None) -> list:
        self._event.wait(timeout)
        self._event.clear()
        return []

    def wake(self) -> None:
        self._event.set()


class PausingWaiter:
    """Real time where the host pauses: ``pause(seconds or None)`` returns after that long, or sooner.

    A pause may end early (a slice of a blocking wait, or a wake): the loop then simply
    computes its next timeout again, and ``time.sleep`` pauses again until its deadline.
    """

    time = staticmethod(time.monotonic)

    def __init__(
        self, pause: Callable[[float | None], object], wake: Callable[[], object] = lambda: None
    ) -> None:
        self._pause = pause
        self._wake = wake
        self._stop = False
        # A Stop came during this run: its CancelledError or KeyboardInterrupt is no bug.
        self.stopped = False
        self._paused_at = time.monotonic()

    def stop(self) -> None:
        """Stop the run once, as Ctrl+C would: the loop that waits cancels its tasks, or ``time.sleep`` raises."""
        self._stop = True
        self.stopped = True
        self._wake()

    def breathe(self) -> None:
        """Let the host deliver a Stop during a long computation (a pause of 0 s); raise if one came."""
        self._pause(0.0)
        self._paused_at = time.monotonic()
        if self.take_stop():
            raise KeyboardInterrupt

    def take_stop(self) -> bool:
        """True once after :meth:`stop`: whoever sees it first acts on it."""
        stop, self._stop = self._stop, False
        return stop

    def select(self, timeout=None) -> list:
        if (
            timeout is not None
            and timeout <= 0
            and time.monotonic() - self._paused_at < YIELD_EVERY
        ):
            return []
        self._pause(None if timeout is None else max(0.0, timeout))
        self._paused_at = time.monotonic()
        return []

    def wake(self) -> None:
        self._wake()

    def sleep(self, seconds) -> None:
        seconds = float(seconds)
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        end = time.monotonic() + seconds
        while True:
            if self.take_stop():
                raise KeyboardInterrupt
            left = end - time.monotonic()
            if left <= 0:
                return
            self._pause(left)


class CellLoop(asyncio.BaseEventLoop):
    """CPython's BaseEventLoop whose "selector" is a waiter; it cannot do I/O."""

    def __init__(self, waiter) -> None:
        super().__init__()
        self._selector = waiter
        self.time = waiter.time
        self._take_stop = getattr(waiter, "take_stop", lambda: False)

    def _process_events(self, event_list) -> None:
        # Right after each wait: where a Stop that arrived meanwhile is seen.
        if self._take_stop():
            for task in asyncio.all_tasks(self):
                task.cancel()

    def _write_to_self(self) -> None:
        self._selector.wake()

    # On the virtual clock (a ClockWaiter has ``job``), threads keep to the clock; else these are
    # CPython's own. cellrun hides this file's frames from the tracebacks it prints.

    def run_in_executor(self, executor, func, *args):
        job = getattr(self._selector, "job", None)
        if job is None or not (
            executor is None or isinstance(executor, concurrent.futures.ThreadPoolExecutor)
        ):
            return super().run_in_executor(executor, func, *args)
        func = job(func)
        try:
            return super().run_in_executor(executor, func, *args)
        except BaseException:
            func.dropped()  # no thread could start
            raise

    def shutdown_default_executor(self, *args, **kwargs):
        # Not a coroutine of ours: asyncio.run runs CPython's, and the timeline leaves it out.
        job = getattr(self._selector, "job", None)
        if job is not None and self._default_executor is not None:
            # Its thread runs _do_shutdown: a job that calls back once the other jobs are done.
            self._shutdown_job = job(super()._do_shutdown, shutdown=True)
        return super().shutdown_default_executor(*args, **kwargs)

    def _do_shutdown(self, future):
        shutdown = getattr(self, "_shutdown_job", None)
        return shutdown(future) if shutdown is not None else super()._do_shutdown(future)

    def close(self) -> None:
        shutdown, self._shutdown_job = getattr(self, "_shutdown_job", None), None
        if shutdown is not None:
            shutdown.dropped()  # in case its thread could not start
        super().close()


class CellPolicy(_DEFAULT_POLICY):
    """CPython's default policy of this interpreter, making CellLoops."""

    def __init__(self, waiter, on_new_loop=None) -> None:
        super().__init__()
        self._waiter = waiter
        self._on_new_loop = on_new_loop

    def new_event_loop(self):
        loop = CellLoop(self._waiter)
        if self._on_new_loop is not None:
            self._on_new_loop(loop)
        return loop


def _set_policy(policy) -> None:
    # Deprecated from 3.14, but still the one hook that reaches asyncio.run() and get_event_loop().
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        asyncio.set_event_loop_policy(policy)


def _get_policy():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return asyncio.get_event_loop_policy()


@contextlib.contextmanager
def fresh_loops(waiter, trace=None):
    """Run the body as if in a new interpreter, its loops CellLoops waiting with ``waiter``.

    No loop is current or running at the start (Pyodide's WebLoop is set aside);
    ``time.sleep`` is the waiter's; ``asyncio.run`` is CPython's own (Pyodide
    replaces it with one that runs on the WebLoop). ``trace`` (a
    :class:`cellrun.timeline.Tracer`) watches every loop the body creates. A loop
    left current and open is closed after its leftover tasks are cancelled.
    """
    # Weakly: a cycle through the big tracer would wait for a full collection.
    trace_ref = weakref.ref(trace) if trace is not None else None

    def watch(loop):
        tracer = trace_ref() if trace_ref is not None else None
        if tracer is not None:
            tracer.attach(loop)

    original = _get_policy()
    policy = CellPolicy(waiter, watch)
    host = asyncio.events._get_running_loop()
    saved = time.sleep, asyncio.run
    time.sleep, asyncio.run = waiter.sleep, asyncio.runners.run
    asyncio.events._set_running_loop(None)
    _set_policy(policy)
    try:
        yield policy
    finally:
        time.sleep, asyncio.run = saved
        _close_leftover_loop(policy)
        _set_policy(original)
        asyncio.events._set_running_loop(host)


def _close_leftover_loop(policy) -> None:
    loop = getattr(getattr(policy, "_local", None), "_loop", None)
    if loop is None or loop.is_closed() or loop.is_running():
        return
    cancel_leftover_tasks(loop)
    loop.close()


def cancel_leftover_tasks(loop) -> list:
    """Cancel what a run left behind and let the cancellations finish; return those tasks."""
    leftovers = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in leftovers:
        task.cancel()
    if leftovers and not loop.is_running():
        loop.run_until_complete(asyncio.gather(*leftovers, return_exceptions=True))
    return leftovers
