"""Precompressed copies of the site's large text and WebAssembly files, for servers that send them.

``on_post_build`` (once, after the last language and after hooks/offline.py wrote sw.js): beside every
file of at least ``MIN_BYTES`` whose type compresses (HTML, JS, CSS, JSON, WebAssembly, SVG, XML,
source maps), write ``<name>.gz`` (Python's gzip, level 9, no timestamp, so the bytes are
reproducible) and, when the pinned ``brotli`` package is installed, ``<name>.br``. A copy is kept
only if it saves at least 5%. Zips and wheels are already compressed and are left alone.

Brotli at quality 11 takes minutes on the 9.6 MB Python runtime, so files over ``BIG`` use
quality 9; results are cached under build/precompress/ by content hash, so rebuilds are quick.
A static host that negotiates Content-Encoding (nginx ``gzip_static``/``brotli_static``, or the
benchmark's server, scripts/bench.py) serves them; the others ignore them.
"""

from __future__ import annotations

import gzip
import hashlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from mkdocs.plugins import event_priority

try:
    import brotli
except ImportError:  # gzip copies only
    brotli = None

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "build" / "precompress"
MIN_BYTES = 1400  # smaller fits in one packet anyway
BIG = 1_000_000
SUFFIXES = {".html", ".js", ".mjs", ".css", ".json", ".wasm", ".svg", ".xml", ".map", ".txt"}
KEEP_RATIO = 0.95


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def _brotli(data: bytes) -> bytes:
    return brotli.compress(data, quality=11 if len(data) < BIG else 9)


def _cached(kind: str, data: bytes, make) -> bytes:
    key = hashlib.sha256(data).hexdigest()
    path = CACHE / kind / key[:2] / key
    if path.is_file():
        return path.read_bytes()
    out = make(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out)
    return out


def precompress(path: Path) -> None:
    data = path.read_bytes()
    kinds = [("gz", _gzip)] + ([("br", _brotli)] if brotli is not None else [])
    for kind, make in kinds:
        target = path.with_name(path.name + "." + kind)
        out = _cached(kind, data, make)
        if len(out) <= len(data) * KEEP_RATIO:
            target.write_bytes(out)
        elif target.exists():
            target.unlink()


def candidates(site: Path) -> list:
    return sorted(
        p
        for p in site.rglob("*")
        if p.is_file()
        and p.suffix in SUFFIXES
        and p.stat().st_size >= MIN_BYTES
        and p.name != "sitemap.xml"  # mkdocs writes its own sitemap.xml.gz
    )


@event_priority(-400)  # after hooks/csp.py (-300), publish.py (-320) and offline.py (-350)
def on_post_build(config):
    i18n = config.plugins.get("i18n")
    if i18n is not None and getattr(i18n, "building", False):
        return  # the other languages are built inside the default one; compress once, at the end
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(precompress, candidates(Path(config.site_dir))))
