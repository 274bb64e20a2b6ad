"""The one builder of the cellrun wheel (build/wheels/cellrun-*.whl), the pure-Python
package Pyodide loads in the page and in Node. `make setup` and hooks/cells.py both call it;
it rebuilds only when cellrun's sources are newer than the wheel."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from devkit import ROOT

CELLRUN = ROOT / "cellrun"
WHEELS = ROOT / "build" / "wheels"
PATTERN = "cellrun-*-py3-none-any.whl"


class WheelError(RuntimeError):
    pass


def cellrun_wheel() -> Path:
    """The current wheel, built first when missing or older than a source file."""
    sources = [CELLRUN / "pyproject.toml", *(CELLRUN / "src").rglob("*.py")]
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
    return wheels[-1]


if __name__ == "__main__":
    print(cellrun_wheel().relative_to(ROOT))
