"""Issue 7: accessible, safe and usable offline, checked in real Chromium on the built site.

Uses tests/browser/conftest.py (one SITE_URL build served under /sub/, fresh context per test
that fails on any request off 127.0.0.1).

- Content-Security-Policy: a meta tag first in <head> on every page; no violation while any page
  loads, after an instant navigation, or while a cell runs.
- Output is text: a cell printing HTML shows it and runs nothing.
- axe-core (node_modules/axe-core, pinned in package.json) finds nothing on every page in both
  languages, light and dark, before and after a cell has run. axe is evaluated through the
  DevTools protocol (page.evaluate), which the page's CSP does not govern: no bypass_csp.
- Keyboard: a cell can be edited, run, stopped and reset with the keyboard; focus is visible.
- Phones: nothing overflows sideways at 375 px; a cell runs there.
- Offline: after one visit (and one run), another page's cell runs with the network off.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import expect  # noqa: E402
from site_pages import NEXT_FRAME, PALETTE_TOGGLE, Cells, wait_for_kept  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
RUN = re.compile(r"^\s*(Run|运行)")
STOP = re.compile(r"^\s*(Stop|停止)")
RESET = re.compile(r"^\s*(Reset|重置)")
FINISHED = re.compile(r"^(done|error|stopped)$")
FIRST_LOAD = 90_000
RUN_TIMEOUT = 30_000

# Every CSP violation of the document, kept on window (survives instant navigation).
WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || "") + ":" + e.lineNumber);
});
"""

ENDLESS = """import asyncio


async def main():
    n = 0
    while True:
        print("tick", n)
        n += 1
        await asyncio.sleep(0.2)


asyncio.run(main())
"""


def site_pages(served) -> list:
    """Every HTML page of the site, as URLs relative to the site root ("", "gather/", "zh/404.html")."""
    pages = []
    for html in sorted(served.site.rglob("*.html")):
        rel = html.relative_to(served.site).as_posix()
        pages.append(rel[: -len("index.html")] if rel.endswith("index.html") else rel)
    return pages


def open_page(context, served, path, **kwargs):
    page = context.new_page(**kwargs)
    page.goto(served.url(path))
    return page


def wait_wired(page):
    expect(page.locator(".cell").first.get_by_role("button", name=RUN)).to_be_visible(
        timeout=15_000
    )


def run_cell(page, cell, timeout=FIRST_LOAD):
    cell.get_by_role("button", name=RUN).click()
    expect(cell).to_have_attribute("data-state", FINISHED, timeout=timeout)
    return cell.get_attribute("data-state")


def set_code(page, cell, code):
    cell.get_by_role("textbox").click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(code)


def violations(page) -> list:
    return page.evaluate("() => window.__csp || []")


# ----------------------------------------------------------------------- CSP


@pytest.fixture
def csp_context(context):
    context.add_init_script(WATCH_CSP)
    messages = []
    context.on(
        "console",
        lambda m: "Content Security Policy" in m.text and messages.append(m.text),
    )
    context.csp_console = messages
    return context


def test_every_page_has_the_policy_first_in_head_and_breaks_nothing(csp_context, served):
    pages = site_pages(served)
    assert len(pages) >= 16, pages
    page = csp_context.new_page()
    broken = {}
    for path in pages:
        response = page.goto(served.url(path))
        page.wait_for_load_state("load")
        # The charset first (it must sit in the first 1024 bytes), then the policy, before
        # anything it governs.
        served_head = re.search(r"<head[^>]*>\s*(<[^>]*>)\s*(<[^>]*>)", response.text())
        assert served_head[1] == '<meta charset="utf-8">', (path, served_head[1])
        assert served_head[2].startswith('<meta http-equiv="Content-Security-Policy"'), (
            path,
            served_head[2][:80],
        )
        # (At run time CodeMirror puts its <style> first; the policy applies from the start.)
        csp = page.locator('head meta[http-equiv="Content-Security-Policy"]').get_attribute(
            "content"
        )
        script_src = re.search(r"script-src ([^;]*)", csp)[1].split()
        assert script_src[0] == "'self'" and all(
            s.startswith("'sha256-") for s in script_src[1:]
        ), script_src
        assert "'unsafe-eval'" not in csp and "*" not in csp and "http" not in csp
        for directive in (
            "default-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'none'",
        ):
            assert directive in csp, (path, directive)
        page.wait_for_load_state("networkidle")  # violations are reported as tasks
        if violations(page):
            broken[path] = violations(page)
    assert not broken, "CSP violations: %s" % json.dumps(broken, indent=1)
    assert csp_context.csp_console == [], csp_context.csp_console[:5]
    assert csp_context.traffic.failures == [], csp_context.traffic.failures[:5]


