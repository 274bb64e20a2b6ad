"""Draw a timeline (see :mod:`cellrun.timeline`) as SVG plus an HTML table alternative.

Pure Python, so the build draws the static fallback with the same code the
tests check; the live drawing in the browser mirrors this structure:

    <svg data-timeline class="tl" viewBox=...>
      <title/> <desc/> <style/>                  (ids prefixed by ``uid``; <style> in a standalone file)
      <g class="tl-axis">  ticks + labels
      <g class="tl-rows">  one <g class="tl-task" tabindex="0"> per task:
          <text class="tl-label"/> <rect class="tl-bar tl-<outcome>" data-task data-outcome/>
          <rect class="tl-wait"/>...  <text class="tl-tip"/> (shown on hover/focus)
      <g class="tl-markers"> one <g class="tl-marker tl-marker-<kind>" data-marker=kind> per marker
"""

from __future__ import annotations

import html

from .timeline import OUTCOMES

LABELS = {
    "en": {
        "title": "Timeline of {n} tasks, {total} ({clock} clock)",
        "virtual": "virtual",
        "real": "real",
        "desc": "One bar per asyncio task from its creation to its end.",
        "done": "done",
        "failed": "failed",
        "cancelled": "cancelled",
        "pending": "still pending",
        "task": "Task",
        "start": "Start",
        "end": "End",
        "outcome": "Outcome",
        "detail": "Result or exception",
        "marker": "Marker",
        "time": "Time",
        "tasks": "Tasks",
        "timeout": "timeout",
        "timed_out": "timed out",
        "returned": "{kind} returned",
        "fired": "a timeout fired",
        "seconds": "{t} s",
        "table": "Timeline as a table",
        "footer": "Total {total}; idle time summed over {lanes} lanes: {idle}",
        "lane": "Lane {lane}: {n} tasks one after another, idle {idle}",
    },
    "zh": {
        "title": "{n} 个任务的时间线，共 {total}（{clock}时钟）",
        "virtual": "虚拟",
        "real": "真实",
        "desc": "每个 asyncio 任务一条横条，从创建到结束。",
        "done": "已完成",
        "failed": "失败",
        "cancelled": "已取消",
        "pending": "未完成",
        "task": "任务",
        "start": "开始",
        "end": "结束",
        "outcome": "状态",
        "detail": "返回值或异常",
        "marker": "标记",
        "time": "时间",
        "tasks": "任务",
        "timeout": "超时",
        "timed_out": "超时返回",
        "returned": "{kind} 返回",
        "fired": "超时触发",
        "seconds": "{t} 秒",
        "table": "时间线（表格）",
        "footer": "总耗时 {total}；{lanes} 条并发通道的空闲时间合计 {idle}",
        "lane": "并发通道 {lane}：先后运行 {n} 个任务，空闲 {idle}",
    },
}

MARKER_NAMES = {
    "gather": "gather",
    "wait": "wait",
    "as_completed": "as_completed",
    "taskgroup": "TaskGroup",
}

