"""Run guide snippets the same way on CPython and on Pyodide."""

from .clock import Clock, VirtualClockLoop, cancel_leftover_tasks, fresh_loops
from .runner import Outcome, run_file, run_source

__all__ = ["Clock", "Outcome", "VirtualClockLoop", "cancel_leftover_tasks", "fresh_loops", "run_file", "run_source"]
