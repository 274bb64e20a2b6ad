"""cellrun itself: the runner every other test, the matrix and the browser rely on."""

import asyncio
import time

import pytest
from timing import differences

from cellrun import run_source

SLEEPS = """
import asyncio

async def main():
    loop = asyncio.get_running_loop()
    await asyncio.gather(asyncio.sleep(5), asyncio.sleep(3))
    print(round(loop.time(), 3))

asyncio.run(main())
"""


def test_virtual_clock_takes_no_real_time_and_adds_up():
    start = time.perf_counter()
    outcome = run_source(SLEEPS, virtual=True)
    assert time.perf_counter() - start < 1
    assert outcome.stdout == "5.0\n"
    assert outcome.virtual_time == pytest.approx(5.0)


def test_time_sleep_blocks_the_virtual_loop():
    source = """
import asyncio, time

async def ticker():
    for _ in range(3):
        print("tick", asyncio.get_running_loop().time())
        await asyncio.sleep(1)

async def main():
    task = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    time.sleep(2.5)
    await task

asyncio.run(main())
"""
    outcome = run_source(source, virtual=True)
    assert outcome.stdout.splitlines() == ["tick 0.0", "tick 2.5", "tick 3.5"]


def test_output_streams_in_order_to_the_sink():
    seen = []
    source = "import sys\nprint('a')\nsys.stderr.write('b\\n')\nprint('c')\n"
    outcome = run_source(source, sink=lambda stream, text: seen.append((stream, text)))
    assert [item for item in seen if item[1] != "\n"] == [
        ("stdout", "a"),
        ("stderr", "b\n"),
        ("stdout", "c"),
    ]
    assert outcome.stdout == "a\nc\n" and outcome.stderr == "b\n"


def test_each_run_gets_a_fresh_namespace_and_no_current_loop():
    first = run_source(
        "import asyncio\nx = 1\nloop = asyncio.new_event_loop()\nasyncio.set_event_loop(loop)\n"
    )
    second = run_source("print('x' in globals())\n")
    assert first.exit_code == 0
    assert second.stdout == "False\n"


def test_an_exception_is_reported_with_a_traceback_from_the_snippet():
    outcome = run_source("def f():\n    raise ValueError('boom')\nf()\n", "demo.py")
    assert outcome.exit_code == 1
    assert outcome.exception == {"type": "ValueError", "message": "boom"}
    assert outcome.stderr.startswith('Traceback (most recent call last):\n  File "demo.py", line 3')
    assert "cellrun" not in outcome.stderr
    assert "    raise ValueError('boom')" in outcome.stderr


def test_a_syntax_error_is_reported_not_raised():
    outcome = run_source("print(\n", "broken.py")
    assert outcome.exception["type"] == "SyntaxError"
    assert "broken.py" in outcome.stderr


def test_system_exit_sets_the_exit_code():
    assert run_source("raise SystemExit(3)").exit_code == 3
    assert run_source("import sys\nsys.exit()").exit_code == 0


def test_leftover_tasks_on_an_open_loop_are_cancelled():
    source = """
import asyncio
async def forever():
    try:
        await asyncio.sleep(3600)
    finally:
        print("cancelled")
loop = asyncio.new_event_loop()
asyncio.set_event_loop(loop)
loop.create_task(forever())
loop.run_until_complete(asyncio.sleep(1))
"""
    outcome = run_source(source, virtual=True)
    assert outcome.stdout == "cancelled\n"


def test_a_deadlock_on_the_virtual_clock_is_an_error_not_a_hang():
    source = (
        "import asyncio\nasync def main():\n    await asyncio.Event().wait()\nasyncio.run(main())\n"
    )
    outcome = run_source(source, virtual=True)
    assert outcome.exception["type"] == "RuntimeError"
    assert "hang forever" in outcome.exception["message"]


THREAD_JOB = """
import asyncio, time

def blocking(seconds):
    time.sleep(seconds)
    return asyncio_loop.time()

async def ticker():
    for _ in range(4):
        print("tick", asyncio_loop.time())
        await asyncio.sleep(1)

async def main():
    global asyncio_loop
    asyncio_loop = asyncio.get_running_loop()
    done_at, _ = await asyncio.gather(asyncio.to_thread(blocking, 2.5), ticker())
    print("thread done at", done_at)
    asyncio_loop.run_in_executor(None, blocking, 3)  # never awaited: asyncio.run waits for it

asyncio.run(main())
"""


def test_a_thread_keeps_to_the_virtual_clock_and_repeats_exactly():
    outcomes = [run_source(THREAD_JOB, virtual=True) for _ in range(3)]
    assert outcomes[0].exception is None, outcomes[0].stderr
    assert {o.stdout for o in outcomes} == {outcomes[0].stdout}
    # The ticks go on while the thread sleeps; asyncio.run waits for the job nobody awaited.
    assert outcomes[0].stdout.splitlines() == [
        "tick 0.0",
        "tick 1.0",
        "tick 2.0",
        "tick 3.0",
        "thread done at 2.5",
    ]
    assert outcomes[0].virtual_time == pytest.approx(4.0 + 3.0)