# Colours are CSS variables with defaults readable on light and dark grounds;
# text and lines use currentColor, so they follow the page's theme.
CSS = """\
svg[data-timeline],.tl-legend{--tl-done:#2e7d32;--tl-failed:#c62828;--tl-cancelled:#8d6e63;--tl-pending:#1565c0;\
--tl-marker:#7b1fa2}
svg[data-timeline]{font:12px system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans SC",sans-serif;\
width:100%;min-width:30rem;height:auto;color:inherit}
[data-md-color-scheme="slate"] svg[data-timeline],[data-md-color-scheme="slate"] .tl-legend{--tl-done:#81c784;\
--tl-failed:#ef9a9a;--tl-cancelled:#bcaaa4;--tl-pending:#90caf9;--tl-marker:#ce93d8}
.tl-legend{margin:.2em 0 0;font-size:.65rem}
.tl-key{display:inline-flex;align-items:center;gap:.3em;margin-right:1em}
svg[data-timeline] text{fill:currentColor}
.tl-axis line{stroke:currentColor;stroke-opacity:.25}
.tl-axis text,.tl-label{font-size:11px}
.tl-bar{stroke-width:1.5}
.tl-done{fill:var(--tl-done);stroke:var(--tl-done)}
.tl-failed{fill:var(--tl-failed);stroke:var(--tl-failed)}
.tl-cancelled{fill:var(--tl-cancelled);fill-opacity:.45;stroke:var(--tl-cancelled);stroke-dasharray:4 2}
.tl-pending{fill:var(--tl-pending);fill-opacity:.2;stroke:var(--tl-pending);stroke-dasharray:2 2}
.tl-wait{fill:currentColor;fill-opacity:.15}
.tl-idle{fill:currentColor;fill-opacity:.08}
.tl-lane .tl-bar{stroke:none}
.tl-end{font-size:11px;font-weight:bold}
.tl-marker line{stroke:var(--tl-marker);stroke-width:1.5;stroke-dasharray:5 3}
.tl-marker-timeout line{stroke-dasharray:1 3;stroke-width:2.5}
.tl-marker text{fill:var(--tl-marker);font-size:11px}
.tl-tip{visibility:hidden;font-size:12px}
.tl-task:hover .tl-tip,.tl-task:focus .tl-tip{visibility:visible}
.tl-task:focus{outline:none}
.tl-task:focus .tl-bar,.tl-task:hover .tl-bar{stroke:currentColor;stroke-width:2.5}
"""

# Inside a standalone file. A page links CSS once instead (hooks/cells.py writes it as a
# stylesheet): every <style> added to a page restyles the whole page.
STYLE = "<style>%s</style>" % CSS

END_MARKS = {"done": "✓", "failed": "✗", "cancelled": "⊘", "pending": "…"}

WIDTH = 640
LABEL_WIDTH = 130
RIGHT = 40
TOP = 22
ROW = 22
BAR = 14
LINE = 14
BOTTOM = 28  # under the last line: room for a row's tip (shown on hover/focus)
MAX_ROWS = 40  # beyond this, leaf tasks are packed into lanes (one row per concurrency slot)
COMPACT_HEIGHT = 400
TICK_STEPS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600)
MAX_TICKS = 8
SHORT = 18  # characters of a row's label
MARKER_LABEL = 80  # the width a marker's label is given when packing labels into lines
MARKER_GAP = 4


def browser_values() -> dict:
    """What frontend/cells/timeline.js draws with, so that its live drawing ends where this one
    does: hooks/cells.py writes it into the bundle at build time (never a copy kept by hand)."""
    words = ("done", "failed", "cancelled", "pending", "timeout", "seconds")
    return {
        "width": WIDTH,
        "labelWidth": LABEL_WIDTH,
        "right": RIGHT,
        "top": TOP,
        "row": ROW,
        "bar": BAR,
        "line": LINE,
        "bottom": BOTTOM,
        "maxRows": MAX_ROWS,
        "compactHeight": COMPACT_HEIGHT,
        "tickSteps": list(TICK_STEPS),
        "maxTicks": MAX_TICKS,
        "short": SHORT,
        "markerLabel": MARKER_LABEL,
        "markerGap": MARKER_GAP,
        "markerNames": MARKER_NAMES,
        "words": {lang: {key: LABELS[lang][key] for key in words} for lang in LABELS},
    }


def _seconds(t: float, lang: str) -> str:
    return LABELS[lang]["seconds"].format(t="%.2f" % t)


def _esc(text) -> str:
    return html.escape(str(text), quote=True)


def _ticks(total: float) -> list:
    if total <= 0:
        return [0.0]
    for step in TICK_STEPS:
        if total / step <= MAX_TICKS:
            break
    count = int(total / step + 1e-9)
    return [round(i * step, 6) for i in range(count + 1)]


def task_title(task: dict) -> str:
    """The task in the tooltip, desc and table: its label, with its coroutine when the label does
    not already say it (``A (job)``, but ``job('A')``); timeline.js's ``title`` mirrors it."""
    label = _label(task)
    coro = task.get("coro")
    if not coro or coro == label or label.startswith(coro.rpartition(".")[2] + "("):
        return label
    return "%s (%s)" % (label, coro)


