"""The runtime the cells need, written into ``site/assets/`` after the pages (``on_post_build``):

- the pinned Pyodide (the files its own package.json lists; the version package-lock.json
  pins, read by devkit.pinned), its standard library zip replaced by devkit.stdlib's (the
  same sources, with bytecode for what the worker imports to start),
- devkit.snapshot's started Python, which the worker restores in engines without JSPI,
- the cellrun wheel (devkit.wheel) registered in the site's copy of pyodide-lock.json
  (``pyodide lockfile add-wheels``),
- the front-end (frontend/cells/) bundled by esbuild, with the values it shares with Python
  (the runtime's sizes, cellrun.svg's geometry and words), and cellrun.svg's CSS.

Everything fails loudly, naming the missing file.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from shared import RUNTIME_DIR, pinned_pyodide

from cellrun.svg import CSS, browser_values
from devkit.pinned import NODE_MODULES
from devkit.snapshot import SnapshotError, shipped_snapshot
from devkit.stdlib import STOCK, StdlibError, compiled_stdlib
from devkit.wheel import CELLRUN, WheelError, cellrun_wheel

ROOT = Path(__file__).resolve().parent.parent
FRONTEND = ROOT / "frontend" / "cells"
BUNDLE_DIR = "assets/cells"
TIMELINE_CSS = "timeline.css"  # cellrun.svg's CSS, linked by mkdocs.yml's extra_css


def on_config(config):
    # `mkdocs serve` rebuilds when the front-end or the runner changes.
    config.watch.extend(str(p) for p in (FRONTEND, CELLRUN / "src") if str(p) not in config.watch)
    return config


def on_post_build(config):
    i18n = config.plugins.get("i18n")
    if i18n is not None and getattr(i18n, "building", False):
        return  # the other languages share the default build's site root
    site = Path(config.site_dir)
    version = copy_pyodide(site / RUNTIME_DIR)
    try:
        wheel, stdlib, snapshot = cellrun_wheel(), compiled_stdlib(), shipped_snapshot()
    except (WheelError, StdlibError, SnapshotError) as error:
        raise PluginError("hooks/runtime.py: %s" % error) from error
    runtime = site / RUNTIME_DIR / version
    register_wheel(runtime, wheel)
    for built in (stdlib, snapshot):
        shutil.copy2(built, runtime / built.name)
    names = {"STDLIB": stdlib.name, "SNAPSHOT": snapshot.name}
    sizes = runtime_sizes(runtime, stdlib.name, wheel.name, snapshot.name)
    bundle_frontend(site / BUNDLE_DIR, version, names, sizes)
    (site / BUNDLE_DIR / TIMELINE_CSS).write_text(CSS, encoding="utf-8")


def copy_pyodide(target: Path) -> str:
    """Copy the runtime files pyodide's package.json lists (not its types or demo pages)."""
    version = pinned_pyodide("hooks/runtime.py")
    package = NODE_MODULES / "pyodide"
    listed = json.loads((package / "package.json").read_text("utf-8"))["files"]
    wanted = [name for name in listed if not name.endswith((".d.ts", ".html"))]
    wanted = [
        name for name in wanted if not name.endswith(".map") or name[: -len(".map")] in wanted
    ]
    wanted.remove(STOCK.name)  # the site ships devkit.stdlib's instead
    destination = target / version
    destination.mkdir(parents=True, exist_ok=True)
    for name in wanted:
        source = package / name
        if not source.is_file():
            raise PluginError(
                "hooks/runtime.py: node_modules/pyodide/%s is missing (run `npm ci`)" % name
            )
        if (
            not (destination / name).is_file()
            or (destination / name).stat().st_size != source.stat().st_size
        ):
            shutil.copy2(source, destination / name)
    return version


def register_wheel(runtime: Path, wheel: Path) -> None:
    """Put the wheel beside pyodide and add it (with its sha256) to the site's pyodide-lock.json."""
    shutil.copy2(wheel, runtime / wheel.name)
    cli = Path(sys.executable).parent / "pyodide"
    lock = runtime / "pyodide-lock.json"
    original = NODE_MODULES / "pyodide" / "pyodide-lock.json"
    command = [str(cli), "lockfile", "add-wheels", "--input", str(original), "--output", str(lock)]
    command += ["--base-path", str(runtime), str(runtime / wheel.name)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    if done.returncode or "cellrun" not in json.loads(lock.read_text("utf-8"))["packages"]:
        raise PluginError(
            "hooks/runtime.py: `pyodide lockfile add-wheels` failed: %s%s"
            % (done.stdout, done.stderr)
        )


# The files the worker fetches to start (pyodide.asm.mjs is imported, not fetched), with the
# standard library, the wheel and (engines without JSPI) the snapshot: its progress bar's total.
FETCHED_AT_LOAD = ("pyodide.asm.wasm", "pyodide-lock.json")


def runtime_sizes(runtime: Path, *built: str) -> dict:
    """{file name: bytes} of what a first load fetches, as the site serves it."""
    return {name: (runtime / name).stat().st_size for name in (*FETCHED_AT_LOAD, *built)}


def bundle_frontend(target: Path, version: str, names: dict, sizes: dict) -> None:
    """esbuild: the page module (editor in its own chunk) and the worker, minified ES modules."""
    esbuild = NODE_MODULES / ".bin" / "esbuild"
    entries = [FRONTEND / "cells.js", FRONTEND / "worker.js"]
    for path in [esbuild, *entries]:
        if not path.exists():
            raise PluginError("hooks/runtime.py: %s is missing" % path.relative_to(ROOT))
    command = [
        str(esbuild),
        *map(str, entries),
        "--bundle",
        "--format=esm",
        "--splitting",
        "--minify",
    ]
    command += [
        "--target=es2022",
        "--outdir=%s" % target,
        "--chunk-names=[name]-[hash]",
        "--log-level=warning",
    ]
    command += ["--define:PYODIDE_VERSION=%s" % json.dumps(version), "--legal-comments=none"]
    command += ["--define:%s=%s" % (name, json.dumps(value)) for name, value in names.items()]
    command += ["--define:RUNTIME_SIZES=%s" % json.dumps(sizes, sort_keys=True)]
    command += ["--define:TIMELINE=%s" % json.dumps(browser_values(), sort_keys=True)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    if done.returncode:
        raise PluginError("hooks/runtime.py: esbuild failed: %s" % done.stderr)
