"""The one way tools build the site: ``mkdocs build --strict`` from the repo's venv.

``build()`` builds a project (the repo, or a test's copy of it) into a folder.
``pages_with_cells()`` and ``page_snippets()`` read a built site: what the browser suites and
`make bench` walk through.
``shared()`` gives every test process of one run the same build of the repo for one
``SITE_URL``: it is kept under build/test-sites/, named after a hash of everything the
build reads, and a file lock makes concurrent test workers wait for one build instead of
making two.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

from filelock import FileLock

from devkit import ROOT

MKDOCS = ROOT / ".venv" / "bin" / "mkdocs"
CACHE = ROOT / "build" / "test-sites"
# What a build reads: a change to any of these is a different site.
INPUTS = (
    "mkdocs.yml",
    "package-lock.json",
    "docs",
    "snippets",
    "hooks",
    "frontend",
    "overrides",
    "data",
    "cellrun/src",
    "tools/src/devkit",
)
KEEP = 4  # older shared builds are deleted beyond this many
# A cell as hooks/cells.py writes it; its data-snippet names the file under snippets/.
CELL = re.compile(r'<div class="cell(?: [^"]*)?" data-snippet="([^"]+)"')


class BuildError(RuntimeError):
    """mkdocs build --strict failed; the message ends with its output."""


def build(
    dest: Path, site_url: str | None = None, project: Path = ROOT, check: bool = True
) -> subprocess.CompletedProcess:
    """Build ``project`` (its mkdocs.yml) into ``dest``; SITE_URL set only when given."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env.pop("SITE_URL", None)
    if site_url:
        env["SITE_URL"] = site_url
    done = subprocess.run(
        [str(MKDOCS), "build", "--strict", "-f", str(project / "mkdocs.yml"), "-d", str(dest)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if check and done.returncode:
        raise BuildError("mkdocs build --strict failed:\n" + (done.stdout + done.stderr)[-4000:])
    return done


def fingerprint(site_url: str | None) -> str:
    digest = hashlib.sha256((site_url or "").encode())
    for name in INPUTS:
        top = ROOT / name
        files = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file())
        for path in files:
            if "__pycache__" in path.parts:
                continue
            digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def shared(site_url: str | None = None) -> tuple:
    """(site folder, build log) of the repo built for ``site_url``, built at most once."""
    CACHE.mkdir(parents=True, exist_ok=True)
    key = fingerprint(site_url)
    site, log = CACHE / key, CACHE / (key + ".log")
    with FileLock(str(CACHE / (key + ".lock"))):
        if not log.is_file():
            shutil.rmtree(site, ignore_errors=True)
            done = build(site, site_url, check=False)
            if done.returncode:
                shutil.rmtree(site, ignore_errors=True)
                raise BuildError(
                    "mkdocs build --strict failed:\n" + (done.stdout + done.stderr)[-4000:]
                )
            log.write_text(done.stdout + done.stderr, "utf-8")
            _forget_old()
    return site, log.read_text("utf-8")


def _forget_old() -> None:
    logs = sorted(CACHE.glob("*.log"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in logs[KEEP:]:
        shutil.rmtree(CACHE / old.stem, ignore_errors=True)
        old.unlink(missing_ok=True)
        (CACHE / (old.stem + ".lock")).unlink(missing_ok=True)


def page_snippets(site: Path, page: str) -> list:
    """The data-snippet of each cell a built page ("gather/", "zh/gather/") holds, in order."""
    return CELL.findall((site / page / "index.html").read_text("utf-8"))


def pages_with_cells(site: Path) -> list:
    """Site-relative URLs ("gather/", "zh/gather/") of the built pages that hold cells."""
    pages = []
    for html in sorted(site.rglob("index.html")):
        if CELL.search(html.read_text("utf-8")):
            rel = html.parent.relative_to(site).as_posix()
            pages.append("" if rel == "." else rel + "/")
    return pages


def load_hook(name: str):
    """hooks/<name>.py as the build loads it: by MkDocs' own hook loader, so its imports of
    sibling modules (hooks/shared.py) resolve the same way."""
    from mkdocs.config.config_options import Hooks

    return Hooks("plugins")._load_hook("hooks_" + name, str(ROOT / "hooks" / (name + ".py")))
