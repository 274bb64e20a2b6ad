"""Run one snippet as ``python snippet.py`` would, and report what happened.

Shared by the test suite (CPython 3.8+), the version matrix and the browser
worker (Pyodide), so all three see the same behaviour.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import io
import linecache
import os
import platform
import random
import sys
import traceback
import warnings
from dataclasses import asdict, dataclass, field
from typing import Callable

from . import loop as _loop
from . import timeline as _timeline
from .loop import Clock, ClockWaiter, ThreadWaiter, fresh_loops

_HERE = os.path.dirname(os.path.abspath(__file__))
Sink = Callable[[str, str], None]


@dataclass
class Outcome:
    stdout: str = ""
    stderr: str = ""
    exit_code: int = 0
    exception: dict | None = None
    warnings: list = field(default_factory=list)
    virtual_time: float | None = None
    python: str = (
        platform.python_version()
    )  # the exact release, e.g. "3.13.0" ("3.14.2" in Pyodide 314)
    timeline: dict | None = None  # see cellrun.timeline; None unless traced
    stopped: bool = False  # ended by the host's Stop (cellrun.loop.PausingWaiter.stop)

    def as_dict(self) -> dict:
        return asdict(self)


class _Stream(io.TextIOBase):
    """A text stream that hands every write to a sink as it happens."""

    def __init__(self, name: str, sink: Sink, keep: list) -> None:
        self.name = name
        self._sink = sink
        self._keep = keep

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._keep.append(text)
        self._sink(self.name, text)
        return len(text)


def run_source(
    source: str,
    filename: str = "<snippet>",
    *,
    virtual: bool = False,
    seed: int | None = None,
    sink: Sink | None = None,
    trace: bool | Callable[[dict], None] = False,
    waiter=None,
    stopped: Callable[[], bool] | None = None,
) -> Outcome:
    """Execute ``source`` as ``__main__`` in a fresh namespace, streaming output to ``sink``.

    Every loop the code makes is a :class:`cellrun.loop.CellLoop`. With ``virtual`` it
    runs on a virtual clock (sleeps cost nothing and ``Outcome.virtual_time`` says how
    long it would have taken); else in real time, waiting with ``waiter`` (a
    :class:`cellrun.loop.PausingWaiter` from a host that pauses; a ThreadWaiter by
    default). ``seed`` seeds ``random`` so that random sleeps repeat. ``trace`` (True,
    or a callback that receives each event as it happens) records ``Outcome.timeline``.
    ``stopped`` says whether the host stopped the run (by default: ``waiter.stopped``); then
    its ``CancelledError`` or ``KeyboardInterrupt`` ends it as ``Outcome.stopped``, untraced.
    """
    clock = Clock() if virtual else None
    waiter = ClockWaiter(clock) if clock else (waiter or ThreadWaiter())
    stopped = stopped or (lambda: getattr(waiter, "stopped", False))
    with _session(source, filename, waiter, seed, sink, trace, stopped) as session:
        try:
            exec(compile(source, filename, "exec"), session.namespace)
        except BaseException as error:  # noqa: BLE001 - reported, as the interpreter would
            session.fail(error)
    outcome = session.outcome
    outcome.virtual_time = clock.now if clock else None
    return outcome


class _Session:
    def __init__(self, outcome: Outcome, namespace: dict, filename: str, stopped) -> None:
        self.outcome = outcome
        self.namespace = namespace
        self._filename = filename
        self._stopped = stopped

    def fail(self, error: BaseException) -> None:
        if isinstance(error, SystemExit):
            self.outcome.exit_code = _exit_code(error.code)
            return
        self.outcome.exit_code = 1
        self.outcome.exception = {"type": type(error).__name__, "message": str(error)}
        if self._stopped() and isinstance(error, (KeyboardInterrupt, asyncio.CancelledError)):
            # The reader's Stop, not the program's bug: its traceback would only show asyncio's
            # frames. The page says "stopped"; a terminal's Ctrl+C exits with 130.
            self.outcome.stopped = True
            self.outcome.exit_code = 130
            return
        sys.stderr.write(_format_traceback(error, self._filename))


@contextlib.contextmanager
def _session(source, filename, waiter, seed, sink, trace, stopped):
    """Everything around executing the code: streams, warnings, loops, seed, timeline."""
    sink = sink or (lambda stream, text: None)
    out: list = []
    err: list = []
    outcome = Outcome()
    if seed is not None:
        random.seed(seed)
    tracer = None
    if trace:
        started = waiter.time()
        virtual = isinstance(waiter, ClockWaiter)
        tracer = _timeline.Tracer(
            lambda: waiter.time() - started, virtual, filename, trace if callable(trace) else None
        )
    # Tracebacks quote the snippet's lines even where the file is not on disk (the browser).
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = {"__name__": "__main__", "__file__": filename, "__builtins__": __builtins__}
    session = _Session(outcome, namespace, filename, stopped)
    saved = sys.stdout, sys.stderr, warnings.showwarning
    sys.stdout = _Stream("stdout", sink, out)
    sys.stderr = _Stream("stderr", sink, err)

    def show(message, category, path, lineno, file=None, line=None):
        if os.path.dirname(os.path.abspath(path)) == _HERE:
            # Raised while cellrun collects the run's garbage: CPython reports those at exit as sys:1.
            path, lineno, line = "sys", 1, ""
        outcome.warnings.append(
            {"category": category.__name__, "message": str(message), "line": lineno}
        )
        sys.stderr.write(warnings.formatwarning(message, category, path, lineno, line))

    try:
        patches = tracer.patched() if tracer else contextlib.nullcontext()
        with warnings.catch_warnings(), fresh_loops(waiter, tracer), patches:
            warnings.simplefilter("default")
            warnings.showwarning = show
            yield session
            # Coroutines that were never awaited warn when collected: inside the run, not at exit.
            namespace.clear()
            gc.collect()
    finally:
        sys.stdout, sys.stderr, warnings.showwarning = saved
    outcome.stdout = "".join(out)
    outcome.stderr = "".join(err)
    if tracer:
        tracer.detach()  # the run is over: drop the loops' wrappers (they and the loop refer to each other)
        outcome.timeline = tracer.timeline()


def run_file(path: str, **options) -> Outcome:
    with open(path, encoding="utf-8") as handle:
        source = handle.read()
    return run_source(source, path, **options)


def _exit_code(code) -> int:
    if code is None:
        return 0
    return code if isinstance(code, int) else 1


def _format_traceback(error: BaseException, filename: str) -> str:
    """The traceback CPython would print: frames from the snippet on, none from this runner."""
    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != filename:
        tb = tb.tb_next
    if isinstance(error, SyntaxError):
        tb = None
    report = traceback.TracebackException(type(error), error, tb)
    _hide_frames(report, (_timeline.__file__, _loop.__file__), set())
    return "".join(report.format())


def _hide_frames(report, paths: tuple, seen: set) -> None:
    """Drop cellrun's frames (the timeline's wrappers, the loop's waiter and thread hand-over),
    so a traced run prints the traceback an untraced one does, and both the one CPython prints."""
    if report is None or id(report) in seen:
        return
    seen.add(id(report))
    if any(frame.filename in paths for frame in report.stack):
        report.stack = traceback.StackSummary.from_list(
            [f for f in report.stack if f.filename not in paths]
        )
    _hide_frames(report.__cause__, paths, seen)
    _hide_frames(report.__context__, paths, seen)
    for inner in getattr(report, "exceptions", None) or ():
        _hide_frames(inner, paths, seen)
