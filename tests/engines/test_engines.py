"""The cells in Firefox ESR (Gecko, JSPI) and WebKitGTK (no JSPI), as tests/browser proves them in
Chromium: one browser session per engine (conftest.py), the same checks in each (drivers.py).

- Every cell of the gather, wait and legacy pages, in both languages, ends as CPython 3.14 (the
  page's Pyodide in Node, as tests/browser/test_fidelity_browser.py) ends it: on the virtual
  clock with seed 0, so the output is exact and a page takes seconds; one cell per page of gather
  and wait also in real time (as Chromium's walk does; tests/test_fidelity.py proves every
  snippet in real time in Node), during which the page must keep drawing frames and firing timers.
- Stop ends an endless async loop and a CPU loop, the run says it was stopped (in the page's
  language) with no traceback, and the next run works; SyntaxError and input() give their
  messages; printed HTML stays text; the keyboard alone edits, runs, stops and resets a cell.
- A cell on a page not visited yet runs offline after a first visit (the service worker).
- Throughout: no page error, no Content-Security-Policy violation, no request off 127.0.0.1.
"""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

from timing import differences, races

from devkit.interpreters import interpreters
from devkit.site import page_snippets

PAGE_PYTHON = "pyodide-3.14"
PAGES = ["gather/", "wait/", "legacy/"]
LANGS = {"en": "", "zh": "zh/"}
REAL_TIME = {"gather/": "gather/cancel_a_group.py", "wait/": "wait/cancel_pending.py"}
LOAD_S = 240  # a cold Python load in WebKitGTK on a busy 2-core machine, with margin
RUN_S = 60

# In the page: wait until every cell is wired, watch CSP violations; the page's language and cells.
OPEN = """async (limit) => {
  window.__csp = window.__csp || [];
  if (!window.__cspWatched) {
    window.__cspWatched = true;
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
  }
  const end = performance.now() + limit * 1000;
  const wired = () => [...document.querySelectorAll('.cell[data-snippet]')].every((c) => c.querySelector('.cell-run'));
  while (!(document.querySelector('.cell') && wired())) {
    if (performance.now() > end) throw new Error('cells never wired');
    await new Promise((r) => setTimeout(r, 50));
  }
  return { lang: document.documentElement.lang, snippets: [...document.querySelectorAll('.cell[data-snippet]')].map((c) => c.dataset.snippet) };
}"""

# In the page: run cell `index` (optionally with new code, on the virtual clock, seeded) and
# report how it ended, what it printed (stdout and stderr apart), and whether the page kept
# drawing frames and firing timers meanwhile.
RUN = """async (index, options, limit) => {
  const cell = document.querySelectorAll('.cell[data-snippet]')[index];
  if (options.code != null) {
    const box = cell.querySelector('code[role=textbox]');
    box.textContent = options.code;
    box.dispatchEvent(new Event('input', { bubbles: true }));
  }
  const clock = cell.querySelector('.cell-clock');
  if (clock.checked !== Boolean(options.virtual)) clock.click();
  if (options.seed != null) cell.dataset.seed = String(options.seed);
  const log = cell.querySelector('[role=log]');
  const t0 = performance.now();
  let frames = 0, ticks = 0, lastTick = t0, maxGap = 0, first = null;
  let live = true;
  const frame = () => { frames++; if (live) requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
  const timer = setInterval(() => { const now = performance.now(); maxGap = Math.max(maxGap, now - lastTick); lastTick = now; ticks++; }, 20);
  cell.querySelector('.cell-run').click();
  const end = t0 + limit * 1000;
  while (true) {
    if (first === null && log.textContent.length) first = performance.now() - t0;
    if (options.until ? log.textContent.includes(options.until) : /^(done|error|stopped)$/.test(cell.dataset.state)) break;
    if (performance.now() > end) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  live = false;
  clearInterval(timer);
  const copy = log.cloneNode(true);
  copy.querySelectorAll('.cell-stderr').forEach((e) => e.remove());
  return {
    state: cell.dataset.state, ms: performance.now() - t0, first,
    stdout: copy.textContent,
    stderr: [...log.querySelectorAll('.cell-stderr')].map((e) => e.textContent).join(''),
    status: cell.querySelector('[role=status]').textContent,
    frames, ticks, maxGap,
  };
}"""

