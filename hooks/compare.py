"""Comparison figures: the reference runs of a few snippets, one above the other on one time axis.

A page asks for one with a line ``<!-- compare-<name> -->`` (``<!-- compare-batching -->`` in
docs/batching.md and its twin); the comment is replaced in the rendered page by a <figure>:

- an SVG (``role="img"``, <title> and <desc>) with one panel per snippet: a row per lane (a slot
  in which one job runs at a time), its jobs as bars, its idle gaps (``lane["idle"]``) marked,
  a dashed line where the run ends, and a heading with the run's total and summed idle time;
  all panels share the x axis, so equal lengths mean equal times;
- a table with the same figures (method, total, idle time, lanes);
- a caption naming where the data comes from.

Every number comes from data/timelines/<topic>/<snippet>.json (``make timelines``), the same
reference runs hooks/cells.py shows under each cell. Colours, fonts and the phone layout
are in docs/assets/extra.css (classes only: the site's CSP allows no style attribute).
A missing or unknown figure or file fails the build, naming it.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from mkdocs.exceptions import PluginError
from shared import page_language

from cellrun.svg import LABELS as TIMELINE_LABELS

ROOT = Path(__file__).resolve().parent.parent
TIMELINES = ROOT / "data" / "timelines"
MARKER = re.compile(r"<!-- compare-(?P<name>[a-z0-9-]+) -->")

# name -> the snippets drawn, top to bottom, each with its label per language
FIGURES = {
    "batching": (
        (
            "batching/chunks_wait_for_slowest.py",
            {"en": "Fixed-size chunks", "zh": "固定大小的分块"},
        ),
        (
            "batching/semaphore_pool.py",
            {"en": "Pool bounded by a Semaphore", "zh": "用信号量限制的任务池"},
        ),
        ("batching/queue_workers.py", {"en": "Queue and workers", "zh": "队列加工作者"}),
    ),
}

LABELS = {
    "en": {
        "title": "The same jobs, one time axis: {names}",
        "desc": "One row per lane, the slot one job at a time runs in; bars are jobs running, "
        "marked gaps are a lane left idle. {summaries} The table below gives the same figures.",
        "summary": "{name}: total {total}, idle time summed over {lanes} lanes {idle}.",
        "heading": "{name}: total {total}, idle {idle} over {lanes} lanes",
        "running": "job running",
        "idle": "lane idle",
        "end": "end of the run",
        "region": "Comparison drawing (scrolls sideways on a narrow screen)",
        "method": "Method",
        "total": "Total",
        "idle_time": "Idle time, summed over the lanes",
        "lanes": "Lanes",
        "table": "Total and idle time of each method",
        "caption": "Reference runs of the examples above (CPython {python}, virtual clock, seed {seed}): "
        "each draws the same durations, so the lengths compare the methods, not luck.",
    },
    "zh": {
        "title": "同一批任务，同一条时间轴：{names}",
        "desc": "每行是一条并发通道，即同一时刻只运行一个任务的位置；横条表示任务在运行，"
        "标出的空隙表示这条并发通道空闲。{summaries}下方表格列出同样的数字。",
        "summary": "{name}：总耗时 {total}，{lanes} 条并发通道的空闲时间合计 {idle}。",
        "heading": "{name}：总耗时 {total}，{lanes} 条并发通道共空闲 {idle}",
        "running": "任务运行中",
        "idle": "通道空闲",
        "end": "运行结束",
        "region": "对比图（窄屏上可左右滚动）",
        "method": "做法",
        "total": "总耗时",
        "idle_time": "空闲时间（各并发通道合计）",
        "lanes": "并发通道数",
        "table": "各做法的总耗时与空闲时间",
        "caption": "上面各例的参考运行（CPython {python}，虚拟时钟，seed {seed}）："
        "每次运行抽到的耗时相同，所以长短比较的是做法，而不是运气。",
    },
}
SEPARATOR = {"en": "; ", "zh": "；"}
SPACE = {"en": " ", "zh": ""}

WIDTH = 640
LEFT = 16  # room for half of the first tick label
RIGHT = 28
LEGEND = 24  # height of the legend row at the top
HEADING = 18  # a panel's heading line, above its lanes
LANE = 1.2  # one lane's row; the bar leaves a hairline between lanes
BAR = 0.9
GAP = 14  # between panels
AXIS = 26  # tick labels under the last panel


# --------------------------------------------------------------------------- hook


def on_page_content(html_text, page, config, files):
    if "<!-- compare-" not in html_text:
        return html_text
    lang = page_language(page)
    return MARKER.sub(lambda match: render(match["name"], lang), html_text)


def on_serve(server, config, builder):
    server.watch(str(TIMELINES))
    return server


# --------------------------------------------------------------------------- data


def load(snippet: str) -> dict:
    """The committed reference run of a snippet (as hooks/cells.py reads it)."""
    path = TIMELINES / (snippet.removesuffix(".py") + ".json")
    try:
        return json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise PluginError(
            "hooks/compare.py: %s is missing: run `make timelines`" % path.relative_to(ROOT)
        ) from None


def runs(name: str) -> list:
    """[(snippet, labels, reference run)] for a figure, top to bottom."""
    if name not in FIGURES:
        raise PluginError(
            "hooks/compare.py: no figure %r (known: %s)" % (name, ", ".join(sorted(FIGURES)))
        )
    found = []
    for snippet, labels in FIGURES[name]:
        run = load(snippet)
        if not run["timeline"]["lanes"]:
            raise PluginError(
                "hooks/compare.py: %s has no lanes to compare: run `make timelines`" % snippet
            )
        found.append((snippet, labels, run))
    if len({(run["python"], run["seed"], run["virtual"]) for _, _, run in found}) != 1:
        raise PluginError(
            "hooks/compare.py: the runs of %r differ in Python, seed or clock: run `make timelines`"
            % name
        )
    return found


def figures(timeline: dict) -> dict:
    """What the figure states about one run: total, summed idle time, lane count."""
    return {
        "total": timeline["total"],
        "idle": timeline["idle_total"],
        "lanes": len(timeline["lanes"]),
    }


def busy(timeline: dict) -> list:
    """Each lane's jobs as [start, end] spans (from when a job got its slot), touching ones merged."""
    by_id = {task["id"]: task for task in timeline["tasks"]}
    lanes = []
    for lane in timeline["lanes"]:
        spans = []
        for task in sorted((by_id[i] for i in lane["tasks"]), key=lambda t: t["start"]):
            start = task["waits"][0][1] if task["waits"] else task["start"]
            if spans and start <= spans[-1][1] + 1e-9:
                spans[-1][1] = max(spans[-1][1], task["end"])
            else:
                spans.append([start, task["end"]])
        lanes.append(spans)
    return lanes


