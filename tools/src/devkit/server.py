"""The one static server tools use: a built site under a prefix (a sub-path, as a project
page is served), on 127.0.0.1 and a free port; optionally cross-origin isolated
(COOP/COEP, so the page may interrupt Python at once)."""

from __future__ import annotations

import socket
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Handler(SimpleHTTPRequestHandler):
    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".mjs": "text/javascript",
        ".js": "text/javascript",
        ".wasm": "application/wasm",
        ".json": "application/json",
        ".whl": "application/zip",
    }

    def __init__(self, request, client_address, server):
        # The folder is read per request: a test may redeploy into a new one.
        super().__init__(request, client_address, server, directory=str(server.root))

    def translate_path(self, path):
        prefix = self.server.prefix
        if not path.startswith(prefix):
            return str(Path(self.directory) / "__outside_the_prefix__")
        return super().translate_path("/" + path[len(prefix) :])

    def end_headers(self):
        if self.server.isolated:
            self.send_header("Cross-Origin-Opener-Policy", "same-origin")
            self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
        super().end_headers()

    def log_message(self, *args):
        pass


class SiteServer:
    """``with SiteServer(site) as base:`` serves ``site`` at ``base`` = http://127.0.0.1:PORT/sub/.

    ``base`` is known before anything is served, so a site can be built for its own address
    and handed over with ``serve(folder)`` (also how a test redeploys).
    """

    def __init__(
        self, root: Path | None, port: int = 0, prefix: str = "/sub/", isolated: bool = False
    ) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        self._server.root, self._server.prefix, self._server.isolated = root, prefix, isolated
        self.base = "http://127.0.0.1:%d%s" % (self._server.server_address[1], prefix)

    def serve(self, root: Path) -> None:
        self._server.root = root

    def __enter__(self) -> str:
        assert self._server.root is not None, "SiteServer: nothing to serve yet"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self.base

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
