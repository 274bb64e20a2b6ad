"""What a static host and the site's readers need beside the pages.

- ``on_page_content``: where a page says ``<!-- third-party-notices -->`` (docs/about.md and
  its twin), a table of the software by others that the site ships, in the page's language,
  each row linking its licence text.
- ``on_post_build`` (once, after the last language; after hooks/csp.py finished the pages):

  - without ``SITE_URL``, an empty sitemap.xml (and .gz, in each language): its entries must
    be absolute URLs and there are none to give (the template would write ``None./``).
    Empty, not absent: Material's instant navigation asks for it on every page (and stays
    off when it lists nothing).
  - ``assets/licenses/<name>.txt``: each component's licence text, copied from the installed
    package (node_modules, the venv, the Python that builds); a missing one fails the build.
  - ``_headers`` for Netlify and Cloudflare Pages: cross-origin isolation on every file
    (COOP/COEP: Stop interrupts Python at once), a year's immutable caching for Pyodide's own
    files (their folder is named after the pinned version), and the pages' policy (read from
    the built pages) as a Content-Security-Policy header on the pages only: the cells' worker
    gets its policy from its own response and must stay free to compile WebAssembly.
"""

from __future__ import annotations

import gzip
import html
import json
import re
import sysconfig
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.utils import get_relative_url
from shared import RUNTIME_DIR, page_language, pinned_pyodide

from devkit.pinned import NODE_MODULES, own_files

MARKER = "<!-- third-party-notices -->"
LICENSES = "assets/licenses"
POLICY = re.compile(r'<meta http-equiv="Content-Security-Policy" content="(?P<csp>[^"]*)">')
HEADER_LIMIT = 2000  # Cloudflare Pages drops a header value longer than this
IMMUTABLE = "public, max-age=31536000, immutable"
EMPTY_SITEMAP = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>\n'
)

# The npm packages esbuild bundles into assets/cells/ (tests/test_publish.py compares this
# with esbuild's own list); each one's LICENSE goes into its group's text.
BUNDLED = {
    "codemirror": [
        "@codemirror/autocomplete",
        "@codemirror/commands",
        "@codemirror/lang-python",
        "@codemirror/language",
        "@codemirror/state",
        "@codemirror/streamparser",
        "@codemirror/view",
        "@marijn/find-cluster-break",
        "crelt",
        "style-mod",
        "w3c-keyname",
    ],
    "lezer": ["@lezer/common", "@lezer/highlight", "@lezer/lr", "@lezer/python"],
}


@dataclass(frozen=True)
class Component:
    slug: str  # assets/licenses/<slug>.txt
    name: str
    licence: str  # SPDX identifier
    source: str
    what: dict  # {language: what it does in this site}


COMPONENTS = [
    Component(
        "pyodide",
        "Pyodide",
        "MPL-2.0",
        "https://github.com/pyodide/pyodide",
        {
            "en": "runs Python in the page: CPython compiled to WebAssembly, with its loader",
            "zh": "在页面中运行 Python：编译成 WebAssembly 的 CPython 及其加载器",
        },
    ),
    Component(
        "cpython",
        "CPython",
        "PSF-2.0",
        "https://github.com/python/cpython",
        {
            "en": "the interpreter and standard library inside Pyodide",
            "zh": "Pyodide 中的解释器和标准库",
        },
    ),
    Component(
        "codemirror",
        "CodeMirror",
        "MIT",
        "https://github.com/codemirror/dev",
        {
            "en": "the editor of each runnable cell, with the small libraries it uses",
            "zh": "可运行代码块中的编辑器，以及它用到的几个小库",
        },
    ),
    Component(
        "lezer",
        "Lezer",
        "MIT",
        "https://github.com/lezer-parser",
        {
            "en": "the parser behind the editor's Python highlighting",
            "zh": "编辑器中 Python 语法高亮所用的解析器",
        },
    ),
    Component(
        "mkdocs-material",
        "Material for MkDocs",
        "MIT",
        "https://github.com/squidfunk/mkdocs-material",
        {
            "en": "the theme: layout, styles, navigation and search scripts",
            "zh": "网站主题：布局、样式、导航和搜索脚本",
        },
    ),
    Component(
        "material-design-icons",
        "Material Design Icons",
        "Pictogrammers Free License",
        "https://github.com/Templarian/MaterialDesign",
        {
            "en": "the icons, inlined by the theme",
            "zh": "图标，由主题内嵌在页面中",
        },
    ),
]

LABELS = {
    "en": (
        "Component",
        "Version",
        "What it does here",
        "Licence",
        "Source",
        "full text",
        "%s (%s)",
    ),
    "zh": ("组件", "版本", "在本站的用途", "许可证", "源代码", "全文", "%s（%s）"),
}

# --------------------------------------------------------------------------- sources


def _fail(message: str):
    raise PluginError("hooks/publish.py: %s" % message)


def _file(path: Path, what: str) -> str:
    if not path.is_file():
        _fail("%s: %s is missing" % (what, path))
    return path.read_text("utf-8")


def _dist_file(dist: str, name: str) -> str:
    try:
        found = [f for f in metadata.distribution(dist).files or [] if str(f) == name]
    except metadata.PackageNotFoundError:
        _fail("%s is not installed (run `make setup`)" % dist)
    if not found:
        _fail("%s ships no %s" % (dist, name))
    return _file(Path(found[0].locate()), dist)


def _npm(package: str) -> dict:
    return json.loads(_file(NODE_MODULES / package / "package.json", package))


