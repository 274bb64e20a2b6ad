"""The live timeline in a real browser (issue: see the tasks).

- while a cell runs, bars appear (``svg[data-timeline][data-live]``), running ones as ``pending``;
- when it ends, the run's own drawing replaces the live one, and its bars (``data-task`` /
  ``data-outcome``), markers and table rows are those of the CPython reference run
  (data/timelines/), in real time and on the virtual clock alike;
- a thousand-task run ends as the reference's lanes;
- Reset brings the reference drawing back.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import expect  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
RUN = re.compile(r"^\s*(Run|运行)")
RESET = re.compile(r"^\s*(Reset|重置)")
LOAD = 90_000


def reference(snippet: str) -> dict:
    return json.loads(
        (ROOT / "data" / "timelines" / snippet.replace(".py", ".json")).read_text("utf-8")
    )["timeline"]


def open_cell(context, served, page_path: str, snippet: str):
    page = context.new_page()
    page.set_default_timeout(LOAD)
    page.goto(served.url(page_path))
    cell = page.locator('.cell[data-snippet="%s"]' % snippet)
    expect(cell.get_by_role("button", name=RUN)).to_be_visible(timeout=15_000)
    return page, cell


def drawn(cell) -> dict:
    """What the cell's timeline shows: bars in order, marker kinds, table rows."""
    drawing = cell.locator("details.cell-timeline svg[data-timeline]")
    expect(drawing).to_have_count(1)
    table = cell.locator("details.cell-timeline details.tl-details")
    if table.get_attribute("open") is None:
        table.locator("summary").click()  # a run's table is parsed when opened
    expect(table.locator("table.tl-table")).to_have_count(1)
    return {
        "live": drawing.get_attribute("data-live") is not None,
        "bars": drawing.locator("[data-task]").evaluate_all(
            "bars => bars.map(b => [b.dataset.task, b.dataset.outcome])"
        ),
        "markers": drawing.locator("[data-marker]").evaluate_all(
            "ms => ms.map(m => m.dataset.marker)"
        ),
        "rows": cell.locator(".tl-table tbody tr[data-task]").count(),
    }


def expected(timeline: dict) -> dict:
    return {
        "live": False,
        "bars": [[t["name"], t["outcome"]] for t in timeline["tasks"]],
        "markers": [m["kind"] for m in timeline["markers"]],
        "rows": len(timeline["tasks"]),
    }


def test_bars_appear_while_a_cell_runs_and_end_as_the_reference_run(warm_context, served):
    snippet = "alternatives/taskgroup_cancels_siblings.py"  # 2 s: done, failed and cancelled tasks
    page, cell = open_cell(warm_context, served, "alternatives/", snippet)
    ref = reference(snippet)
    # With JavaScript the reference output folds away (the run's output takes its place).
    assert cell.locator("details.cell-reference").get_attribute("open") is None
    before = drawn(cell)
    assert before == expected(ref), "the static fallback is the reference run"
    summary = cell.locator("details.cell-timeline > summary").text_content()

    cell.get_by_role("button", name=RUN).click()
    live = cell.locator("svg[data-timeline][data-live]")
    expect(live.locator("[data-task]").first).to_be_attached(timeout=LOAD)
    assert cell.get_attribute("data-state") == "running", "bars appear while the cell runs"
    expect(live.locator('[data-outcome="pending"]').first).to_be_attached()  # a task still running
    expect(cell).to_have_attribute("data-state", "done", timeout=LOAD)
    assert drawn(cell) == expected(ref), (
        "a real-time run in Pyodide ends as CPython's reference run"
    )

    cell.locator(".cell-clock").check()
    cell.get_by_role("button", name=RUN).click()
    expect(cell).to_have_attribute("data-state", "done", timeout=LOAD)
    assert drawn(cell) == expected(ref), "the virtual clock draws the same tasks and outcomes"

    cell.get_by_role("button", name=RESET).click()
    assert drawn(cell) == before
    expect(cell.locator("details.cell-timeline > summary")).to_have_text(summary)
    page.close()


def test_a_thousand_task_run_ends_as_the_reference_lanes(warm_context, served):
    snippet = "batching/semaphore_pool.py"
    page, cell = open_cell(warm_context, served, "batching/", snippet)
    ref = reference(snippet)
    cell.locator(".cell-clock").check()
    cell.get_by_role("button", name=RUN).click()
    expect(cell).to_have_attribute("data-state", "done", timeout=LOAD)
    shown = drawn(cell)
    # The page's run is not seeded: other durations, so other lanes for each task; same tasks.
    assert sorted(shown["bars"]) == sorted(expected(ref)["bars"]) and len(shown["bars"]) == 1001
    lanes = cell.locator("details.cell-timeline svg[data-timeline] .tl-lane")
    expect(lanes).to_have_count(len(ref["lanes"]))
    page.close()


