"""Runnable cells: every whole-file Python include becomes a cell that runs in the browser.

- ``on_page_markdown``: a fence holding only ``--8<-- "topic/name.py"`` is wrapped in
  ``<div class="cell" data-snippet="topic/name.py" data-state="idle">``; the highlighted code
  stays as the no-JavaScript fallback, and a collapsed reference output from a build-time
  CPython run (cellrun, virtual clock, seed 0) follows it, labelled in the page's language.
- ``on_post_build``: the runtime the cells need, into ``site/assets/``:
  the pinned Pyodide (files named by its own package.json, version from package-lock.json),
  the cellrun wheel registered in the site's copy of pyodide-lock.json
  (``pyodide lockfile add-wheels``), and the front-end (frontend/cells/) bundled by esbuild.

Everything fails loudly, naming the missing file.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
FRONTEND = ROOT / "frontend" / "cells"
NODE_MODULES = ROOT / "node_modules"
CELLRUN = ROOT / "cellrun"
WHEELS = ROOT / "build" / "wheels"
CACHE = ROOT / "build" / "cells"
RUNTIME_DIR = "assets/pyodide"  # + /<version>/, under the site root
BUNDLE_DIR = "assets/cells"

# A fence whose whole body is one include line: ```python / --8<-- "path" / ```
CELL_FENCE = re.compile(
    r"""^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*\{?[ \t]*\.?(?:python3?|py3?)\b[^\n]*\n"""
    r"""(?P=indent)[ \t]*-{1,}8<-{1,}[ \t]+(?P<q>["'])(?P<path>[^"'\n]+)(?P=q)[ \t]*\n"""
    r"""(?P=indent)(?P=fence)[ \t]*$""",
    re.MULTILINE | re.IGNORECASE,
)

LABELS = {
    "en": {"reference": "Output (CPython, reference run)", "empty": "(no output)"},
    "zh": {"reference": "输出（CPython 参考运行结果）", "empty": "（无输出）"},
}

_references: dict = {}


# --------------------------------------------------------------------------- hooks


def on_config(config):
    # `mkdocs serve` rebuilds when the front-end or the runner changes.
    config.watch.extend(str(p) for p in (FRONTEND, CELLRUN / "src") if str(p) not in config.watch)
    return config


def on_pre_build(config):
    prefetch_references(Path(config.docs_dir))


def on_page_markdown(markdown, page, config, files):
    return wrap_cells(markdown, page_language(page))


def on_post_build(config):
    i18n = config.plugins.get("i18n")
    if i18n is not None and getattr(i18n, "building", False):
        return  # the other languages share the default build's site root
    site = Path(config.site_dir)
    version = copy_pyodide(site / RUNTIME_DIR)
    register_wheel(site / RUNTIME_DIR / version, cellrun_wheel())
    bundle_frontend(site / BUNDLE_DIR, version)


# --------------------------------------------------------------------------- cells


def page_language(page) -> str:
    locale = getattr(page.file, "locale", None)
    if locale:
        return locale.split("_")[0]
    return "zh" if page.file.src_uri.endswith(".zh.md") else "en"


def wrap_cells(markdown: str, lang: str) -> str:
    labels = LABELS.get(lang, LABELS["en"])

    def cell(match):
        indent, path = match["indent"], match["path"].strip()
        if not (SNIPPETS / path).is_file():
            raise PluginError("hooks/cells.py: no snippet snippets/%s" % path)
        lines = [
            '<div class="cell" data-snippet="%s" data-state="idle" markdown="1">' % html.escape(path),
            "",
            match.group(0)[len(indent) :],
            "",
            reference_html(reference(path), labels),
            "",
            "</div>",
        ]
        return "\n".join(indent + line if line else "" for line in "\n".join(lines).split("\n"))

    return CELL_FENCE.sub(cell, markdown)


def reference_html(outcome: dict, labels: dict) -> str:
    """The build-time run as a collapsed <details>, on one line so that Markdown leaves it alone."""
    body = html.escape(outcome["stdout"])
    if outcome["stderr"]:
        body += '<span class="cell-stderr">%s</span>' % html.escape(outcome["stderr"])
    body = body or html.escape(labels["empty"])
    # Newlines inside <pre> as entities: the whole block stays one Markdown line.
    body = body.replace("\n", "&#10;")
    return (
        '<details class="cell-reference"><summary>%s</summary>'
        '<pre class="cell-reference-output"><code>%s</code></pre></details>' % (html.escape(labels["reference"]), body)
    )


def reference(path: str) -> dict:
    source = (SNIPPETS / path).read_bytes()
    key = hashlib.sha256(source + _runner_digest().encode() + path.encode()).hexdigest()[:24]
    if key not in _references:
        cached = CACHE / "reference" / ("%s.json" % key)
        if cached.is_file():
            _references[key] = json.loads(cached.read_text("utf-8"))
        else:
            _references[key] = run_reference(path)
            cached.parent.mkdir(parents=True, exist_ok=True)
            cached.write_text(json.dumps(_references[key]), "utf-8")
    return _references[key]


def run_reference(path: str) -> dict:
    command = [sys.executable, "-m", "cellrun", "--json", "--virtual", "--seed", "0", str(SNIPPETS / path)]
    env = dict(os.environ, PYTHONPATH=str(CELLRUN / "src"), PYTHONDONTWRITEBYTECODE="1")
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=120, check=False)
    if not done.stdout:
        raise PluginError("hooks/cells.py: the reference run of snippets/%s failed: %s" % (path, done.stderr))
    return json.loads(done.stdout)


def prefetch_references(docs: Path) -> None:
    """Run every included snippet once, in parallel, before the pages ask for them."""
    paths = sorted({m["path"].strip() for page in docs.rglob("*.md") for m in CELL_FENCE.finditer(page.read_text("utf-8"))})
    paths = [p for p in paths if (SNIPPETS / p).is_file()]
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(reference, paths))


