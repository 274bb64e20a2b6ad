"""The questions page: what each answer's example does, on every interpreter (virtual clock).

The page's version claims are checked by tests/test_claims.py; these tests pin what the
page says each snippet shows.
"""

import pytest
from runs import clean, missing_attribute

# --------------------------------------------------------- stop on the first error


def test_wait_first_exception_then_cancel_stops_the_others(python):
    out = python.run("questions/stop_on_error_wait.py")
    assert clean(out) == [
        "stopped at 0.2s",
        "A returned 'A'",
        "B raised ValueError('B failed')",
        "C was cancelled",
    ]
    assert out.virtual_time == pytest.approx(0.2)  # C's 0.5 s never ran out


def test_a_taskgroup_stops_the_others_by_itself(python):
    out = python.run("questions/stop_on_error_taskgroup.py")
    if not python.at_least(3, 11):
        missing_attribute(out, "TaskGroup")
        return
    assert clean(out) == [
        "stopped at 0.2s: (ValueError('B failed'),)",
        "A returned 'A'",
        "B raised ValueError('B failed')",
        "C was cancelled",
    ]
    assert out.virtual_time == pytest.approx(0.2)


# ------------------------------------------------------------------ first result


def test_the_first_result_wins_and_the_rest_are_cancelled(python):
    out = python.run("questions/first_result_cancel_rest.py")
    assert clean(out) == ["data from mirror-2 at 0.2s", "cancelled: ['mirror-1', 'mirror-3']"]
    assert out.virtual_time == pytest.approx(0.2)


# ---------------------------------------------------------------- blocking calls


def test_time_sleep_in_a_coroutine_stops_the_ticks_and_asyncio_sleep_does_not(python):
    out = python.run("questions/blocking_call_stalls_loop.py")
    assert clean(out) == [
        "blocking: ticks at [0.0, 0.3, 0.4, 0.5, 0.6]",
        "non_blocking: ticks at [0.0, 0.1, 0.2, 0.3, 0.4]",
    ]
    assert out.virtual_time == pytest.approx(0.7 + 0.5)


def test_to_thread_keeps_the_ticks_going_where_there_are_threads(python):
    out = python.run("questions/to_thread.py")
    if not python.at_least(3, 9):
        missing_attribute(out, "to_thread")
        assert out.stdout == ""
        return
    if python.pyodide:  # WebAssembly without threads: the 3.14 and 3.15 measured here
        assert out.exception == {"type": "RuntimeError", "message": "can't start new thread"}
        assert out.stdout == ""
        return
    assert clean(out) == [
        "to_thread: ticks at [0.0, 0.1, 0.2, 0.3, 0.4]",
        "blocking_call() returned",
    ]
    assert out.virtual_time == pytest.approx(0.5)


# -------------------------------------------------------------- keep references


def test_background_tasks_are_referenced_until_done(python):
    out = python.run("questions/background_tasks.py")
    assert clean(out) == [
        "tasks referenced: 3",
        "event 1 logged",
        "event 2 logged",
        "event 3 logged",
        "tasks referenced: 0",
    ]


# ------------------------------------------------------------------ running loop


def test_asyncio_run_inside_a_running_loop_raises_and_await_works(python):
    out = python.run("questions/run_inside_running_loop.py")
    assert out.exception is None
    assert out.lines == [
        "asyncio.run(main()): asyncio.run() cannot be called from a running event loop",
        "await main(): main() ran",
    ]
    assert [(w["category"], w["message"]) for w in out.warnings] == [
        ("RuntimeWarning", "coroutine 'main' was never awaited")
    ]


# ------------------------------------------------------------------ loop argument


def test_the_loop_argument_warns_then_is_gone(python):
    out = python.run("questions/loop_argument.py")
    if python.at_least(3, 10):
        assert out.exception == {
            "type": "TypeError",
            "message": "sleep() got an unexpected keyword argument 'loop'",
        }
        assert out.stdout == "" and out.warnings == []
        return
    assert out.exception is None
    assert out.lines == ["sleep(0.1, loop=loop) accepted"]
    assert [(w["category"], w["message"]) for w in out.warnings] == [
        (
            "DeprecationWarning",
            "The loop argument is deprecated since Python 3.8, and scheduled for removal in Python 3.10.",
        )
    ]


# ------------------------------------------------------ module-level semaphore


def test_a_module_level_semaphore_fails_on_contention_before_3_10(python):
    out = python.run("questions/semaphore_at_module_level.py")
    if python.at_least(3, 10):
        assert clean(out) == ["['A', 'B']"]
        assert out.virtual_time == pytest.approx(0.2)  # B waited for A
        return
    assert out.exception["type"] == "RuntimeError"
    assert out.exception["message"].endswith(
        "got Future <Future pending> attached to a different loop"
    )
    assert "in acquire" in out.stderr  # B's wait for the slot
    assert out.stdout == ""
    assert [(w["category"], w["message"].split(" <")[0]) for w in out.warnings] == [
        ("ResourceWarning", "unclosed event loop")
    ]


# -------------------------------------------------------- swallowed cancellation


def test_a_taskgroup_waits_for_a_child_that_swallows_its_cancellation(python):
    out = python.run("questions/taskgroup_swallowed_cancel.py")
    if not python.at_least(3, 11):
        missing_attribute(out, "TaskGroup")
        return
    assert clean(out) == [
        "stubborn: cancelled, carrying on",
        "ExceptionGroup at 0.3s: (ValueError('fails'),)",
        "stubborn cancelled: False | result: stubborn finished",
    ]
    assert out.virtual_time == pytest.approx(0.3)


# -------------------------------------------------------------------- call graph

CALL_GRAPH = [
    "read B2: read()",
    "    download B: download()",
    "        main: main()",
    "[['A1', 'A2'], ['B1', 'B2']]",
]


def test_the_call_graph_shows_who_awaits_whom_from_3_14(python):
    out = python.run("questions/call_graph.py")
    if not python.at_least(3, 14):
        missing_attribute(out, "capture_call_graph")
        assert out.stdout == ""
        return
    assert clean(out) == CALL_GRAPH


def test_the_call_graph_is_the_same_when_the_page_traces_the_run(python):
    if not python.at_least(3, 14):
        pytest.skip("capture_call_graph() is new in 3.14")
    assert python.run("questions/call_graph.py", trace=True).lines == CALL_GRAPH
