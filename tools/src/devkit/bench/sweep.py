"""Every page with cells, in both languages, once per `make bench`: the longest main-thread
task while it loads, while each of its cells runs (virtual clock, so the sweep stays short)
and its finished drawing goes in; on gather/ also a 2,000-line flood and the editor's
activation. Each figure comes with the long animation frame that holds it (its cause)."""

from __future__ import annotations

from pathlib import Path

from devkit.site import pages_with_cells

from .probes import cell_of, long_frames, long_tasks, now, wait_all_wired, wait_finished
from .scenarios import FLOOD, SETTLE_MS, new_context
from .stats import longest


def _window(page, start, end=float("inf")) -> dict:
    return {"tasks": long_tasks(page, start, end), "frame": longest(long_frames(page, start, end))}


def _load(page, url) -> dict:
    """A full load, until every cell is wired and its frames are in: the window from its start."""
    page.goto(url, wait_until="networkidle")
    wait_all_wired(page)
    page.wait_for_timeout(SETTLE_MS)
    return _window(page, 0)


def _run(page, cell) -> dict:
    began = now(page)
    cell.locator(".cell-run").click()
    wait_finished(page, cell)
    page.wait_for_timeout(SETTLE_MS)
    return _window(page, began)


def sweep(browser, base: str, site: Path) -> dict:
    """{scenario: {"tasks": [ms...], "frame": longest frame or None}}, keyed "load gather/",
    "run gather/x.py (zh)", "flood", "editor"."""
    out = {}
    ctx = new_context(browser)
    page = ctx.new_page()
    for path in pages_with_cells(site):
        lang = " (zh)" if path.startswith("zh/") else ""
        out["load " + path] = _load(page, base + path)
        for snippet in page.locator(".cell").evaluate_all("cs => cs.map(c => c.dataset.snippet)"):
            cell = cell_of(page, snippet)
            cell.scroll_into_view_if_needed()
            out["run %s%s" % (snippet, lang)] = _run(page, cell)
    page.goto(base + "gather/", wait_until="networkidle")
    out["flood"] = _flood(page)
    out["editor"] = _editor(page)
    ctx.close()
    return out


def _flood(page) -> dict:
    cell = cell_of(page)
    cell.locator("code[role=textbox]").evaluate(
        "(code, text) => { code.textContent = text; }", FLOOD
    )
    return _run(page, cell)


def _editor(page) -> dict:
    """Point at a cell's code (CodeMirror's chunk is fetched), then click in it (it mounts)."""
    cell = cell_of(page)
    code = cell.locator("code[role=textbox]")
    code.scroll_into_view_if_needed()
    code.hover()
    page.wait_for_function(
        "() => performance.getEntriesByType('resource').some(r => /codemirror-/.test(r.name))"
    )
    page.wait_for_timeout(SETTLE_MS)
    began = now(page)
    code.click()
    page.wait_for_function(
        "cell => cell.querySelector('.cell-editor').shadowRoot?.querySelector('.cm-editor')",
        arg=cell.element_handle(),
    )
    page.wait_for_timeout(SETTLE_MS)
    return _window(page, began)
