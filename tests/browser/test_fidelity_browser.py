"""The page runs what CPython runs: every cell, as a reader runs it, against CPython 3.14 in Node.

The page's Python is Pyodide 314.0.7 (CPython 3.14.2) on cellrun's loop, so each cell must
end as that CPython ends the snippet (done or error, the same exception line) and print the
same lines: the reference is the same file run by tests/pyodide_host.mjs (seed 0, virtual
clock); the page runs it in real time with seed 0, so only timing may show (tests/timing.py:
numbers within a tolerance, and the order of lines printed by tasks that end a few ms apart). Also here: Stop of the three ways a run can wait, with and without JSPI.
"""

from __future__ import annotations

import re
import time

import pytest
from site_pages import FINISHED, FIRST_LOAD, RUN, STOP, Cells
from timing import differences, races

from devkit.interpreters import interpreters

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import expect  # noqa: E402

PAGE_PYTHON = "pyodide-3.14"
NO_JSPI = (
    "delete WebAssembly.Suspending; delete WebAssembly.Suspender; delete WebAssembly.promising;\n"
)
# What the program printed: the log without the stderr it also shows (marked .cell-stderr).
STDOUT = "el => { const copy = el.cloneNode(true); copy.querySelectorAll('.cell-stderr').forEach((e) => e.remove()); return copy.textContent; }"
STDERR = "el => Array.from(el.querySelectorAll('.cell-stderr'), (e) => e.textContent).join('')"


def cpython(snippet: str):
    return interpreters()[PAGE_PYTHON].run(snippet, seed=0, virtual=True, trace=True)


def last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def mismatch(snippet: str, cell) -> str | None:
    """Why the cell's finished run is not CPython's, or None."""
    want = cpython(snippet)
    state = cell.get_attribute("data-state")
    log = cell.get_by_role("log")
    if state != ("done" if want.exit_code == 0 else "error"):
        return "state %s, CPython exits %d (%s)" % (state, want.exit_code, last_line(want.stderr))
    problems = differences(
        want.lines, log.evaluate(STDOUT).splitlines(), ordered=not races(want.timeline)
    )
    if want.exception and last_line(log.evaluate(STDERR)) != last_line(want.stderr):
        problems.append(
            "ends with %r, CPython with %r"
            % (last_line(log.evaluate(STDERR)), last_line(want.stderr))
        )
    return "; ".join(problems) or None


def without_jspi(context):
    """Every worker of this context starts with JSPI removed, as in a browser that lacks it."""

    def strip(route):
        response = route.fetch()
        route.fulfill(response=response, body=NO_JSPI + response.text())

    context.route(re.compile(r".*/assets/cells/worker\.js$"), strip)


class Walk:
    """One page (one worker) running each cell of its pages in turn, seed 0, real time."""

    def __init__(self, cells: Cells, paths: list):
        self.cells, self.paths, self.failures, self.count = cells, paths, [], 0
        self.steps = self._steps()

    def _steps(self):
        for number, path in enumerate(self.paths):
            if number == 0:
                self.cells.goto(path)
            else:
                self.cells.navigate(path)
            for index, snippet in enumerate(self.cells.snippets()):
                cell = self.cells.cell(index=index)
                cell.evaluate("el => { el.dataset.seed = '0'; }")
                cell.get_by_role("button", name=RUN).click()
                started = time.monotonic()
                while not FINISHED.match(cell.get_attribute("data-state") or ""):
                    assert time.monotonic() - started < FIRST_LOAD / 1000 + 30, (
                        "%s%s never finished" % (path, snippet)
                    )
                    yield
                self.count += 1
                problem = mismatch(snippet, cell)
                if problem:
                    log = cell.get_by_role("log").text_content() or ""
                    self.failures.append("%s%s: %s\n%s" % (path, snippet, problem, log[-400:]))


def walk_together(walks: list, page) -> None:
    """Advance every walk until all are done, polling their cells' states (no fixed waits)."""
    active = list(walks)
    while active:
        for walk in list(active):
            try:
                next(walk.steps)
            except StopIteration:
                active.remove(walk)
        page.wait_for_timeout(100)  # a polling interval: each round checks every walk's state