# In the page: press Stop on cell `index` and report the milliseconds until it says "stopped".
STOP = """async (index, limit) => {
  const cell = document.querySelectorAll('.cell[data-snippet]')[index];
  const t0 = performance.now();
  cell.querySelector('.cell-stop').click();
  while (cell.dataset.state !== 'stopped' && performance.now() - t0 < limit * 1000) await new Promise((r) => setTimeout(r, 5));
  const log = cell.querySelector('[role=log]');
  return { state: cell.dataset.state, ms: performance.now() - t0, log: log.textContent,
           status: cell.querySelector('[role=status]').textContent, tags: log.querySelectorAll('*:not(span)').length };
}"""

CSP = "() => window.__csp || []"

# The focused element, through the editor's shadow root: 'editor' or the element's class.
FOCUSED = """() => { let el = document.activeElement;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
  return el.getAttribute('role') === 'textbox' ? 'editor' : (el.className || el.tagName); }"""

ENDLESS_ASYNC = (
    "import asyncio\n\n\nasync def main():\n    n = 0\n    while True:\n"
    "        print('tick', n, flush=True)\n        n += 1\n        await asyncio.sleep(0.1)\n\n\n"
    "asyncio.run(main())\n"
)
CPU_LOOP = "print('spinning', flush=True)\nwhile True:\n    pass\n"
STOPPED = {
    "en": re.compile(r"^Stopped after [\d.]+ s"),
    "zh": re.compile(r"^已停止，用时 [\d.]+ 秒"),
}
XSS = "<img src=x onerror=alert(1)><script>alert(2)</script><b>bold</b>"

# What each test measured, printed at the end of the module for the report.
MEASURED: dict = {}


def reference(snippet: str):
    return interpreters()[PAGE_PYTHON].run(snippet, seed=0, virtual=True, trace=True)


def last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def mismatch(snippet: str, got: dict, real_time: bool) -> str | None:
    """Why a finished run differs from CPython 3.14's, as the Chromium fidelity test judges it."""
    want = reference(snippet)
    state = "done" if want.exit_code == 0 else "error"
    if got["state"] != state:
        return "state %s, CPython: %s (%s)" % (got["state"], state, last_line(want.stderr))
    ordered = not (real_time and races(want.timeline))
    problems = differences(want.lines, got["stdout"].splitlines(), ordered=ordered)
    if want.exception and last_line(got["stderr"]) != last_line(want.stderr):
        problems.append("ends with %r, not %r" % (last_line(got["stderr"]), last_line(want.stderr)))
    return "; ".join(problems) or None


def open_page(engine, path: str) -> dict:
    engine.browser.goto(engine.url(path))
    return engine.browser.call(OPEN, 30)


def run(engine, index: int, limit=RUN_S, **options) -> dict:
    return engine.browser.call(RUN, index, options, limit)


def assert_clean(engine, where: str) -> None:
    """No page error, no CSP violation, no request off 127.0.0.1 since the last check."""
    assert engine.browser.call(CSP) == [], "%s: CSP violations" % where
    events = engine.browser.events()
    assert events["errors"] == [], "%s: page errors %s" % (where, events["errors"][:5])
    foreign = [
        u
        for u in events["requests"]
        if urlsplit(u).scheme in ("http", "https", "ws", "wss")
        and urlsplit(u).hostname != "127.0.0.1"
    ]
    assert foreign == [], "%s: requests left 127.0.0.1: %s" % (where, foreign[:5])


