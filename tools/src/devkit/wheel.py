"""The one builder of the cellrun wheel (build/wheels/cellrun-*.whl), the pure-Python
package Pyodide loads in the page and in Node. `make setup` and hooks/runtime.py both call it;
it rebuilds only when cellrun's sources (or this builder) are newer than the wheel.

Beside each module the wheel holds its .pyc, compiled by the pinned Pyodide's own CPython
(pyc.mjs, in Node): the page's worker then imports cellrun without compiling it, which took
most of cellrun's load (measured with devkit.bench.focus). Another Python (Pyodide's 3.15 in
the version matrix) looks for its own cache tag, finds none and compiles the sources."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from devkit import ROOT

CELLRUN = ROOT / "cellrun"
WHEELS = ROOT / "build" / "wheels"
PATTERN = "cellrun-*-py3-none-any.whl"
PYODIDE = ROOT / "node_modules" / "pyodide" / "pyodide.mjs"  # the pinned one (package-lock.json)
COMPILER = Path(__file__).with_name("pyc.mjs")


class WheelError(RuntimeError):
    pass


def cellrun_wheel() -> Path:
    """The current wheel, built first when missing or older than a source file."""
    sources = [CELLRUN / "pyproject.toml", *(CELLRUN / "src").rglob("*.py")]
    sources += [Path(__file__), COMPILER, ROOT / "package-lock.json"]
    newest = max(p.stat().st_mtime for p in sources)
    wheels = sorted(WHEELS.glob(PATTERN))
    if wheels and wheels[-1].stat().st_mtime >= newest:
        return wheels[-1]
    WHEELS.mkdir(parents=True, exist_ok=True)
    for old in wheels:
        old.unlink()
    command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation"]
    command += ["--disable-pip-version-check", "-w", str(WHEELS), str(CELLRUN)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    wheels = sorted(WHEELS.glob(PATTERN))
    if done.returncode or not wheels:
        raise WheelError("building the cellrun wheel failed: %s" % done.stderr)
    try:
        add_bytecode(wheels[-1])
    except WheelError:
        wheels[-1].unlink()
        raise
    return wheels[-1]


def add_bytecode(wheel: Path) -> None:
    """Rewrite ``wheel`` with an unchecked-hash .pyc beside each module, and its RECORD."""
    node = shutil.which("node")
    if not node or not PYODIDE.is_file():
        raise WheelError("compiling cellrun needs node and node_modules/pyodide (npm ci)")
    with zipfile.ZipFile(wheel) as archive:
        entries = [(info, archive.read(info)) for info in archive.infolist()]
    sources = {i.filename: data.decode() for i, data in entries if i.filename.endswith(".py")}
    done = subprocess.run(
        [node, str(COMPILER), PYODIDE.as_uri()],
        input=json.dumps(sources),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise WheelError("compiling cellrun with Pyodide failed: %s" % done.stderr[-2000:])
    compiled = json.loads(done.stdout)
    out = []
    for info, data in entries:
        if info.filename.endswith(".dist-info/RECORD"):
            record = info
            continue
        out.append((info, data))
        if info.filename in sources:
            folder, _, name = info.filename.rpartition("/")
            pyc = zipfile.ZipInfo(
                "%s/__pycache__/%s.%s.pyc" % (folder, name[:-3], compiled["cache_tag"]),
                info.date_time,
            )
            pyc.compress_type = zipfile.ZIP_DEFLATED
            out.append((pyc, base64.b64decode(compiled["files"][info.filename])))
    lines = ["%s,%s,%d" % (i.filename, _digest(data), len(data)) for i, data in out]
    lines.append("%s,," % record.filename)
    out.append((record, ("\n".join(lines) + "\n").encode()))
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in out:
            archive.writestr(info, data)


def _digest(data: bytes) -> str:
    raw = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


if __name__ == "__main__":
    print(cellrun_wheel().relative_to(ROOT))
