"""Run guide snippets the same way on CPython and on Pyodide."""

from .loop import (
    CellLoop,
    Clock,
    ClockWaiter,
    PausingWaiter,
    ThreadWaiter,
    cancel_leftover_tasks,
    fresh_loops,
)
from .runner import Outcome, run_file, run_source

__all__ = [
    "CellLoop",
    "Clock",
    "ClockWaiter",
    "Outcome",
    "PausingWaiter",
    "ThreadWaiter",
    "cancel_leftover_tasks",
    "fresh_loops",
    "run_file",
    "run_source",
]