def test_a_thread_that_waits_for_the_loop_is_let_go(monkeypatch):
    from cellrun.loop import ClockWaiter

    monkeypatch.setattr(ClockWaiter, "STUCK", 0.2)
    source = """
import asyncio, threading

async def main():
    event = threading.Event()
    task = asyncio.create_task(asyncio.to_thread(event.wait))
    await asyncio.sleep(1)
    event.set()
    print("waited:", await task)

asyncio.run(main())
"""
    outcome = run_source(source, virtual=True)
    assert (outcome.stdout, outcome.exception) == ("waited: True\n", None)
    assert outcome.virtual_time == pytest.approx(1.0)


def test_warnings_are_recorded_and_printed():
    outcome = run_source("import warnings\nwarnings.warn('old', DeprecationWarning)\n", "w.py")
    assert outcome.warnings == [{"category": "DeprecationWarning", "message": "old", "line": 2}]
    assert "w.py:2: DeprecationWarning: old" in outcome.stderr


def test_seed_makes_random_repeat():
    source = "import random\nprint(random.random())\n"
    assert run_source(source, seed=7).stdout == run_source(source, seed=7).stdout
    assert run_source(source, seed=7).stdout != run_source(source, seed=8).stdout


def test_the_policy_is_restored_after_a_virtual_run():
    before = type(asyncio.get_event_loop_policy())
    run_source(SLEEPS, virtual=True)
    assert type(asyncio.get_event_loop_policy()) is before


# ------------------------------------------------ cellrun.browser: what the page's worker adds

FOREVER = """
import asyncio

async def tick():
    while True:
        await asyncio.sleep(0.01)

async def main():
    asyncio.get_running_loop().create_task(tick())  # left running when main() returns
    print("main done")

if __name__ == "__main__":
    asyncio.run(main())
"""


def event_pause():
    """A host pause for CPython: waits on an Event, so another thread can wake it (as Stop does in the page)."""
    import threading

    event = threading.Event()

    def pause(seconds):
        event.wait(seconds)
        event.clear()

    return pause, event.set


def test_every_loop_is_a_cell_loop_and_asyncio_run_leaves_none_behind():
    source = (
        "import asyncio\n"
        "async def main():\n"
        "    print(type(asyncio.get_running_loop()).__name__)\n"
        "asyncio.run(main())\n"
        "print(type(asyncio.new_event_loop()).__name__)\n"
    )
    for virtual in (True, False):
        assert run_source(source, virtual=virtual).stdout == "CellLoop\nCellLoop\n"


def test_the_page_path_runs_unmodified_code_and_cancels_leftovers():
    import json

    from cellrun.browser import Runs

    pause, wake = event_pause()
    report = json.loads(Runs().run(FOREVER, "forever.py", pause=pause, wake=wake))
    assert report["stdout"] == "main done\n" and report["exit_code"] == 0
    # The timeline shows the loop as main() left it: tick still pending (then asyncio.run cancels it).
    assert [row["outcome"] for row in report["timeline"]["tasks"]] == ["done", "pending"]


@pytest.mark.parametrize(
    "body, error",
    [
        (
            "async def main():\n    while True:\n        await asyncio.sleep(0.01)\nasyncio.run(main())\n",
            "CancelledError",
        ),
        ("time.sleep(60)\n", "KeyboardInterrupt"),
        ("async def main():\n    time.sleep(60)\nasyncio.run(main())\n", "KeyboardInterrupt"),
    ],
    ids=["await-loop", "time-sleep", "time-sleep-in-a-task"],
)
def test_stop_ends_a_run_that_waits(body, error):
    """Stop from outside the run, as the worker's message handler calls it while Python is paused."""
    import json
    import threading

    from cellrun.browser import Runs

    runs = Runs()
    pause, wake = event_pause()
    stopper = threading.Timer(0.2, runs.stop)
    stopper.start()
    start = time.perf_counter()
    report = json.loads(
        runs.run("import asyncio, time\n" + body, "endless.py", pause=pause, wake=wake)
    )
    assert time.perf_counter() - start < 5
    assert report["exception"]["type"] == error
    # Stopped as Ctrl+C stops it: no traceback through asyncio's own frames, the page says "stopped".
    assert report["stopped"] and report["exit_code"] == 130
    assert "Traceback" not in report["stderr"] and error not in report["stderr"]
    runs.stop()  # between runs: nothing to stop, nothing breaks


