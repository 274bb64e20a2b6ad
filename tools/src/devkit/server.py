"""The one static server tools use: a built site under a prefix (a sub-path, as a project
page is served), on 127.0.0.1 and a free port; optionally cross-origin isolated
(COOP/COEP, so the page may interrupt Python at once). For `make bench` it can also serve
the build's .br/.gz copies as a static host negotiates them (``encodings``), send a host's
caching headers, serve extra folders beside the site (``mounts``) and count every body's
bytes (``sent``)."""

from __future__ import annotations

import os
import socket
import sys
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

    encoding = None  # (Content-Encoding, suffix) of the copy being sent

    def translate_path(self, path):
        for mount, folder in self.server.mounts.items():
            if path.startswith(mount):
                return os.path.join(folder, path[len(mount) :].split("?")[0].lstrip("/"))
        prefix = self.server.prefix
        if not path.startswith(prefix):
            return str(Path(self.directory) / "__outside_the_prefix__")
        return self._encoded(super().translate_path("/" + path[len(prefix) :]))

    def _encoded(self, path: str) -> str:
        """The .br or .gz copy of the file, when the server sends them and the browser takes them."""
        self.encoding = None
        if not self.server.encodings:
            return path
        target = os.path.join(path, "index.html") if os.path.isdir(path) else path
        if os.path.isdir(path) and not self.path.split("?")[0].endswith("/"):
            return path  # the handler redirects to the folder's URL first
        accepted = {
            a.split(";")[0].strip() for a in self.headers.get("Accept-Encoding", "").split(",")
        }
        for encoding, suffix in (("br", ".br"), ("gzip", ".gz")):
            if encoding in accepted and os.path.isfile(target + suffix):
                self.encoding = (encoding, suffix)
                return target + suffix
        return path

    def guess_type(self, path):
        if self.encoding:
            path = path[: -len(self.encoding[1])]
        return super().guess_type(path)

    def copyfile(self, source, outputfile):
        body = source.read()
        outputfile.write(body)
        if self.server.sent is not None:
            with self.server.lock:
                self.server.sent.append((self.path.split("?")[0], len(body), self.encoding))

    def end_headers(self):
        if self.server.isolated:
            self.send_header("Cross-Origin-Opener-Policy", "same-origin")
            self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
        if self.encoding:
            self.send_header("Content-Encoding", self.encoding[0])
        for name, value in self.server.headers.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, *args):
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A page that gives up on a request (a stopped worker, a navigation) closes the
        # connection mid-file: normal for a browser, not worth a traceback.
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


class SiteServer:
    """``with SiteServer(site) as base:`` serves ``site`` at ``base`` = http://127.0.0.1:PORT/sub/.

    ``base`` is known before anything is served, so a site can be built for its own address
    and handed over with ``serve(folder)`` (also how a test redeploys).
    """

    def __init__(
        self,
        root: Path | None,
        port: int = 0,
        prefix: str = "/sub/",
        isolated: bool = False,
        *,
        encodings: bool = False,
        headers: dict | None = None,
        mounts: dict | None = None,
        count: bool = False,
    ) -> None:
        self._server = _Server(("127.0.0.1", port), _Handler)
        self._server.root, self._server.prefix, self._server.isolated = root, prefix, isolated
        self._server.encodings = encodings
        self._server.headers = headers or {}
        self._server.mounts = {k: str(v) for k, v in (mounts or {}).items()}
        self._server.sent = [] if count else None  # (path, body bytes, encoding) per response
        self._server.lock = threading.Lock()
        self.base = "http://127.0.0.1:%d%s" % (self._server.server_address[1], prefix)

    @property
    def encodings(self) -> bool:
        return self._server.encodings

    @encodings.setter
    def encodings(self, on: bool) -> None:
        self._server.encodings = on

    def take(self) -> list:
        """The bodies sent since the last call: (path, bytes, encoding or None)."""
        with self._server.lock:
            sent, self._server.sent = self._server.sent, []
        return [(path, size, encoding and encoding[0]) for path, size, encoding in sent]

    def serve(self, root: Path) -> None:
        self._server.root = root

    def __enter__(self) -> str:
        assert self._server.root is not None, "SiteServer: nothing to serve yet"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self.base

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
