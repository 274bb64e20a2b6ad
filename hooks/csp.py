"""Content Security Policy and offline service worker.

- ``on_post_page``: a ``<meta http-equiv="Content-Security-Policy">`` as the first child of
  ``<head>``: the site's own origin only, with the sha256 of every inline ``<script>`` and
  ``<style>`` of the page (no 'unsafe-inline').
- ``on_post_build`` (once, after the last language): every HTML file of the site (404 pages
  included) gets the same policy, with the hashes of the inline scripts and styles of *all*
  pages. Material's instant navigation keeps the first page's ``<head>`` (so its policy) and
  runs the next page's inline scripts, so each page must allow the others' scripts too.
  Then ``sw.js`` (frontend/offline/sw.js) is written at the site root, its cache named after
  the pinned Pyodide version and a hash of the site's files, with the list of files to keep
  ready for offline reading.

Why each directive:
- script-src 'self' + hashes: Material's few inline scripts and the pages' modules.
  No 'wasm-unsafe-eval': WebAssembly only runs in the cells' worker, whose policy comes
  from its own response, not from this page's meta tag.
- style-src 'self' + hashes: <style> blocks written by the build (the version matrix).
  No style attributes in the markup (the language switcher uses classes from extra.css);
  scripts that set element.style (Material) and constructed stylesheets (CodeMirror, whose
  editor lives in a shadow root for this reason) are not governed by style-src.
- worker-src 'self': the cells' module worker, Material's search worker, this service worker.
- img-src 'self' data:: Material inlines small SVG icons as data: URLs in its CSS.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

ROOT = Path(__file__).resolve().parent.parent
SW_SOURCE = ROOT / "frontend" / "offline" / "sw.js"
SW_NAME = "sw.js"

INLINE_SCRIPT = re.compile(r"<script\b(?P<attrs>[^>]*)>(?P<body>.*?)</script\s*>", re.S | re.I)
INLINE_STYLE = re.compile(r"<style\b[^>]*>(?P<body>.*?)</style\s*>", re.S | re.I)
HEAD = re.compile(r"<head\b[^>]*>", re.I)
OUR_META = re.compile(r'[ \t]*<meta http-equiv="Content-Security-Policy" content="[^"]*">\n?', re.I)
# A <script> whose type is data, not code (Material's JSON config): not executed, not hashed.
DATA_TYPE = re.compile(
    r"""\btype\s*=\s*["']?(?!module\b|text/javascript\b|application/javascript\b)[\w/+.-]+""", re.I
)


def digest(text: str) -> str:
    return "'sha256-%s'" % base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode(
        "ascii"
    )


def inline_hashes(html: str) -> tuple:
    """(hashes of the inline scripts, hashes of the <style> elements)."""
    scripts = {
        digest(m["body"])
        for m in INLINE_SCRIPT.finditer(html)
        if not re.search(r"\bsrc\s*=", m["attrs"], re.I)
        and not DATA_TYPE.search(m["attrs"])
        and m["body"].strip()
    }
    return scripts, {digest(m["body"]) for m in INLINE_STYLE.finditer(html)}


def policy(scripts, styles) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            " ".join(["script-src 'self'", *sorted(scripts)]),
            " ".join(["style-src 'self'", *sorted(styles)]),
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "worker-src 'self'",
            "manifest-src 'self'",
            "media-src 'none'",
            "object-src 'none'",
            "frame-src 'none'",
            "base-uri 'self'",
            "form-action 'none'",
        ]
    )


def with_policy(html: str, csp: str) -> str:
    html = OUR_META.sub("", html)
    head = HEAD.search(html)
    if head is None:
        raise PluginError("hooks/csp.py: no <head> to put the Content-Security-Policy in")
    meta = '\n    <meta http-equiv="Content-Security-Policy" content="%s">' % csp
    return html[: head.end()] + meta + html[head.end() :]


# --------------------------------------------------------------------------- hooks


def on_post_page(output, page, config):
    return with_policy(output, policy(*inline_hashes(output)))


@event_priority(-300)  # after i18n (-100) and hooks/i18n_twins.py (-200) wrote every page
def on_post_build(config):
    i18n = config.plugins.get("i18n")
    if i18n is not None and getattr(i18n, "building", False):
        return  # the other languages are built inside the default one; finish once, at the end
    site = Path(config.site_dir)
    pages = sorted(site.rglob("*.html"))
    texts = {path: path.read_text("utf-8") for path in pages}
    scripts, styles = set(), set()
    for text in texts.values():
        found = inline_hashes(OUR_META.sub("", text))
        scripts |= found[0]
        styles |= found[1]
    csp = policy(scripts, styles)
    for path, text in texts.items():
        path.write_text(with_policy(text, csp), "utf-8")
    write_service_worker(site, pages)


# --------------------------------------------------------------------------- offline


def pinned_pyodide() -> str:
    lock = ROOT / "package-lock.json"
    if not lock.is_file():
        raise PluginError("hooks/csp.py: package-lock.json is missing (run `make setup`)")
    return json.loads(lock.read_text("utf-8"))["packages"]["node_modules/pyodide"]["version"]


def write_service_worker(site: Path, pages) -> None:
    if not SW_SOURCE.is_file():
        raise PluginError("hooks/csp.py: %s is missing" % SW_SOURCE.relative_to(ROOT))
    files = sorted(p for p in site.rglob("*") if p.is_file() and p.name != SW_NAME)
    content = hashlib.sha256()
    for path in files:
        content.update(path.relative_to(site).as_posix().encode() + b"\0")
        content.update(hashlib.sha256(path.read_bytes()).digest())
    version = "pyodide-%s-site-%s" % (pinned_pyodide(), content.hexdigest()[:12])
    # Ready for offline reading from the first visit: every page and what every page loads.
    # The Python runtime (large) and the search's language packs are cached when fetched.
    precache = []
    for path in files:
        rel = path.relative_to(site).as_posix()
        if rel.startswith(("assets/pyodide/", "assets/javascripts/lunr/")) or rel.endswith(
            (".map", ".xml", ".gz")
        ):
            continue
        if rel.endswith("index.html"):
            rel = rel[: -len("index.html")]  # pages are fetched by their directory URL
        precache.append(rel or "./")
    source = SW_SOURCE.read_text("utf-8")
    if "__CACHE_VERSION__" not in source or "__PRECACHE__" not in source:
        raise PluginError(
            "hooks/csp.py: %s lacks __CACHE_VERSION__ / __PRECACHE__" % SW_SOURCE.relative_to(ROOT)
        )
    source = source.replace('"__CACHE_VERSION__"', json.dumps(version))
    source = source.replace('["__PRECACHE__"]', json.dumps(precache, indent=0))
    (site / SW_NAME).write_text(source, "utf-8")
