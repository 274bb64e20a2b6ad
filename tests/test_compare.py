"""The batching page's comparison figure (hooks/compare.py): chunks, Semaphore pool and queue
workers on one time axis, every number from the reference runs in data/timelines/.

The figure is rendered here straight from the hook (fast); one real `mkdocs build --strict`
(the shared ``site`` fixture) checks that both languages' pages hold it.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from devkit import ROOT as REPO
from devkit.site import load_hook

TIMELINES = REPO / "data" / "timelines"
CHUNKS, POOL, WORKERS = (
    "batching/chunks_wait_for_slowest.py",
    "batching/semaphore_pool.py",
    "batching/queue_workers.py",
)
LANGS = ("en", "zh")
MARKER = "<!-- compare-batching -->"


compare = load_hook("compare")


def timeline(snippet: str) -> dict:
    return json.loads((TIMELINES / snippet.replace(".py", ".json")).read_text("utf-8"))["timeline"]


class Figure(HTMLParser):
    """Tags with attributes, the text of each panel heading, and the table's rows as text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.headings, self.rows, self.texts = [], [], [], {}
        self._stack, self._row = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        self._stack.append((tag, attrs))
        if tag == "tr" and attrs.get("data-snippet"):
            self._row = [attrs["data-snippet"]]
        elif self._row is not None and tag in ("th", "td"):
            self._row.append("")

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None
        while self._stack and self._stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        if not self._stack:
            return
        tag, attrs = self._stack[-1]
        if "cmp-heading" in (attrs.get("class") or ""):
            self.headings.append(data)
        if self._row is not None and tag in ("th", "td"):
            self._row[-1] += data
        if attrs.get("id"):
            self.texts[attrs["id"]] = self.texts.get(attrs["id"], "") + data


def figure(lang: str) -> Figure:
    parsed = Figure()
    parsed.feed(compare.render("batching", lang))
    return parsed


def panels(parsed: Figure) -> dict:
    return {
        a["data-snippet"]: a
        for t, a in parsed.tags
        if t == "g" and "cmp-panel" in (a.get("class") or "")
    }


# ------------------------------------------------------------------ the data


def test_the_chunks_leave_lanes_idle_longer_than_the_pool():
    chunks, pool = timeline(CHUNKS), timeline(POOL)
    assert chunks["idle_total"] > pool["idle_total"]
    assert chunks["total"] > pool["total"]
    assert len(chunks["lanes"]) == len(pool["lanes"]) == 100


def test_the_workers_follow_the_pools_schedule():
    pool, workers = timeline(POOL), timeline(WORKERS)
    assert (workers["total"], workers["idle_total"]) == (pool["total"], pool["idle_total"])


def test_before_each_chunk_boundary_99_lanes_wait_for_the_slowest_job():
    """The prose: before every chunk boundary, 99 of the lanes have a gap."""
    chunks = timeline(CHUNKS)
    boundaries = [m["at"] for m in chunks["markers"] if m["kind"] == "gather"]
    assert len(boundaries) == 10
    for at in boundaries:
        waiting = [
            lane for lane in chunks["lanes"] if any(abs(end - at) < 1e-9 for _, end in lane["idle"])
        ]
        assert len(waiting) == 99, at
    assert sum(len(lane["idle"]) for lane in chunks["lanes"]) == 99 * len(boundaries)


@pytest.mark.parametrize("snippet", [POOL, WORKERS])
def test_pool_and_worker_lanes_are_idle_only_at_the_end(snippet):
    run = timeline(snippet)
    for lane in run["lanes"]:
        assert len(lane["idle"]) <= 1
        assert all(abs(end - run["total"]) < 1e-9 for _, end in lane["idle"])


def test_the_idle_gaps_are_the_whole_difference():
    """Same work in each run: lanes x total - idle is the busy time, the same for all three,
    so the chunks' extra idle time over the lanes equals how much longer they take."""
    runs = {snippet: timeline(snippet) for snippet in (CHUNKS, POOL, WORKERS)}
    busy = {
        snippet: len(run["lanes"]) * run["total"] - run["idle_total"]
        for snippet, run in runs.items()
    }
    assert max(busy.values()) - min(busy.values()) < 1e-3, busy
    chunks, pool = timeline(CHUNKS), timeline(POOL)
    extra = (chunks["idle_total"] - pool["idle_total"]) / len(chunks["lanes"])
    assert extra == pytest.approx(chunks["total"] - pool["total"], abs=1e-5)


# ------------------------------------------------------------------ the figure


@pytest.mark.parametrize("lang", LANGS)
def test_the_figure_states_the_reference_runs_totals_and_idle_time(lang):
    parsed = figure(lang)
    found = panels(parsed)
    assert list(found) == [CHUNKS, POOL, WORKERS]
    rows = {row[0]: row[1:] for row in parsed.rows}
    assert list(rows) == [CHUNKS, POOL, WORKERS]
    for snippet, attrs in found.items():
        run = timeline(snippet)
        total, idle = compare.seconds(run["total"], lang), compare.seconds(run["idle_total"], lang)
        assert float(attrs["data-total"]) == run["total"]
        assert float(attrs["data-idle"]) == run["idle_total"]
        assert int(attrs["data-lanes"]) == len(run["lanes"])
        heading = next(
            h
            for h in parsed.headings
            if h.startswith(dict(compare.FIGURES["batching"])[snippet][lang])
        )
        assert total in heading and idle in heading and str(len(run["lanes"])) in heading
        assert rows[snippet][1:] == [total, idle, str(len(run["lanes"]))]
    assert compare.seconds(timeline(CHUNKS)["total"], lang) == (
        "9.92 s" if lang == "en" else "9.92 秒"
    )