def test_every_cell_ends_as_cpython_314_in_both_languages(engine):
    failures, timings, count = [], {}, 0
    for lang, prefix in LANGS.items():
        for page in PAGES:
            opened = open_page(engine, prefix + page)
            assert opened["lang"] == lang
            for index, snippet in enumerate(opened["snippets"]):
                loads = index == 0  # the page's first run starts its worker
                got = run(engine, index, LOAD_S if loads else RUN_S, virtual=True, seed=0)
                if loads:
                    timings["%s%s first output ms" % (prefix, page)] = round(got["first"] or -1)
                count += 1
                problem = mismatch(snippet, got, real_time=False)
                if problem:
                    failures.append("%s%s (virtual clock): %s" % (prefix, snippet, problem))
            if page in REAL_TIME:
                index = opened["snippets"].index(REAL_TIME[page])
                got = run(engine, index, seed=0)
                problem = mismatch(REAL_TIME[page], got, real_time=True)
                if problem:
                    failures.append("%s%s (real time): %s" % (prefix, REAL_TIME[page], problem))
                # The page kept drawing and its timers kept firing while Python ran.
                seconds = got["ms"] / 1000
                assert got["frames"] >= 2 * seconds and got["maxGap"] < 1000, got
            assert_clean(engine, prefix + page)
    MEASURED[engine.name] = timings
    print("\n%s: %d cells, %s" % (engine.version, count, timings))
    assert count == 2 * sum(len(site_cells(engine, p)) for p in PAGES)
    assert not failures, "\n".join(failures)


def site_cells(engine, page: str) -> list:
    return page_snippets(engine.server._server.root, page)


def test_stop_syntax_error_input_and_printed_html(engine):
    stops = {}
    # Without JSPI each Stop starts Python afresh (a load of seconds to tens of seconds here): the
    # Chinese page's Stop is checked in Firefox only; WebKitGTK runs its other cells in both languages.
    langs = LANGS if engine.name == "firefox" else {"en": ""}
    for lang, prefix in langs.items():
        open_page(engine, prefix + "gather/")
        for index, (name, code, first) in enumerate(
            [("async", ENDLESS_ASYNC, "tick 2"), ("cpu", CPU_LOOP, "spinning")]
        ):
            started = run(engine, index, LOAD_S, code=code, until=first)
            assert started["state"] == "running", started
            stopped = engine.browser.call(STOP, index, 30)
            stops["%s %s" % (lang, name)] = round(stopped["ms"])
            assert stopped["state"] == "stopped", stopped
            assert STOPPED[lang].match(stopped["status"]), stopped["status"]
            # Only what the program printed: no traceback of its cancellation.
            assert "Traceback" not in stopped["log"] and "Error" not in stopped["log"], stopped
            assert stopped["log"].startswith(first.split()[0]), stopped
            after = run(engine, index, LOAD_S, code="print('next')\n")
            assert (after["state"], after["stdout"]) == ("done", "next\n"), (name, after)
        assert_clean(engine, prefix + "gather/ Stop")
    MEASURED.setdefault(engine.name + " stop ms", stops)
    print("\n%s Stop -> stopped (ms): %s" % (engine.version, stops))

    got = run(engine, 2, code="print('a'\n")
    assert got["state"] == "error" and "SyntaxError" in got["stderr"], got
    got = run(engine, 3, code="name = input('name? ')\nprint('hello', name)\n")
    assert got["state"] == "error" and "hello" not in got["stdout"], got
    assert "input()" in got["stderr"] and "input()" in got["status"], got
    code = "print(%r)\nimport sys\nprint(%r, file=sys.stderr)\n" % (XSS, XSS)
    got = run(engine, 4, code=code)
    assert got["state"] == "done" and got["stdout"] == XSS + "\n" and got["stderr"] == XSS + "\n"
    assert (
        engine.browser.call(
            "() => document.querySelectorAll('.cell')[4].querySelectorAll('[role=log] img, [role=log] script, [role=log] b').length"
        )
        == 0
    )
    assert_clean(engine, "gather/ messages")