def task_summary(task: dict, lang: str) -> str:
    """One line per task: label, start, end, outcome and result or exception (tooltip, table, desc)."""
    words = LABELS[lang]
    text = "%s: %s → %s, %s" % (
        task_title(task),
        _seconds(task["start"], lang),
        _seconds(task["end"], lang),
        words[task["outcome"]],
    )
    detail = _detail(task)
    return text + (" — " + detail if detail else "")


def _detail(task: dict) -> str:
    if task.get("exception"):
        return "%s: %s" % (task["exception"]["type"], task["exception"]["message"])
    if task["outcome"] == "done" and task.get("result") is not None:
        return task["result"]
    return ""


def marker_summary(marker: dict, lang: str) -> str:
    return "%s %s" % (_seconds(marker["at"], lang), _marker_text(marker, lang))


def _marker_text(marker: dict, lang: str) -> str:
    words = LABELS[lang]
    if marker["kind"] == "timeout":
        text = words["fired"]
    else:
        text = words["returned"].format(kind=MARKER_NAMES.get(marker["kind"], marker["kind"]))
        if marker.get("timed_out"):
            text += " (%s)" % words["timed_out"]
        elif marker.get("exception"):
            text += " (%s)" % marker["exception"]["type"]
    return text


def _label(task: dict) -> str:
    return task.get("label") or task["name"]


def _layout(timeline: dict) -> list:
    """[(label, [tasks], idle gaps)] per row: one task per row, or lanes when there are too many tasks."""
    tasks = timeline["tasks"]
    if len(tasks) <= MAX_ROWS or not timeline["lanes"]:
        return [(_label(t), [t], []) for t in tasks]
    by_id = {t["id"]: t for t in tasks}
    laned = {i for lane in timeline["lanes"] for i in lane["tasks"]}
    rows = [(_label(t), [t], []) for t in tasks if t["id"] not in laned]
    for number, lane in enumerate(timeline["lanes"], 1):
        rows.append(("#%d" % number, [by_id[i] for i in lane["tasks"]], lane["idle"]))
    return rows


class _Frame:
    """Where everything goes: rows, their heights, the time scale, marker label lines, the height."""

    def __init__(self, timeline: dict) -> None:
        self.rows = _layout(timeline)
        tasks = timeline["tasks"]
        self.compact = len(self.rows) != len(tasks) or any(len(r[1]) != 1 for r in self.rows)
        rows = max(len(self.rows), 1)
        self.row_h = ROW if not self.compact else max(3.0, min(ROW, COMPACT_HEIGHT / rows))
        self.bar_h = (
            BAR
            if not self.compact
            else max(2.0, self.row_h - 1 if self.row_h < 8 else self.row_h * BAR / ROW)
        )
        total = timeline["total"]
        self.scale = (WIDTH - LABEL_WIDTH - RIGHT) / total if total > 0 else 0.0
        self.marker_lines = _marker_label_lines(timeline["markers"], self.x)
        self.rows_bottom = round(TOP + self.row_h * len(self.rows))
        lines = max(self.marker_lines.values(), default=-1) + 1
        self.height = self.rows_bottom + LINE * lines + BOTTOM

    def x(self, t: float) -> float:
        return round(LABEL_WIDTH + t * self.scale, 2)

    def top(self, row: int) -> float:
        return round(TOP + row * self.row_h + (self.row_h - self.bar_h) / 2, 2)


