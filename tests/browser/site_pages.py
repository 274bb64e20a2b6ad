"""One page of the built site in Playwright, as the browser tests use it (cells by role and state)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

REPO = Path(__file__).resolve().parents[2]
SNIPPETS = REPO / "snippets"

RUN = re.compile(r"^\s*(Run|运行)")
STOP = re.compile(r"^\s*(Stop|停止)")
RESET = re.compile(r"^\s*(Reset|重置)")
VIRTUAL = re.compile(r"virtual|虚拟", re.IGNORECASE)
FINISHED = re.compile(r"^(done|error|stopped)$")
FIRST_LOAD = 90_000  # ms: a cold Pyodide start on a busy 2-core machine
RUN_TIMEOUT = 30_000
# The header's colour scheme toggle (overrides/partials/palette.html): the label shown switches.
PALETTE_TOGGLE = "form[data-md-palette] label.md-header__button:visible"
# Resolves after the next frame and the task after it: a state, not a delay.
NEXT_FRAME = "() => new Promise((r) => requestAnimationFrame(() => setTimeout(r)))"
# A 10 ms heartbeat on the main thread; the longest gap between beats shows a freeze.
START_HEARTBEAT = """() => {
  window.__beats = [performance.now()];
  setInterval(() => window.__beats.push(performance.now()), 10);
}"""
LONGEST_HEARTBEAT_GAP = """() => {
  const b = [...window.__beats, performance.now()];
  return Math.max(...b.slice(1).map((t, i) => t - b[i]));
}"""
# Other languages' pages (docs/<name>.<locale>.md) are served under <locale>/, the default's
# at the root (mkdocs-static-i18n's suffix structure).
OTHER_LANGUAGES = {p.suffixes[-2][1:] for p in (REPO / "docs").glob("*.*.md")}
DEFAULT_LANGUAGE = "en"


def url_language(path: str) -> str:
    """The language of a site-relative page URL: "zh/gather/" -> "zh", "gather/" -> "en"."""
    first = path.split("/", 1)[0]
    return first if first in OTHER_LANGUAGES else DEFAULT_LANGUAGE


def console_errors(page) -> list:
    """A list that fills with the page's console errors and uncaught exceptions."""
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


# What the cells' worker keeps in the runtime cache (frontend/cells/worker.js): the snapshot
# of a started Python (".snapshot") and offline reading's copy of the wasm (".wasm").
HAS_KEPT = """async (suffix) => {
  for (const name of await caches.keys()) {
    if (!name.includes('#pyodide-')) continue;
    const keys = await (await caches.open(name)).keys();
    if (keys.some((request) => request.url.endsWith(suffix))) return true;
  }
  return false;
}"""


def wait_for_kept(page, suffix: str, seconds: float = 30) -> None:
    """Until the worker has stored a file ending with suffix in the runtime cache (the wasm as
    it arrives, the snapshot once the first load is ready)."""
    for _ in range(int(seconds * 10)):
        if page.evaluate(HAS_KEPT, suffix):
            return
        page.wait_for_timeout(100)
    raise AssertionError(
        "nothing ending with %s kept in Cache Storage after %s s" % (suffix, seconds)
    )


EDITOR_TEXT = """el => {
  const lines = el.querySelectorAll('.cm-line');
  if (lines.length) return Array.from(lines, l => l.textContent).join('\\n');
  return 'value' in el ? el.value : el.textContent;
}"""


class Cells:
    """One browser page of the site."""

    def __init__(self, page, served):
        self.page, self.served = page, served

    def goto(self, path: str):
        self.page.goto(self.served.url(path))
        self.wait_wired()
        return self

    def wait_wired(self):
        expect(self.page.locator(".cell").first.get_by_role("button", name=RUN)).to_be_visible(
            timeout=15_000
        )

    def cell(self, snippet: str = None, index: int = 0):
        cells = (
            self.page.locator('.cell[data-snippet="%s"]' % snippet)
            if snippet
            else self.page.locator(".cell")
        )
        return cells.nth(index)

    def snippets(self) -> list:
        return self.page.eval_on_selector_all(".cell", "els => els.map(e => e.dataset.snippet)")

    def navigate(self, path: str):
        """A link click that Material's instant navigation handles (same document)."""
        self.page.evaluate("() => { window.__sameDocument = true; }")
        url = self.served.url(path)
        self.page.evaluate(
            """url => { const a = document.createElement('a'); a.href = url; a.textContent = 'go';
                        document.querySelector('article, main, body').append(a); a.click(); }""",
            url,
        )
        # The URL changes before the content does: wait for this page's cells, all wired.
        self.page.wait_for_function(
            """([url, want]) => {
                 const cells = Array.from(document.querySelectorAll('.cell'));
                 return location.href === url
                   && JSON.stringify(cells.map(c => c.dataset.snippet)) === JSON.stringify(want)
                   && cells.every(c => c.querySelector('button') !== null);
               }""",
            arg=[url, self.served.snippets(path)],
        )
        same = self.page.evaluate("() => window.__sameDocument === true")
        assert same, "the page was reloaded, not instant-navigated"

    def workers(self) -> int:
        """Workers constructed in this document, except Material's search worker."""
        return self.page.evaluate(
            "() => (window.__workers || []).filter(u => !u.includes('/search')).length"
        )

    def use_virtual_clock(self, cell, on=True):
        switch = cell.get_by_role("checkbox", name=VIRTUAL).or_(
            cell.get_by_role("switch", name=VIRTUAL)
        )
        if switch.count() == 0:
            pytest.skip("the cell has no virtual-clock switch (checkbox/switch named 'virtual')")
        switch.first.set_checked(on)

    def set_code(self, cell, code: str):
        """Replace the editor's text as a paste would (typing would auto-indent)."""
        box = cell.get_by_role("textbox")
        box.click()
        self.page.keyboard.press("Control+A")
        box.evaluate(
            """(el, text) => { const data = new DataTransfer(); data.setData('text/plain', text);
                el.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true})); }""",
            code,
        )
        assert self.editor_text(cell).rstrip("\n") == code.rstrip("\n")

    @staticmethod
    def editor_text(cell) -> str:
        return cell.get_by_role("textbox").evaluate(EDITOR_TEXT)

    @staticmethod
    def log(cell) -> str:
        return cell.get_by_role("log").text_content() or ""

    def run(self, cell, timeout=RUN_TIMEOUT):
        cell.get_by_role("button", name=RUN).click()
        try:
            expect(cell).to_have_attribute("data-state", FINISHED, timeout=timeout)
        except AssertionError as error:  # say what the cell said, too
            status = cell.get_by_role("status").text_content()
            raise AssertionError(
                "%s\nstatus: %s\nlog: %s" % (error, status, self.log(cell)[-1000:])
            ) from None
        return cell.get_attribute("data-state")

    def warm_up(self):
        """Load the runtime once (first run), so that later timeouts measure runs, not the load."""
        cell = self.cell()
        cell.get_by_role("button", name=RUN).click()
        expect(cell).to_have_attribute("data-state", FINISHED, timeout=FIRST_LOAD)
