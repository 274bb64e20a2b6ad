"""One session per engine for tests/engines: the site the site tests build (devkit.site.shared,
no SITE_URL, so no build of its own: pages load in full, no instant navigation), served by
devkit's static server on its own port per engine (the offline test takes it down)."""

from __future__ import annotations

import time

import pytest
from drivers import missing, start

import devkit.site
from devkit.server import SiteServer

SUBPATH = "/sub/"


@pytest.fixture(scope="session")
def built_site():
    try:
        folder, _ = devkit.site.shared()
    except devkit.site.BuildError as error:
        pytest.fail(str(error), pytrace=False)
    return folder


class Session:
    """An engine with the site served for it alone."""

    def __init__(self, name: str, site):
        self.server = SiteServer(site, prefix=SUBPATH)
        self.base = self.server.__enter__()
        self.serving = True
        began = time.monotonic()
        self.browser = start(name)
        self.name, self.version = name, self.browser.version
        self.launch_s = time.monotonic() - began

    def url(self, path: str = "") -> str:
        return self.base + path

    def go_offline(self) -> None:
        self.server.__exit__(None, None, None)
        self.serving = False

    def close(self) -> None:
        try:
            self.browser.close()
        finally:
            if self.serving:
                self.go_offline()


@pytest.fixture(scope="module", params=["firefox", "webkitgtk"])
def engine(request, built_site):
    lack = missing(request.param)
    if lack:
        pytest.skip("%s is not installed: %s" % (request.param, lack))
    session = Session(request.param, built_site)
    began = time.monotonic()
    yield session
    session.close()
    print(
        "\n%s: launch %.1f s, tests %.1f s"
        % (session.version, session.launch_s, time.monotonic() - began)
    )
