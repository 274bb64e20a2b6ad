"""The one builder of the site's standard library zip: Pyodide's python_stdlib.zip with a .pyc
beside the .py of each module the worker imports on its way to ready (stdlib.mjs, run by the
pinned Pyodide in Node).

Why: the npm release ships the standard library as sources only, so every first start
compiles the ~150 modules Pyodide and cellrun import: 3.8 s of the worker's 4.3 s from wasm
instantiated to Python started, measured in Node (1.0 s with the bytecode). The sources stay
in the zip, so a traceback through asyncio shows its lines as CPython does. The zip is named
after its content (``python_stdlib.<hash>.zip``): the worker keeps its snapshot of a started
Python under that name too, and a snapshot holds zipimport's table of the zip it was made with.

Built once per input (the shipped zip, cellrun's sources, this builder) under build/stdlib/.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from devkit import ROOT
from devkit.cache import built_once, content_name
from devkit.pinned import NODE_MODULES, SHIPPED
from devkit.wheel import CELLRUN, cellrun_wheel

CACHE = ROOT / "build" / "stdlib"
STOCK = NODE_MODULES / SHIPPED / "python_stdlib.zip"
BUILDER = Path(__file__).with_name("stdlib.mjs")


class StdlibError(RuntimeError):
    pass


def compiled_stdlib() -> Path:
    """build/stdlib/<inputs>/python_stdlib.<content hash>.zip, built first when missing."""
    if not STOCK.is_file() or not shutil.which("node"):
        raise StdlibError("the standard library zip needs node and node_modules/pyodide (npm ci)")
    inputs = [STOCK, Path(__file__), BUILDER, *sorted((CELLRUN / "src").rglob("*.py"))]
    return built_once(CACHE, inputs, "python_stdlib.*.zip", _build)


def _build(folder: Path) -> Path:
    made = folder / "python_stdlib.zip"
    pyodide = (NODE_MODULES / SHIPPED / "pyodide.mjs").as_uri()
    done = subprocess.run(
        ["node", str(BUILDER), pyodide, str(cellrun_wheel()), str(made)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode or not made.is_file() or json.loads(done.stdout)["modules"] < 50:
        raise StdlibError("compiling the standard library failed: %s" % done.stderr[-2000:])
    return content_name(made, "python_stdlib", ".zip")


if __name__ == "__main__":
    print(compiled_stdlib().relative_to(ROOT))
