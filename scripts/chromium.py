"""Debian's Chromium as every browser run here launches it: the browser tests, `make bench`
and scripts/timeline_drawing.py (`playwright install` cannot download here)."""

CHROMIUM = "/usr/bin/chromium"
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
