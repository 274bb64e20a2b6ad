"""Content Security Policy.

- ``on_startup``: notes whether this is ``mkdocs serve`` (see script-src below).
- ``on_post_page``: ``<meta charset>`` then a ``<meta http-equiv="Content-Security-Policy">`` as
  the first children of ``<head>`` (the charset must sit in the first 1024 bytes, and the policy
  grows with every inline script): the site's own origin only, with the sha256 of every inline
  ``<script>`` and ``<style>`` of the page (no 'unsafe-inline').
- ``on_post_build`` (once, after the last language): every HTML file of the site (404 pages
  included) gets the same policy, with the hashes of the inline scripts and styles of *all*
  pages. Material's instant navigation keeps the first page's ``<head>`` (so its policy) and
  runs the next page's inline scripts, so each page must allow the others' scripts too.
  hooks/offline.py and hooks/publish.py run after this one: they read the finished pages.

Why each directive:
- script-src 'self' + hashes: Material's few inline scripts and the pages' modules.
  No 'wasm-unsafe-eval': WebAssembly only runs in the cells' worker, whose policy comes
  from its own response, not from this page's meta tag. Under `mkdocs serve` only, 'self'
  'unsafe-inline' instead of hashes: MkDocs injects its live-reload script inline into each
  response, with a new request id every time, so no hash can name it.
- style-src 'self' + hashes: any <style> block of a page (none today: a <style> in the body
  restyles everything parsed before it, so the site's rules live in its CSS files).
  No style attributes in the markup (the language switcher uses classes from extra.css);
  scripts that set element.style (Material) and constructed stylesheets (CodeMirror, whose
  editor lives in a shadow root for this reason) are not governed by style-src.
- worker-src 'self': the cells' module worker, Material's search worker, the service worker.
- img-src 'self' data:: Material inlines small SVG icons as data: URLs in its CSS.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

SERVING = False  # set by on_startup: `mkdocs serve` injects an inline live-reload script

INLINE_SCRIPT = re.compile(r"<script\b(?P<attrs>[^>]*)>(?P<body>.*?)</script\s*>", re.S | re.I)
INLINE_STYLE = re.compile(r"<style\b[^>]*>(?P<body>.*?)</style\s*>", re.S | re.I)
HEAD = re.compile(r"<head\b[^>]*>", re.I)
OUR_META = re.compile(r'[ \t]*<meta http-equiv="Content-Security-Policy" content="[^"]*">\n?', re.I)
CHARSET = re.compile(r"[ \t]*<meta charset=\"?(?P<name>[\w-]+)\"?\s*/?>\n?", re.I)
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
    script_src = ["'unsafe-inline'"] if SERVING else sorted(scripts)
    return "; ".join(
        [
            "default-src 'self'",
            " ".join(["script-src 'self'", *script_src]),
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
    charset = CHARSET.search(html)
    name = charset["name"] if charset else "utf-8"
    if charset:
        html = html[: charset.start()] + html[charset.end() :]
    head = HEAD.search(html)
    if head is None:
        raise PluginError("hooks/csp.py: no <head> to put the Content-Security-Policy in")
    meta = '\n    <meta charset="%s">' % name
    meta += '\n    <meta http-equiv="Content-Security-Policy" content="%s">' % csp
    return html[: head.end()] + meta + html[head.end() :]


# --------------------------------------------------------------------------- hooks


def on_startup(command, dirty):
    global SERVING
    SERVING = command == "serve"


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
