"""Chromium as every browser run here launches it: the browser tests, `make bench` and
devkit.timeline_drawing (`playwright install` cannot download here). Debian's by default;
the CHROMIUM environment variable names another binary."""

import os

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
