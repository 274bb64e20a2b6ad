"""Run one snippet as ``python snippet.py`` would, and report what happened.

Shared by the test suite (CPython 3.8+), the version matrix and the browser
worker (Pyodide), so all three see the same behaviour.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import gc
import inspect
import io
import linecache
import os
import random
import sys
import time
import traceback
import warnings
from dataclasses import asdict, dataclass, field
from typing import Callable, Optional, Union

from . import timeline as _timeline
from .clock import Clock, fresh_loops

_HERE = os.path.dirname(os.path.abspath(__file__))
Sink = Callable[[str, str], None]


@dataclass
class Outcome:
    stdout: str = ""
    stderr: str = ""
    exit_code: int = 0
    exception: Optional[dict] = None
    warnings: list = field(default_factory=list)
    virtual_time: Optional[float] = None
    python: str = "%d.%d" % sys.version_info[:2]
    timeline: Optional[dict] = None  # see cellrun.timeline; None unless traced

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
    seed: Optional[int] = None,
    sink: Optional[Sink] = None,
    trace: Union[bool, Callable[[dict], None]] = False,
    sleep: Optional[Callable[[float], None]] = None,
) -> Outcome:
    """Execute ``source`` as ``__main__`` in a fresh namespace, streaming output to ``sink``.

    With ``virtual`` the snippet runs on a virtual clock (sleeps cost nothing and
    ``Outcome.virtual_time`` says how long it would have taken). ``seed`` seeds
    ``random`` so that random sleeps repeat. ``trace`` (True, or a callback that
    receives each event as it happens) records ``Outcome.timeline``. ``sleep``
    stands in for ``time.sleep`` during a real-time run (the browser makes it block).
    """
    with _session(source, filename, virtual, seed, sink, trace, sleep) as session:
        try:
            exec(compile(source, filename, "exec"), session.namespace)
        except BaseException as error:  # noqa: BLE001 - reported, as the interpreter would
            session.fail(error)
    return session.outcome


async def run_source_async(
    source: str,
    filename: str = "<snippet>",
    *,
    virtual: bool = False,
    seed: Optional[int] = None,
    sink: Optional[Sink] = None,
    trace: Union[bool, Callable[[dict], None]] = False,
    sleep: Optional[Callable[[float], None]] = None,
    rewrite: Optional[Callable[[ast.Module], ast.Module]] = None,
) -> Outcome:
    """:func:`run_source` on the caller's running loop, with top-level ``await`` allowed.

    For hosts that cannot block inside a running loop (a browser without JSPI):
    ``rewrite`` may turn the blocking entry points into awaits first (see
    :func:`cellrun.browser.await_entry_points`). Line numbers stay those of ``source``.
    """
    with _session(source, filename, virtual, seed, sink, trace, sleep) as session:
        try:
            tree = ast.parse(source, filename)
            code = compile(rewrite(tree) if rewrite else tree, filename, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
            result = eval(code, session.namespace)
            if inspect.iscoroutine(result):
                await result
        except BaseException as error:  # noqa: BLE001 - reported, as the interpreter would
            session.fail(error)
    return session.outcome


class _Session:
    def __init__(self, outcome: Outcome, namespace: dict, filename: str) -> None:
        self.outcome = outcome
        self.namespace = namespace
        self._filename = filename

    def fail(self, error: BaseException) -> None:
        if isinstance(error, SystemExit):
            self.outcome.exit_code = _exit_code(error.code)
            return
        self.outcome.exit_code = 1
        self.outcome.exception = {"type": type(error).__name__, "message": str(error)}
        sys.stderr.write(_format_traceback(error, self._filename))


@contextlib.contextmanager
def _session(source, filename, virtual, seed, sink, trace, sleep):
    """Everything around executing the code: streams, warnings, loops, clock, seed, timeline."""
    sink = sink or (lambda stream, text: None)
    out: list = []
    err: list = []
    outcome = Outcome()
    clock = Clock() if virtual else None
    if seed is not None:
        random.seed(seed)
    tracer = None
    if trace:
        started = time.monotonic()
        now = (lambda: clock.now) if clock else (lambda: time.monotonic() - started)
        tracer = _timeline.Tracer(now, bool(clock), filename, trace if callable(trace) else None)
        host = asyncio.events._get_running_loop()
        if host is not None:  # the browser runs real-time code on its own, always running loop
            tracer.attach(host)
    # Tracebacks quote the snippet's lines even where the file is not on disk (the browser).
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = {"__name__": "__main__", "__file__": filename, "__builtins__": __builtins__}
    session = _Session(outcome, namespace, filename)
    saved = sys.stdout, sys.stderr, warnings.showwarning
    sys.stdout = _Stream("stdout", sink, out)
    sys.stderr = _Stream("stderr", sink, err)

    def show(message, category, path, lineno, file=None, line=None):
        if os.path.dirname(os.path.abspath(path)) == _HERE:
            # Raised while cellrun collects the run's garbage: CPython reports those at exit as sys:1.
            path, lineno, line = "sys", 1, ""
        outcome.warnings.append({"category": category.__name__, "message": str(message), "line": lineno})
        sys.stderr.write(warnings.formatwarning(message, category, path, lineno, line))

    try:
        patches = tracer.patched() if tracer else contextlib.nullcontext()
        with warnings.catch_warnings(), fresh_loops(clock, tracer, sleep), patches:
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
    outcome.virtual_time = clock.now if clock else None
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
    _hide_frames(report, _timeline.__file__, set())
    return "".join(report.format())


def _hide_frames(report, path: str, seen: set) -> None:
    """Drop the timeline's wrapper frames, so a traced run prints the traceback an untraced one does."""
    if report is None or id(report) in seen:
        return
    seen.add(id(report))
    if any(frame.filename == path for frame in report.stack):
        report.stack = traceback.StackSummary.from_list([f for f in report.stack if f.filename != path])
    _hide_frames(report.__cause__, path, seen)
    _hide_frames(report.__context__, path, seen)
    for inner in getattr(report, "exceptions", None) or ():
        _hide_frames(inner, path, seen)