def render_svg(timeline: dict, lang: str = "en", uid: str = "tl", style: bool = True) -> str:
    """The timeline as a standalone SVG document (also valid inline in HTML).

    Up to MAX_ROWS tasks: one focusable row per task with a tooltip. More: the
    leaf tasks are packed into lanes (``tl-lane`` rows, idle gaps as
    ``tl-idle``), bars keep data-task/data-outcome and a <title>, and the
    <desc> gives counts instead of every task.
    """
    frame = _Frame(timeline)
    out = _head(timeline, frame, lang, uid)
    if style:
        out.append(STYLE)
    out += _axis(timeline["total"], frame, lang)
    out.append('<g class="tl-rows">')
    for row, (label, row_tasks, idle) in enumerate(frame.rows):
        if frame.compact:
            out += _lane_row(frame, row, label, row_tasks, idle, lang)
        else:
            out += _task_row(frame, row, label, row_tasks[0], lang)
    out.append("</g>")
    out += _markers(timeline["markers"], frame, lang)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _head(timeline: dict, frame: _Frame, lang: str, uid: str) -> list:
    """The <svg> element, its title and its desc (every task, or counts when packed into lanes)."""
    words = LABELS[lang]
    tasks = timeline["tasks"]
    title = words["title"].format(
        n=len(tasks), total=_seconds(timeline["total"], lang), clock=words[timeline["clock"]]
    )
    if frame.compact:
        counts = ", ".join(
            "%d %s" % (sum(t["outcome"] == o for t in tasks), words[o])
            for o in ("done", "failed", "cancelled", "pending")
            if any(t["outcome"] == o for t in tasks)
        )
        lines = [words["desc"], counts + ".", _footer(timeline, lang) + "."]
    else:
        lines = [words["desc"]] + [task_summary(t, lang) + "." for t in tasks]
    desc = " ".join(lines + [marker_summary(m, lang) + "." for m in timeline["markers"]])
    return [
        '<svg xmlns="http://www.w3.org/2000/svg" data-timeline="" class="tl" viewBox="0 0 %d %d" width="100%%" '
        'role="group" aria-labelledby="%s-title" aria-describedby="%s-desc" lang="%s">'
        % (WIDTH, frame.height, uid, uid, lang),
        '<title id="%s-title">%s</title>' % (uid, _esc(title)),
        '<desc id="%s-desc">%s</desc>' % (uid, _esc(desc)),
    ]


def _axis(total: float, frame: _Frame, lang: str) -> list:
    out = ['<g class="tl-axis" aria-hidden="true">']
    for tick in _ticks(total):
        x = frame.x(tick)
        out.append('<line x1="%s" y1="%d" x2="%s" y2="%d"/>' % (x, TOP - 4, x, frame.rows_bottom))
        anchor = "end" if x > WIDTH - RIGHT / 2 else "middle"
        out.append(
            '<text x="%s" y="%d" text-anchor="%s">%s</text>'
            % (x, TOP - 8, anchor, _esc(_seconds(tick, lang)))
        )
    out.append("</g>")
    return out


def _lane_row(frame: _Frame, row: int, label: str, tasks: list, idle: list, lang: str) -> list:
    """A packed row: a lane of tasks one after another (its gaps as one path), or a lone task."""
    top, bar_h, x = frame.top(row), frame.bar_h, frame.x
    lane = len(tasks) != 1 or bool(idle) or tasks[0]["lane"] is not None
    out = ['<g class="tl-%s">' % ("lane" if lane else "row")]
    if lane:
        out.append("<title>%s</title>" % _esc(_lane_summary(label, tasks, idle, lang)))
    if frame.row_h >= 10 or not lane:
        out.append(
            '<text class="tl-label" x="%d" y="%s" text-anchor="end" aria-hidden="true">%s</text>'
            % (LABEL_WIDTH - 6, round(top + bar_h - 1, 2), _esc(_short(label)))
        )
    if idle:  # one path for a lane's gaps: a thousand-task run stays a light page
        out.append(
            '<path class="tl-idle" d="%s"/>'
            % " ".join(
                "M%s %sh%sv%sh-%sz"
                % (
                    x(begin),
                    top,
                    round(x(finish) - x(begin), 2),
                    round(bar_h, 2),
                    round(x(finish) - x(begin), 2),
                )
                for begin, finish in idle
            )
        )
    for task in tasks:
        start, end = x(task["start"]), x(task["end"])
        if task["waits"]:  # in a lane, a bar starts when its job got a slot
            start = x(task["waits"][0][1])
        # No <title> per bar: the lane's title and the table tell the tasks, and a thousand
        # titles make the page's style work several times slower (measured in Chromium).
        out.append(
            '<rect class="tl-bar tl-%s" data-task="%s" data-outcome="%s" x="%s" y="%s" width="%s" '
            'height="%s"/>'
            % (
                task["outcome"],
                _esc(task["name"]),
                task["outcome"],
                start,
                top,
                max(round(end - start, 2), 1),
                round(bar_h, 2),
            )
        )
    out.append("</g>")
    return out


