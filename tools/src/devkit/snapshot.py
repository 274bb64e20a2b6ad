"""The one builder of the site's started Python: Pyodide's memory snapshot of Python started on
the site's standard library zip (devkit.stdlib), made in Node by snapshot.mjs, for engines
without JSPI.

Why: without JSPI (WebKitGTK 2.50, Safari before 27, Chrome for Android), the engines measured
here run the wasm of CPython's start-up and Pyodide's bootstrap more slowly than Chromium does:
WebKitGTK's first output came 5.2 s after the click against Chromium's 2.2 s on this machine,
4.9 s of it before Python had started (Chromium: 1.9 s). Their worker restores this snapshot
instead (frontend/cells/worker.js), the same way a second visit restores the one it kept.
Engines with JSPI never fetch it: their start is quick, and it costs 4.8 MB gzipped.

The snapshot holds zipimport's table of the zip it was made with and the pinned Pyodide's
memory, so it is built per input (the zip, Pyodide's runtime files, this builder) under
build/snapshot/ and named after its content (``python.<hash>.snapshot``). The file is gzipped
(31.5 MB of memory, 4.8 MB in the file) and the worker inflates it (DecompressionStream): no
host compresses a file of unknown type on its own, GitHub Pages included.
"""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
from pathlib import Path

from devkit import ROOT
from devkit.cache import built_once, content_name
from devkit.pinned import NODE_MODULES, SHIPPED
from devkit.stdlib import compiled_stdlib

CACHE = ROOT / "build" / "snapshot"
BUILDER = Path(__file__).with_name("snapshot.mjs")
RUNTIME = [
    NODE_MODULES / SHIPPED / name for name in ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm")
]


class SnapshotError(RuntimeError):
    pass


def shipped_snapshot() -> Path:
    """build/snapshot/<inputs>/python.<content hash>.snapshot, made first when missing."""
    if not all(path.is_file() for path in RUNTIME) or not shutil.which("node"):
        raise SnapshotError("the snapshot needs node and node_modules/pyodide (npm ci)")
    stdlib = compiled_stdlib()
    return built_once(
        CACHE,
        [stdlib, *RUNTIME, Path(__file__), BUILDER],
        "python.*.snapshot",
        lambda folder: _build(folder, stdlib),
    )


def _build(folder: Path, stdlib: Path) -> Path:
    made = folder / "python.snapshot"
    done = subprocess.run(
        ["node", str(BUILDER), RUNTIME[0].as_uri(), str(stdlib), str(made)],
        capture_output=True,
        text=True,
        check=False,
        # Python reads the time zone's names once, as it starts: the build's own would be
        # the snapshot's, so it is UTC, whatever the machine's.
        env=dict(os.environ, TZ="UTC"),
    )
    if done.returncode or not made.is_file():
        raise SnapshotError("making the snapshot failed: %s" % done.stderr[-2000:])
    made.write_bytes(gzip.compress(made.read_bytes(), compresslevel=9, mtime=0))
    return content_name(made, "python", ".snapshot")


if __name__ == "__main__":
    print(shipped_snapshot().relative_to(ROOT))
