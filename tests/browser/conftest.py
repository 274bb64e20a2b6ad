"""Browser fixtures: one real build served under a sub-path, real Chromium, every request recorded.

- ``served``: the site built once (``devkit.site.shared``) with ``SITE_URL`` set to the address
  of one static server (``devkit.server``: 127.0.0.1, a free port, the site under ``/sub/``), so
  Material's instant navigation is on and sub-path serving is real. The controlling pytest
  process builds and serves it for every test worker: instant navigation compares the port, so
  all workers must use the address the site was built for.
- ``browser``: headless Chromium through Playwright's sync API (``devkit.chromium``).
- ``context``: a fresh browser context per test; it counts Worker constructions (an init
  script wraps ``window.Worker``) and fails the test if any request leaves 127.0.0.1.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

import devkit.site
from devkit.chromium import CHROMIUM, launch
from devkit.server import SiteServer

REPO = Path(__file__).resolve().parents[2]
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


class Served:
    """The built site and where it is served."""

    def __init__(self, site: Path, base: str):
        self.site = site  # the built site
        self.base = base  # http://127.0.0.1:PORT/sub/

    def url(self, path: str = "") -> str:
        return self.base + path.lstrip("/")

    def snippets(self, path: str) -> list:
        """The data-snippet of each cell the built page holds, in order."""
        return devkit.site.page_snippets(self.site, path)

    def pages_with_cells(self) -> list:
        """Site-relative page URLs ("gather/", "zh/gather/") whose HTML holds at least one cell."""
        return devkit.site.pages_with_cells(self.site)


def pytest_configure(config):
    if not hasattr(config, "workerinput"):
        config.served = _build_and_serve(config)
    # A test worker is served by the controller (pytest_configure_node).


def pytest_configure_node(node):
    node.workerinput["served"] = node.config.served


def _build_and_serve(config) -> dict:
    server = SiteServer(None, prefix=SUBPATH)
    try:
        site, _ = devkit.site.shared(server.base)
    except devkit.site.BuildError as error:
        return {"error": str(error)}
    server.serve(site)
    base = server.__enter__()
    config.add_cleanup(server.__exit__)
    return {"site": str(site), "base": base}


@pytest.fixture(scope="session")
def served(pytestconfig):
    if not Path(CHROMIUM).exists():
        pytest.skip("%s is not installed (make chromium)" % CHROMIUM)
    pytest.importorskip("playwright.sync_api")
    info = getattr(pytestconfig, "workerinput", {}).get("served") or getattr(
        pytestconfig, "served", None
    )
    if info is None:  # a worker whose controller did not load this conftest (`pytest -n 2`)
        info = pytestconfig.served = _build_and_serve(pytestconfig)
    if "error" in info:
        pytest.fail(info["error"], pytrace=False)
    return Served(Path(info["site"]), info["base"])


@pytest.fixture(scope="session")
def browser(served):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


class Traffic:
    def __init__(self):
        self.requests: list = []
        self.failures: list = []  # (status or error, url)

    def pyodide_requests(self) -> list:
        """Requests for the Python runtime (not, say, the page naming Pyodide's licence)."""
        return [
            u for u in self.requests if "/assets/pyodide/" in u or u.endswith((".wasm", ".whl"))
        ]

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
