"""A cell prints what CPython prints: real time and the virtual clock agree, on the page's Pyodide.

The page runs snippets in real time on Pyodide 314 (CPython 3.14.2); the matrix and the other
tests run them on the virtual clock. Here each snippet runs both ways in Node, on cellrun's loop
as in the page: the same lines (timing aside, as tests/timing.py defines it), the same end,
the same task outcomes. Real time costs what the snippets sleep, about two and a half minutes
in all: the runs overlap on REAL_TIME_HOSTS processes, started first, in one test process
(`make test` gives each file to one process: --dist loadfile), longest first.
"""

import json

import pytest
from timing import differences, line_matches, races

from devkit import ROOT, matrix
from devkit.interpreters import interpreters

PAGE_PYTHON = "pyodide-3.14"
REAL_TIME_HOSTS = 4
TIMELINES = ROOT / "data" / "timelines"


@pytest.fixture(scope="module")
def page_python():
    """The page's Pyodide, every snippet's real-time run already made."""
    python = interpreters()[PAGE_PYTHON]
    slept = lambda snippet: json.loads(  # noqa: E731
        (TIMELINES / snippet).with_suffix(".json").read_text("utf-8")
    )["virtual_time"]
    longest_first = sorted(matrix.snippet_paths(), key=slept, reverse=True)
    python.run_all([(s, 0, False, True) for s in longest_first], hosts=REAL_TIME_HOSTS)
    return python


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
def test_real_time_prints_what_the_virtual_clock_prints(page_python, snippet):
    virtual = page_python.run(snippet, seed=0, virtual=True, trace=True)
    real = page_python.run(snippet, seed=0, virtual=False, trace=True)
    assert differences(virtual.lines, real.lines, ordered=not races(virtual.timeline)) == []
    assert (real.exit_code, real.exception) == (virtual.exit_code, virtual.exception)
    assert [w["category"] for w in real.warnings] == [w["category"] for w in virtual.warnings]
    outcomes = lambda run: [(task["name"], task["outcome"]) for task in run.timeline["tasks"]]  # noqa: E731
    assert outcomes(real) == outcomes(virtual)
    assert real.timeline["clock"] == "real" and virtual.timeline["clock"] == "virtual"
