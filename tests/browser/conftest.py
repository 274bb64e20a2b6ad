"""Browser fixtures: one real build served under a sub-path, real Chromium, every request recorded.

- ``served``: ``mkdocs build --strict`` once per session into a temporary folder, with
  ``SITE_URL`` pointing at a local static server (threaded ``http.server`` on 127.0.0.1, free
  port, site under ``/sub/``), so Material's instant navigation is on and sub-path serving is real.
- ``browser``: headless Debian Chromium through Playwright's sync API.
- ``context``: a fresh browser context per test; it counts Worker constructions (an init
  script wraps ``window.Worker``) and fails the test if any request leaves 127.0.0.1.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
from chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

MKDOCS = REPO / ".venv" / "bin" / "mkdocs"
SUBPATH = "/sub/"

# Counts every Worker the page constructs; survives instant navigation (same document).
COUNT_WORKERS = """
(() => {
  const Native = window.Worker;
  if (!Native || Native.__counted) return;
  window.__workers = [];
  class Counted extends Native {
    constructor(url, options) { super(url, options); window.__workers.push(String(url)); }
  }
  Counted.__counted = true;
  window.Worker = Counted;
})();
"""


class _Quiet(SimpleHTTPRequestHandler):
    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".wasm": "application/wasm",
        ".json": "application/json",
        ".whl": "application/zip",
    }

    def log_message(self, *args):
        pass


class Served:
    """The built site and where it is served."""

    def __init__(self, root: Path, base: str):
        self.root = root  # the folder served as "/"
        self.site = root / SUBPATH.strip("/")  # the built site
        self.base = base  # http://127.0.0.1:PORT/sub/

    def url(self, path: str = "") -> str:
        return self.base + path.lstrip("/")

    def snippets(self, path: str) -> list:
        """The data-snippet of each cell the built page holds, in order."""
        html = (self.site / path / "index.html").read_text("utf-8")
        return re.findall(r'<div class="cell" data-snippet="([^"]+)"', html)

    def pages_with_cells(self) -> list:
        """Site-relative page URLs ("gather/", "zh/gather/") whose HTML holds at least one cell."""
        pages = []
        for html in sorted(self.site.rglob("index.html")):
            if 'class="cell"' in html.read_text("utf-8"):
                rel = html.parent.relative_to(self.site).as_posix()
                pages.append("" if rel == "." else rel + "/")
        return pages


@pytest.fixture(scope="session")
def served(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip("%s is not installed (make chromium)" % CHROMIUM)
    pytest.importorskip("playwright.sync_api")
    root = tmp_path_factory.mktemp("served")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(root)))
    base = "http://127.0.0.1:%d%s" % (server.server_address[1], SUBPATH)
    env = dict(os.environ, SITE_URL=base, NO_MKDOCS_2_WARNING="1")
    proc = subprocess.run(
        [str(MKDOCS), "build", "--strict", "-d", str(root / SUBPATH.strip("/"))],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if proc.returncode:
        pytest.fail(
            "mkdocs build --strict failed:\n" + (proc.stdout + proc.stderr)[-4000:],
            pytrace=False,
        )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Served(root, base)
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser(served):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


class Traffic:
    def __init__(self):
        self.requests: list = []
        self.failures: list = []  # (status or error, url)

    def pyodide_requests(self) -> list:
        return [u for u in self.requests if "pyodide" in u.lower() or u.endswith((".wasm", ".whl"))]

    def foreign(self) -> list:
        return [
            u
            for u in self.requests
            if urlsplit(u).scheme in ("http", "https", "ws", "wss")
            and urlsplit(u).hostname != "127.0.0.1"
        ]


def _new_context(browser):
    ctx = browser.new_context(locale="en-US")
    ctx.add_init_script(COUNT_WORKERS)
    traffic = Traffic()
    ctx.on("request", lambda request: traffic.requests.append(request.url))
    # ERR_ABORTED is a request the page gave up on (a stopped worker), not a missing file.
    ctx.on(
        "requestfailed",
        lambda request: (
            request.failure != "net::ERR_ABORTED"
            and traffic.failures.append((request.failure, request.url))
        ),
    )
    ctx.on(
        "response",
        lambda response: (
            response.status >= 400 and traffic.failures.append((response.status, response.url))
        ),
    )
    ctx.traffic = traffic
    return ctx


def _close(ctx):
    ctx.close()
    assert ctx.traffic.foreign() == [], "requests left 127.0.0.1: %s" % ctx.traffic.foreign()[:5]


@pytest.fixture
def context(browser):
    """A fresh context: empty HTTP cache, its own request log."""
    ctx = _new_context(browser)
    yield ctx
    _close(ctx)


@pytest.fixture(scope="session")
def warm_context(browser):
    """One context for the behaviour tests: the HTTP cache keeps Pyodide between them."""
    ctx = _new_context(browser)
    yield ctx
    _close(ctx)
