"""Record a run's asyncio tasks: one bar per task, markers where awaiting calls returned.

The same code runs under CPython (tests, the static fallback) and Pyodide (the
live cells), so both draw the same timeline. Nothing here changes what a snippet
prints: tasks are watched through done-callbacks, calls are observed from the
asyncio internals they reach (``_GatheringFuture``, ``_wait``,
``_release_waiter``, ``Timeout._on_timeout``, ``TaskGroup``), and every patch is
undone when the run ends. Frames of this file are hidden from the tracebacks
cellrun prints (see ``runner._format_traceback``).
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import os
import re
import sys
import weakref
from typing import Callable, Optional

EventSink = Callable[[dict], None]

FORMAT_VERSION = 1
OUTCOMES = ("done", "failed", "cancelled", "pending")
_ASYNCIO_DIR = os.path.dirname(asyncio.__file__)
_INTERNAL_CORO_NAMES = {"shutdown_asyncgens", "shutdown_default_executor"}
_DEFAULT_NAME = re.compile(r"^Task-(\d+)$")
_RESULT_CHARS = 60


def _round(t: float) -> float:
    return round(t, 6)


def _short_repr(value) -> str:
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a broken __repr__ must not break the run
        text = "<%s>" % type(value).__name__
    return text if len(text) <= _RESULT_CHARS else text[: _RESULT_CHARS - 1] + "…"


def _exception_of(future) -> Optional[dict]:
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

    def __init__(self, now: Callable[[], float], virtual: bool, filename: str, on_event: Optional[EventSink] = None):
        self.now = now
        self.virtual = virtual
        self.filename = filename
        self.on_event = on_event
        self.events: list = []
        self._tasks: list = []  # one dict per traced task, index = id
        self._ids = weakref.WeakKeyDictionary()  # task -> id
        self._coro_ids: dict = {}  # id(coroutine) -> task id, for as_completed
        self._groups = weakref.WeakKeyDictionary()  # TaskGroup -> [task ids]
        self._as_completed: list = []
        self._last_stop = 0.0

    # -- events ---------------------------------------------------------------

    def _emit(self, event: dict) -> None:
        self.events.append(event)
        if self.on_event is not None:
            self.on_event(dict(event))

    def _id(self, task) -> Optional[int]:
        try:
            return self._ids.get(task)
        except TypeError:
            return None

    def _current(self, loop=None) -> Optional[int]:
        try:
            task = asyncio.current_task(loop)
        except RuntimeError:
            return None
        return self._id(task) if task is not None else None

    # -- loops ------------------------------------------------------------------

    def attach(self, loop) -> None:
        """Watch every task ``loop`` creates and every time its loop stops."""
        create_task = loop.create_task
        run_until_complete = loop.run_until_complete

        def traced_create_task(coro, *args, **kwargs):
            task = create_task(coro, *args, **kwargs)
            self._on_task(loop, task, coro)
            return task

        def traced_run_until_complete(future):
            try:
                return run_until_complete(future)
            finally:
                self._on_stop(loop)

        loop.create_task = traced_create_task
        loop.run_until_complete = traced_run_until_complete

    def _on_task(self, loop, task, coro) -> None:
        code = getattr(coro, "cr_code", None)
        if code is not None and code.co_name in _INTERNAL_CORO_NAMES and code.co_filename.startswith(_ASYNCIO_DIR):
            return  # asyncio.run's own shutdown steps are not the snippet's tasks
        task_id = len(self._tasks)
        record = {"id": task_id, "name": task.get_name(), "coro": getattr(coro, "__qualname__", None),
                  "parent": self._current(loop), "start": self.now()}
        record.update(end=None, outcome=None, result=None, exception=None, waits=[], stopped_at=None)
        self._tasks.append(record)
        self._ids[task] = task_id
        self._coro_ids[id(coro)] = task_id
        self._emit({"event": "start", "task": task_id, "name": record["name"], "coro": record["coro"],
                    "parent": record["parent"],
                    "at": _round(record["start"])})
        task.add_done_callback(self._on_done)

    def _on_done(self, task) -> None:
        task_id = self._id(task)
        if task_id is None:
            return
        record = self._tasks[task_id]
        record["end"] = self.now()
        record["name"] = task.get_name()
        if task.cancelled():
            cleaned_up = record["stopped_at"] is not None
            record["outcome"] = "pending" if cleaned_up else "cancelled"
        elif getattr(task, "_exception", None) is not None:
            record["outcome"] = "failed"
            record["exception"] = _exception_of(task)
        else:
            record["outcome"] = "done"
            record["result"] = _short_repr(getattr(task, "_result", None))
        event = {"event": "end", "task": task_id, "name": record["name"], "at": _round(record["end"]),
                 "outcome": record["outcome"], "result": record["result"], "exception": record["exception"]}
        self._emit(event)

    def _on_stop(self, loop) -> None:
        now = self.now()
        self._last_stop = now
        pending = []
        for task in asyncio.all_tasks(loop):
            task_id = self._id(task)
            if task_id is not None and not task.done():
                self._tasks[task_id]["stopped_at"] = now
                pending.append(task_id)
        self._emit({"event": "stop", "at": _round(now), "pending": sorted(pending)})

    def _marker(self, kind: str, owner: Optional[int], tasks, **extra) -> None:
        event = {"event": "marker", "kind": kind, "at": _round(self.now()), "owner": owner,
                 "tasks": sorted(t for t in tasks if t is not None)}
        event.update(extra)
        self._emit(event)

    # -- asyncio patches ------------------------------------------------------------

    @contextlib.contextmanager
    def patched(self):
        """Observe gather / wait / as_completed / timeouts / TaskGroup / Semaphore during the run."""
        tracer = self
        tasks_module = asyncio.tasks
        saved = []

        def patch(owner, name, value):
            if hasattr(owner, name):
                saved.append((owner, name, getattr(owner, name)))
                setattr(owner, name, value)

        base_gathering = tasks_module._GatheringFuture

        class _GatheringFuture(base_gathering):
            def __init__(self, children, *, loop):
                super().__init__(children, loop=loop)
                caller = sys._getframe(1)  # gather(), or 3.9's _gather() under it
                while caller is not None and caller.f_code.co_filename == tasks_module.__file__:
                    caller = caller.f_back
                if caller is not None and caller.f_code.co_filename == tracer.filename:  # not asyncio.run's cleanup
                    ids = [tracer._id(child) for child in children]
                    owner = tracer._current(loop)
                    self.add_done_callback(lambda outer: tracer._on_gathered(outer, owner, ids))

        _GatheringFuture.__qualname__ = base_gathering.__qualname__
        patch(tasks_module, "_GatheringFuture", _GatheringFuture)

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
                tracer._marker("wait", owner, [tracer._id(f) for f in fs],
                               done=sorted(i for i in map(tracer._id, done) if i is not None),
                               pending=sorted(i for i in map(tracer._id, pending) if i is not None),
                               timed_out=bool(timed_out))
                return done, pending

            patch(tasks_module, "_wait", _wait)

        real_release = getattr(tasks_module, "_release_waiter", None)
        if real_release is not None:

            def _release_waiter(waiter, *args):
                if not args and not waiter.done():  # called by the timer: the timeout fired
                    tracer._marker("timeout", None, [])
                return real_release(waiter, *args)

            patch(tasks_module, "_release_waiter", _release_waiter)

        timeouts = getattr(asyncio, "timeouts", None)
        if timeouts is not None and hasattr(timeouts, "Timeout"):
            real_on_timeout = timeouts.Timeout._on_timeout

            def _on_timeout(self):
                tracer._marker("timeout", tracer._id(self._task), [])
                return real_on_timeout(self)

            patch(timeouts.Timeout, "_on_timeout", _on_timeout)

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
                    tracer._marker("taskgroup", owner, members, outcome=outcome,
                                   exception={"type": type(error).__name__, "message": str(error)})
                    raise
                tracer._marker("taskgroup", owner, members, outcome="done")
                return result

            patch(group_class, "create_task", create_task)
            patch(group_class, "__aexit__", __aexit__)

        real_acquire = asyncio.Semaphore.acquire

        async def acquire(self):
            task_id = tracer._current()
            start = tracer.now()
            result = await real_acquire(self)
            end = tracer.now()
            if task_id is not None and end > start:
                tracer._tasks[task_id]["waits"].append([start, end])
            return result

        patch(asyncio.Semaphore, "acquire", acquire)

        real_as_completed = asyncio.as_completed

        def as_completed(fs, *args, **kwargs):
            if not (asyncio.isfuture(fs) or asyncio.iscoroutine(fs)):  # else let asyncio raise its TypeError
                fs = list(fs)
                tracer._as_completed.append((tracer.now(), tracer._current(), kwargs.get("timeout"), fs))
            return real_as_completed(fs, *args, **kwargs)

        patch(asyncio, "as_completed", as_completed)
        patch(tasks_module, "as_completed", as_completed)
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
        """The whole run: tasks (bars), markers, lanes with idle gaps, total time."""
        markers = [dict(e) for e in self.events if e["event"] == "marker"]
        markers += self._as_completed_markers()
        times = [e["at"] for e in self.events] + [m["at"] for m in markers] + [_round(self._last_stop)]
        total = max(times) if times else 0.0
        tasks = [self._row(record, total) for record in self._tasks]
        _renumber_default_names(tasks)
        for marker in markers:
            del marker["event"]
        markers.sort(key=lambda m: m["at"])
        lanes = _lanes(tasks)
        return {
            "version": FORMAT_VERSION,
            "clock": "virtual" if self.virtual else "real",
            "total": total,
            "tasks": tasks,
            "markers": markers,
            "lanes": lanes,
            "idle_total": _round(sum(lane["idle_total"] for lane in lanes)),
        }

    def _row(self, record: dict, total: float) -> dict:
        end, outcome = record["end"], record["outcome"]
        if end is None:  # never finished: its loop was closed or the run stopped
            end, outcome = record["stopped_at"] if record["stopped_at"] is not None else total, "pending"
        return {
            "id": record["id"],
            "name": record["name"],
            "coro": record["coro"],
            "parent": record["parent"],
            "start": _round(record["start"]),
            "end": _round(end),
            "outcome": outcome,
            "result": record["result"],
            "exception": record["exception"],
            "waits": [[_round(a), _round(b)] for a, b in record["waits"]],
            "lane": None,
        }

    def _as_completed_markers(self) -> list:
        ends = {record["id"]: record["end"] for record in self._tasks}
        markers = []
        for start, owner, timeout, fs in self._as_completed:
            ids = [self._id(f) if isinstance(f, asyncio.Future) else self._coro_ids.get(id(f)) for f in fs]
            ids = [i for i in ids if i is not None]
            finished = [ends[i] for i in ids if ends[i] is not None]
            last = max(finished) if finished and len(finished) == len(ids) else None
            deadline = start + timeout if timeout is not None else None
            timed_out = deadline is not None and (last is None or last > deadline)
            at = deadline if timed_out else last
            if at is None:
                continue
            markers.append({"event": "marker", "kind": "as_completed", "at": _round(at), "owner": owner,
                            "tasks": sorted(ids), "timed_out": timed_out})
            if timed_out:
                markers.append({"event": "marker", "kind": "timeout", "at": _round(at), "owner": owner, "tasks": []})
        return markers


def _renumber_default_names(tasks: list) -> None:
    """``Task-N`` counts every task of the process; number them from this run's first, as a fresh run would."""
    numbers = [int(m.group(1)) for m in (_DEFAULT_NAME.match(t["name"]) for t in tasks) if m]
    if not numbers:
        return
    offset = min(numbers) - 1
    for task in tasks:
        match = _DEFAULT_NAME.match(task["name"])
        if match:
            task["name"] = "Task-%d" % (int(match.group(1)) - offset)