def test_every_cell_in_both_languages_prints_what_cpython_314_prints(context, served):
    pages = served.pages_with_cells()
    english = [p for p in pages if not p.startswith("zh/")]
    chinese = [p for p in pages if p.startswith("zh/")]
    assert english and len(english) == len(chinese)
    # One page per language, side by side: each has its own worker, and the cells mostly sleep.
    walks = [Walk(Cells(context.new_page(), served), paths) for paths in (english, chinese)]
    walk_together(walks, walks[0].cells.page)
    assert {walk.cells.page.evaluate("() => document.documentElement.lang") for walk in walks} == {
        "en",
        "zh",
    }
    failures = [f for walk in walks for f in walk.failures]
    count = sum(walk.count for walk in walks)
    assert count == sum(len(served.snippets(p)) for p in pages)
    assert not failures, "%d of %d cells differ from CPython %s:\n\n" % (
        len(failures),
        count,
        interpreters()[PAGE_PYTHON].started().python,
    ) + "\n\n".join(failures)


LEGACY_LOOP_CELLS = [
    "legacy/gather_groups_legacy.py",
    "legacy/wait_three_steps_legacy.py",
    "legacy/get_event_loop_after_close.py",
]


def test_legacy_cells_stop_with_314s_runtime_error(warm_context, served):
    cells = Cells(warm_context.new_page(), served).goto("legacy/")
    for snippet in LEGACY_LOOP_CELLS:
        cell = cells.cell(snippet)
        assert cells.run(cell, timeout=FIRST_LOAD) == "error", snippet
        log = cells.log(cell)
        assert "RuntimeError: There is no current event loop in thread 'MainThread'." in log, (
            snippet
        )
        assert "closed: False" not in log and "second run" not in log


def test_without_jspi_every_cell_of_a_page_runs_unmodified_and_prints_what_cpython_prints(
    context, served
):
    without_jspi(context)
    walk = Walk(Cells(context.new_page(), served), ["gather/"])
    walk_together([walk], walk.cells.page)
    assert walk.count == len(served.snippets("gather/"))
    assert "JSPI" in walk.cells.cell().get_by_role("status").text_content()
    assert not walk.failures, "\n\n".join(walk.failures)


WAITS = {
    "await-loop": "import asyncio\n\n\nasync def main():\n    while True:\n        print('tick', flush=True)\n"
    "        await asyncio.sleep(0.2)\n\n\nasyncio.run(main())\n",
    "cpu-loop": "print('tick', flush=True)\nwhile True:\n    pass\n",
    "time-sleep": "import time\n\nprint('tick', flush=True)\ntime.sleep(60)\n",
}


# Clicks Stop and resolves with the seconds until the cell says "stopped", on the page's own clock.
STOP_AND_TIME = """(cell, label) => new Promise((resolve) => {
  const stop = [...cell.querySelectorAll('button')].find((b) => b.textContent === label);
  const start = performance.now();
  const seen = new MutationObserver(() => {
    if (cell.dataset.state !== 'stopped') return;
    seen.disconnect();
    resolve((performance.now() - start) / 1000);
  });
  seen.observe(cell, { attributes: true, attributeFilter: ['data-state'] });
  stop.click();
})"""


@pytest.mark.parametrize("jspi", [True, False], ids=["jspi", "no-jspi"])
def test_stop_ends_each_kind_of_wait_within_a_second_and_the_next_run_works(context, served, jspi):
    if not jspi:
        without_jspi(context)
    cells = Cells(context.new_page(), served).goto("gather/")
    cell = cells.cell()
    timings = {}
    for name, code in WAITS.items():
        cells.set_code(cell, code)
        cell.get_by_role("button", name=RUN).click()
        expect(cell.get_by_role("log")).to_contain_text("tick", timeout=FIRST_LOAD)
        expect(cell).to_have_attribute("data-state", "running")
        timings[name] = cell.evaluate(
            STOP_AND_TIME, cell.get_by_role("button", name=STOP).text_content()
        )
        expect(cell).to_have_attribute("data-state", "stopped")
        cells.set_code(cell, "print('next')\n")
        assert cells.run(cell, timeout=FIRST_LOAD) == "done", name
        assert cells.log(cell) == "next\n", name
    print("Stop -> stopped (s):", {name: round(t, 3) for name, t in timings.items()})
    assert all(t < 1.0 for t in timings.values()), timings