def _task_row(frame: _Frame, row: int, label: str, task: dict, lang: str) -> list:
    """One focusable row per task: label, bar, its waits, an end mark and a tip."""
    top, x = frame.top(row), frame.x
    start, end = x(task["start"]), x(task["end"])
    summary = task_summary(task, lang)
    out = ['<g class="tl-task" tabindex="0" role="img" aria-label="%s">' % _esc(summary)]
    out.append(
        '<text class="tl-label" x="%d" y="%s" text-anchor="end" aria-hidden="true">%s</text>'
        % (LABEL_WIDTH - 6, top + BAR - 3, _esc(_short(label)))
    )
    out.append(
        '<rect class="tl-bar tl-%s" data-task="%s" data-outcome="%s" x="%s" y="%s" width="%s" height="%d" rx="2">'
        "<title>%s</title></rect>"
        % (
            task["outcome"],
            _esc(task["name"]),
            task["outcome"],
            start,
            top,
            max(round(end - start, 2), 2),
            BAR,
            _esc(summary),
        )
    )
    for begin, finish in task.get("waits", []):
        out.append(
            '<rect class="tl-wait" x="%s" y="%s" width="%s" height="%d"/>'
            % (x(begin), top, max(round(x(finish) - x(begin), 2), 1), BAR)
        )
    out.append(
        '<text class="tl-end" x="%s" y="%s" aria-hidden="true">%s</text>'
        % (max(end, start + 2) + 3, top + BAR - 3, END_MARKS[task["outcome"]])
    )
    out.append(
        '<text class="tl-tip" x="%d" y="%d" aria-hidden="true">%s</text>'
        % (8, frame.height - 8, _esc(summary))
    )
    out.append("</g>")
    return out


def _markers(markers: list, frame: _Frame, lang: str) -> list:
    words = LABELS[lang]
    out = ['<g class="tl-markers">']
    for index, marker in enumerate(markers):
        at = frame.x(marker["at"])
        label_y = frame.rows_bottom + LINE * (frame.marker_lines[index] + 1)
        name = (
            words["timeout"]
            if marker["kind"] == "timeout"
            else MARKER_NAMES.get(marker["kind"], marker["kind"])
        )
        anchor = "end" if at > WIDTH - MARKER_LABEL else "start"
        out.append(
            '<g class="tl-marker tl-marker-%s" data-marker="%s" data-at="%s">'
            % (marker["kind"], marker["kind"], marker["at"])
        )
        out.append("<title>%s</title>" % _esc(marker_summary(marker, lang)))
        out.append('<line x1="%s" y1="%d" x2="%s" y2="%d"/>' % (at, TOP - 2, at, label_y - 10))
        out.append(
            '<text x="%s" y="%d" text-anchor="%s">%s</text>'
            % (at + (-2 if anchor == "end" else 2), label_y, anchor, _esc(name))
        )
        out.append("</g>")
    out.append("</g>")
    return out


def _lane_summary(label: str, tasks: list, idle: list, lang: str) -> str:
    words = LABELS[lang]
    return words["lane"].format(
        lane=label, n=len(tasks), idle=_seconds(sum(b - a for a, b in idle), lang)
    )


