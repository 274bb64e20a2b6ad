"""The gather page: every claim it makes, asserted on every interpreter (virtual clock)."""

import ast
import re

import pytest
from runs import clean

SEEDS = [0, 1, 2]
GROUPS = [
    [f"group 1.{i}" for i in range(1, 6)],
    [f"group 2.{i}" for i in range(1, 4)],
    [f"group 3.{i}" for i in range(1, 10)],
]


def value_after(line, prefix):
    assert line.startswith(prefix), line
    return ast.literal_eval(line[len(prefix) :])


def seconds(line):
    return float(re.search(r"(\d+\.\d)s", line).group(1))


@pytest.mark.parametrize("seed", SEEDS)
def test_results_follow_argument_order_not_completion_order(python, seed):
    lines = clean(python.run("gather/results_in_order.py", seed=seed))
    finished = [re.fullmatch(r"finished (\w) at (\d+\.\d)s", line) for line in lines[:5]]
    assert all(finished), lines
    times = [float(m.group(2)) for m in finished]
    assert times == sorted(times)  # printed as they complete
    assert sorted(m.group(1) for m in finished) == list("ABCDE")
    assert value_after(lines[5], "results: ") == list("ABCDE")
    # Concurrent: the total is the slowest job, not the sum.
    assert seconds(lines[6]) == max(times)
    assert python.run("gather/results_in_order.py", seed=seed).virtual_time == pytest.approx(
        max(times), abs=0.051
    )


def test_completion_order_differs_from_argument_order_for_some_seed(python):
    orders = [
        [line.split()[1] for line in python.run("gather/results_in_order.py", seed=seed).lines[:5]]
        for seed in SEEDS
    ]
    assert any(order != list("ABCDE") for order in orders)


@pytest.mark.parametrize("seed", SEEDS[:2])
def test_groups_of_groups_nest_the_results_in_argument_order(python, seed):
    out = python.run("gather/groups_of_groups.py", seed=seed)
    lines = clean(out)
    everything = [tag for group in GROUPS for tag in group]
    assert [line[2:] for line in lines[:17]] == everything  # all start before any finishes
    finished = [line[2:] for line in lines if line.startswith("< ")]
    assert sorted(finished) == sorted(everything) and finished != everything
    pprinted = out.stdout[out.stdout.index("[[") : out.stdout.index("total:")]
    assert ast.literal_eval(pprinted) == GROUPS
    total = seconds(lines[-1])
    assert 1 <= total <= 3 and out.virtual_time == pytest.approx(total, abs=0.051)


def test_gather_returns_a_future_and_starts_the_coroutines_as_tasks(python):
    out = python.run("gather/returns_a_future.py")
    assert clean(out) == [
        "a Future: True",
        "a Task: False",
        "tasks besides main(): 2",
        "group done before await: True",
        "['A', 'B'] after 3.0s",
    ]
    assert out.virtual_time == pytest.approx(3.0)


def test_cancelling_a_running_group_cancels_its_children(python):
    out = python.run("gather/cancel_a_group.py")
    lines = clean(out)
    assert lines[:6] == [
        "cancel() while running: True",
        "await group: CancelledError",
        "group.cancelled(): False",  # cancelled children, yet the group is not "cancelled"
        "A cancelled: False",  # it had already finished
        "B cancelled: True",
        "C cancelled: True",
    ]


def test_cancel_on_a_finished_group_returns_false_and_does_nothing(python):
    out = python.run("gather/cancel_a_group.py")
    assert clean(out)[6:] == [
        "cancel() when finished: False",
        "cancelled: False | result: ['D', 'E']",
    ]
    # 1.5 s until the cancel, then the second group's 1 s: C's 3 s never ran out.
    assert out.virtual_time == pytest.approx(2.5)


def test_once_await_has_raised_cancel_returns_false_and_cancels_nothing(python):
    out = python.run("gather/cancel_after_an_error.py")
    assert clean(out) == [
        "await group: ValueError('broken failed') at 1.0s",
        "group.cancel(): False",
        "slow: done False | cancelled False",
        "slow returned 'slow' at 3.0s",  # it ran to the end
    ]
    assert out.virtual_time == pytest.approx(3.0)


def test_cancelling_an_inner_group_fails_the_outer_one_and_leaves_the_others_running(python):
    out = python.run("gather/cancel_nested_groups.py")
    assert clean(out)[:5] == [
        "group2.cancel(): True",
        "await all_groups: CancelledError at 2.0s",  # at once, without waiting for group1, group3
        "all_groups.cancel(): False",  # all_groups is already done
        "  cancelled: ['B2'] | running: ['A2', 'C2']",
        "  group1, group3: [['A1', 'A2'], ['C1', 'C2']] at 3.0s",  # nothing cancelled them
    ]


def test_cancelling_the_outer_group_cancels_every_running_child(python):
    out = python.run("gather/cancel_nested_groups.py")
    assert clean(out)[5:] == [
        "all_groups.cancel(): True",
        "await all_groups: CancelledError at 2.0s",
        "  cancelled: ['A2', 'B2', 'C2'] | running: []",
        "  groups cancelled(): [False, False, False]",
    ]
    assert out.virtual_time == pytest.approx(3.0 + 2.0)


def test_the_first_exception_reaches_the_awaiter_and_the_others_keep_running(python):
    out = python.run("gather/first_exception_propagates.py")
    assert clean(out) == [
        "fast finished",
        "gather raised ValueError('broken failed') at 2.0s",
        "slow: done False | cancelled False",
        "slow finished",
        "slow returned slow at 3.0s",
    ]
    assert out.virtual_time == pytest.approx(3.0)


def test_return_exceptions_puts_exceptions_in_place_of_results(python):
    out = python.run("gather/return_exceptions.py")
    cancelled = (
        "CancelledError()" if python.version == (3, 8) else "CancelledError('')"
    )  # 3.9+: a message
    assert clean(out) == [
        f"['fast', ValueError('broken failed'), 'slow', {cancelled}] after 3.0s",
        "ok: fast",
        "failed: ValueError | an Exception: True",
        "ok: slow",
        # A cancelled child's CancelledError is a BaseException, not an Exception.
        "failed: CancelledError | an Exception: False",
    ]
    assert out.virtual_time == pytest.approx(3.0)
