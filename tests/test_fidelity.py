"""A cell prints what CPython prints: real time and the virtual clock agree, on the page's Pyodide.

The page runs snippets in real time on Pyodide 314 (CPython 3.14.2); the matrix and the other
tests run them on the virtual clock. Here each snippet runs both ways in Node, on cellrun's loop
as in the page: the same lines (timing aside, as tests/timing.py defines it), the same end,
the same task outcomes. Real time costs what the snippets sleep: about two minutes in all.
"""

import pytest
from timing import differences, line_matches, races

from devkit import matrix
from devkit.interpreters import interpreters

PAGE_PYTHON = "pyodide-3.14"


def test_the_tolerance_sets_aside_timing_and_nothing_else():
    assert line_matches("total: 9.92s", "total: 10.00s")
    assert not line_matches("total: 2.0s", "total: 2.7s")  # late beyond the margin
    assert not line_matches("total: 2.0s", "total: 1.9s")  # a real-time wait never ends early
    assert not line_matches("handled: 1000", "handled: 999")
    assert not line_matches("finished A at 1.5s", "finished B at 1.5s")
    assert differences(["a", "b"], ["b", "a"])
    assert differences(["a", "b"], ["b", "a"], ordered=False) == []
    assert differences(["a", "b"], ["b", "c"], ordered=False)
    task = lambda end: {"end": end}  # noqa: E731
    assert races({"tasks": [task(2.5116), task(2.5159), task(None)]})
    assert not races({"tasks": [task(1.0), task(1.0), task(1.5)]})


@pytest.mark.parametrize("snippet", matrix.snippet_paths())
def test_real_time_prints_what_the_virtual_clock_prints(snippet):
    python = interpreters()[PAGE_PYTHON]
    virtual = python.run(snippet, seed=0, virtual=True, trace=True)
    real = python.run(snippet, seed=0, virtual=False, trace=True)
    assert differences(virtual.lines, real.lines, ordered=not races(virtual.timeline)) == []
    assert (real.exit_code, real.exception) == (virtual.exit_code, virtual.exception)
    assert [w["category"] for w in real.warnings] == [w["category"] for w in virtual.warnings]
    outcomes = lambda run: [(task["name"], task["outcome"]) for task in run.timeline["tasks"]]  # noqa: E731
    assert outcomes(real) == outcomes(virtual)
    assert real.timeline["clock"] == "real" and virtual.timeline["clock"] == "virtual"
