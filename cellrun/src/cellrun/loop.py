"""The one event loop every snippet runs on, in real time or on a virtual clock, anywhere.

:class:`CellLoop` is CPython's own ``asyncio.BaseEventLoop`` (the scheduling, the timers,
``run_until_complete``, ``close``, the asyncgen and executor shutdowns: all of it the
interpreter's code), with one part of ours where a selector loop keeps its selector: a
*waiter*, which only waits. A snippet does no I/O, so waiting for the next timer is all a
selector would do for it, and CPython's stock selector loop cannot start in Pyodide (no
``socketpair``). The waiter decides what a second is:

- :class:`ClockWaiter`: a virtual clock; waiting is advancing (the tests, the matrix);
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
import contextlib
import threading
import time
import warnings
import weakref
from typing import Callable, Optional

# 3.14 keeps the class under a private name (policies are deprecated there).
_DEFAULT_POLICY = getattr(asyncio.events, "_BaseDefaultEventLoopPolicy", None) or asyncio.events.BaseDefaultEventLoopPolicy
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
    """Waiting is advancing: sleeps end at once, in order, and time still adds up."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.time = lambda: clock.now
        self.sleep = clock.advance

    def select(self, timeout=None) -> list:
        if timeout is None:
            raise RuntimeError(
                "virtual clock: every task is waiting and no timer is set, so this run would hang forever"
            )
        self.clock.advance(timeout)
        return []

    def wake(self) -> None:
        pass


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

    def __init__(self, pause: Callable[[Optional[float]], object], wake: Callable[[], object] = lambda: None) -> None:
        self._pause = pause
        self._wake = wake
        self._stop = False
        self._paused_at = time.monotonic()

    def stop(self) -> None:
        """Stop the run once, as Ctrl+C would: the loop that waits cancels its tasks, or ``time.sleep`` raises."""
        self._stop = True
        self._wake()

    def take_stop(self) -> bool:
        """True once after :meth:`stop`: whoever sees it first acts on it."""
        stop, self._stop = self._stop, False
        return stop

    def select(self, timeout=None) -> list:
        if timeout is not None and timeout <= 0 and time.monotonic() - self._paused_at < YIELD_EVERY:
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