def versions() -> dict:
    lock = json.loads(_file(NODE_MODULES / "pyodide" / "pyodide-lock.json", "pyodide"))
    return {
        "pyodide": pinned_pyodide("hooks/publish.py"),
        "cpython": lock["info"]["python"],
        # Each package has its own version (listed in the licence text): the major one here.
        "codemirror": _npm("@codemirror/view")["version"].split(".")[0] + ".x",
        "lezer": _npm("@lezer/lr")["version"].split(".")[0] + ".x",
        "mkdocs-material": metadata.version("mkdocs-material"),
        "material-design-icons": "",
    }


def licence_text(slug: str) -> str:
    if slug == "pyodide":
        # The npm package ships no licence file; pyodide-build, the Pyodide project's own
        # build tool (pinned in requirements.txt), carries the same MPL-2.0 text.
        return _dist_file(
            "pyodide-build",
            "pyodide_build-%s.dist-info/licenses/LICENSE" % (metadata.version("pyodide-build")),
        )
    if slug == "cpython":
        # The licence of the Python that builds: the same terms as the CPython inside Pyodide.
        return _file(Path(sysconfig.get_path("stdlib")) / "LICENSE.txt", "CPython's licence")
    if slug in BUNDLED:
        parts = []
        for package in BUNDLED[slug]:
            text = _file(NODE_MODULES / package / "LICENSE", package)
            parts.append("%s %s\n%s\n\n%s" % (package, _npm(package)["version"], "=" * 40, text))
        return "\n\n".join(parts)
    if slug == "mkdocs-material":
        version = metadata.version("mkdocs-material")
        return _dist_file(
            "mkdocs-material", "mkdocs_material-%s.dist-info/licenses/LICENSE" % version
        )
    if slug == "material-design-icons":
        return _dist_file("mkdocs-material", "material/templates/.icons/material/LICENSE")
    _fail("no licence source for %s" % slug)


# --------------------------------------------------------------------------- writers


def _link(href: str, text: str) -> str:
    return '<a href="%s">%s</a>' % (html.escape(href), html.escape(text))


def notices_table(language: str, page_url: str) -> str:
    labels, found = LABELS[language], versions()
    rows = []
    for c in COMPONENTS:
        text = get_relative_url("%s/%s.txt" % (LICENSES, c.slug), page_url)
        cells = [
            html.escape(c.name),
            html.escape(found[c.slug]),
            html.escape(c.what[language]),
            labels[6] % (html.escape(c.licence), _link(text, labels[5])),
            _link(c.source, c.source.split("//", 1)[1]),
        ]
        rows.append("<tr>%s</tr>" % "".join("<td>%s</td>" % x for x in cells))
    head = "".join("<th>%s</th>" % html.escape(label) for label in labels[:5])
    # In Material's scrolling wrapper, as Markdown tables get it: the table may be wider
    # than a phone's screen, the page may not.
    return (
        '<div class="md-typeset__scrollwrap"><div class="md-typeset__table">'
        '<table class="notices"><thead><tr>%s</tr></thead><tbody>%s</tbody></table>'
        "</div></div>"
    ) % (
        head,
        "".join(rows),
    )


def empty_sitemaps(site: Path) -> None:
    for sitemap in site.rglob("sitemap.xml"):
        sitemap.write_bytes(EMPTY_SITEMAP)
        sitemap.with_name("sitemap.xml.gz").write_bytes(gzip.compress(EMPTY_SITEMAP, mtime=0))


def write_licences(site: Path) -> None:
    folder = site / LICENSES
    folder.mkdir(parents=True, exist_ok=True)
    for c in COMPONENTS:
        (folder / ("%s.txt" % c.slug)).write_text(licence_text(c.slug), "utf-8")


def page_paths(rel: str) -> list:
    """The URL paths a host serves one built HTML file at."""
    if rel == "index.html":
        return ["/", "/index.html"]
    if rel.endswith("/index.html"):
        return ["/" + rel[: -len("index.html")], "/" + rel]
    return ["/" + rel]


def write_headers(site: Path) -> None:
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    policies = {POLICY.search((site / rel).read_text("utf-8"))["csp"] for rel in pages}
    if len(policies) != 1:
        _fail("the pages carry %d different policies; hooks/csp.py gives all one" % len(policies))
    csp = policies.pop()
    if len(csp) > HEADER_LIMIT:
        _fail(
            "the policy is %d characters, over the %d a header may hold" % (len(csp), HEADER_LIMIT)
        )
    runtime = own_files(site / RUNTIME_DIR / pinned_pyodide("hooks/publish.py"))
    lines = [
        "# For Netlify and Cloudflare Pages; written by hooks/publish.py.",
        "/*",
        "  Cross-Origin-Opener-Policy: same-origin",
        "  Cross-Origin-Embedder-Policy: require-corp",
        "  X-Content-Type-Options: nosniff",
    ]
    for path in runtime:
        lines += ["/" + path.relative_to(site).as_posix(), "  Cache-Control: " + IMMUTABLE]
    for rel in pages:
        for url in page_paths(rel):
            lines += [url, "  Content-Security-Policy: " + csp]
    (site / "_headers").write_text("\n".join(lines) + "\n", "utf-8")


# --------------------------------------------------------------------------- hooks


def on_page_content(html_text, page, config, files):
    if MARKER not in html_text:
        return html_text
    return html_text.replace(MARKER, notices_table(page_language(page), page.url))


@event_priority(-320)  # after hooks/csp.py (-300) finished the pages; before hooks/offline.py
def on_post_build(config):
    i18n = config.plugins.get("i18n")
    if i18n is not None and getattr(i18n, "building", False):
        return  # the other languages are built inside the default one; finish once, at the end
    site = Path(config.site_dir)
    if not config.site_url:
        empty_sitemaps(site)
    write_licences(site)
    write_headers(site)