def test_a_cell_runs_under_the_policy_and_instant_navigation_keeps_it(csp_context, served):
    page = open_page(csp_context, served, "gather/")
    wait_wired(page)
    cell = page.locator(".cell").first
    assert run_cell(page, cell) == "done"
    assert cell.get_by_role("log").text_content().strip()
    # Instant navigation runs the next page's inline scripts under the first page's policy.
    # (Cells.navigate waits for the new page's cells: the URL changes before the content does,
    # and a click in between lands on the old page's cell.)
    Cells(page, served).navigate("legacy/")
    other = page.locator(".cell").first
    other.locator(".cell-clock").check()
    assert run_cell(page, other, RUN_TIMEOUT) in ("done", "error")
    assert violations(page) == []
    assert csp_context.csp_console == []


def test_printed_html_is_shown_as_text_and_runs_nothing(csp_context, served):
    page = open_page(csp_context, served, "zh/gather/")
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    wait_wired(page)
    cell = page.locator(".cell").first
    payload = "<img src=x onerror=alert(1)><script>alert(2)</script><b>bold</b>"
    set_code(
        page,
        cell,
        "print(%r)\nimport sys\nprint(%r, file=sys.stderr)\n" % (payload, payload),
    )
    assert run_cell(page, cell) == "done"
    log = cell.get_by_role("log")
    assert log.text_content().count(payload) == 2
    assert log.locator("img, script, b").count() == 0
    page.evaluate(NEXT_FRAME)  # whatever the output could have run has run by then
    assert dialogs == []
    assert violations(page) == []


# ----------------------------------------------------------------------- axe