# A drawing's geometry in its own user units (the outer <svg>'s viewBox): each bar's box
# through every nested viewBox, the markers' lines and the axis' ticks.
GEOMETRY = """(svg) => {
  const outer = svg.getScreenCTM().inverse();
  const box = (rect) => {
    const m = outer.multiply(rect.getScreenCTM());
    const [x, y, w, h] = ["x", "y", "width", "height"].map((a) => Number(rect.getAttribute(a)));
    const p = new DOMPoint(x, y).matrixTransform(m);
    const q = new DOMPoint(x + w, y + h).matrixTransform(m);
    return [rect.dataset.task, rect.dataset.outcome, p.x, p.y, q.x - p.x, q.y - p.y];
  };
  return {
    viewBox: svg.getAttribute("viewBox"),
    bars: [...svg.querySelectorAll("rect[data-task]")].map(box),
    markers: [...svg.querySelectorAll("[data-marker] line")].map((l) =>
      ["x1", "y1", "y2"].map((a) => Number(l.getAttribute(a)))),
    ticks: [...svg.querySelectorAll(".tl-axis text")].map((t) =>
      [t.textContent, Number(t.getAttribute("x")), t.getAttribute("text-anchor")]),
  };
}"""

# Click Run; when the live drawing has settled (before the finished one replaces it), its geometry.
SETTLED = (
    """(cell) => new Promise((resolve) => {
  const measure = %s;
  const box = cell.querySelector("details.cell-timeline");
  box.addEventListener("timeline-settled",
    () => resolve(measure(box.querySelector("svg[data-timeline][data-live]"))), { once: true });
  cell.querySelector(".cell-run").click();
})"""
    % GEOMETRY
)


def _same(live: dict, finished: dict) -> None:
    """Equal up to cellrun.svg's rounding to 0.01 (and float error through the viewBoxes)."""
    assert live["viewBox"] == finished["viewBox"]
    assert len(live["bars"]) == len(finished["bars"])
    for got, want in zip(sorted(live["bars"]), sorted(finished["bars"])):
        assert got[:2] == want[:2]
        assert got[2:] == pytest.approx(want[2:], abs=0.02), (got, want)
    assert len(live["markers"]) == len(finished["markers"])
    for got, want in zip(live["markers"], finished["markers"]):
        assert got == pytest.approx(want, abs=0.02)
    assert [t[0] for t in live["ticks"]] == [t[0] for t in finished["ticks"]]
    assert [t[2] for t in live["ticks"]] == [t[2] for t in finished["ticks"]]
    assert [t[1] for t in live["ticks"]] == pytest.approx(
        [t[1] for t in finished["ticks"]], abs=0.02
    )


@pytest.mark.parametrize(
    "page_path, snippet, bars",
    [
        ("gather/", "gather/results_in_order.py", 6),
        ("batching/", "batching/semaphore_pool.py", 1001),
    ],
)
def test_the_live_drawing_ends_with_the_static_drawings_geometry(
    warm_context, served, page_path, snippet, bars
):
    """The live drawing (timeline.js, geometry from cellrun.svg at build time) settles exactly
    where cellrun/svg.py draws the same run, which the worker renders and the page then shows."""
    page, cell = open_cell(warm_context, served, page_path, snippet)
    cell.locator(".cell-clock").check()
    live = page.evaluate(SETTLED, cell.element_handle())
    expect(cell).to_have_attribute("data-state", "done", timeout=LOAD)
    finished = cell.locator("details.cell-timeline svg[data-timeline]:not([data-live])")
    expect(finished).to_have_count(1)
    expect(finished.locator("rect[data-task]")).to_have_count(bars)
    _same(live, finished.evaluate(GEOMETRY))
    page.close()


# Every frame of the live drawing until it settles: how many per-task <rect>s and bar paths it
# holds, and at the settled event the same counts.
WATCH_LIVE = """(cell) => new Promise((resolve) => {
  const box = cell.querySelector("details.cell-timeline");
  const frames = [];
  const count = () => {
    const live = box.querySelector("svg[data-timeline][data-live]");
    return live && [live.querySelectorAll("rect[data-task]").length,
                    live.querySelectorAll("path.tl-bar").length];
  };
  let settled = false;
  const watch = () => {
    if (settled) return;
    const seen = count();
    if (seen) frames.push(seen);
    requestAnimationFrame(watch);
  };
  box.addEventListener("timeline-settled", () => {
    settled = true;
    resolve({ frames, settled: count() });
  }, { once: true });
  cell.querySelector(".cell-run").click();
  requestAnimationFrame(watch);
})"""


def test_a_thousand_live_tasks_are_a_few_paths_until_the_drawing_settles(warm_context, served):
    """Past cellrun.svg's MAX_ROWS tasks the live bars are one path per outcome (a frame
    restyles four elements, not a thousand); settled, every task has its own bar again."""
    page, cell = open_cell(warm_context, served, "batching/", "batching/semaphore_pool.py")
    cell.locator(".cell-clock").check()
    seen = page.evaluate(WATCH_LIVE, cell.element_handle())
    expect(cell).to_have_attribute("data-state", "done", timeout=LOAD)
    # Settling puts a <rect> per task back, a slice a frame, before the paths go.
    live = [(rects, paths) for rects, paths in seen["frames"] if paths]
    assert live, "the live drawing never drew its many tasks as paths"
    assert any(rects == 0 for rects, _ in live), live
    assert max(paths for _, paths in live) <= 4  # pending, done, failed, cancelled
    assert seen["settled"] == [1001, 0]
    page.close()
