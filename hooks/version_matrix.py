"""The version matrix: data/version_matrix.json as an HTML table, in the page's language.

A page asks for it with a line ``<!-- version-matrix -->`` (docs/legacy.md and its
twin); the comment is replaced in the rendered page. The data comes from
``make matrix`` (devkit.matrix); this hook only renders it.

- One row per snippet, grouped by topic, ``id="matrix-<slug>"`` (devkit.matrix:
  row_id, e.g. ``legacy/wait_three_steps_legacy.py`` -> ``matrix-legacy-wait-three-steps-legacy``),
  so any page can link to ``legacy.md#matrix-<slug>``. Legacy rows link to their modern rewrite.
- One column per interpreter measured; the missing ones are listed under the table.
- Each cell: ✓ ran / ⚠ ran with a warning / ✗ failed, with text for screen readers, the
  exact messages in its ``title`` (hover) and a link to a numbered note under the table
  (works without JavaScript; identical messages share one note).
- The table scrolls sideways inside its wrapper on a narrow screen; the snippet column stays.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from mkdocs.exceptions import PluginError
from shared import page_language

MARKER = "<!-- version-matrix -->"
DATA = Path(__file__).resolve().parent.parent / "data" / "version_matrix.json"
MARKS = {"ok": "✓", "warning": "⚠", "error": "✗"}

LABELS = {
    "en": {
        "caption": "What each snippet does on each Python: run as the tests run it "
        "(virtual clock, seed 0, warnings shown with -W default)",
        "snippet": "Snippet",
        "ok": "ran",
        "warning": "ran with a warning",
        "error": "failed",
        "note": "note",
        "lines": "{n} lines of output",
        "exit": "exit code {n}",
        "legacy": "legacy",
        "modern": "modern version:",
        "legend": "✓ ran, ⚠ ran with a warning, ✗ failed. "
        "Hover over a mark for its message, or follow its number to the notes below.",
        "notes": "Messages",
        "missing": "Not measured (interpreter not found): {names}.",
        "pyodide": "this CPython's asyncio compiled to WebAssembly, run in Node on the same event loop as "
        "every column (no native build of this version on the measuring machine)",
        "preview": "preview: a release candidate, not yet a final release",
        "preview_tag": "preview",
        "comma": ", ",
    },
    "zh": {
        "caption": "各示例在各 Python 版本上的运行结果：与测试的运行方式相同"
        "（虚拟时钟，seed 0，以 -W default 显示警告）",
        "snippet": "示例",
        "ok": "运行正常",
        "warning": "运行时有警告",
        "error": "失败",
        "note": "注",
        "lines": "输出 {n} 行",
        "exit": "退出码 {n}",
        "legacy": "旧写法",
        "modern": "新写法：",
        "legend": "✓ 运行正常，⚠ 运行时有警告，✗ 失败。"
        "鼠标悬停在符号上可看到消息，也可以点击编号查看表格下方的注释。",
        "notes": "消息",
        "missing": "未测量（本机没有该解释器）：{names}。",
        "pyodide": "该版本 CPython 的 asyncio 编译为 WebAssembly，在 Node 中运行，"
        "事件循环与其他各列相同（测量所用的机器上没有该版本的原生构建）",
        "preview": "预览：候选发布版，还不是正式版本",
        "preview_tag": "预览",
        "comma": "，",
    },
}


def on_page_content(html, page, config, files):
    if MARKER not in html:
        return html
    return html.replace(MARKER, render(load(), page_language(page)))


def on_serve(server, config, builder):
    server.watch(str(DATA))
    return server


def load() -> dict:
    try:
        return json.loads(DATA.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PluginError("version_matrix: %s is missing: run `make matrix`" % DATA.name) from None
    except ValueError as error:
        raise PluginError("version_matrix: %s is not valid JSON: %s" % (DATA.name, error)) from None


def messages(result: dict, text: dict) -> list:
    """The lines a cell's note shows: its distinct warnings (sorted), then how the run ended."""
    lines = ["%s: %s" % (w["category"], w["message"]) for w in result["warnings"]]
    if result["exception"]:
        exception = result["exception"]
        lines.append(
            "%s: %s" % (exception["type"], exception["message"])
            if exception["message"]
            else exception["type"]
        )
    elif result["exit_code"]:
        lines.append(text["exit"].format(n=result["exit_code"]))
    return lines