# --------------------------------------------------------------------------- drawing


def seconds(t: float, lang: str) -> str:
    return TIMELINE_LABELS[lang]["seconds"].format(t="%.2f" % t)


def _tick_text(t: float, lang: str) -> str:
    return TIMELINE_LABELS[lang]["seconds"].format(t="%g" % t)


def ticks(longest: float) -> list:
    """Round steps from 0 to the first one at or past the longest run: the axis's end."""
    for step in (0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600):
        if longest / step <= 10:
            break
    count = max(int(-(-longest // step)), 1)  # ceil
    return [round(i * step, 6) for i in range(count + 1)]


def _spans_path(spans, x, top: float, height: float) -> str:
    """One path for many rectangles: the drawing of a thousand jobs stays light."""
    parts = []
    for begin, finish, row_top in spans:
        width = max(round(x(finish) - x(begin), 1), 0.4)
        parts.append(
            "M%s %sh%sv%sh-%sz" % (x(begin), round(top + row_top, 2), width, height, width)
        )
    return " ".join(parts)


def render_svg(name: str, found: list, lang: str) -> str:
    """The drawing: legend, a shared time axis, then one panel per run, top to bottom."""
    longest = max(run["timeline"]["total"] for _, _, run in found)
    marks = ticks(longest)
    end = marks[-1]
    plot = WIDTH - LEFT - RIGHT
    scale = plot / end if end > 0 else 0.0

    def x(t: float) -> float:
        return round(LEFT + t * scale, 1)

    panel_heights = [HEADING + LANE * len(run["timeline"]["lanes"]) for _, _, run in found]
    bottom = LEGEND + sum(panel_heights) + GAP * (len(found) - 1)
    out = _svg_head(name, found, lang, round(bottom + AXIS))
    out += _legend(lang)
    out += _axis(marks, x, bottom, lang)
    top = LEGEND
    for (snippet, labels, run), panel_height in zip(found, panel_heights):
        out += _panel(snippet, labels[lang], run["timeline"], x, top, lang)
        top += panel_height + GAP
    out.append("</svg>")
    return "\n".join(out)


def _svg_head(name: str, found: list, lang: str, height: int) -> list:
    """The <svg> tag with its <title> and <desc>: what a screen reader says of the figure."""
    words = LABELS[lang]
    uid = "cmp-%s" % name
    names = SEPARATOR[lang].join(labels[lang] for _, labels, _ in found)
    summaries = SPACE[lang].join(
        _summary(labels[lang], run["timeline"], lang) for _, labels, run in found
    )
    return [
        '<svg xmlns="http://www.w3.org/2000/svg" class="cmp-svg" data-compare="%s" viewBox="0 0 %d %d" '
        'width="100%%" role="img" aria-labelledby="%s-title" aria-describedby="%s-desc" lang="%s">'
        % (name, WIDTH, height, uid, uid, lang),
        '<title id="%s-title">%s</title>' % (uid, _esc(words["title"].format(names=names))),
        '<desc id="%s-desc">%s</desc>' % (uid, _esc(words["desc"].format(summaries=summaries))),
    ]


def _legend(lang: str) -> list:
    words = LABELS[lang]
    return [
        '<g class="cmp-legend">',
        '<rect class="cmp-busy" x="%d" y="6" width="14" height="10"/>' % LEFT,
        '<text x="%d" y="15">%s</text>' % (LEFT + 18, _esc(words["running"])),
        '<rect class="cmp-idle" x="%d" y="6" width="14" height="10"/>' % (LEFT + 130),
        '<text x="%d" y="15">%s</text>' % (LEFT + 148, _esc(words["idle"])),
        '<line class="cmp-end" x1="%d" y1="4" x2="%d" y2="18"/>' % (LEFT + 260, LEFT + 260),
        '<text x="%d" y="15">%s</text>' % (LEFT + 266, _esc(words["end"])),
        "</g>",
    ]


def _axis(marks: list, x, bottom: float, lang: str) -> list:
    """A gridline through every panel at each tick, its label under the last panel."""
    out = ['<g class="cmp-axis">']
    for tick in marks:
        out.append(
            '<line x1="%s" y1="%d" x2="%s" y2="%s"/>'
            % (x(tick), LEGEND, x(tick), round(bottom + 4, 1))
        )
        out.append(
            '<text x="%s" y="%s" text-anchor="middle">%s</text>'
            % (x(tick), round(bottom + 17, 1), _esc(_tick_text(tick, lang)))
        )
    out.append("</g>")
    return out


def _panel(snippet: str, label: str, timeline: dict, x, top: float, lang: str) -> list:
    """One run's panel at ``top``: its heading, its lanes' busy and idle spans, its end."""
    numbers = figures(timeline)
    lanes_top = top + HEADING
    lanes_bottom = round(lanes_top + LANE * numbers["lanes"], 2)
    running, idle = [], []
    for row, (lane, spans) in enumerate(zip(timeline["lanes"], busy(timeline))):
        running += [(begin, finish, row * LANE) for begin, finish in spans]
        idle += [(begin, finish, row * LANE) for begin, finish in lane["idle"]]
    return [
        '<g class="cmp-panel" data-snippet="%s" data-total="%s" data-idle="%s" data-lanes="%d">'
        % (_esc(snippet), numbers["total"], numbers["idle"], numbers["lanes"]),
        '<text class="cmp-heading" x="%d" y="%s">%s</text>'
        % (LEFT, round(top + HEADING - 5, 1), _esc(_heading(label, timeline, lang))),
        '<path class="cmp-busy" d="%s"/>' % _spans_path(running, x, lanes_top, BAR),
        '<path class="cmp-idle" d="%s"/>' % _spans_path(idle, x, lanes_top, BAR),
        '<line class="cmp-end" x1="%s" y1="%s" x2="%s" y2="%s"/>'
        % (x(numbers["total"]), lanes_top - 3, x(numbers["total"]), round(lanes_bottom + 3, 1)),
        "</g>",
    ]


def _summary(label: str, timeline: dict, lang: str) -> str:
    numbers = figures(timeline)
    return LABELS[lang]["summary"].format(
        name=label,
        total=seconds(numbers["total"], lang),
        idle=seconds(numbers["idle"], lang),
        lanes=numbers["lanes"],
    )


def _heading(label: str, timeline: dict, lang: str) -> str:
    numbers = figures(timeline)
    return LABELS[lang]["heading"].format(
        name=label,
        total=seconds(numbers["total"], lang),
        idle=seconds(numbers["idle"], lang),
        lanes=numbers["lanes"],
    )


def render_table(name: str, found: list, lang: str) -> str:
    words = LABELS[lang]
    head = "".join(
        '<th scope="col">%s</th>' % _esc(words[key])
        for key in ("method", "total", "idle_time", "lanes")
    )
    rows = []
    for snippet, labels, run in found:
        numbers = figures(run["timeline"])
        rows.append(
            '<tr data-snippet="%s"><th scope="row">%s</th><td>%s</td><td>%s</td><td>%d</td></tr>'
            % (
                _esc(snippet),
                _esc(labels[lang]),
                _esc(seconds(numbers["total"], lang)),
                _esc(seconds(numbers["idle"], lang)),
                numbers["lanes"],
            )
        )
    return (
        '<table class="cmp-table" data-compare="%s"><caption>%s</caption><thead><tr>%s</tr></thead>'
        "<tbody>%s</tbody></table>" % (name, _esc(words["table"]), head, "".join(rows))
    )


def render(name: str, lang: str) -> str:
    """The figure for ``<!-- compare-<name> -->``: drawing (scrolls on a phone), table, caption."""
    found = runs(name)
    words = LABELS[lang]
    first = found[0][2]
    caption = words["caption"].format(python=first["python"], seed=first["seed"])
    return (
        '<figure class="cmp-figure" id="figure-compare-%s">\n'
        '<div class="cmp-scroll" role="region" tabindex="0" aria-label="%s">\n%s\n</div>\n%s\n'
        "<figcaption>%s</figcaption>\n</figure>"
        % (
            name,
            _esc(words["region"]),
            render_svg(name, found, lang),
            render_table(name, found, lang),
            _esc(caption),
        )
    )


def _esc(text) -> str:
    return html.escape(str(text), quote=True)