def axe_run(page, where) -> tuple:
    """(rules run, violations) for the document as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(
            AXE.read_text("utf-8") + "\n;undefined"
        )  # DevTools evaluation: not subject to the CSP
    # The cells and the version table are not rendered off screen (content-visibility: auto),
    # and axe leaves what is not rendered unchecked ("incomplete"): for the check, everything is
    # rendered, through a constructed stylesheet (the page's CSP does not govern those).
    result = page.evaluate(
        """async () => {
             const all = new CSSStyleSheet();
             all.replaceSync('* { content-visibility: visible !important; }');
             document.adoptedStyleSheets = [...document.adoptedStyleSheets, all];
             try {
               const r = await axe.run(document, { resultTypes: ['violations'] });
               const rules = r.passes.length + r.violations.length + r.incomplete.length + r.inapplicable.length;
               return [rules, r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                         nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.failureSummary.slice(0, 200))}))];
             } finally {
               document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== all);
             }
           }"""
    )
    return result[0], [dict(v, where=where) for v in result[1]]


def scheme(page) -> str:
    return page.evaluate("() => document.body.getAttribute('data-md-color-scheme')")


def toggle_scheme(page, want):
    """Click the palette toggle (it saves the choice for the next pages) until `want`."""
    for _ in range(2):
        if scheme(page) == want:
            break
        page.locator(PALETTE_TOGGLE).first.click()
    assert scheme(page) == want
    page.wait_for_function(  # Material's colour transitions
        "() => document.getAnimations().every((a) => a.playState !== 'running')"
    )


def wait_ready(page):
    cells = page.locator(".cell[data-snippet]").count()
    if cells:
        wait_wired(page)
        expect(page.locator(".cell[data-snippet]").get_by_role("textbox")).to_have_count(
            cells
        )  # one editor each


# One test per scheme: axe takes 6-8 s on each page with a 1,000-task drawing, and two test
# workers check the schemes side by side.
@pytest.mark.parametrize("mode", ["default", "slate"], ids=["light", "dark"])
def test_axe_finds_nothing_on_any_page_light_or_dark(context, served, mode):
    page = context.new_page()
    found, rules, runs = [], set(), 0
    for path in site_pages(served):
        page.goto(served.url(path))
        page.wait_for_load_state("load")
        wait_ready(page)
        toggle_scheme(page, mode)
        count, v = axe_run(page, "%s [%s]" % (path or "index.html", mode))
        rules.add(count)
        runs += 1
        found += v
    print("axe: %d runs, rules per run %s" % (runs, sorted(rules)))
    assert not found, json.dumps(found, indent=1, ensure_ascii=False)


def test_axe_finds_nothing_in_a_cell_that_has_run(context, served):
    page = open_page(context, served, "gather/")
    wait_wired(page)
    cell = page.locator(".cell").first
    assert run_cell(page, cell) == "done"
    err = page.locator(".cell").nth(1)
    set_code(
        page,
        err,
        "import sys\nprint('out')\nprint('err', file=sys.stderr)\nraise ValueError('boom')\n",
    )
    assert run_cell(page, err, RUN_TIMEOUT) == "error"
    page.locator(".cell-reference summary").first.click()  # an opened reference run too
    found = []
    for mode in ("default", "slate"):
        toggle_scheme(page, mode)
        found += axe_run(page, "gather/ after runs [%s]" % mode)[1]
    assert not found, json.dumps(found, indent=1, ensure_ascii=False)


# ----------------------------------------------------------------------- keyboard


def focused(page) -> str:
    return page.evaluate(
        """() => { let el = document.activeElement;
                   while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
                   return el.getAttribute('role') === 'textbox' ? 'editor' : (el.className || el.tagName); }"""
    )


def focus_style(page) -> list:
    return page.evaluate(
        """() => { let el = document.activeElement;
                   while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
                   const s = getComputedStyle(el); return [s.outlineStyle, s.outlineWidth, s.boxShadow]; }"""
    )


def test_a_cell_works_from_the_keyboard_alone(context, served):
    page = open_page(context, served, "gather/")
    wait_wired(page)
    cell = page.locator(".cell").first
    expect(cell.get_by_role("textbox")).to_have_count(
        1
    )  # the editor: the code itself until CodeMirror takes over
    # Start from the heading just before the cell, then Tab only.
    cell.evaluate(
        """c => { const a = document.createElement('a'); a.href = '#'; a.id = '__start'; a.textContent = 'start';
                  c.before(a); a.focus(); }"""
    )
    for _ in range(10):
        page.keyboard.press("Tab")
        if focused(page) == "editor":
            break
    assert focused(page) == "editor", "Tab never reached the editor (%s)" % focused(page)
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(ENDLESS)
    page.keyboard.press("Control+Enter")
    expect(cell.get_by_role("log")).to_contain_text("tick 1", timeout=FIRST_LOAD)
    # The editor leaves Tab to the browser: Run, Stop, Reset follow in that order.
    order, outlines = [], {}
    for _ in range(3):
        page.keyboard.press("Tab")
        name = focused(page)
        order.append(name)
        outlines[name] = focus_style(page)
    named = [next(c for c in o.split() if c.startswith("cell-")) for o in order]
    assert named == ["cell-run", "cell-stop", "cell-reset"], order
    for name, (style, width, shadow) in outlines.items():
        assert (style != "none" and width != "0px") or shadow != "none", (
            "no visible focus on %s: %s" % (name, outlines[name])
        )
    page.keyboard.press("Shift+Tab")  # back to Stop
    page.keyboard.press("Enter")
    expect(cell).to_have_attribute("data-state", "stopped", timeout=10_000)
    page.keyboard.press("Tab")  # Reset
    page.keyboard.press("Enter")
    expect(cell).to_have_attribute("data-state", "idle")
    assert (
        "asyncio" in cell.get_by_role("textbox").text_content()
        and "tick" not in cell.get_by_role("log").text_content()
    )
    assert focused(page) == "editor", "Reset puts the focus back in the editor"


# ----------------------------------------------------------------------- phones


def test_nothing_overflows_at_375px_and_a_cell_runs(context, served):
    page = context.new_page()
    page.set_viewport_size({"width": 375, "height": 740})
    wide = {}
    for path in site_pages(served):
        page.goto(served.url(path))
        page.wait_for_load_state("load")
        width = page.evaluate("() => document.scrollingElement.scrollWidth")
        if width > 375:
            culprit = page.evaluate(
                """() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 376)
                     .filter(e => !e.closest('.md-sidebar, .md-nav, .md-search')).slice(0, 3)
                     .map(e => e.tagName + '.' + e.className)"""
            )
            wide[path or "/"] = [width, culprit]
    assert not wide, wide
    page.goto(served.url("zh/wait/"))
    wait_wired(page)
    cell = page.locator(".cell").first
    run = cell.get_by_role("button", name=RUN)
    run.scroll_into_view_if_needed()
    box = run.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375, box
    cell.locator(".cell-clock").check()
    assert run_cell(page, cell) in ("done", "error")
    assert cell.get_by_role("log").text_content().strip()


# ----------------------------------------------------------------------- offline


def test_a_cell_runs_offline_after_one_visit(context, served):
    page = open_page(context, served, "gather/")
    wait_wired(page)
    page.wait_for_function(
        "() => navigator.serviceWorker && navigator.serviceWorker.controller !== null",
        timeout=30_000,
    )
    cache = page.evaluate("async () => (await caches.keys()).filter(k => k.includes('#site-'))")
    assert len(cache) == 1 and re.match(r"^/sub/#site-[0-9a-f]{12}$", cache[0]), cache
    assert run_cell(page, page.locator(".cell").first) == "done"
    wait_for_kept(page, ".wasm")  # the cells' worker keeps it (the service worker leaves wasm)
    context.set_offline(True)
    page.goto(served.url("zh/batching/"))  # a page not visited yet, full load
    wait_wired(page)
    cell = page.locator(".cell").first
    cell.locator(".cell-clock").check()
    state = run_cell(page, cell)
    status = cell.get_by_role("status").text_content()
    assert state == "done", (state, status, cell.get_by_role("log").text_content()[-500:])
    assert cell.get_by_role("log").text_content().strip()
    context.set_offline(False)
