"""A static server for the built site under a sub-path, on 127.0.0.1 and a free port."""

from __future__ import annotations

import functools
import socket
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Handler(SimpleHTTPRequestHandler):
    prefix = "/sub/"
    isolated = False
    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".mjs": "text/javascript",
        ".js": "text/javascript",
        ".wasm": "application/wasm",
        ".json": "application/json",
    }

    def translate_path(self, path):
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "__outside_the_sub_path__")
        return super().translate_path("/" + path[len(self.prefix) :])

    def end_headers(self):
        if self.isolated:
            self.send_header("Cross-Origin-Opener-Policy", "same-origin")
            self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
        super().end_headers()

    def log_message(self, *args):
        pass


class SiteServer:
    """``with SiteServer(site, port) as base:`` serves ``site`` at ``base`` = http://127.0.0.1:port/sub/."""

    def __init__(
        self, root: Path, port: int = 0, prefix: str = "/sub/", isolated: bool = False
    ) -> None:
        handler = type("Handler", (_Handler,), {"prefix": prefix, "isolated": isolated})
        self._server = ThreadingHTTPServer(
            ("127.0.0.1", port), functools.partial(handler, directory=str(root))
        )
        self.base = "http://127.0.0.1:%d%s" % (self._server.server_address[1], prefix)

    def __enter__(self) -> str:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self.base

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
