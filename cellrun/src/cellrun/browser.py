"""What the browser's worker needs around :func:`cellrun.run_source`.

A cell runs as ``python snippet.py`` would, on :class:`cellrun.loop.CellLoop` (never on
Pyodide's WebLoop, which only hosts the worker). This module adds:

- the worker's pause as the loop's wait: with JSPI a promise Python suspends on
  (``run_sync``), so the worker keeps receiving messages; without, a blocking wait;
- :meth:`Runs.stop`: each loop cancels its tasks, a ``time.sleep`` raises ``KeyboardInterrupt``;
  with JSPI a long computation lets the Stop in too (:data:`BREATHE`), so no run needs the
  worker replaced; a stopped run reports ``stopped``, not the traceback of its cancellation;
- ``input()`` fails with a message that says why (a cell has no keyboard input);
- the timeline's events for the page as they happen, and the finished drawing.

Pure Python and importable on CPython 3.8+ too, so tests/test_cellrun.py checks it there.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import json
import signal
import time
import warnings

from .loop import PausingWaiter
from .runner import run_source
from .svg import render_html, render_table

INPUT_MESSAGE = (
    "input() cannot read anything here: a cell in the browser has no keyboard input. "
    "Edit the code to set the value instead."
)


# The signal the worker's interrupt buffer raises once Python has computed for a while without
# pausing (with JSPI only): its handler pauses for 0 s, so the worker takes its messages (a Stop)
# and the run goes on, or ends as Ctrl+C ends it. Python runs a handler between two bytecodes.
BREATHE = getattr(signal, "SIGUSR1", 10)  # Pyodide's (Linux's) number; Windows has none


def _no_input(prompt=""):
    print(prompt, end="", flush=True)
    raise EOFError(INPUT_MESSAGE)


# Pyodide's own Python (its WebLoop, the futures of JavaScript promises) is never the run's.
HOST_PACKAGES = ("pyodide", "_pyodide")


def _in_run(frame) -> bool:
    """True when the interrupted Python is the run's: its frames lead back to :meth:`Runs.run`
    without passing through Pyodide's own code."""
    while frame is not None:
        if frame.f_code is Runs.run.__code__:
            return True
        if frame.f_globals.get("__name__", "").partition(".")[0] in HOST_PACKAGES:
            return False
        frame = frame.f_back
    return False


def host_waiter(pause, wake=None, jspi=False) -> PausingWaiter:
    """A waiter on the host's ``pause(seconds)``: a promise to suspend on with JSPI, else a blocking call.

    Call it before the run (it finds Pyodide's WebLoop through the policy still in place).
    """
    if not jspi:
        return PausingWaiter(pause, wake or (lambda: None))
    from pyodide.ffi import run_sync

    host = asyncio.events._get_running_loop()
    if host is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            host = asyncio.get_event_loop_policy().get_event_loop()

    def suspend(seconds):
        # run_sync resumes Python through the running loop: for that moment it is the WebLoop,
        # which only carries the wake-up; the run's own loop is blocked in this very call.
        loop = asyncio.events._get_running_loop()
        asyncio.events._set_running_loop(host)
        try:
            run_sync(pause(seconds))
        finally:
            asyncio.events._set_running_loop(loop)

    return PausingWaiter(suspend, wake or (lambda: None))


class Runs:
    """One worker's runs, one at a time."""

    breathe_signal = int(BREATHE)  # read by the worker (a plain number in JavaScript)

    def __init__(self) -> None:
        self._stopper = None
        self._events: list = []  # timeline events not yet taken by the page
        self._virtual = False
        self._started = 0.0

    def stop(self) -> None:
        """Stop the current run (a no-op between runs)."""
        if self._stopper is not None:
            self._stopper.stop()

    @contextlib.contextmanager
    def _around(self, virtual: bool, stopper, jspi: bool, answer):
        self._events, self._virtual, self._started = [], virtual, time.monotonic()
        self._stopper = stopper
        real_input = builtins.input
        builtins.input = _no_input

        def interrupted(signum, frame):
            # The page's SIGINT (cross-origin isolated): a Stop the worker could not take as a message.
            stopper.stopped = True
            answer()
            raise KeyboardInterrupt

        handlers = {signal.SIGINT: interrupted}
        if jspi:
            from pyodide.ffi import can_run_sync

            def breathe(signum, frame):
                # A signal raised just before the run suspends is handled in the next Python
                # that runs meanwhile: the timeline's take_events, the callback that resolves
                # the run's pause, a task of Pyodide's WebLoop. A pause there would suspend
                # another stack than the run's: in the callback, can_run_sync() said True and
                # run_sync raised "SystemError: Cannot stack switch", which left the pause's
                # wake-up unscheduled and the run hanging (seen once under load). Only the
                # run's own Python breathes; the worker signals again after BREATHE_MS more.
                if not (_in_run(frame) and can_run_sync()):
                    return
                try:
                    stopper.breathe()
                except SystemError:
                    pass  # refused before switching: the next signal tries again

            handlers[BREATHE] = breathe
        saved = {number: signal.signal(number, handler) for number, handler in handlers.items()}
        try:
            yield
        finally:
            for number, handler in saved.items():
                signal.signal(number, handler)
            builtins.input = real_input
            self._stopper = None

    def _record(self, event: dict) -> None:
        self._events.append(event)

    def take_events(self) -> str:
        """The timeline events recorded since the last call, as JSON (``""`` when there are none)."""
        events, self._events = self._events, []
        if not events:
            return ""
        now = None if self._virtual else time.monotonic() - self._started
        return json.dumps({"now": now, "events": events})

    def run(
        self,
        source,
        filename,
        virtual=False,
        seed=None,
        sink=None,
        pause=None,
        wake=None,
        jspi=False,
        lang="en",
        uid="tl",
        answer=None,
    ) -> str:
        """Run to the end; cellrun's Outcome as JSON, with the finished timeline drawn by :mod:`cellrun.svg`.

        Real time waits with the host's ``pause`` (see :func:`host_waiter`). Traced: events
        wait in a list for :meth:`take_events`; the report's drawing is the static fallback's.
        ``answer()`` tells the host that Python took an interrupt as the reader's Stop.
        """
        # Real time waits with it; on the virtual clock it only takes a Stop.
        stopper = host_waiter(pause, wake, jspi)
        with self._around(virtual, stopper, jspi, answer or (lambda: None)):
            outcome = run_source(
                source,
                filename,
                virtual=virtual,
                seed=seed,
                sink=sink,
                waiter=None if virtual else stopper,
                trace=self._record,
                stopped=lambda: stopper.stopped,
            )
        report = outcome.as_dict()
        report["timeline_html"] = render_html(outcome.timeline, lang, uid, table=False)
        report["timeline_table"] = render_table(outcome.timeline, lang)
        return json.dumps(report)
