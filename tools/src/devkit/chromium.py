"""Chromium as every browser run here launches it: the browser tests, `make bench` and
devkit.timeline_drawing (`playwright install` cannot download here). Debian's by default;
the CHROMIUM environment variable names another binary. Also what the tests and the bench both
need of it: a context with a profile on disk, a wait for its wasm code cache, a Chrome trace."""

import os
from pathlib import Path

CHROMIUM = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
# A container without a sandbox or GPU; no QUIC and no background traffic, so the only
# requests are the page's own (the tests fail on any that leaves 127.0.0.1).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch(playwright, **options):
    """Headless Chromium through Playwright's sync API, with the arguments above."""
    return playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, **options
    )


def persistent(browser_type, profile, **options):
    """A context with a profile on disk (an incognito one keeps no code cache between visits);
    browser_type: Playwright's ``chromium``."""
    return browser_type.launch_persistent_context(
        profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, **options
    )


def wait_for_compiled_wasm(page, profile, seconds: float = 60) -> None:
    """Until Chromium has written a wasm module's compiled code to the profile's code cache. It
    does so once enough of the module is optimised, some seconds into the first load; the entry
    under the module's URL is a few hundred bytes, the code is in another entry, far larger."""
    folder = Path(profile) / "Default" / "Code Cache" / "wasm"
    for _ in range(int(seconds * 10)):
        if folder.is_dir() and any(
            f.stat().st_size > 100_000 for f in folder.iterdir() if f.is_file()
        ):
            return
        page.wait_for_timeout(100)
    raise AssertionError("no compiled wasm in the code cache after %s s" % seconds)


def trace(context, page, categories: str, action, seconds: float = 60) -> list:
    """The events of a Chrome trace (through CDP) recorded while action() ran: a list to search,
    or to save as {"traceEvents": events} for chrome://tracing and Perfetto."""
    cdp = context.new_cdp_session(page)
    events, complete = [], []
    cdp.on("Tracing.dataCollected", lambda params: events.extend(params["value"]))
    cdp.on("Tracing.tracingComplete", lambda params: complete.append(True))
    cdp.send("Tracing.start", {"categories": categories, "transferMode": "ReportEvents"})
    try:
        action()
    finally:
        cdp.send("Tracing.end")
        for _ in range(int(seconds * 50)):
            if complete:
                break
            cdp.send("Runtime.evaluate", {"expression": "1"})  # lets Playwright deliver events
            page.wait_for_timeout(20)
        else:
            raise AssertionError("the trace did not end within %s s" % seconds)
    return events
