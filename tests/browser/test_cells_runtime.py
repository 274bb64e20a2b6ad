"""The cells' runtime in a real browser, beyond the DOM contract (tests/browser/test_cells_browser.py):

- time.sleep blocks the event loop as in CPython (busy wait, and Atomics.wait when isolated);
- Stop ends a CPU loop without replacing the worker (with JSPI it pauses for the Stop; when cross-origin isolated an interrupt also reaches it);
- without JSPI the page says so and still runs asyncio.run(main()) and the loop API, unmodified;
- output is text (never HTML), stderr is marked apart;
- pointing at Run is enough intent to start loading Python;
- a second visit restores Python's snapshot and reuses the compiled wasm (Chromium's code cache).

Uses conftest.py's ``served`` build, ``browser`` and ``context`` (which fails a test whose
requests leave 127.0.0.1); tests/browser/server.py serves the same build cross-origin isolated.
"""

from __future__ import annotations

import re

import pytest
from site_pages import wait_for_kept

from devkit.chromium import persistent, trace, wait_for_compiled_wasm
from devkit.server import SiteServer

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import expect  # noqa: E402

RUN = re.compile(r"^\s*(Run|运行)")
STOP = re.compile(r"^\s*(Stop|停止)")
FINISHED = re.compile(r"^(done|error|stopped)$")
LOAD = 90_000
CONTROLLED = "() => navigator.serviceWorker.controller !== null"

BLOCKING_SLEEP = """import asyncio
import time


async def ticker(start):
    for _ in range(3):
        print("tick", round(asyncio.get_running_loop().time() - start, 1))
        await asyncio.sleep(0.2)


async def main():
    start = asyncio.get_running_loop().time()
    task = asyncio.create_task(ticker(start))
    await asyncio.sleep(0)
    time.sleep(1)  # blocks the loop: no tick meanwhile
    await task


asyncio.run(main())
"""

LEGACY = """import asyncio


async def answer():
    await asyncio.sleep(0.1)
    return 42


loop = asyncio.new_event_loop()
asyncio.set_event_loop(loop)
print("result:", loop.run_until_complete(answer()))
loop.close()
"""

CPU_LOOP = 'print("spinning", flush=True)\nwhile True:\n    pass\n'


def assert_blocked(output):
    """BLOCKING_SLEEP's ticks: the second waited out the whole time.sleep(1) (bounds, not rounding)."""
    ticks = [float(line.split()[1]) for line in output.splitlines()]
    assert len(ticks) == 3, output
    assert ticks[0] < 0.5 and ticks[1] >= 1.0 and ticks[2] - ticks[1] >= 0.1, output


def open_page(context, url):
    page = context.new_page()
    page.set_default_timeout(LOAD)
    page.goto(url)
    expect(page.locator(".cell").first.get_by_role("button", name=RUN)).to_be_visible(
        timeout=15_000
    )
    return page


def set_code(page, cell, code):
    cell.get_by_role("textbox").click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(code)


def run(cell, timeout=LOAD):
    cell.get_by_role("button", name=RUN).click()
    expect(cell).to_have_attribute("data-state", FINISHED, timeout=timeout)
    return cell.get_attribute("data-state")


def log(cell):
    return cell.get_by_role("log").text_content() or ""


def workers(page):
    return page.evaluate("() => performance.getEntriesByName('cells:worker-created').length")


@pytest.fixture(scope="module")
def isolated(served):
    """The same build, served with COOP/COEP: SharedArrayBuffer, interrupt buffer, Atomics.wait."""
    with SiteServer(served.site, prefix="/sub/", isolated=True) as base:
        yield base


def test_time_sleep_blocks_the_loop_and_stop_ends_a_cpu_loop_in_place(context, served):
    page = open_page(context, served.url("gather/"))
    assert page.evaluate("crossOriginIsolated") is False
    cell = page.locator(".cell").first
    set_code(page, cell, BLOCKING_SLEEP)
    assert run(cell) == "done"
    assert_blocked(log(cell))

    set_code(page, cell, CPU_LOOP)
    cell.get_by_role("button", name=RUN).click()
    expect(cell.get_by_role("log")).to_contain_text("spinning", timeout=LOAD)
    cell.get_by_role("button", name=STOP).click()
    expect(cell).to_have_attribute("data-state", "stopped", timeout=10_000)
    assert log(cell) == "spinning\n", "a stopped run shows what it printed, no traceback"
    set_code(page, cell, LEGACY)
    assert run(cell) == "done" and log(cell) == "result: 42\n"
    # No interrupt buffer without isolation: with JSPI the loop pauses for Stop (worker.js BREATHE_MS).
    assert workers(page) == 1, "the loop took the Stop; the worker stays"


def test_stop_interrupts_a_cpu_loop_when_isolated(context, isolated):
    page = open_page(context, isolated + "gather/")
    assert page.evaluate("crossOriginIsolated") is True
    cell = page.locator(".cell").first
    set_code(page, cell, BLOCKING_SLEEP)  # time.sleep on Atomics.wait here
    assert run(cell) == "done"
    assert_blocked(log(cell))

    set_code(page, cell, CPU_LOOP)
    cell.get_by_role("button", name=RUN).click()
    expect(cell.get_by_role("log")).to_contain_text("spinning", timeout=LOAD)
    cell.get_by_role("button", name=STOP).click()
    expect(cell).to_have_attribute("data-state", "stopped", timeout=10_000)
    assert log(cell) == "spinning\n", "stopped as Ctrl+C stops it: the status says so, no traceback"
    assert workers(page) == 1, "the loop was stopped in place; the worker stays"


