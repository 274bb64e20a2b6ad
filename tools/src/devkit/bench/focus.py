"""A focused A/B probe (``python -m devkit.bench.focus SITE_A SITE_B``): a few of `make bench`'s
figures, measured on two or more builds served side by side, their repetitions interleaved
(A, B, A, B...) so that both see the same load on a shared machine. Each figure is the median
of its samples, with the 1-minute load average read at each repetition.

  warm      warm click -> the first program line (gather/, virtual clock), --runs per repetition
  phases    a cold load's worker marks: Python started -> cellrun loaded -> ready
  batching  the batching page's 1,000-task cells: the longest main-thread task while each runs
  editor    the editor's activation (point at the code, click in it): its longest task
  flood     a 2,000-line print flood in gather/'s first cell: its longest task
  small     gather/'s small cells: the longest task while each runs
  load      every page with cells, loaded in turn in one new context: the longest task of the
            first (cold) page and of each of the others. Back to back, harsher than the
            sweep, where each page's cells run before the next page loads.

--trace DIR writes a Chrome trace of each scenario's last repetition (chrome://tracing, Perfetto).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
from pathlib import Path

from playwright.sync_api import sync_playwright

from devkit.chromium import launch
from devkit.chromium import trace as chromium_trace
from devkit.server import SiteServer
from devkit.site import pages_with_cells

from .probes import (
    cell_of,
    first_output,
    long_tasks,
    wait_finished,
    worker_phases,
)
from .scenarios import SETTLE_MS, new_context
from .stats import cause
from .sweep import _editor, _flood, _load, _run

BATCHING = ("batching/semaphore_pool.py", "batching/chunks_wait_for_slowest.py")
SMALL = ("gather/results_in_order.py", "gather/groups_of_groups.py", "gather/cancel_a_group.py")
TRACE_CATEGORIES = (
    "devtools.timeline,disabled-by-default-devtools.timeline,v8.execute,blink.user_timing"
)


def _worst(window) -> dict:
    frame = window["frame"]
    return {"longest": max(window["tasks"], default=0), "cause": cause(frame)}


# In the cells' worker: when each run message arrived and when each message went out, on the
# page's clock (timeOrigin + now), to split a warm click's wait into the worker's part and the page's.
WORKER_CLOCK = """() => {
  if (self.__posts) return;
  self.__posts = [];
  self.__received = [];
  const post = self.postMessage.bind(self);
  const at = () => performance.timeOrigin + performance.now();
  self.postMessage = (message, ...rest) => { self.__posts.push([message.type, at()]); return post(message, ...rest); };
  const receive = self.onmessage;
  self.onmessage = (event) => { if (event.data.type === "run") self.__received.push(at()); return receive(event); };
}"""


def warm(page, base, runs) -> dict:
    page.goto(base + "gather/", wait_until="networkidle")
    cell = cell_of(page, "gather/returns_a_future.py")
    first_output(page, cell)
    wait_finished(page, cell)
    worker = next(w for w in page.workers if w.url.endswith("/assets/cells/worker.js"))
    worker.evaluate(WORKER_CLOCK)
    lines, tasks, took, posted = [], [], [], []
    for _ in range(runs):
        page.wait_for_timeout(SETTLE_MS)
        worker.evaluate("() => { self.__posts = []; self.__received = []; }")
        out = first_output(page, cell)
        lines.append(out["line"])
        wait_finished(page, cell)
        got = worker.evaluate("() => [self.__received[0], self.__posts]")
        output = next(t for kind, t in got[1] if kind == "output")
        took.append(got[0] - out["at"])  # click -> the worker has the run
        posted.append(output - out["at"])  # click -> its first output message leaves the worker
        page.wait_for_timeout(SETTLE_MS)
        tasks += long_tasks(page, out["click"])
    return {"line": lines, "received": took, "posted": posted, "longest": max(tasks, default=0)}


def phases(page, base) -> dict:
    page.goto(base + "gather/", wait_until="networkidle")
    cell = cell_of(page, "gather/returns_a_future.py")
    out = first_output(page, cell)
    got = worker_phases(page, out["at"])
    wait_finished(page, cell)
    return {
        "cellrun": got["load:cellrun"] - got["load:python"],
        "ready": got["load:ready"] - got["load:cellrun"],
    }


def cells_of(page, base, path, snippets) -> dict:
    page.goto(base + path, wait_until="networkidle")
    cell_of(page)
    page.wait_for_timeout(SETTLE_MS)
    out = {}
    for snippet in snippets:
        cell = cell_of(page, snippet)
        cell.scroll_into_view_if_needed()
        out[snippet] = _worst(_run(page, cell))
    return out


def editor(page, base) -> dict:
    page.goto(base + "gather/", wait_until="networkidle")
    return _worst(_editor(page))


def loads(page, base, pages) -> dict:
    longest = [max(_load(page, base + path)["tasks"], default=0) for path in pages]
    return {"first": longest[0], "others": longest[1:]}  # the others pooled over repetitions


def scenario(browser, base, site, what, runs, trace=None):
    ctx = new_context(browser)
    page = ctx.new_page()
    if what != "load":
        page.goto(base + "gather/", wait_until="networkidle")
    if what not in ("phases", "load"):  # a started worker first: the figures below are of warm runs
        cell = cell_of(page, "gather/returns_a_future.py")
        first_output(page, cell)
        wait_finished(page, cell)

    def measure():
        if what == "warm":
            return warm(page, base, runs)
        if what == "phases":
            return phases(page, base)
        if what == "batching":
            return cells_of(page, base, "batching/", BATCHING)
        if what == "small":
            return cells_of(page, base, "gather/", SMALL)
        if what == "flood":
            return _worst(_flood(page))
        if what == "load":
            return loads(page, base, pages_with_cells(site))
        return editor(page, base)

    try:
        if not trace:
            return measure()
        got = []
        events = chromium_trace(ctx, page, TRACE_CATEGORIES, lambda: got.append(measure()))
        trace.parent.mkdir(parents=True, exist_ok=True)
        trace.write_text(json.dumps({"traceEvents": events}))
        return got[0]
    finally:
        ctx.close()


def summary(samples: list) -> dict:
    """Medians over repetitions of every number in the samples (lists are pooled)."""
    pooled: dict = {}

    def walk(prefix, value):
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(prefix + (key,), inner)
        elif isinstance(value, list):
            pooled.setdefault("/".join(prefix), []).extend(value)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            pooled.setdefault("/".join(prefix), []).append(value)

    for sample in samples:
        walk((), sample["got"])
    return {
        key: {
            "median": round(statistics.median(v), 1),
            "min": round(min(v), 1),
            "max": round(max(v), 1),
            "n": len(v),
        }
        for key, v in pooled.items()
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sites", nargs="+", type=Path)
    parser.add_argument(
        "--what",
        default="warm",
        choices=("warm", "phases", "batching", "editor", "small", "flood", "load"),
    )
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--runs", type=int, default=5, help="warm runs per repetition")
    parser.add_argument("--trace", type=Path, help="a folder for one Chrome trace per site")
    args = parser.parse_args()
    servers = [SiteServer(site, prefix="/") for site in args.sites]
    bases = [server.__enter__() for server in servers]
    samples = {str(site): [] for site in args.sites}
    try:
        with sync_playwright() as pw:
            browser = launch(pw)
            for rep in range(args.reps):
                for site, base in zip(args.sites, bases):
                    load = os.getloadavg()[0]
                    trace = None
                    if args.trace and rep == args.reps - 1:
                        trace = args.trace / ("%s-%s.json" % (site.name, args.what))
                    got = scenario(browser, base, site, args.what, args.runs, trace)
                    samples[str(site)].append({"load": load, "got": got})
                    print(site.name, rep, "load %.1f" % load, json.dumps(got), flush=True)
            browser.close()
    finally:
        for server in servers:
            server.__exit__(None, None, None)
    for site, got in samples.items():
        loads = [s["load"] for s in got]
        print("%s: load %.1f-%.1f, %s" % (site, min(loads), max(loads), json.dumps(summary(got))))


if __name__ == "__main__":
    main()
