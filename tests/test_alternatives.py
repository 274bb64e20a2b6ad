"""The alternatives page: TaskGroup, as_completed, asyncio.timeout and wait_for.

The page's version claims are checked by tests/test_claims.py; these tests pin what the
page says each snippet shows, on every interpreter (virtual clock).
"""

import pytest
from runs import clean, missing_attribute


def test_taskgroup_cancels_the_siblings_and_raises_an_exception_group(python):
    out = python.run("alternatives/taskgroup_cancels_siblings.py")
    if not python.at_least(3, 11):
        missing_attribute(out, "TaskGroup")
        return
    assert clean(out) == [
        "ExceptionGroup at 2.0s: (ValueError('B failed'),)",
        "A returned 'A'",
        "B raised ValueError('B failed')",
        "C was cancelled",
    ]
    assert out.virtual_time == pytest.approx(2.0)  # C's third second never ran


def test_except_star_splits_the_exception_group(python):
    out = python.run("alternatives/taskgroup_except_star.py")
    if not python.at_least(3, 11):
        assert out.exception["type"] == "SyntaxError"  # except* does not even compile
        assert out.stdout == ""
        return
    assert clean(out) == [
        "ValueError: (ValueError('A failed'),)",
        "KeyError: (KeyError('B failed'),)",
    ]
    assert out.virtual_time == pytest.approx(1.0)  # C was cancelled


def test_a_timeout_around_a_group_cancels_every_unfinished_job(python):
    out = python.run("alternatives/timeout_a_group.py")
    assert out.exception is None and out.warnings == []
    expected = ["wait_for(gather()): timeout at 2.0s", "cancelled: [False, True, True]"]
    if python.at_least(3, 11):
        expected += [
            "timeout() around a TaskGroup: timeout at 2.0s",
            "cancelled: [False, True, True]",
        ]
    assert out.lines == expected
    assert out.virtual_time == pytest.approx(4.0 if python.at_least(3, 11) else 2.0)
    if python.version == (3, 8):
        # 3.8 only: asyncio logs the cancelled gather() future as never retrieved.
        assert "_GatheringFuture exception was never retrieved" in out.stderr
    else:
        assert out.stderr == ""


# ----------------------------------------------------------------- as_completed


def test_as_completed_yields_in_completion_order_and_raises_per_item(python):
    lines = clean(python.run("alternatives/as_completed_order.py"))
    # Passed as A (3 s), B (1 s), C (2 s, fails), D (4 s): they come back by finishing time.
    assert lines == [
        "B (1s job) at 1.0s",
        "ValueError('C failed') at 2.0s",
        "A (3s job) at 3.0s",
        "D (4s job) at 4.0s",
        # Not your tasks back: a new coroutine for each "next result", on every version.
        "it yielded: ['coroutine'] | your tasks among them: 0",
    ]


def test_as_completed_async_for_gives_back_your_own_tasks_from_3_13(python):
    out = python.run("alternatives/as_completed_async_for.py")
    if not python.at_least(3, 13):
        assert out.exception == {
            "type": "TypeError",
            "message": "'async for' requires an object with __aiter__ method, got generator",
        }
        return
    assert clean(out) == ["B True 1 at 1.0s", "C True 2 at 2.0s", "A True 3 at 3.0s"]


def test_as_completed_timeout_raises_and_leaves_the_rest_running(python):
    lines = clean(python.run("alternatives/as_completed_timeout.py"))
    assert lines == [
        "A at 1.0s",
        "TimeoutError at 2.0s",
        # asyncio.TimeoutError: the built-in class only from 3.11, a class of its own before.
        f"the built-in TimeoutError: {python.at_least(3, 11)}",
        "done: [True, False, False]",
        "cancelled: [False, False, False]",
        "['A', 'B', 'C'] at 5.0s",
    ]


# -------------------------------------------------------------- asyncio.timeout


def test_timeout_block(python):
    out = python.run("alternatives/timeout_block.py")
    if not python.at_least(3, 11):
        missing_attribute(out, "timeout")
        return
    assert clean(out) == [
        "TimeoutError at 2.0s",
        "slow cancelled: True",
        "asyncio.TimeoutError is TimeoutError: True",
        "fast in time at 3.0s",
        "ValueError('broken failed') passes through at 4.0s",
    ]


# --------------------------------------------------------------------- wait_for


def test_wait_for_cancels_on_timeout_and_wait_does_not(python):
    lines = clean(python.run("alternatives/wait_for_cancels.py"))
    builtin = python.at_least(3, 11)  # before 3.11 asyncio.TimeoutError is a class of its own
    assert lines == [
        "wait_for: TimeoutError at 2.0s",
        f"the built-in TimeoutError: {builtin}",
        "slow cancelled: True",
        "wait: done 0, pending 1 at 4.0s",
        "other cancelled: False",
        "other returned 'other' at 7.0s",
        "wait_for: ValueError('broken failed') passes through at 8.0s",
    ]


# ----------------------------------------------------- cancelling the waiting code


def test_cancelling_the_waiter(python):
    lines = clean(python.run("alternatives/cancel_the_waiter.py"))
    expected = [
        "with_await: job cancelled True",  # a plain await passes the cancellation on
        "with_gather: job cancelled True",
        "with_wait: job cancelled False",
        "with_as_completed: job cancelled False",
        "with_wait_for: job cancelled True",
    ]
    if python.at_least(3, 11):
        expected += ["with_taskgroup: job cancelled True", "with_timeout: job cancelled True"]
    assert lines == expected