def _rects(path: str) -> list:
    """(x, y, width) of each rectangle of a path drawn by compare._spans_path."""
    return [tuple(map(float, m)) for m in re.findall(r"M([\d.]+) ([\d.]+)h([\d.]+)v", path)]


@pytest.mark.parametrize("snippet", [CHUNKS, POOL, WORKERS])
def test_the_drawing_fills_each_lane_with_its_jobs_and_idle_gaps(snippet):
    """Every lane is drawn from 0 to the run's total: jobs running, then idle gaps, nothing missed."""
    svg = compare.render("batching", "en")
    panel = re.search(
        r'<g class="cmp-panel" data-snippet="%s".*?</g>' % re.escape(snippet), svg, re.DOTALL
    )[0]
    busy = _rects(re.search(r'<path class="cmp-busy" d="([^"]*)"', panel)[1])
    idle = _rects(re.search(r'<path class="cmp-idle" d="([^"]*)"', panel)[1])
    run = timeline(snippet)
    assert len(idle) == sum(len(lane["idle"]) for lane in run["lanes"])
    end = float(re.search(r'<line class="cmp-end" x1="([\d.]+)"', panel)[1])
    rows = {}
    for _x, y, width in busy + idle:
        rows.setdefault(y, []).append(width)
    assert len(rows) == len(run["lanes"])
    for y, widths in rows.items():
        assert sum(widths) == pytest.approx(end - compare.LEFT, abs=0.1 * len(widths) + 0.5), y


@pytest.mark.parametrize("lang", LANGS)
def test_the_figure_is_accessible_and_needs_no_inline_style_or_script(lang):
    html = compare.render("batching", lang)
    parsed = figure(lang)
    svg = next(a for t, a in parsed.tags if t == "svg")
    assert svg["role"] == "img" and svg["lang"] == lang
    assert parsed.texts.get(svg["aria-labelledby"]) and parsed.texts.get(svg["aria-describedby"])
    desc = parsed.texts[svg["aria-describedby"]]
    for snippet in (CHUNKS, POOL):
        assert compare.seconds(timeline(snippet)["idle_total"], lang) in desc
    scroller = next(a for t, a in parsed.tags if "cmp-scroll" in (a.get("class") or ""))
    assert scroller["tabindex"] == "0" and scroller["aria-label"]
    assert any(t == "caption" for t, _ in parsed.tags) and any(
        a.get("scope") == "row" for _, a in parsed.tags
    )
    assert not any("style" in a for _, a in parsed.tags)
    assert "<script" not in html and "<style" not in html


def test_chinese_labels_use_the_glossary_terms():
    html = compare.render("batching", "zh")
    for term in ("信号量", "并发通道", "分块", "工作者", "总耗时", "空闲"):
        assert term in html, term
    assert not re.search(r"[\u4e00-\u9fff][,:;]", html.split('<g class="cmp-axis"')[0]), (
        "Chinese text with ASCII punctuation"
    )


def test_an_unknown_figure_fails_loudly():
    with pytest.raises(Exception, match="no figure 'nothing'"):
        compare.render("nothing", "en")


def test_both_twins_place_the_figure_in_the_same_section():
    for _lang, name in (("en", "batching.md"), ("zh", "batching.zh.md")):
        text = (REPO / "docs" / name).read_text("utf-8")
        assert text.count(MARKER) == 1, name
        section = text[: text.index(MARKER)].rsplit("\n## ", 1)[1]
        assert section.splitlines()[0].endswith("{#side-by-side}"), (name, section.splitlines()[0])


# ------------------------------------------------------------------ the built pages


@pytest.mark.parametrize("lang", LANGS)
def test_both_languages_built_pages_hold_the_figure(site, lang):
    page = (site.root / ("" if lang == "en" else "zh/") / "batching" / "index.html").read_text(
        "utf-8"
    )
    assert MARKER not in page
    assert page.count('id="figure-compare-batching"') == 1
    assert 'id="side-by-side"' in page
    built = page[
        page.index('<figure class="cmp-figure"') : page.index(
            "</figure>", page.index('<figure class="cmp-figure"')
        )
    ]
    assert built.strip() == compare.render("batching", lang).strip()[: -len("</figure>")].strip()
    for snippet in (CHUNKS, POOL, WORKERS):
        assert compare.seconds(timeline(snippet)["idle_total"], lang) in built
    # The figure comes right after the section's prose, before the next section.
    assert (
        page.index('id="side-by-side"')
        < page.index("figure-compare-batching")
        < page.index('id="generator-or-list"')
    )
