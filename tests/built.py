"""The built site as the site tests read it (the ``site`` fixture in conftest.py)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

ORIGIN = "http://site.invalid/"  # stands for wherever the site is served from
WARNING = re.compile(r"^\s*WARNING\b|\bWARNING\s+-", re.MULTILINE)


class Tags(HTMLParser):
    """Every start tag with its attributes, the ids, and the text of <style>/<script>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.ids, self.styles, self._in = [], set(), [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        for key in ("id", "name") if tag == "a" else ("id",):
            if attrs.get(key):
                self.ids.add(attrs[key])
        self._in = tag if tag in ("style", "script") else None

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "style":
            self.styles.append(data)


class Site:
    def __init__(self, root: Path, output: str):
        self.root, self.output = root, output  # the built site, mkdocs' log
        self._parsed = {}

    def html_files(self):
        return sorted(p.relative_to(self.root).as_posix() for p in self.root.rglob("*.html"))

    def pages(self, lang):
        """Built pages of one language, relative to that language's root."""
        out = set()
        for rel in self.html_files():
            if not rel.endswith("index.html"):  # pages only (use_directory_urls)
                continue
            if lang == "en" and not rel.startswith("zh/"):
                out.add(rel)
            elif lang == "zh" and rel.startswith("zh/"):
                out.add(rel[len("zh/") :])
        return out

    def parse(self, rel) -> Tags:
        if rel not in self._parsed:
            parser = Tags()
            parser.feed((self.root / rel).read_text("utf-8"))
            self._parsed[rel] = parser
        return self._parsed[rel]

    def target(self, url: str):
        """Site-relative file for an absolute URL under ORIGIN (None if outside)."""
        if not url.startswith(ORIGIN):
            return None
        path = unquote(urlsplit(url).path[len(urlsplit(ORIGIN).path) :])
        if path == "" or path.endswith("/") or (self.root / path).is_dir():
            path = path.rstrip("/") + "/index.html" if path else "index.html"
        return path.lstrip("/")