NO_JSPI = (
    "delete WebAssembly.Suspending; delete WebAssembly.Suspender; delete WebAssembly.promising;\n"
)


def test_without_jspi_the_page_says_so_and_still_runs(context, served):
    def strip_jspi(route):
        response = route.fetch()
        route.fulfill(response=response, body=NO_JSPI + response.text())

    context.route(re.compile(r".*/assets/cells/worker\.js$"), strip_jspi)
    page = open_page(context, served.url("zh/gather/"))
    cell = page.locator(".cell").first
    set_code(
        page,
        cell,
        "import asyncio\n\n\nasync def main():\n    await asyncio.sleep(0.1)\n    print('ok')\n\n\nasyncio.run(main())\n",
    )
    assert run(cell) == "done"
    assert log(cell) == "ok\n"
    assert "JSPI" in cell.get_by_role("status").text_content()
    worker = next(w for w in page.workers if w.url.endswith("/assets/cells/worker.js"))
    shipped = worker.evaluate("() => performance.getEntriesByName('load:shipped').length")
    assert shipped == 1, "Python came from the site's snapshot, as engines without JSPI start"
    set_code(page, cell, LEGACY)
    assert run(cell) == "done" and log(cell) == "result: 42\n"


def test_output_is_text_and_stderr_is_marked(context, served):
    page = open_page(context, served.url("gather/"))
    cell = page.locator(".cell").first
    set_code(page, cell, "print('<b>not bold</b>')\nraise ValueError('broken')\n")
    assert run(cell) == "error"
    output = cell.get_by_role("log")
    assert output.locator("b").count() == 0
    assert log(cell).startswith("<b>not bold</b>\nTraceback (most recent call last):")
    expect(cell.locator(".cell-stderr")).to_contain_text("ValueError: broken")
    assert "<b>" not in cell.locator(".cell-stderr").text_content()
    assert "ValueError" in cell.get_by_role("status").text_content()


def test_pointing_at_run_starts_loading(context, served):
    seen = []
    context.on("request", lambda request: seen.append(request.url))
    page = open_page(context, served.url("gather/"))
    page.wait_for_load_state("networkidle")
    assert not [u for u in seen if "/pyodide/" in u]
    # Times out (fails) when hovering Run does not start loading.
    with page.expect_request(lambda request: request.url.endswith("pyodide.asm.wasm")):
        page.locator(".cell").first.get_by_role("button", name=RUN).hover()
    assert page.locator(".cell").first.get_attribute("data-state") == "idle"


def test_a_second_visit_restores_python_and_random_is_not_replayed(context, served):
    """The first load keeps a snapshot of the started Python (Cache Storage); the next page's
    worker restores it, and `random` does not repeat the first visit's numbers."""
    printed = []
    for visit in range(2):
        page = open_page(context, served.url("gather/"))
        cell = page.locator(".cell").first
        set_code(page, cell, "import random\nprint(random.random())\n")
        assert run(cell) == "done"
        printed.append(log(cell))
        worker = next(w for w in page.workers if w.url.endswith("/assets/cells/worker.js"))
        restored = worker.evaluate("() => performance.getEntriesByName('load:restored').length")
        assert restored == visit, "visit %d: snapshot restored %d times" % (visit + 1, restored)
        wait_for_kept(page, ".snapshot")
        page.close()
    assert printed[0] != printed[1], printed


def test_a_second_visit_reuses_the_compiled_wasm(browser, served, tmp_path):
    """Chromium keeps the compiled code of pyodide.asm.wasm for a response it fetched itself: the
    next visit deserializes that code instead of compiling the module again. So worker.js counts
    the bytes on a copy, and the service worker, which controls the second visit as it would a
    reader's, leaves the wasm to the browser. Incognito contexts keep no code cache: this one has a
    profile. Served with a max-age, as static hosts do: a response revalidated with the server
    (304) gets no compiled code back (measured with Cache-Control: no-cache: compiled again)."""
    ctx = persistent(browser.browser_type, tmp_path)
    try:
        with SiteServer(served.site, headers={"Cache-Control": "max-age=600"}) as base:
            page = open_page(ctx, base + "gather/")
            assert run(page.locator(".cell").first) == "done"
            page.wait_for_function(CONTROLLED)
            wait_for_compiled_wasm(page, tmp_path)
            page.close()
            page = ctx.new_page()
            page.set_default_timeout(LOAD)

            def visit():
                page.goto(base + "gather/")
                assert run(page.locator(".cell").first) == "done"

            events = trace(ctx, page, "v8.wasm", visit)
            assert page.evaluate(CONTROLLED), "the second visit had no service worker"
    finally:
        ctx.close()
    urls = [e["args"].get("url") for e in events if e["name"] == "wasm.SetUrl"]
    assert urls and urls[0].endswith("/pyodide.asm.wasm"), (
        "the wasm came without its URL: %s" % urls
    )
    assert any(e["name"] == "wasm.Deserialize" for e in events), "the wasm was compiled again"