def test_the_keyboard_alone_edits_runs_stops_and_resets_a_cell(engine):
    open_page(engine, "gather/")
    browser = engine.browser
    browser.call(
        """() => { const c = document.querySelectorAll('.cell')[1]; const a = document.createElement('a');
                   a.href = '#'; a.textContent = 'start'; c.before(a); a.focus(); }"""
    )
    for _ in range(10):
        browser.keys(["Tab"])
        if browser.call(FOCUSED) == "editor":
            break
    assert browser.call(FOCUSED) == "editor"
    wait_for(
        engine,
        "() => !!document.querySelectorAll('.cell')[1].querySelector('.cell-editor').shadowRoot",
    )
    browser.keys(
        ["Control+a", "Delete", {"text": "print('tick', flush=True); import time; time.sleep(30)"}]
    )
    browser.keys(["Control+Enter"])
    wait_for(
        engine,
        "() => document.querySelectorAll('.cell')[1].querySelector('[role=log]').textContent.includes('tick')",
        LOAD_S,
    )
    order = []
    for _ in range(3):
        browser.keys(["Tab"])
        order.append(next(c for c in browser.call(FOCUSED).split() if c.startswith("cell-")))
    assert order == ["cell-run", "cell-stop", "cell-reset"], order
    browser.keys(["Shift+Tab", "Enter"])  # Stop
    wait_for(engine, "() => document.querySelectorAll('.cell')[1].dataset.state === 'stopped'", 30)
    browser.keys(["Tab", "Enter"])  # Reset
    wait_for(engine, "() => document.querySelectorAll('.cell')[1].dataset.state === 'idle'", 10)
    assert browser.call(FOCUSED) == "editor"
    assert_clean(engine, "gather/ keyboard")


# Until the cells' worker has kept pyodide.asm.wasm in the runtime cache (it does so as the
# wasm first arrives); the service worker leaves .wasm files to the browser.
KEPT_WASM = """async (limit) => { const end = performance.now() + limit * 1000;
  const kept = async (name) => (await (await caches.open(name)).keys()).some((r) => r.url.endsWith('.wasm'));
  while (!(await Promise.all((await caches.keys()).filter((n) => n.includes('#pyodide-')).map(kept))).includes(true)) {
    if (performance.now() > end) throw new Error('no wasm kept in Cache Storage');
    await new Promise((r) => setTimeout(r, 50)); } }"""


def wait_for(engine, predicate: str, limit: float = 20) -> None:
    engine.browser.call(
        """async (limit) => { const end = performance.now() + limit * 1000;
             while (!(%s)()) { if (performance.now() > end) throw new Error('timed out: %s');
                               await new Promise((r) => setTimeout(r, 20)); } }"""
        % (predicate, predicate.replace("'", "").replace("\\", "")[:80]),
        limit,
    )


def test_a_cell_runs_offline_after_a_first_visit(engine):
    """After the earlier tests' visits (cells ran), the server goes away: a page not visited yet
    still opens and its first cell runs, from the service worker's caches."""
    browser = engine.browser
    open_page(engine, "wait/")
    support = browser.call(
        """async () => ({ sw: 'serviceWorker' in navigator, caches: typeof caches === 'object',
                         controlled: !!(navigator.serviceWorker && navigator.serviceWorker.controller),
                         keys: typeof caches === 'object' ? await caches.keys() : [] })"""
    )
    MEASURED[engine.name + " offline support"] = support
    print("\n%s service worker / Cache Storage: %s" % (engine.version, support))
    assert support["controlled"], support
    browser.call(KEPT_WASM, LOAD_S)  # the service worker leaves .wasm to the cells' worker
    began = time.monotonic()
    engine.go_offline()
    opened = open_page(engine, "zh/batching/")
    got = run(engine, 0, LOAD_S, virtual=True, seed=0)
    assert got["state"] == "done" and got["stdout"].strip(), got
    print("%s offline: page and run in %.1f s" % (engine.version, time.monotonic() - began))
    assert opened["lang"] == "zh"
