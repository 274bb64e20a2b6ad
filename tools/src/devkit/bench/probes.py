"""What `make bench` runs inside the page and the cells' worker: its observers and its clicks."""

from __future__ import annotations

import re

LOAD_TIMEOUT = 120_000

# Long tasks, and long animation frames, which name the scripts that ran in them (file,
# function, time) and how long rendering took: the cause a longtask entry lacks.
INIT = """
(() => {
  window.__longtasks = [];
  window.__frames = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longtasks.push([e.startTime, e.duration]);
    }).observe({ type: "longtask", buffered: true });
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const scripts = e.scripts.map((s) => [s.sourceURL.replace(location.origin, "") + ":" + s.sourceCharPosition,
                                              s.sourceFunctionName || s.invoker, Math.round(s.duration)]);
        const rendering = e.styleAndLayoutStart ? e.startTime + e.duration - e.styleAndLayoutStart : 0;
        window.__frames.push({ start: e.startTime, duration: e.duration, rendering: Math.round(rendering), scripts });
      }
    }).observe({ type: "long-animation-frame", buffered: true });
  } catch (e) {}
})();
"""

# Inside the cells' worker: the load's marks (worker.js load()) and how pyodide.asm.wasm arrived,
# as absolute times (timeOrigin + startTime) so that they compare with the page's clock.
WORKER_PHASES = """() => {
  const at = (t) => performance.timeOrigin + t;
  const marks = Object.fromEntries(performance.getEntriesByType("mark").map((m) => [m.name, at(m.startTime)]));
  // The GET (the worker also sends a HEAD first): the entry that ends last.
  const wasm = performance.getEntriesByType("resource").filter((r) => r.name.endsWith("/pyodide.asm.wasm"))
    .sort((a, b) => a.responseEnd - b.responseEnd).pop();
  return { origin: performance.timeOrigin, marks,
           wasm: wasm && { transfer: wasm.transferSize, start: at(wasm.startTime), end: at(wasm.responseEnd) } };
}"""
PHASES = ("load:start", "load:imported", "load:wasm", "load:python", "load:cellrun", "load:ready")

# The click's time, the first text in the log, and the first whole line (the program's first
# line as the reader reads it), each on the page's clock, seen by a MutationObserver.
ARM = """([log, button]) => {
  const rec = { click: null, first: null, line: null, text: null };
  window.__rec = rec;
  button.addEventListener("click", () => { rec.click = performance.now(); }, { capture: true, once: true });
  const seen = () => {
    if (rec.click === null) return;
    const text = log.textContent;
    if (rec.first === null && text.trim()) {
      rec.first = performance.now();
      rec.text = text.trim().split("\\n")[0].slice(0, 60);
    }
    if (rec.line === null && text.includes("\\n")) {
      rec.line = performance.now();
      observer.disconnect();
    }
  };
  const observer = new MutationObserver(seen);
  observer.observe(log, { childList: true, subtree: true, characterData: true });
}"""

RUN = re.compile(r"^\s*(Run|运行)")


def click_to_output(page, button, log) -> dict:
    """Click; {ms: to the first text, line: to the first whole line, text, click, at}."""
    page.evaluate(ARM, [log.element_handle(), button.element_handle()])
    button.click()
    page.wait_for_function("() => window.__rec.line !== null", timeout=LOAD_TIMEOUT)
    rec = page.evaluate("() => ({...window.__rec, origin: performance.timeOrigin})")
    return {
        "ms": rec["first"] - rec["click"],
        "line": rec["line"] - rec["click"],
        "click": rec["click"],
        "text": rec["text"],
        "at": rec["origin"] + rec["click"],
    }


def first_output(page, cell) -> dict:
    """Click the cell's Run button and wait for its role=log's first line."""
    button = cell.get_by_role("button", name=RUN).first
    return click_to_output(page, button, cell.get_by_role("log").first)


def worker_phases(page, clicked_at: float) -> dict:
    """The cells' worker load, in ms after the click (negative: before it): worker created
    (its timeOrigin), each load() mark, and pyodide.asm.wasm's fetch (transfer 0: HTTP cache)."""
    worker = next(w for w in page.workers if w.url.endswith("/assets/cells/worker.js"))
    got = worker.evaluate(WORKER_PHASES)
    out = {"worker": got["origin"] - clicked_at}
    out.update({name: got["marks"][name] - clicked_at for name in PHASES if name in got["marks"]})
    out["restored"] = "load:restored" in got["marks"]  # Python from the kept snapshot
    if got["wasm"]:
        out["wasm_transfer"] = got["wasm"]["transfer"]
        out["wasm_fetched"] = got["wasm"]["end"] - clicked_at
    return out


def wait_finished(page, cell) -> float:
    page.wait_for_function(
        "el => ['done', 'error', 'stopped'].includes(el.dataset.state)",
        arg=cell.element_handle(),
        timeout=LOAD_TIMEOUT,
    )
    return page.evaluate("() => performance.now()")


def cell_of(page, snippet=None, virtual=True):
    cells = page.locator('.cell[data-snippet="%s"]' % snippet) if snippet else page.locator(".cell")
    cell = cells.first
    cell.get_by_role("button", name=RUN).first.wait_for(timeout=30_000)
    clock = cell.locator("input[type=checkbox]")
    if clock.count():
        clock.first.set_checked(virtual)
    return cell


def wait_all_wired(page):
    """Every cell of the page has its controls: cells.js wires one a frame, so a window that
    ends when the first is ready would miss the others' frames."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('.cell[data-snippet]')]"
        ".every((cell) => cell.querySelector('.cell-run'))",
        timeout=30_000,
    )


def now(page) -> float:
    return page.evaluate("() => performance.now()")


def long_tasks(page, start=0.0, end=float("inf")) -> list:
    return [d for s, d in page.evaluate("() => window.__longtasks") if start <= s < end]


def long_frames(page, start=0.0, end=float("inf")) -> list:
    """Animation frames over 50 ms in [start, end): duration, rendering part, scripts (file, function, ms)."""
    return [f for f in page.evaluate("() => window.__frames") if start <= f["start"] < end]


def navigate(page, url):
    """Material's instant navigation to url (a click on a link), never a reload."""
    page.evaluate("() => { window.__sameDocument = true; }")
    page.evaluate(
        """url => { const a = document.createElement('a'); a.href = url; a.textContent = 'go';
                    document.querySelector('article, main, body').append(a); a.click(); }""",
        url,
    )
    page.wait_for_function(
        "url => location.href === url && document.querySelector('.cell [role=log]') !== null",
        arg=url,
        timeout=30_000,
    )
    if not page.evaluate("() => window.__sameDocument === true"):
        raise RuntimeError("the page was reloaded, not instant-navigated")
