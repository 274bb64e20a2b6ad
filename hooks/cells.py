"""Runnable cells: every whole-file Python include becomes a cell that runs in the browser.

- ``on_page_markdown``: a fence holding only ``--8<-- "topic/name.py"`` is wrapped in
  ``<div class="cell no-copy" data-snippet="topic/name.py" data-state="idle">``; the highlighted
  code stays as the no-JavaScript fallback.
- ``on_page_content``: under each cell, the committed CPython reference run (data/timelines/,
  written by `make timelines`): its timeline (drawn here by cellrun.svg, SVG + table) and its
  output, each in an open <details> (the cells replace the timeline with a live one and close
  the output), and a link to the snippet's row in the version matrix (legacy page), all in
  the page's language.

What the cells run on (Pyodide, the cellrun wheel, the bundled front-end) is hooks/runtime.py.
Everything fails loudly, naming the missing file.
"""

from __future__ import annotations

import functools
import html
import json
import re
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url
from shared import page_language

from cellrun.svg import render_html, render_svg
from devkit.matrix import row_id

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"

# A fence whose whole body is one include line: ```python / --8<-- "path" / ```
CELL_FENCE = re.compile(
    r"""^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*\{?[ \t]*\.?(?:python3?|py3?)\b[^\n]*\n"""
    r"""(?P=indent)[ \t]*-{1,}8<-{1,}[ \t]+(?P<q>["'])(?P<path>[^"'\n]+)(?P=q)[ \t]*\n"""
    r"""(?P=indent)(?P=fence)[ \t]*$""",
    re.MULTILINE | re.IGNORECASE,
)

LABELS = {
    "en": {
        "reference": "Output (CPython {python} reference run)",
        "timeline": "Timeline (CPython {python} reference run)",
        "empty": "(no output)",
        "versions": "Python versions",
    },
    "zh": {
        "reference": "参考输出（CPython {python}）",
        "timeline": "时间线（CPython {python} 参考运行）",
        "empty": "（无输出）",
        "versions": "各版本表现",
    },
}
TIMELINES = ROOT / "data" / "timelines"  # reference runs: make timelines (devkit.timelines)
MATRIX = ROOT / "data" / "version_matrix.json"  # rows rendered on the legacy page: make matrix
SLOT = re.compile(r'<div class="cell-reference-slot" data-for="(?P<path>[^"]+)"></div>')


# --------------------------------------------------------------------------- hooks


def on_config(config):
    # `mkdocs serve` rebuilds when a reference run changes.
    if str(TIMELINES) not in config.watch:
        config.watch.append(str(TIMELINES))
    return config


def on_pre_build(config):
    for cached in (reference, timeline_svg, matrix_rows):
        cached.cache_clear()  # `mkdocs serve` keeps this module between builds


def on_page_markdown(markdown, page, config, files):
    return wrap_cells(markdown)


def on_page_content(html_text, page, config, files):
    return fill_references(html_text, page_language(page), page.url)


# --------------------------------------------------------------------------- cells


def wrap_cells(markdown: str) -> str:
    """Each whole-file include fence inside a cell; a slot for the reference output after it."""

    ids: set = set()

    def cell(match):
        indent, path = match["indent"], match["path"].strip()
        if not (SNIPPETS / path).is_file():
            raise PluginError("hooks/cells.py: no snippet snippets/%s" % path)
        reference(path)  # fail here, naming the file, when the reference run is missing
        # no-copy: Material gives the cell's code and reference output no copy button (the cell
        # has its own Copy), which spares inserting one <nav> per block at load.
        lines = [
            '<div class="cell no-copy" id="%s" data-snippet="%s" data-state="idle" markdown="1">'
            % (cell_id(path, ids), html.escape(path)),
            "",
            match.group(0)[len(indent) :],
            "",
            '<div class="cell-reference-slot" data-for="%s"></div>' % html.escape(path),
            "",
            "</div>",
        ]
        return "\n".join(indent + line if line else "" for line in "\n".join(lines).split("\n"))

    return CELL_FENCE.sub(cell, markdown)


def cell_id(path: str, taken: set) -> str:
    """A permalink id from the snippet path, the same in both languages: gather/x_y.py -> cell-gather-x-y."""
    base = "cell-" + re.sub(r"[^a-z0-9]+", "-", path.removesuffix(".py").lower()).strip("-")
    found, n = base, 2
    while found in taken:
        found, n = "%s-%d" % (base, n), n + 1
    taken.add(found)
    return found


def fill_references(html_text: str, lang: str, page_url: str) -> str:
    """Slots become the no-JavaScript fallback: reference output, timeline, link to the matrix row.

    Filled after Markdown so that the multi-line SVG and <pre> pass through untouched.
    """
    labels = LABELS.get(lang, LABELS["en"])
    legacy = ("zh/" if lang == "zh" else "") + "legacy/"
    rows = matrix_rows()

    def slot(match):
        path = html.unescape(match["path"])
        outcome = reference(path)
        parts = [
            timeline_html(outcome, timeline_svg(path, lang), lang, labels),
            reference_html(outcome, labels),
        ]
        if row_id(path) in rows:
            href = get_relative_url(legacy, page_url) + "#" + row_id(path)
            parts.append(
                '<p class="cell-links"><a href="%s">%s</a></p>'
                % (html.escape(href), html.escape(labels["versions"]))
            )
        return "".join(parts)

    return SLOT.sub(slot, html_text)


def timeline_html(outcome: dict, svg: str, lang: str, labels: dict) -> str:
    """The reference run's timeline, open: the drawing a live run replaces, and its table."""
    return '<details class="cell-timeline" open><summary>%s</summary>%s</details>' % (
        html.escape(labels["timeline"].format(python=outcome["python"])),
        render_html(outcome["timeline"], lang, svg=svg),
    )


def reference_html(outcome: dict, labels: dict) -> str:
    """The committed reference run's output, open (the cells close it once they can run code)."""
    body = html.escape(outcome["stdout"])
    if outcome["stderr"]:
        body += '<span class="cell-stderr">%s</span>' % html.escape(outcome["stderr"])
    body = body or html.escape(labels["empty"])
    return (
        '<details class="cell-reference" open><summary>%s</summary>'
        '<pre class="cell-reference-output"><code>%s</code></pre></details>'
        % (html.escape(labels["reference"].format(python=outcome["python"])), body)
    )


def _reference_file(path: str, suffix: str) -> Path:
    stem = path.removesuffix(".py")
    found = TIMELINES / (stem + suffix)
    if not found.is_file():
        raise PluginError(
            "hooks/cells.py: no reference run %s for snippets/%s: run `make timelines`"
            % (found.relative_to(ROOT), path)
        )
    return found


@functools.cache
def reference(path: str) -> dict:
    return json.loads(_reference_file(path, ".json").read_text("utf-8"))


@functools.cache
def timeline_svg(path: str, lang: str) -> str:
    """The reference run's drawing, without a <style>: the page links that CSS once (timeline.css).

    Drawn in every build, never committed: it is a function of the committed run and cellrun.svg.
    """
    uid = "tl-%s-%s" % (path.removesuffix(".py").replace("/", "-"), lang)
    return render_svg(reference(path)["timeline"], lang, uid, style=False).strip()


@functools.cache
def matrix_rows() -> frozenset:
    if not MATRIX.is_file():
        return frozenset()
    return frozenset(row["id"] for row in json.loads(MATRIX.read_text("utf-8"))["rows"])
