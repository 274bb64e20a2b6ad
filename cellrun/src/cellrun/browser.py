"""What the browser's worker needs around :func:`cellrun.run_source`.

A cell runs as ``python snippet.py`` would, on :class:`cellrun.loop.CellLoop` (never on
Pyodide's WebLoop, which only hosts the worker). This module adds:

- the worker's pause as the loop's wait: with JSPI a promise Python suspends on
  (``run_sync``), so the worker keeps receiving messages; without, a blocking wait;
- :meth:`Runs.stop`: each loop cancels its tasks, a ``time.sleep`` raises ``KeyboardInterrupt``;
- ``input()`` fails with a message that says why (a cell has no keyboard input);
- the timeline's events for the page as they happen, and the finished drawing.

Pure Python and importable on CPython 3.8+ too, so tests/test_cellrun.py checks it there.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import json
import time
import warnings

from .loop import PausingWaiter
from .runner import run_source
from .svg import render_html, render_table

INPUT_MESSAGE = (
    "input() cannot read anything here: a cell in the browser has no keyboard input. "
    "Edit the code to set the value instead."
)


def _no_input(prompt=""):
    print(prompt, end="", flush=True)
    raise EOFError(INPUT_MESSAGE)


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

    def __init__(self) -> None:
        self._waiter = None
        self._events: list = []  # timeline events not yet taken by the page
        self._virtual = False
        self._started = 0.0

    def stop(self) -> None:
        """Stop the current run (a no-op between runs)."""
        if self._waiter is not None:
            self._waiter.stop()

    @contextlib.contextmanager
    def _around(self, virtual: bool, waiter):
        self._events, self._virtual, self._started = [], virtual, time.monotonic()
        self._waiter = None if virtual else waiter
        real_input = builtins.input
        builtins.input = _no_input
        try:
            yield
        finally:
            builtins.input = real_input
            self._waiter = None

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
    ) -> str:
        """Run to the end; cellrun's Outcome as JSON, with the finished timeline drawn by :mod:`cellrun.svg`.

        Real time waits with the host's ``pause`` (see :func:`host_waiter`). Traced: events
        wait in a list for :meth:`take_events`; the report's drawing is the static fallback's.
        """
        waiter = None if virtual else host_waiter(pause, wake, jspi)
        with self._around(virtual, waiter):
            outcome = run_source(
                source,
                filename,
                virtual=virtual,
                seed=seed,
                sink=sink,
                waiter=waiter,
                trace=self._record,
            )
        report = outcome.as_dict()
        report["timeline_html"] = render_html(outcome.timeline, lang, uid, table=False)
        report["timeline_table"] = render_table(outcome.timeline, lang)
        return json.dumps(report)
