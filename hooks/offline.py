"""Offline reading: the service worker (frontend/offline/sw.js) and its registration.

- ``on_startup``: notes whether this is ``mkdocs serve``: a writer must see every save, so no
  service worker then.
- ``on_post_build`` (once, after the last language; after hooks/csp.py finished the pages and
  hooks/publish.py added its files):

  - ``assets/offline/register.js`` from frontend/offline/register.js: registers ``sw.js``;
    under ``mkdocs serve`` it removes this site's worker and caches instead (a build served
    earlier at the same address would otherwise keep answering from its cache).
  - ``sw.js`` at the site root (not under ``mkdocs serve``), with two cache keys: the pinned
    Pyodide version for the runtime files (the ones that are the npm package's own bytes;
    the site's pyodide-lock.json and the cellrun wheel change with the site, so they are not
    runtime files), and a hash of every file of the site for the rest; and the files to
    precache: every page and what pages load, except the large runtime (cached when a cell
    first loads it) and what is fetched only on demand (search language packs, source maps,
    the snapshot of a started Python that only engines without JSPI fetch).
    The site's own Python files (pyodide-lock.json, the wheel) are precached only for a reader
    who already ran Python here (the runtime cache exists): a first visit loads nothing of
    Python before intent, and a reader offline after a deploy still has this deploy's.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from shared import RUNTIME_DIR, pinned_pyodide

from devkit.pinned import own_files

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "frontend" / "offline"
SW_NAME = "sw.js"
REGISTER = "assets/offline/register.js"
NOT_PRECACHED = ("assets/javascripts/lunr/",)
# .snapshot: fetched only by engines without JSPI (hooks/runtime.py), cached when fetched.
NOT_PRECACHED_SUFFIXES = (".map", ".xml", ".gz", ".br", ".snapshot")
NOT_FETCHED = ("_headers",)  # for the host, never requested by a page

SERVING = False


def _source(name: str, placeholders) -> str:
    path = SOURCES / name
    if not path.is_file():
        raise PluginError("hooks/offline.py: %s is missing" % path.relative_to(ROOT))
    text = path.read_text("utf-8")
    for placeholder, value in placeholders.items():
        if placeholder not in text:
            raise PluginError(
                "hooks/offline.py: %s lacks %s" % (path.relative_to(ROOT), placeholder)
            )
        text = text.replace(placeholder, json.dumps(value, indent=0))
    return text


def runtime_files(site: Path, version: str) -> list:
    """Site-relative paths of Pyodide's own files (not the site's pyodide-lock.json or wheel)."""
    found = [p.relative_to(site).as_posix() for p in own_files(site / RUNTIME_DIR / version)]
    if not any(name.endswith(".wasm") for name in found):
        raise PluginError(
            "hooks/offline.py: no Pyodide runtime under %s%s (hooks/runtime.py copies it)"
            % (RUNTIME_DIR + "/", version)
        )
    return found


def site_hash(files, site: Path) -> str:
    content = hashlib.sha256()
    for path in files:
        content.update(path.relative_to(site).as_posix().encode() + b"\0")
        content.update(hashlib.sha256(path.read_bytes()).digest())
    return content.hexdigest()[:12]


def precache(rels, runtime) -> tuple:
    """(what pages load, the site's Python files), as URLs relative to sw.js; pages by their
    directory URL."""
    urls, python = [], []
    for rel in rels:
        if rel.startswith(RUNTIME_DIR + "/") and rel not in runtime:
            python.append(rel)
            continue
        if (
            rel in runtime
            or rel in NOT_FETCHED
            or rel.startswith(NOT_PRECACHED)
            or rel.endswith(NOT_PRECACHED_SUFFIXES)
        ):
            continue
        if rel.endswith("index.html"):
            rel = rel[: -len("index.html")]
        urls.append(rel or "./")
    return urls, python


def write_service_worker(site: Path) -> None:
    version = pinned_pyodide("hooks/offline.py")
    files = sorted(p for p in site.rglob("*") if p.is_file() and p.name != SW_NAME)
    rels = [p.relative_to(site).as_posix() for p in files]
    runtime = runtime_files(site, version)
    pages_and_assets, python = precache(rels, set(runtime))
    source = _source(
        SW_NAME,
        {
            '"__SITE__"': site_hash(files, site),
            '"__RUNTIME__"': version,
            '["__PRECACHE__"]': pages_and_assets,
            '["__PRECACHE_PYTHON__"]': python,
            '["__RUNTIME_FILES__"]': runtime,
        },
    )
    (site / SW_NAME).write_text(source, "utf-8")


# --------------------------------------------------------------------------- hooks


def on_startup(command, dirty):
    global SERVING
    SERVING = command == "serve"


@event_priority(-350)  # after hooks/csp.py (-300) and hooks/publish.py (-320)
def on_post_build(config):
    i18n = config.plugins.get("i18n")
    if i18n is not None and getattr(i18n, "building", False):
        return  # the other languages are built inside the default one; finish once, at the end
    site = Path(config.site_dir)
    register = site / REGISTER
    register.parent.mkdir(parents=True, exist_ok=True)
    register.write_text(_source("register.js", {'"__SERVING__"': SERVING}), "utf-8")
    if SERVING:
        (site / SW_NAME).unlink(missing_ok=True)
    else:
        write_service_worker(site)
