"""cellrun itself: the runner every other test, the matrix and the browser rely on."""

import asyncio
import time

import pytest

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
    assert [item for item in seen if item[1] != "\n"] == [("stdout", "a"), ("stderr", "b\n"), ("stdout", "c")]
    assert outcome.stdout == "a\nc\n" and outcome.stderr == "b\n"


def test_each_run_gets_a_fresh_namespace_and_no_current_loop():
    first = run_source("import asyncio\nx = 1\nloop = asyncio.new_event_loop()\nasyncio.set_event_loop(loop)\n")
    second = run_source("print('x' in globals())\n")
    assert first.exit_code == 0
    assert second.stdout == "False\n"


def test_an_exception_is_reported_with_a_traceback_from_the_snippet():
    outcome = run_source("def f():\n    raise ValueError('boom')\nf()\n", "demo.py")
    assert outcome.exit_code == 1
    assert outcome.exception == {"type": "ValueError", "message": "boom"}
    assert outcome.stderr.startswith("Traceback (most recent call last):\n  File \"demo.py\", line 3")
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
    source = "import asyncio\nasync def main():\n    await asyncio.Event().wait()\nasyncio.run(main())\n"
    outcome = run_source(source, virtual=True)
    assert outcome.exception["type"] == "RuntimeError"
    assert "hang forever" in outcome.exception["message"]


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


def test_top_level_entry_points_become_awaits_without_touching_functions():
    import ast

    from cellrun.browser import await_entry_points

    source = "async def f():\n    asyncio.run(g())\nx = loop.run_until_complete(f())\nasyncio.run(f())\n"
    tree = await_entry_points(ast.parse(source))
    calls = [type(node.value).__name__ for node in tree.body[1:]]
    assert calls == ["Await", "Await"]
    assert isinstance(tree.body[0].body[0].value, ast.Call)  # inside a function: untouched


def test_the_no_jspi_path_runs_unmodified_code_on_the_callers_loop_and_cancels_leftovers():
    import json

    from cellrun.browser import Runs

    async def host():
        report = json.loads(await Runs().run_async(FOREVER, "forever.py"))
        await asyncio.sleep(0)
        return report, [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()]

    report, left = asyncio.run(host())
    assert report["stdout"] == "main done\n" and report["exit_code"] == 0
    assert left == []


def test_stop_cancels_a_run_in_progress():
    import json

    from cellrun.browser import Runs

    endless = "import asyncio\nasync def main():\n    while True:\n        await asyncio.sleep(0.01)\nasyncio.run(main())\n"

    async def host():
        runs = Runs()
        run = asyncio.ensure_future(runs.run_async(endless, "endless.py"))
        await asyncio.sleep(0.05)
        assert runs.stop() >= 1
        return json.loads(await run)

    report = asyncio.run(host())
    assert report["exception"]["type"] == "CancelledError"


def test_time_sleep_blocks_and_input_explains_itself():
    import json

    from cellrun.browser import INPUT_MESSAGE, Runs, blocking_sleep

    waits = []
    start = time.perf_counter()
    blocking_sleep(lambda s: (waits.append(s), time.sleep(s)))(0.12)
    assert time.perf_counter() - start >= 0.12 and max(waits) <= 0.05
    start = time.perf_counter()
    blocking_sleep()(0.05)  # busy loop
    assert time.perf_counter() - start >= 0.05

    report = json.loads(Runs().run("name = input('Name? ')\n", "ask.py"))
    assert report["stdout"] == "Name? "
    assert report["exception"] == {"type": "EOFError", "message": INPUT_MESSAGE}


def test_a_real_time_run_uses_the_given_sleep():
    calls = []
    outcome = run_source("import time\ntime.sleep(2)\n", sleep=calls.append)
    assert calls == [2] and outcome.exit_code == 0
    assert time.sleep is not calls.append


def test_json_reports_name_no_path_of_this_machine(tmp_path):
    import json
    import subprocess
    import sys
    import sysconfig

    snippet = tmp_path / "empty.py"
    snippet.write_text("import asyncio\nasyncio.run(asyncio.wait(set()))\n")
    done = subprocess.run([sys.executable, "-m", "cellrun", "--json", str(snippet)], capture_output=True, text=True)
    stderr = json.loads(done.stdout)["stderr"]
    assert 'File "<stdlib>/asyncio/' in stderr
    assert sysconfig.get_paths()["stdlib"] not in stderr