def test_an_interrupt_stops_a_cpu_loop_and_is_answered():
    """The page's SIGINT (a cross-origin isolated page, or a worker without JSPI) as CPython takes it."""
    import json
    import os
    import signal
    import threading

    from cellrun.browser import Runs

    answered = []
    pause, wake = event_pause()
    before = signal.getsignal(signal.SIGINT)  # ignored, for one, in a job started with `&`
    threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT)).start()
    report = json.loads(
        Runs().run(
            "print('spinning')\nwhile True:\n    pass\n",
            "spin.py",
            pause=pause,
            wake=wake,
            answer=lambda: answered.append(True),
        )
    )
    assert answered == [True]
    assert report["stopped"] and report["stdout"] == "spinning\n" and report["stderr"] == ""
    assert signal.getsignal(signal.SIGINT) is before, "the handler the run found is put back"


def test_a_real_time_run_prints_what_a_virtual_run_prints():
    source = (
        "import asyncio, time\n"
        "async def tick(name, delay):\n"
        "    await asyncio.sleep(delay)\n"
        "    print(name, round(asyncio.get_running_loop().time() - start, 1))\n"
        "async def main():\n"
        "    await asyncio.gather(tick('b', 0.2), tick('a', 0.1))\n"
        "    time.sleep(0.1)\n"
        "    await tick('c', 0)\n"
        "start = 0\n"
        "loop = asyncio.new_event_loop()\n"
        "start = loop.time()\n"
        "loop.run_until_complete(main())\n"
        "loop.close()\n"
    )
    virtual = run_source(source, virtual=True, trace=True)
    real = run_source(source, trace=True)
    assert virtual.stdout == "a 0.1\nb 0.2\nc 0.3\n"
    assert (
        differences(virtual.stdout.splitlines(), real.stdout.splitlines()) == []
    )  # late only within margins
    outcomes = lambda run: [(row["name"], row["outcome"]) for row in run.timeline["tasks"]]  # noqa: E731
    assert outcomes(real) == outcomes(virtual)


def test_input_explains_itself():
    import json

    from cellrun.browser import INPUT_MESSAGE, Runs

    report = json.loads(Runs().run("name = input('Name? ')\n", "ask.py", virtual=True))
    assert report["stdout"] == "Name? "
    assert report["exception"] == {"type": "EOFError", "message": INPUT_MESSAGE}


def test_json_reports_name_no_path_of_this_machine(tmp_path):
    import json
    import subprocess
    import sys
    import sysconfig

    snippet = tmp_path / "empty.py"
    snippet.write_text("import asyncio\nasyncio.run(asyncio.wait(set()))\n")
    done = subprocess.run(
        [sys.executable, "-m", "cellrun", "--json", str(snippet)], capture_output=True, text=True
    )
    stderr = json.loads(done.stdout)["stderr"]
    assert 'File "<stdlib>/asyncio/' in stderr
    assert sysconfig.get_paths()["stdlib"] not in stderr


# A breath in the run's own Python pauses; one that lands in Pyodide's own Python (here a
# module named as its WebLoop) does not.
HOST_CALL = """
host = {"__name__": "pyodide.webloop"}
exec("import os\\ndef inner():\\n    pass\\ndef call(sig):\\n    os.kill(os.getpid(), sig)\\n    inner()\\n", host)
host["call"](%d)
"""


@pytest.mark.parametrize("where, tried", [("run", 1), ("host", 0)])
def test_a_breath_is_taken_in_the_run_only_and_a_refused_one_is_skipped(monkeypatch, where, tried):
    """With JSPI, a breath pauses the run (run_sync); elsewhere it is skipped, and so is a pause
    that Pyodide refuses (here a fake ``pyodide.ffi`` refuses every switch).

    Seen in the page under load: a breath landed in the callback resolving the run's pause,
    can_run_sync() said True, run_sync raised SystemError, and the run hung.
    """
    import json
    import signal
    import sys
    import types

    from cellrun.browser import BREATHE, Runs

    refused = []

    def run_sync(awaitable):
        refused.append(awaitable)
        raise SystemError("Cannot stack switch: no thread state to hand control back to.")

    ffi = types.ModuleType("pyodide.ffi")
    ffi.run_sync, ffi.can_run_sync = run_sync, lambda: True
    monkeypatch.setitem(sys.modules, "pyodide", types.ModuleType("pyodide"))
    monkeypatch.setitem(sys.modules, "pyodide.ffi", ffi)
    before = signal.getsignal(BREATHE)
    breath = "import os\nos.kill(os.getpid(), %d)\n" if where == "run" else HOST_CALL
    report = json.loads(
        Runs().run(
            breath % BREATHE + "print('went on')\n",
            "breath.py",
            virtual=True,
            pause=lambda seconds: "a promise",
            jspi=True,
        )
    )
    assert refused == ["a promise"] * tried
    assert (report["stdout"], report["stderr"], report["exit_code"]) == ("went on\n", "", 0)
    assert signal.getsignal(BREATHE) is before, "the handler the run found is put back"
