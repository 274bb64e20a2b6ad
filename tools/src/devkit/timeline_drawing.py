"""Measure what drawing a live timeline costs the page's main thread.

Builds the site, serves it on 127.0.0.1, and in Debian's Chromium (Playwright) runs cells with
the worker already warm: the 1,000-task Semaphore pool in real time (about 6 s of live drawing),
the 1,000-task chunks on the virtual clock (all events at once, then the finished drawing), and
gather's 6 tasks in real time. For each, the page's own PerformanceObserver counts the long tasks
(over 50 ms, as Chromium reports them) from the click to half a second after the finished
drawing. Repeated REPS times; the figures are the median (min-max).
Usage: python -m devkit.timeline_drawing [--reps 3]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

import devkit.site
from devkit.chromium import launch
from devkit.server import SiteServer

ROOT = Path(__file__).resolve().parent.parent
CASES = [  # page, snippet, virtual clock
    ("batching/", "batching/semaphore_pool.py", False),
    ("batching/", "batching/chunks_wait_for_slowest.py", True),
    ("gather/", "gather/results_in_order.py", False),
]
RUN_AND_WAIT = """(snippet) => new Promise((resolve) => {
  const cell = document.querySelector(`.cell[data-snippet="${snippet}"]`);
  const tasks = [];
  const observer = new PerformanceObserver((list) => tasks.push(...list.getEntries().map((e) => e.duration)));
  observer.observe({ type: "longtask" });
  const began = performance.now();
  new MutationObserver(() => {
    // The finished drawing's style and layout come with the next frames.
    if (cell.dataset.state === "done") setTimeout(() => resolve({ tasks, ms: performance.now() - began }), 500);
  }).observe(cell, { attributes: true });
  cell.querySelector(".cell-run").click();
})"""


def measure(browser, base: str, page_path: str, snippet: str, virtual: bool) -> dict:
    page = browser.new_page()
    page.set_default_timeout(120_000)
    page.goto(base + page_path)
    warm = page.locator(".cell").first  # starts the worker, so Python's start-up is not counted
    warm.locator(".cell-clock").check()
    warm.locator(".cell-run").click()
    expect(warm).to_have_attribute("data-state", "done", timeout=120_000)
    cell = page.locator('.cell[data-snippet="%s"]' % snippet)
    cell.scroll_into_view_if_needed()
    if virtual:
        cell.locator(".cell-clock").check()
    time.sleep(1)
    # Clicked and awaited from inside the page: Playwright's polling would add main-thread tasks of its own.
    result = page.evaluate(RUN_AND_WAIT, snippet)
    bars = cell.locator("details.cell-timeline svg[data-timeline] [data-task]").count()
    page.close()
    return {
        "longest": max(result["tasks"], default=0),
        "long": len(result["tasks"]),
        "ms": result["ms"],
        "bars": bars,
    }


def spread(values, unit=""):
    show = "{:.0f}{}".format
    return "%s (%s-%s)" % (
        show(statistics.median(values), unit),
        show(min(values), unit),
        show(max(values), unit),
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    server = SiteServer(None, prefix="/")
    server.serve(devkit.site.shared(server.base)[0])
    results = {case: [] for case in CASES}
    with server as base, sync_playwright() as p:
        browser = launch(p)
        for _ in range(args.reps):
            for case in CASES:
                results[case].append(measure(browser, base, *case))
        version = browser.version
        browser.close()
    print(
        "Chromium %s, %d cores; %d repetitions, median (min-max); main thread from click to finished drawing"
        % (version, os.cpu_count(), args.reps)
    )
    print("| Cell | Clock | Bars | Click to finished drawing | Long tasks (over 50 ms) | Longest |")
    print("|---|---|---|---|---|---|")
    for (_page_path, snippet, virtual), runs in results.items():
        print(
            "| %s | %s | %d | %s | %s | %s |"
            % (
                snippet,
                "virtual" if virtual else "real",
                runs[0]["bars"],
                spread([r["ms"] for r in runs], " ms"),
                spread([r["long"] for r in runs]),
                spread([r["longest"] for r in runs], " ms"),
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
