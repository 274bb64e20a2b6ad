"""Record a run's asyncio tasks: one bar per task, markers where awaiting calls returned.

The same code runs under CPython (tests, the static fallback) and Pyodide (the
live cells), so both draw the same timeline. Nothing here changes what a snippet
prints: tasks are watched through done-callbacks, calls are observed from the
asyncio internals they reach (``_GatheringFuture``, ``_wait``,
``_release_waiter``, ``Timeout._on_timeout``, ``TaskGroup``), and every patch is
undone when the run ends. Frames of this file are hidden from the tracebacks
cellrun prints (see ``runner._format_traceback``).

Each task gets a label for its row: the name the program gave it, or else what it
runs, ``job('A')``, read from its coroutine's frame before the task can start it.

Cost: the code that runs once per task (the ``create_task`` wrapper, ``_on_done``)
only stores plain values; rows, rounding, lanes and default names are built once,
by ``timeline()``, after the run. Event dicts are built only for a live ``on_event``.
The label is the exception, read when the task is made: about 11,000 instructions a
task on 3.13 (the "sleeps" workload: tracing +54% -> +63% of an untraced run), half of
it the frame object that 3.11+ makes on the first read of ``cr_frame``; a coroutine
without arguments needs no frame.
Measure with ``python -m devkit.timeline_overhead --instructions``.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import heapq
import itertools
import os
import re
import sys
import types
import weakref
from typing import Callable

EventSink = Callable[[dict], None]

FORMAT_VERSION = 1
OUTCOMES = ("done", "failed", "cancelled", "pending")
_ASYNCIO_DIR = os.path.dirname(asyncio.__file__)
# asyncio.run's shutdown steps, as asyncio's loops or cellrun's (loop.CellLoop) define them
_INTERNAL_CORO_NAMES = {"shutdown_asyncgens", "shutdown_default_executor"}
_INTERNAL_DIRS = (_ASYNCIO_DIR, os.path.dirname(os.path.abspath(__file__)))
_DEFAULT_NAME = re.compile(r"^Task-(\d+)$")
_PLAIN_OBJECT = re.compile(
    r"<(?:\w+\.)*(\w+) object at 0x[0-9a-fA-F]+>"
)  # <__main__.Later object at 0x7f…>
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_FUNCTIONS = (types.FunctionType, types.MethodType, types.BuiltinFunctionType)
_RESULT_CHARS = 60
_ARGUMENT_CHARS = 20


def _round(t: float) -> float:
    return round(t, 6)


def _short_repr(value) -> str:
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a broken __repr__ must not break the run
        text = "<%s>" % type(value).__name__
    return text if len(text) <= _RESULT_CHARS else text[: _RESULT_CHARS - 1] + "…"


def _call_label(coro, code) -> str | None:
    """``job('A')``: the coroutine's name and the repr of its first argument (``main()`` without one).

    Read from the frame of a coroutine that has not started, so the value is the one it was
    called with. None when there is no frame to read (already finished), or for the coroutine
    ensure_future wraps another awaitable in. ``code`` is ``coro.cr_code``.
    """
    count = code.co_argcount  # positional parameters: a keyword-only one is not "first"
    if not count:
        return f"{coro.__name__}()"  # no frame to make (3.11+ makes a frame object on first access)
    names = code.co_varnames
    first = 0
    if names[0] in ("self", "cls"):
        owner = coro.__qualname__.rsplit(".", 2)
        if len(owner) > 1 and owner[-2] != "<locals>":  # a method: its first argument is the object
            if count == 1:
                return f"{coro.__name__}()"
            first = 1
    if code.co_name == "_wrap_awaitable" and code.co_filename.startswith(
        _ASYNCIO_DIR
    ):  # an async def since 3.12
        return None
    frame = coro.cr_frame
    if frame is None:
        return None
    try:
        # 3.13+: a proxy that reads the one slot; before, a dict of the few locals an unstarted frame has.
        value = frame.f_locals[names[first]]
        text = repr(value)
    except Exception:  # noqa: BLE001 - a broken __repr__ must not break the run
        return None
    if "0x" in text:  # an address differs from run to run, and the drawings must not
        if isinstance(value, _FUNCTIONS):
            text = value.__qualname__  # to_thread(blocking_call), as the call reads
        else:
            text = _ADDRESS.sub("", _PLAIN_OBJECT.sub(r"<\1>", text))  # worker(<Queue maxsize=0>)
    if len(text) > _ARGUMENT_CHARS:
        text = text[: _ARGUMENT_CHARS - 1] + "…"
    return f"{coro.__name__}({text})"


def _event_label(call: str | None, name: str) -> str | None:
    """An event's label: the call while the task has asyncio's default name, else None (the
    page shows the name, renumbered as timeline() does)."""
    return call if call is not None and name[:5] == "Task-" and name[5:].isdecimal() else None


def _exception_of(future) -> dict | None:
    # Read the private slot: exception() would mark it retrieved and silence
    # asyncio's "Task exception was never retrieved" message.
    error = getattr(future, "_exception", None)
    if error is None:
        return None
    return {"type": type(error).__name__, "message": str(error)}


class Tracer:
    """Collects the events of one run; ``timeline()`` turns them into bars, markers and lanes.

    ``now`` gives seconds since the run started (the virtual clock, or a
    monotonic clock in real time); ``on_event`` receives every event as it
    happens so a page can draw live.
    """

    def __init__(
        self,
        now: Callable[[], float],
        virtual: bool,
        filename: str,
        on_event: EventSink | None = None,
    ):
        self.now = now
        self.virtual = virtual
        self.filename = filename
        self.on_event = on_event
        # Per traced task, index = its id: plain lists and dicts of strings and floats, so the
        # hot callbacks allocate almost nothing the garbage collector has to visit.
        self._names: list = []  # name when it started
        self._calls: list = []  # what it runs, job('A'), or None: its label while it has a default name
        self._coros: list = []  # its coroutine's __qualname__
        self._parents: list = []  # id of the task that created it
        self._starts: list = []  # start time
        self._refs: list = []  # weak reference to the task
        self._ends: dict = {}  # id -> end time
        self._end_names: dict = {}  # id -> name when it ended
        self._outcomes: dict = {}  # id -> "done", "failed" or "cancelled"
        self._results: dict = {}  # id -> repr of its result, if "done"
        self._exceptions: dict = {}  # id -> {type, message}, if "failed"
        self._stopped_at: dict = {}  # id -> when a loop stopped while the task was pending
        self._waits: dict = {}  # id -> [[start, end]] of its Semaphore waits
        self._ids: dict = {}  # id(task) -> task id
        self._coro_ids: dict = {}  # id(coroutine) -> task id, for as_completed
        self._groups = weakref.WeakKeyDictionary()  # TaskGroup -> [task ids]
        self._as_completed: list = []
        self._markers: list = []  # marker dicts, without "event"
        self._stops: list = []  # when each loop stopped
        self._last_stop = 0.0
        self._loops: list = []  # weak references to the attached loops

    # -- events ---------------------------------------------------------------

    def _id(self, task) -> int | None:
        task_id = self._ids.get(id(task))
        # The reference tells a live task from a later object that reuses a dead one's id().
        if task_id is not None and self._refs[task_id]() is task:
            return task_id
        return None

    def _current(self, loop=None) -> int | None:
        try:
            task = asyncio.current_task(loop)
        except RuntimeError:
            return None
        return self._id(task) if task is not None else None

    # -- loops ------------------------------------------------------------------

    def attach(self, loop) -> None:
        """Watch every task ``loop`` creates and every time its loop stops.

        One long function on purpose: ``traced_create_task`` runs once per task and reads the
        tracer's columns as closure locals, the cheapest lookup (see the module's docstring
        for the measured cost per task)."""
        create_task = loop.create_task
        run_until_complete = loop.run_until_complete
        current_task = asyncio.current_task
        names, calls, coros, parents, starts = (
            self._names,
            self._calls,
            self._coros,
            self._parents,
            self._starts,
        )
        refs, ids, coro_ids, now, on_done = (
            self._refs,
            self._ids,
            self._coro_ids,
            self.now,
            self._on_done,
        )
        # One context for the done-callbacks of this loop's tasks, instead of a copy per task.
        # They run one at a time on this loop, and never look at context variables.
        context = contextvars.Context()

        def traced_create_task(coro, *args, **kwargs):
            code = getattr(coro, "cr_code", None)
            if (
                code is not None
                and code.co_name in _INTERNAL_CORO_NAMES
                and code.co_filename.startswith(_INTERNAL_DIRS)
            ):
                return create_task(
                    coro, *args, **kwargs
                )  # asyncio.run's own shutdown steps: not the snippet's
            # Before create_task: an eager task factory starts the coroutine in it.
            call = _call_label(coro, code) if code is not None else None
            task = create_task(coro, *args, **kwargs)
            task_id = len(starts)
            try:
                current = current_task(loop)
            except RuntimeError:
                current = None
            parent = ids.get(id(current)) if current is not None else None
            # The reference tells a live task from a later object that reuses a dead one's id().
            if parent is not None and refs[parent]() is not current:
                parent = None
            starts.append(now())
            names.append(task.get_name())
            calls.append(call)
            coros.append(getattr(coro, "__qualname__", None))
            parents.append(parent)
            refs.append(weakref.ref(task))
            ids[id(task)] = task_id
            coro_ids[id(coro)] = task_id
            # Each task's end costs a Handle and a trip through call_soon, about as much as the rest of
            # its tracing; a sweep of the loop's iterations instead would miss the tasks freed as they finish.
            task.add_done_callback(on_done, context=context)
            if self.on_event is not None:
                name = names[task_id]
                self.on_event(
                    {
                        "event": "start",
                        "task": task_id,
                        "name": name,
                        "label": _event_label(call, name),
                        "coro": coros[task_id],
                        "parent": parent,
                        "at": _round(starts[task_id]),
                    }
                )
            return task

        def traced_run_until_complete(future):
            try:
                return run_until_complete(future)
            finally:
                self._on_stop(loop)

        loop.create_task = traced_create_task
        loop.run_until_complete = traced_run_until_complete
        self._loops.append(weakref.ref(loop))

    def detach(self) -> None:
        """Stop watching the loops; call it when the run is over.

        The wrappers refer to their loop, which refers to them: without this the
        loop and the whole tracer would wait for the next full garbage collection.
        """
        for ref in self._loops:
            loop = ref()
            if loop is not None:
                for name in ("create_task", "run_until_complete"):
                    vars(loop).pop(name, None)
        self._loops = []

    def _on_done(self, task) -> None:
        task_id = self._ids.get(id(task))
        if task_id is None or self._refs[task_id]() is not task:
            return
        self._ends[task_id] = end = self.now()
        self._end_names[task_id] = task.get_name()
        if task.cancelled():
            self._outcomes[task_id] = "cancelled"
        else:
            error = getattr(task, "_exception", None)
            if error is not None:
                self._outcomes[task_id] = "failed"
                self._exceptions[task_id] = {"type": type(error).__name__, "message": str(error)}
            else:
                self._outcomes[task_id] = "done"
                self._results[task_id] = _short_repr(getattr(task, "_result", None))
        if self.on_event is not None:
            outcome, result, exception = self._outcome(task_id)
            name = self._end_names[task_id]
            self.on_event(
                {
                    "event": "end",
                    "task": task_id,
                    "name": name,
                    "at": _round(end),
                    "label": _event_label(self._calls[task_id], name),
                    "outcome": outcome,
                    "result": result,
                    "exception": exception,
                }
            )

    def _outcome(self, task_id: int) -> tuple:
        """(outcome, result, exception) of a finished task.

        Cancelled after its loop had stopped with it pending: cleaned up, not cancelled by the snippet.
        """
        outcome = self._outcomes[task_id]
        if outcome == "cancelled" and task_id in self._stopped_at:
            outcome = "pending"
        return outcome, self._results.get(task_id), self._exceptions.get(task_id)

    def _on_stop(self, loop) -> None:
        now = self.now()
        self._last_stop = now
        self._stops.append(now)
        pending = []
        for task in asyncio.all_tasks(loop):
            task_id = self._id(task)
            if task_id is not None and not task.done():
                self._stopped_at[task_id] = now
                pending.append(task_id)
        if self.on_event is not None:
            self.on_event({"event": "stop", "at": _round(now), "pending": sorted(pending)})

    def _marker(self, kind: str, owner: int | None, tasks, **extra) -> None:
        marker = {
            "kind": kind,
            "at": _round(self.now()),
            "owner": owner,
            "tasks": sorted(t for t in tasks if t is not None),
        }
        marker.update(extra)
        self._markers.append(marker)
        if self.on_event is not None:
            event = {"event": "marker"}
            event.update(marker)
            self.on_event(event)

    # -- asyncio patches ------------------------------------------------------------

    @contextlib.contextmanager
    def patched(self):
        """Observe gather / wait / as_completed / timeouts / TaskGroup / Semaphore during the run."""
        saved = []

        def patch(owner, name, value):
            if hasattr(owner, name):
                saved.append((owner, name, getattr(owner, name)))
                setattr(owner, name, value)

        for observe in OBSERVERS:
            observe(self, patch)
        try:
            yield self
        finally:
            for owner, name, value in reversed(saved):
                setattr(owner, name, value)

    def _on_gathered(self, outer, owner, ids) -> None:
        if outer.cancelled():
            outcome, exception = "cancelled", None
        else:
            exception = _exception_of(outer)
            outcome = "failed" if exception else "done"
        self._marker("gather", owner, ids, outcome=outcome, exception=exception)

    # -- the result ---------------------------------------------------------------

    def timeline(self) -> dict:
        """The whole run: tasks (bars), markers, lanes with idle gaps, total time.

        Built column by column (ids, names, starts, ...) with map() and comprehensions:
        a 1,000-task run makes 1,000 rows and up to 1,000 lanes, so per-row work counts.
        """
        markers = [dict(m) for m in self._markers]
        markers += self._as_completed_markers()
        ends = list(map(self._ends.get, range(len(self._starts))))
        rounded, last = self._instants(markers)
        outcomes = self._settle(ends, last)
        starts = list(map(rounded, self._starts))
        ends = list(map(rounded, ends))
        waits, begins = self._semaphore_waits(starts)
        lane_of, lanes = _lanes(self._parents, begins, ends)
        markers.sort(key=lambda m: m["at"])
        return {
            "version": FORMAT_VERSION,
            "clock": "virtual" if self.virtual else "real",
            "total": rounded(last),
            "tasks": self._task_rows(starts, ends, outcomes, waits, lane_of),
            "markers": markers,
            "lanes": lanes,
            "idle_total": _round(sum(lane["idle_total"] for lane in lanes)),
        }

    def _instants(self, markers: list) -> tuple:
        """(a function that rounds any instant an event carried, the last of them)."""
        # Every instant an event carried: starts, ends, markers, stops (the clock never goes back).
        times = self._starts + list(self._ends.values())
        times += [m["at"] for m in markers]
        times += self._stops
        times.append(self._last_stop)
        # round() once per distinct instant (all floats, so no 1 == 1.0 mix-up)
        distinct = list(set(times))
        rounded = dict(zip(distinct, map(round, distinct, itertools.repeat(6)))).__getitem__
        return rounded, max(times)

    def _task_rows(
        self, starts: list, ends: list, outcomes: list, waits: list, lane_of: list
    ) -> list:
        """One dict per task, in id order, from the columns timeline() has rounded and settled."""
        ids = range(len(starts))
        names, labels = _names_and_labels(
            list(map(self._end_names.get, ids, self._names)), self._calls
        )
        return [
            {
                "id": task_id,
                "name": name,
                "label": label,
                "coro": coro,
                "parent": parent,
                "start": start,
                "end": end,
                "outcome": outcome,
                "result": result,
                "exception": exception,
                "waits": task_waits,
                "lane": lane,
            }
            for task_id, name, label, coro, parent, start, end, outcome, result, exception, task_waits, lane in zip(
                ids,
                names,
                labels,
                self._coros,
                self._parents,
                starts,
                ends,
                outcomes,
                map(self._results.get, ids),
                map(self._exceptions.get, ids),
                waits,
                lane_of,
            )
        ]

    def _settle(self, ends: list, last: float) -> list:
        """Each task's outcome; a task that never finished ends (in ``ends``) when its loop
        stopped, or at the last instant, and is pending."""
        outcomes = list(map(self._outcomes.get, range(len(ends))))
        if len(self._ends) < len(ends):
            for task_id, end in enumerate(ends):
                if end is None:  # never finished: its loop was closed or the run stopped
                    ends[task_id] = self._stopped_at.get(task_id, last)  # rounded later
                    outcomes[task_id] = "pending"
        for task_id in self._stopped_at:
            # Cancelled when its loop had stopped with it pending: cleaned up, not cancelled.
            if outcomes[task_id] == "cancelled":
                outcomes[task_id] = "pending"
        return outcomes

    def _semaphore_waits(self, starts: list) -> tuple:
        """(each task's Semaphore waits, when each task's busy time begins)."""
        if not self._waits:
            return [[] for _ in starts], starts
        waits = [
            [[_round(a), _round(b)] for a, b in w] if w else []
            for w in map(self._waits.get, range(len(starts)))
        ]
        # Busy time starts when the first Semaphore wait ends.
        return waits, [w[0][1] if w else start for w, start in zip(waits, starts)]

    def _as_completed_markers(self) -> list:
        ends = self._ends
        markers = []
        for start, owner, timeout, fs in self._as_completed:
            ids = [
                self._id(f) if isinstance(f, asyncio.Future) else self._coro_ids.get(id(f))
                for f in fs
            ]
            ids = [i for i in ids if i is not None]
            finished = [ends[i] for i in ids if i in ends]
            last = max(finished) if finished and len(finished) == len(ids) else None
            deadline = start + timeout if timeout is not None else None
            timed_out = deadline is not None and (last is None or last > deadline)
            at = deadline if timed_out else last
            if at is None:
                continue
            markers.append(
                {
                    "kind": "as_completed",
                    "at": _round(at),
                    "owner": owner,
                    "tasks": sorted(ids),
                    "timed_out": timed_out,
                }
            )
            if timed_out:
                markers.append({"kind": "timeout", "at": _round(at), "owner": owner, "tasks": []})
        return markers


def _names_and_labels(names: list, calls: list) -> tuple:
    """(names, labels) of the rows, from the names the tasks ended with and their calls.

    ``Task-N`` counts every task of the process; number them from this run's first, as a fresh
    run would. A task that kept its default name is labelled by its call; one the program named
    by its name, even if named after creation (set_name(); create_task(name=) before 3.13).
    """
    digits = [name[5:] if name[:5] == "Task-" else "" for name in names]
    numbers = [int(d) if d.isdecimal() else _default_number(name) for d, name in zip(digits, names)]
    found = [n for n in numbers if n is not None]
    if not found:
        return names, names
    offset = min(found) - 1
    names = [name if n is None else "Task-%d" % (n - offset) for name, n in zip(names, numbers)]
    return names, [
        name if n is None or call is None else call for name, n, call in zip(names, numbers, calls)
    ]


def _default_number(name: str) -> int | None:
    """N of a default name the fast test in _names_and_labels missed (``\\d`` allows a final newline)."""
    match = _DEFAULT_NAME.match(name)
    return int(match.group(1)) if match else None


def _lanes(parents: list, begins: list, ends: list) -> tuple:
    """Pack the leaf tasks (those that started no task) into lanes; a lane's gaps are idle time.

    A task is busy from ``begins[id]`` (the end of its first Semaphore wait, or its
    start) to ``ends[id]``, so a bounded pool shows as a few full lanes and
    fixed-size batches as lanes with holes. Returns (lane of each task or None, lanes).
    The times are already rounded, so the gaps between them are too.
    """
    lane_of: list = [None] * len(begins)
    has_children = set(parents)
    # each task takes a lane in order of its begin, then of its id (sorted() is stable)
    order = sorted((i for i in range(len(begins)) if i not in has_children), key=begins.__getitem__)
    if not order:
        return lane_of, []
    first = begins[order[0]]
    # per lane: its task ids, its idle gaps, their sum, the end of its work so far
    lane_tasks: list = []
    lane_idle: list = []
    lane_sums: list = []
    lane_cursors: list = []
    running: list = []  # heap of (end, lane index)
    free: list = []  # heap of lane indexes: each task takes the lowest free lane
    heappush, heappop = heapq.heappush, heapq.heappop
    for task_id in order:
        begin, end = begins[task_id], ends[task_id]
        while running and running[0][0] <= begin + 1e-9:
            heappush(free, heappop(running)[1])
        if free:
            index = heappop(free)
            lane_tasks[index].append(task_id)
        else:
            index = len(lane_tasks)
            lane_tasks.append([task_id])
            lane_idle.append([])
            lane_sums.append(0)
            lane_cursors.append(first)
        cursor = lane_cursors[index]
        if begin - cursor > 1e-9:
            lane_idle[index].append([cursor, begin])
            lane_sums[index] += begin - cursor
        if end > cursor:
            lane_cursors[index] = end
        lane_of[task_id] = index
        heappush(running, (end, index))
    last = max(map(ends.__getitem__, order))
    lanes = []
    for tasks, idle, idle_sum, cursor in zip(lane_tasks, lane_idle, lane_sums, lane_cursors):
        if last - cursor > 1e-9:
            idle.append([cursor, last])
            idle_sum += last - cursor
        lanes.append({"tasks": tasks, "idle": idle, "idle_total": _round(idle_sum)})
    return lane_of, lanes


# Each observer patches one part of asyncio for the length of a run (Tracer.patched).


def _observe_gather(tracer, patch) -> None:
    """gather(): which tasks a gather in the snippet waits for, and how it ends."""
    tasks_module = asyncio.tasks
    base_gathering = tasks_module._GatheringFuture
    # The file gather()'s code says it is in: a module imported from a .pyc (the site's
    # standard library zip, devkit/stdlib.py) has that .pyc as its __file__.
    tasks_file = tasks_module.gather.__code__.co_filename
    # A class sits in a reference cycle until a full collection: it must not keep the tracer alive.
    tracer_ref = weakref.ref(tracer)

    class _GatheringFuture(base_gathering):
        def __init__(self, children, *, loop):
            super().__init__(children, loop=loop)
            tracer = tracer_ref()
            caller = sys._getframe(1)  # gather(), or 3.9's _gather() under it
            while caller is not None and caller.f_code.co_filename == tasks_file:
                caller = caller.f_back
            if (
                tracer is not None
                and caller is not None
                and caller.f_code.co_filename == tracer.filename
            ):  # not asyncio.run's cleanup
                ids = [tracer._id(child) for child in children]
                owner = tracer._current(loop)
                self.add_done_callback(lambda outer: tracer._on_gathered(outer, owner, ids))

    _GatheringFuture.__qualname__ = base_gathering.__qualname__
    patch(tasks_module, "_GatheringFuture", _GatheringFuture)


def _observe_wait(tracer, patch) -> None:
    """asyncio.wait(): what it returned, done and pending, and whether it timed out."""
    tasks_module = asyncio.tasks
    real_wait = getattr(tasks_module, "_wait", None)
    if real_wait is not None:

        async def _wait(fs, timeout, return_when, loop):
            owner = tracer._current(loop)
            done, pending = await real_wait(fs, timeout, return_when, loop)
            timed_out = timeout is not None and (
                (return_when == asyncio.FIRST_COMPLETED and not done)
                or (return_when == asyncio.ALL_COMPLETED and pending)
                or (
                    return_when == asyncio.FIRST_EXCEPTION
                    and pending
                    and not any(not f.cancelled() and getattr(f, "_exception", None) for f in done)
                )
            )
            tracer._marker(
                "wait",
                owner,
                [tracer._id(f) for f in fs],
                done=sorted(i for i in map(tracer._id, done) if i is not None),
                pending=sorted(i for i in map(tracer._id, pending) if i is not None),
                timed_out=bool(timed_out),
            )
            return done, pending

        patch(tasks_module, "_wait", _wait)


def _observe_wait_for_timeouts(tracer, patch) -> None:
    """wait_for() and the like: the moment a timeout fires."""
    tasks_module = asyncio.tasks
    real_release = getattr(tasks_module, "_release_waiter", None)
    if real_release is not None:

        def _release_waiter(waiter, *args):
            if not args and not waiter.done():  # called by the timer: the timeout fired
                tracer._marker("timeout", None, [])
            return real_release(waiter, *args)

        patch(tasks_module, "_release_waiter", _release_waiter)


def _observe_timeout_blocks(tracer, patch) -> None:
    """asyncio.timeout() blocks (3.11+): the moment one fires."""
    timeouts = getattr(asyncio, "timeouts", None)
    if timeouts is not None and hasattr(timeouts, "Timeout"):
        real_on_timeout = timeouts.Timeout._on_timeout

        def _on_timeout(self):
            tracer._marker("timeout", tracer._id(self._task), [])
            return real_on_timeout(self)

        patch(timeouts.Timeout, "_on_timeout", _on_timeout)


def _observe_task_groups(tracer, patch) -> None:
    """TaskGroup (3.11+): its members, and how the group ends."""
    taskgroups = getattr(asyncio, "taskgroups", None)
    if taskgroups is not None and hasattr(taskgroups, "TaskGroup"):
        group_class = taskgroups.TaskGroup
        real_create = group_class.create_task
        real_aexit = group_class.__aexit__

        def create_task(self, coro, *args, **kwargs):
            task = real_create(self, coro, *args, **kwargs)
            tracer._groups.setdefault(self, []).append(tracer._id(task))
            return task

        async def __aexit__(self, et, exc, tb):
            owner = tracer._id(getattr(self, "_parent_task", None))
            members = tracer._groups.get(self, [])
            try:
                result = await real_aexit(self, et, exc, tb)
            except BaseException as error:
                outcome = "cancelled" if isinstance(error, asyncio.CancelledError) else "failed"
                tracer._marker(
                    "taskgroup",
                    owner,
                    members,
                    outcome=outcome,
                    exception={"type": type(error).__name__, "message": str(error)},
                )
                raise
            tracer._marker("taskgroup", owner, members, outcome="done")
            return result

        patch(group_class, "create_task", create_task)
        patch(group_class, "__aexit__", __aexit__)


def _observe_semaphores(tracer, patch) -> None:
    """Semaphore.acquire(): how long a task waited for a slot."""
    real_acquire = asyncio.Semaphore.acquire

    async def acquire(self):
        task_id = tracer._current()
        start = tracer.now()
        result = await real_acquire(self)
        end = tracer.now()
        if task_id is not None and end > start:
            tracer._waits.setdefault(task_id, []).append([start, end])
        return result

    patch(asyncio.Semaphore, "acquire", acquire)


def _observe_as_completed(tracer, patch) -> None:
    """as_completed(): when and by whom it was called, on what."""
    real_as_completed = asyncio.as_completed

    def as_completed(fs, *args, **kwargs):
        if not (
            asyncio.isfuture(fs) or asyncio.iscoroutine(fs)
        ):  # else let asyncio raise its TypeError
            fs = list(fs)
            tracer._as_completed.append(
                (tracer.now(), tracer._current(), kwargs.get("timeout"), fs)
            )
        return real_as_completed(fs, *args, **kwargs)

    patch(asyncio, "as_completed", as_completed)
    patch(asyncio.tasks, "as_completed", as_completed)


OBSERVERS = (
    _observe_gather,
    _observe_wait,
    _observe_wait_for_timeouts,
    _observe_timeout_blocks,
    _observe_task_groups,
    _observe_semaphores,
    _observe_as_completed,
)
