"""A virtual clock for asyncio: sleeps end at once, in order, and time still adds up.

The loop never blocks: when it would wait for the next timer, the clock jumps to
that timer instead. It is the idea behind ``looptime``, written small enough to
run unchanged on CPython 3.8+ and on Pyodide (it needs no sockets or selectors).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import warnings
import weakref


class Clock:
    """Virtual seconds, shared by every loop of one run and by ``time.sleep``."""

    def __init__(self) -> None:
        self.now = 0.0

    def advance(self, seconds: float) -> None:
        if seconds > 0:
            self.now += seconds


class _Clockwork:
    """Stands where ``BaseEventLoop`` expects a selector: waiting is advancing."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    def select(self, timeout=None):
        if timeout is None:
            raise RuntimeError(
                "virtual clock: every task is waiting and no timer is set, so this run would hang forever"
            )
        self._clock.advance(timeout)
        return []

    def close(self) -> None:
        pass


class VirtualClockLoop(asyncio.BaseEventLoop):
    """An event loop whose ``time()`` is a :class:`Clock`; it cannot do I/O."""

    def __init__(self, clock: Clock) -> None:
        super().__init__()
        self.clock = clock
        self._selector = _Clockwork(clock)

    def time(self) -> float:
        return self.clock.now

    def _process_events(self, event_list) -> None:
        pass

    def _write_to_self(self) -> None:
        pass


def _policy_class(clock: Clock | None, base: type, trace=None) -> type:
    # Weakly: a class waits in a reference cycle for a full collection, and the tracer is big.
    trace_ref = weakref.ref(trace) if trace is not None else None

    class RunPolicy(base):
        def new_event_loop(self):
            loop = VirtualClockLoop(clock) if clock else super().new_event_loop()
            tracer = trace_ref() if trace_ref is not None else None
            if tracer is not None:
                tracer.attach(loop)  # a task timeline, in both virtual and real time
            return loop

    return RunPolicy


def _set_policy(policy) -> None:
    # Policies are deprecated from 3.14, but they are still the one hook that
    # reaches both asyncio.run() and get_event_loop() in unmodified code.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        asyncio.set_event_loop_policy(policy)


def _get_policy():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return asyncio.get_event_loop_policy()


@contextlib.contextmanager
def fresh_loops(clock: Clock | None = None, trace=None, sleep=None):
    """Run the body as if in a new interpreter: no current loop; virtual time if a clock is given.

    ``trace`` (a :class:`cellrun.timeline.Tracer`) is attached to every loop the body creates.
    ``sleep`` replaces ``time.sleep`` when there is no clock (the clock brings its own).

    The policy keeps the class this platform installed (Pyodide has its own), so
    ``get_event_loop()`` warns or raises exactly as it does there. Loops left open
    by the body are closed after their leftover tasks are cancelled.
    """
    original = _get_policy()
    base = type(original)
    policy = _policy_class(clock, base, trace)() if clock or trace else base()
    real_sleep, real_run = time.sleep, asyncio.run
    if clock:
        time.sleep = clock.advance
        if asyncio.events._get_running_loop() is not None:
            asyncio.run = _run_beside_host_loop
    elif sleep is not None:
        time.sleep = sleep
    _set_policy(policy)
    try:
        yield policy
    finally:
        time.sleep, asyncio.run = real_sleep, real_run
        _close_leftover_loop(policy)
        _set_policy(original)


def _run_beside_host_loop(main, **options):
    """``asyncio.run()`` on a fresh loop from the policy, as on CPython.

    Pyodide's own ``asyncio.run()`` hands the coroutine to the WebLoop that is
    always running there, which keeps real time; ``get_event_loop()`` still
    returns that WebLoop, as in the browser.
    """
    host = asyncio.events._get_running_loop()
    asyncio.events._set_running_loop(None)
    try:
        return asyncio.runners.run(main, **options)
    finally:
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