def _short(name: str, limit: int = SHORT) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _marker_label_lines(markers: list, x) -> dict:
    """Give each marker label a line below the rows so that labels never overlap."""
    lines: dict = {}
    ends: list = []  # right edge of the last label on each line
    for index, marker in enumerate(markers):
        at = x(marker["at"])
        left = at - MARKER_LABEL if at > WIDTH - MARKER_LABEL else at
        for line, right in enumerate(ends):
            if left > right + MARKER_GAP:
                ends[line] = left + MARKER_LABEL
                lines[index] = line
                break
        else:
            lines[index] = len(ends)
            ends.append(left + MARKER_LABEL)
    return lines


def render_table(timeline: dict, lang: str = "en") -> str:
    """The same data as an HTML table (the alternative for screen readers and for copying)."""
    words = LABELS[lang]
    out = [
        '<table class="tl-table">',
        "<caption>%s</caption>" % _esc(words["table"]),
        "<thead><tr>%s</tr></thead>"
        % "".join(
            '<th scope="col">%s</th>' % _esc(words[k])
            for k in ("task", "start", "end", "outcome", "detail")
        ),
        "<tbody>",
    ]
    for task in timeline["tasks"]:
        out.append(
            '<tr data-task="%s" data-outcome="%s"><th scope="row">%s</th><td>%s</td><td>%s</td><td>%s</td>'
            "<td>%s</td></tr>"
            % (
                _esc(task["name"]),
                task["outcome"],
                _esc(task_title(task)),
                _esc(_seconds(task["start"], lang)),
                _esc(_seconds(task["end"], lang)),
                _esc(words[task["outcome"]]),
                _esc(_detail(task)),
            )
        )
    out.append("</tbody>")
    if timeline["markers"]:
        out.append(
            '<tbody><tr><th scope="col">%s</th><th scope="col" colspan="4">%s</th></tr>'
            % (_esc(words["time"]), _esc(words["marker"]))
        )
        for marker in timeline["markers"]:
            out.append(
                '<tr><td>%s</td><td colspan="4">%s</td></tr>'
                % (_esc(_seconds(marker["at"], lang)), _esc(_marker_text(marker, lang)))
            )
        out.append("</tbody>")
    out.append('<tfoot><tr><td colspan="5">%s</td></tr></tfoot>' % _esc(_footer(timeline, lang)))
    out.append("</table>")
    return "\n".join(out) + "\n"


def _footer(timeline: dict, lang: str) -> str:
    return LABELS[lang]["footer"].format(
        total=_seconds(timeline["total"], lang),
        lanes=len(timeline["lanes"]),
        idle=_seconds(timeline["idle_total"], lang),
    )


def render_html(
    timeline: dict, lang: str = "en", uid: str = "tl", svg: str = "", table: bool = True
) -> str:
    """For a page that links CSS: SVG (no <style>) in a horizontal scroll wrapper (never wider
    than a phone), then the table in a <details>.

    ``svg`` is the drawing if already rendered (the build embeds the committed file). Without
    ``table`` the <details> comes empty, for a page to fill when it opens (a thousand-task table
    costs the page tens of milliseconds to parse).
    """
    return (
        '<figure class="tl-figure">\n<div class="tl-scroll">\n%s</div>\n%s'
        '<details class="tl-details"><summary>%s</summary>\n%s</details>\n</figure>\n'
        % (
            svg or render_svg(timeline, lang, uid, style=False),
            render_legend(timeline, lang),
            _esc(LABELS[lang]["table"]),
            render_table(timeline, lang) if table else "",
        )
    )


def render_legend(timeline: dict, lang: str = "en") -> str:
    """What each bar style means, for the outcomes this run has (hidden from screen readers:
    each bar's label and the table say it in words)."""
    outcomes = {task["outcome"] for task in timeline["tasks"]}
    keys = [
        '<span class="tl-key"><svg viewBox="0 0 18 12" width="18" height="12"><rect class="tl-bar tl-%s" x="1" '
        'y="1" width="16" height="10"/></svg>%s</span>' % (outcome, _esc(LABELS[lang][outcome]))
        for outcome in OUTCOMES
        if outcome in outcomes
    ]
    return '<p class="tl-legend" aria-hidden="true">%s</p>\n' % "".join(keys) if keys else ""