def _runner_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted((CELLRUN / "src").rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


# --------------------------------------------------------------------------- runtime


def pinned_pyodide() -> str:
    """The version package-lock.json pins; node_modules must hold exactly that one."""
    lock_path = ROOT / "package-lock.json"
    installed_path = NODE_MODULES / "pyodide" / "package.json"
    for path in (lock_path, installed_path):
        if not path.is_file():
            raise PluginError("hooks/cells.py: %s is missing (run `make setup`)" % path.relative_to(ROOT))
    pinned = json.loads(lock_path.read_text("utf-8"))["packages"]["node_modules/pyodide"]["version"]
    installed = json.loads(installed_path.read_text("utf-8"))["version"]
    if pinned != installed:
        raise PluginError(
            "hooks/cells.py: package-lock.json pins pyodide %s but node_modules has %s (run `npm ci`)" % (pinned, installed)
        )
    return pinned


def copy_pyodide(target: Path) -> str:
    """Copy the runtime files pyodide's package.json lists (not its types or demo pages)."""
    version = pinned_pyodide()
    package = NODE_MODULES / "pyodide"
    listed = json.loads((package / "package.json").read_text("utf-8"))["files"]
    wanted = [name for name in listed if not name.endswith((".d.ts", ".html"))]
    wanted = [name for name in wanted if not name.endswith(".map") or name[: -len(".map")] in wanted]
    destination = target / version
    destination.mkdir(parents=True, exist_ok=True)
    for name in wanted:
        source = package / name
        if not source.is_file():
            raise PluginError("hooks/cells.py: node_modules/pyodide/%s is missing (run `npm ci`)" % name)
        if not (destination / name).is_file() or (destination / name).stat().st_size != source.stat().st_size:
            shutil.copy2(source, destination / name)
    return version


def cellrun_wheel() -> Path:
    """build/wheels/cellrun-*.whl, rebuilt when cellrun's sources are newer (as `make setup` does)."""
    sources = [CELLRUN / "pyproject.toml", *(CELLRUN / "src").rglob("*.py")]
    newest = max(p.stat().st_mtime for p in sources)
    wheels = sorted(WHEELS.glob("cellrun-*-py3-none-any.whl"))
    if wheels and wheels[-1].stat().st_mtime >= newest:
        return wheels[-1]
    WHEELS.mkdir(parents=True, exist_ok=True)
    for old in wheels:
        old.unlink()
    command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation"]
    command += ["--disable-pip-version-check", "-w", str(WHEELS), str(CELLRUN)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    wheels = sorted(WHEELS.glob("cellrun-*-py3-none-any.whl"))
    if done.returncode or not wheels:
        raise PluginError("hooks/cells.py: building the cellrun wheel failed: %s" % done.stderr)
    return wheels[-1]


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
        raise PluginError("hooks/cells.py: `pyodide lockfile add-wheels` failed: %s%s" % (done.stdout, done.stderr))


def bundle_frontend(target: Path, version: str) -> None:
    """esbuild: the page module (editor in its own chunk) and the worker, minified ES modules."""
    esbuild = NODE_MODULES / ".bin" / "esbuild"
    entries = [FRONTEND / "cells.js", FRONTEND / "worker.js"]
    for path in [esbuild, *entries]:
        if not path.exists():
            raise PluginError("hooks/cells.py: %s is missing" % path.relative_to(ROOT))
    command = [str(esbuild), *map(str, entries), "--bundle", "--format=esm", "--splitting", "--minify"]
    command += ["--target=es2022", "--outdir=%s" % target, "--chunk-names=[name]-[hash]", "--log-level=warning"]
    command += ["--define:PYODIDE_VERSION=%s" % json.dumps(version), "--legal-comments=none"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    if done.returncode:
        raise PluginError("hooks/cells.py: esbuild failed: %s" % done.stderr)
