"""What the browser's worker needs around :func:`cellrun.run_source`.

Pyodide keeps one event loop (its WebLoop) running on the browser's own loop, so a
cell's tasks live there. This module makes a run there behave as ``python snippet.py``:

- ``asyncio.run()`` runs ``main()`` as a task and cancels what it left behind, as CPython's does;
- ``time.sleep()`` blocks (Pyodide's version lets other tasks run meanwhile);
- ``input()`` fails with a message that says why (a cell has no keyboard input);
- :meth:`Runs.stop` cancels the run's tasks; leftovers are cancelled after each run;
- :func:`await_entry_points` rewrites ``asyncio.run(x)`` / ``loop.run_until_complete(x)`` at top
  level into ``await x``, for browsers that cannot pause Python inside a call (no JSPI).

Pure Python and importable on CPython 3.8+ too, so tests/test_cellrun.py checks it there.
"""

from __future__ import annotations

import ast
import asyncio
import builtins
import contextlib
import json
import time

from .runner import run_source, run_source_async
from .svg import render_html, render_table

INPUT_MESSAGE = (
    "input() cannot read anything here: a cell in the browser has no keyboard input. "
    "Edit the code to set the value instead."
)
SLICE = 0.05  # seconds a blocking sleep waits at a time, so Stop can interrupt it


def blocking_sleep(wait=None):
    """A ``time.sleep`` that holds the thread: ``wait(seconds)`` if given (Atomics.wait), else a busy loop."""

    def sleep(seconds):
        seconds = float(seconds)
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        end = time.perf_counter() + seconds
        while True:
            left = end - time.perf_counter()
            if left <= 0:
                return
            if wait is not None:
                wait(min(left, SLICE))

    return sleep


def _no_input(prompt=""):
    print(prompt, end="", flush=True)
    raise EOFError(INPUT_MESSAGE)


class _Rewriter(ast.NodeTransformer):
    """``asyncio.run(x)`` and ``<loop>.run_until_complete(x)`` become ``await x``, outside functions."""

    def visit_FunctionDef(self, node):
        return node

    visit_AsyncFunctionDef = visit_ClassDef = visit_Lambda = visit_FunctionDef

    def visit_Call(self, node):
        self.generic_visit(node)
        func = node.func
        named = isinstance(func, ast.Attribute) and (
            func.attr == "run_until_complete"
            or (func.attr == "run" and isinstance(func.value, ast.Name) and func.value.id == "asyncio")
        )
        if named and len(node.args) == 1:
            return ast.copy_location(ast.Await(value=node.args[0]), node)
        return node


def await_entry_points(tree: ast.Module) -> ast.Module:
    return ast.fix_missing_locations(_Rewriter().visit(tree))


class Runs:
    """One worker's runs: one at a time, each on the host loop if there is one."""

    def __init__(self) -> None:
        self._before: set = set()
        self._host = None
        self._awaiting = None  # the no-JSPI path runs the code inside this task
        self._events: list = []  # timeline events not yet taken by the page
        self._virtual = False
        self._started = 0.0

    def _tasks(self) -> list:
        if self._host is None:
            return []
        return [t for t in asyncio.all_tasks(self._host) if not t.done() and t not in self._before]

    def stop(self) -> int:
        """Cancel every task the current run started; return how many."""
        tasks = self._tasks() + ([self._awaiting] if self._awaiting else [])
        for task in tasks:
            task.cancel()
        return len(tasks)

    @contextlib.contextmanager
    def _around(self, virtual: bool):
        self._host = asyncio.events._get_running_loop()
        self._events, self._virtual, self._started = [], virtual, time.monotonic()
        self._before = set(asyncio.all_tasks(self._host)) if self._host else set()
        real_run, real_input = asyncio.run, builtins.input
        if self._host is not None and not virtual:
            asyncio.run = self._run_on_host
        builtins.input = _no_input
        try:
            yield
        finally:
            asyncio.run, builtins.input = real_run, real_input
            self.stop()  # leftovers: the run is over

    def _run_on_host(self, main, *, debug=None, loop_factory=None):
        """CPython's ``asyncio.run()`` on the host loop: main as a task, then cancel the rest.

        Two steps, as CPython's: the loop "stops" when main returns (a timeline shows what was
        still pending then), and only then are the leftovers cancelled.
        """
        if asyncio.current_task(self._host) is not None:
            raise RuntimeError("asyncio.run() cannot be called from a running event loop")
        if not asyncio.iscoroutine(main):
            raise ValueError("a coroutine was expected, got {!r}".format(main))
        try:
            return self._host.run_until_complete(main)
        finally:
            rest = self._tasks()
            for task in rest:
                task.cancel()
            if rest:
                self._host.run_until_complete(asyncio.gather(*rest, return_exceptions=True))

    def _record(self, event: dict) -> None:
        self._events.append(event)

    def take_events(self) -> str:
        """The timeline events recorded since the last call, as JSON (``""`` when there are none)."""
        events, self._events = self._events, []
        if not events:
            return ""
        now = None if self._virtual else time.monotonic() - self._started
        return json.dumps({"now": now, "events": events})

    def _report(self, outcome, lang, uid) -> str:
        report = outcome.as_dict()
        if outcome.timeline is not None:
            report["timeline_html"] = render_html(outcome.timeline, lang, uid, table=False)
            report["timeline_table"] = render_table(outcome.timeline, lang)
        return json.dumps(report)

    def run(self, source, filename, virtual=False, seed=None, sink=None, wait=None, lang="en", uid="tl") -> str:
        """Run to the end (with JSPI, a real-time run suspends inside); cellrun's Outcome as JSON.

        Traced: events wait in a list for :meth:`take_events`, and the report carries the
        finished timeline drawn by :mod:`cellrun.svg` (as the static fallback is), its table apart.
        """
        with self._around(virtual):
            outcome = run_source(source, filename, virtual=virtual, seed=seed, sink=sink, sleep=blocking_sleep(wait),
                                 trace=self._record)
        return self._report(outcome, lang, uid)

    async def run_async(self, source, filename, virtual=False, seed=None, sink=None, wait=None, lang="en",
                        uid="tl") -> str:
        """The no-JSPI path: the entry points become top-level awaits on the host loop."""
        with self._around(virtual):
            self._awaiting = asyncio.current_task()
            try:
                outcome = await run_source_async(
                    source, filename, virtual=virtual, seed=seed, sink=sink, sleep=blocking_sleep(wait),
                    rewrite=await_entry_points, trace=self._record,
                )
            finally:
                self._awaiting = None
        return self._report(outcome, lang, uid)
