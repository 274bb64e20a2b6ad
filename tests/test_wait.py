"""The wait page: what each example shows, on every interpreter (virtual clock); its version
claims are checked by tests/test_claims.py."""

import ast
import re

import pytest
from runs import clean

SEEDS = [0, 1, 2]
NOTHING_LEFT_AFTER_STEP_2 = 223  # every sleep ends within the two-second step


def test_done_and_pending_are_sets_and_results_are_read_from_the_tasks(python):
    out = python.run("wait/done_and_pending.py")
    assert clean(out) == [
        "types: set set",
        "done: 3 | pending: 0",
        "all tasks in done: True",
        "results: ['A', 'B', 'C']",  # the list's order, not the completion order B, C, A
    ]
    assert out.virtual_time == pytest.approx(3.0)


def test_return_when_decides_when_wait_returns(python):
    out = python.run("wait/return_when.py")
    assert clean(out) == [
        "FIRST_COMPLETED: 1.0s, done ['A'], pending ['B', 'C']",
        "FIRST_EXCEPTION: 2.0s, done ['A', 'B'], pending ['C']",
        "ALL_COMPLETED: 3.0s, done ['A', 'B', 'C'], pending []",
        # Without a failure, FIRST_EXCEPTION waits for all, as ALL_COMPLETED does.
        "FIRST_EXCEPTION (nothing fails): 3.0s, done ['A', 'B', 'C'], pending []",
    ]
    # Each mode's leftovers were cancelled, not waited for.
    assert out.virtual_time == pytest.approx(1.0 + 2.0 + 3.0 + 3.0)


def test_a_timeout_leaves_the_pending_tasks_running(python):
    out = python.run("wait/timeout_leaves_tasks_running.py")
    assert clean(out) == [
        "A finished",
        "after 2.0s: done 1, pending 2",
        "pending cancelled: [False, False]",
        "B finished",
        "C finished",
        "after 5.0s: ['A', 'B', 'C']",
    ]
    assert out.virtual_time == pytest.approx(5.0)


def test_cancelling_the_pending_tasks_after_a_timeout(python):
    out = python.run("wait/cancel_pending.py")
    assert clean(out) == [
        "A finished",
        "cancelled right after cancel(): [False, False]",  # cancel() only asks
        "outcomes: ['CancelledError', 'CancelledError']",
        "cancelled: [False, True, True]",
        "total: 2.0s",
    ]
    assert out.virtual_time == pytest.approx(2.0)  # B and C never finished


def test_wait_does_not_raise_the_tasks_exceptions(python):
    out = python.run("wait/exceptions_stay_in_tasks.py")
    assert clean(out) == [
        "wait() returned: done 3 | pending 0",
        "result: A",
        "exception: ValueError('B failed')",
        "result: C",
        "result() raised ValueError('B failed')",
    ]
    assert out.virtual_time == pytest.approx(3.0)


def test_coroutines_instead_of_tasks(python):
    out = python.run("wait/coroutines_are_not_tasks.py")
    assert out.exception is None
    wait_warnings = [w for w in out.warnings if "asyncio.wait()" in w["message"]]
    if python.at_least(3, 11):
        assert out.lines == ["TypeError: Passing coroutines is forbidden, use tasks explicitly."]
        assert out.warnings == [] and out.stderr == ""
        assert out.virtual_time == 0
    else:
        # Accepted, wrapped in a new task: the coroutine itself is not in done.
        assert out.lines == ["coro in done: False", "results: ['done']"]
        assert len(wait_warnings) == (0 if python.version == (3, 8) else 1)
        assert [w["category"] for w in out.warnings] == ["DeprecationWarning"] * len(wait_warnings)
        assert out.virtual_time == pytest.approx(1.0)


STEP = re.compile(
    r"(first result|within 2 more seconds|all the rest) at (\d+\.\d)s: (\[.*\]), pending (\d+)"
)


@pytest.mark.parametrize("seed", [0, 1, NOTHING_LEFT_AFTER_STEP_2])
def test_three_steps(python, seed):
    out = python.run("wait/three_steps.py", seed=seed)
    lines = clean(out)
    assert [line for line in lines if line.startswith(">")] == [f"> {i}" for i in range(1, 11)]
    steps = [STEP.fullmatch(line) for line in lines if not line.startswith(("<", ">"))]
    assert all(steps), lines
    names = [m.group(1) for m in steps]
    times = [float(m.group(2)) for m in steps]
    results = [ast.literal_eval(m.group(3)) for m in steps]
    pending = [int(m.group(4)) for m in steps]
    # Step 1: exactly one task, the first to finish.
    first_done = int(next(line for line in lines if line.startswith("<"))[2:])
    assert names[0] == "first result" and results[0] == [first_done] and pending[0] == 9
    assert 0.5 <= times[0] <= 5
    # Step 2: two seconds more, unless nothing is left before that.
    assert names[1] == "within 2 more seconds"
    assert pending[1] == 9 - len(results[1])
    assert (seed == NOTHING_LEFT_AFTER_STEP_2) == (pending[1] == 0)
    if pending[1]:
        assert times[1] == pytest.approx(times[0] + 2.0, abs=0.11)
        assert names[2:] == ["all the rest"] and pending[2] == 0
    else:
        assert times[1] <= times[0] + 2.0 and names[2:] == []  # no wait() on an empty set
    # Every result exactly once, and the whole run as long as the slowest task.
    assert sorted(r for step in results for r in step) == list(range(1, 11))
    assert out.virtual_time == pytest.approx(times[-1], abs=0.051)