def render(data: dict, language: str) -> str:
    text = LABELS[language]
    columns = data["columns"]
    notes = {}  # message lines -> [note number, [(row id, snippet, column label)]]
    body = []
    topic = None
    ids = {row["snippet"]: row["id"] for row in data["rows"]}
    for row in data["rows"]:
        if row["topic"] != topic:
            topic = row["topic"]
            if body:
                body.append("</tbody>")
            body.append(
                '<tbody><tr><th scope="colgroup" colspan="%d"><code>%s/</code></th></tr>'
                % (len(columns) + 1, escape(topic))
            )
        cells = [_row_header(row, ids, text)]
        for column in columns:
            cells.append(_cell(row, column, notes, text))
        body.append('<tr id="%s">%s</tr>' % (escape(row["id"]), "".join(cells)))
    if body:
        body.append("</tbody>")
    head = ['<th scope="col">%s</th>' % text["snippet"]] + [
        _column_header(column, text) for column in columns
    ]
    parts = [
        '<div class="vm-wrap" role="region" aria-labelledby="matrix-caption" tabindex="0">',
        '<table class="vm-table">',
        '<caption id="matrix-caption">%s</caption>' % escape(text["caption"]),
        "<thead><tr>%s</tr></thead>" % "".join(head),
        *body,
        "</table>",
        "</div>",
        "<p>%s</p>" % escape(text["legend"]),
    ]
    if data["missing"]:
        names = ", ".join(gap["python"] for gap in data["missing"])
        parts.append("<p>%s</p>" % escape(text["missing"].format(names=names)))
    if notes:
        parts.append('<p id="matrix-notes"><strong>%s</strong></p>' % text["notes"])
        parts.append('<ol class="vm-notes">')
        for lines, (number, uses) in notes.items():
            where = "; ".join(
                '<a href="#%s">%s</a> %s'
                % (escape(row_id), escape(snippet), ", ".join(escape(label) for label in labels))
                for row_id, snippet, labels in _by_row(uses)
            )
            shown = "<br>".join("<code>%s</code>" % escape(line) for line in lines)
            parts.append('<li id="matrix-note-%d">%s<br>%s</li>' % (number, shown, where))
        parts.append("</ol>")
    return "\n".join(parts)


def _column_label(column: dict) -> str:
    return column["python"] + (" (Pyodide)" if column.get("pyodide") else "")


def _column_header(column: dict, text: dict) -> str:
    """The Python version, then the exact build measured (visible, not only on hover)."""
    title = column["interpreter"]
    if column.get("pyodide"):
        title += " — " + text["pyodide"]
    if column.get("preview"):
        title += " — " + text["preview"]
    label = escape(column["python"])
    if column.get("preview"):
        label += ' <span class="vm-tag">%s</span>' % escape(text["preview_tag"])
    label += "<br><small>%s</small>" % escape(column["interpreter"])
    return '<th scope="col" title="%s">%s</th>' % (escape(title), label)


def _row_header(row: dict, ids: dict, text: dict) -> str:
    name = row["snippet"].split("/", 1)[-1]
    parts = ["<code>%s</code>" % escape(name)]
    if row["legacy"]:
        parts.append('<span class="vm-tag">%s</span>' % text["legacy"])
    if row["modern"]:
        target = ids.get(row["modern"])
        if target is None:
            raise PluginError(
                "version_matrix: %s names %s, which has no row" % (row["snippet"], row["modern"])
            )
        parts.append(
            '%s <a href="#%s"><code>%s</code></a>'
            % (text["modern"], escape(target), escape(row["modern"].split("/", 1)[-1]))
        )
    return '<th scope="row">%s</th>' % " ".join(parts)


def _cell(row: dict, column: dict, notes: dict, text: dict) -> str:
    result = row["results"].get(column["key"])
    if result is None:
        raise PluginError(
            "version_matrix: no result for %s on %s: run `make matrix`"
            % (row["snippet"], column["key"])
        )
    status = result["status"]
    mark, word = MARKS[status], text[status]
    lines = messages(result, text)
    label = _column_label(column)
    if not lines:
        title = word + text["comma"] + text["lines"].format(n=result["output_lines"])
        return (
            '<td title="%s"><span aria-hidden="true">%s</span><span class="vm-sr">%s</span></td>'
            % (escape(title), mark, escape(word))
        )
    entry = notes.setdefault(tuple(lines), [len(notes) + 1, []])
    entry[1].append((row["id"], row["snippet"], label))
    number = entry[0]
    title = "\n".join(lines)
    return (
        '<td title="%s"><a href="#matrix-note-%d"><span aria-hidden="true">%s<sup>%d</sup></span>'
        '<span class="vm-sr">%s%s%s %d</span></a></td>'
        % (escape(title), number, mark, number, escape(word), text["comma"], text["note"], number)
    )


def _by_row(uses: list) -> list:
    """[(row id, snippet, [column labels])] in first-use order."""
    grouped = {}
    for row_id, snippet, label in uses:
        grouped.setdefault((row_id, snippet), []).append(label)
    return [(row_id, snippet, labels) for (row_id, snippet), labels in grouped.items()]