def _lanes(tasks: list) -> list:
    """Pack the leaf tasks (those that started no task) into lanes; a lane's gaps are idle time.

    A task's busy time starts when its first Semaphore wait ends, so a bounded
    pool shows as a few full lanes and fixed-size batches as lanes with holes.
    """
    parents = {t["parent"] for t in tasks}
    leaves = [t for t in tasks if t["id"] not in parents]
    if not leaves:
        return []
    busy = {t["id"]: (t["waits"][0][1] if t["waits"] else t["start"], t["end"]) for t in leaves}
    lanes: list = []
    running: list = []  # heap of (end, lane index)
    free: list = []  # heap of lane indexes: each task takes the lowest free lane
    for task in sorted(leaves, key=lambda t: (busy[t["id"]][0], t["id"])):
        begin, end = busy[task["id"]]
        while running and running[0][0] <= begin + 1e-9:
            heapq.heappush(free, heapq.heappop(running)[1])
        index = heapq.heappop(free) if free else len(lanes)
        if index == len(lanes):
            lanes.append([])
        lanes[index].append(task["id"])
        task["lane"] = index
        heapq.heappush(running, (end, index))
    window = (min(b for b, _ in busy.values()), max(e for _, e in busy.values()))
    result = []
    for lane in lanes:
        idle, cursor = [], window[0]
        for task_id in lane + [None]:
            begin, end = busy[task_id] if task_id is not None else (window[1], window[1])
            if begin - cursor > 1e-9:
                idle.append([_round(cursor), _round(begin)])
            cursor = max(cursor, end)
        result.append({"tasks": lane, "idle": idle, "idle_total": _round(sum(b - a for a, b in idle))})
    return result
