"""cellrun's task timeline: the data, the event stream, the static SVGs and their freshness."""

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from cellrun import run_source
from cellrun.svg import render_svg, render_table
from devkit import ROOT, timelines
from devkit.interpreters import interpreters

KNOWN = """
import asyncio

async def job(name, delay, fail=False):
    await asyncio.sleep(delay)
    if fail:
        raise ValueError(name)
    return name

async def main():
    a = asyncio.ensure_future(job("a", 1))
    b = asyncio.ensure_future(job("b", 3))
    c = asyncio.ensure_future(job("c", 2, fail=True))
    try:
        await asyncio.gather(a, b, c)
    except ValueError as error:
        print("gather raised", error)
    done, pending = await asyncio.wait([b], timeout=0.5)
    print(len(done), len(pending))
    asyncio.ensure_future(job("e", 10))
    await asyncio.sleep(0)

asyncio.run(main())
"""

TASKGROUP = """
import asyncio

async def job(delay, fail=False):
    await asyncio.sleep(delay)
    if fail:
        raise ValueError(delay)

async def main():
    try:
        async with asyncio.TaskGroup() as group:
            group.create_task(job(1, fail=True), name="fails")
            group.create_task(job(5), name="slow")
    except* ValueError:
        print("group failed")

asyncio.run(main())
"""


def bars(timeline):
    return [(t["name"], t["start"], t["end"], t["outcome"]) for t in timeline["tasks"]]


def test_a_known_run_gives_the_expected_bars_and_markers():
    timeline = run_source(KNOWN, "known.py", virtual=True, trace=True).timeline
    assert bars(timeline) == [
        ("Task-1", 0.0, 2.5, "done"),
        ("Task-2", 0.0, 1.0, "done"),
        (
            "Task-3",
            0.0,
            2.5,
            "pending",
        ),  # gather failed at 2.0; its sibling kept running to the end
        ("Task-4", 0.0, 2.0, "failed"),
        ("Task-5", 2.5, 2.5, "pending"),  # asyncio.run returned while it was still pending
    ]
    assert timeline["tasks"][3]["exception"] == {"type": "ValueError", "message": "c"}
    assert timeline["tasks"][1]["result"] == "'a'"
    assert [t["parent"] for t in timeline["tasks"]] == [None, 0, 0, 0, 0]
    kinds = [(m["kind"], m["at"]) for m in timeline["markers"]]
    assert kinds == [("gather", 2.0), ("timeout", 2.5), ("wait", 2.5)]
    gather, _, wait = timeline["markers"]
    assert gather["outcome"] == "failed" and gather["tasks"] == [1, 2, 3] and gather["owner"] == 0
    assert wait["timed_out"] and wait["pending"] == [2] and wait["done"] == []
    assert timeline["total"] == 2.5 and timeline["clock"] == "virtual"


@pytest.mark.skipif(sys.version_info < (3, 11), reason="TaskGroup is 3.11+")
def test_a_failing_task_group_cancels_its_siblings():
    outcome = run_source(TASKGROUP, "group.py", virtual=True, trace=True)
    assert outcome.stdout == "group failed\n"
    assert bars(outcome.timeline)[1:] == [
        ("fails", 0.0, 1.0, "failed"),
        ("slow", 0.0, 1.0, "cancelled"),
    ]
    (marker,) = outcome.timeline["markers"]
    assert (marker["kind"], marker["at"], marker["outcome"], marker["tasks"]) == (
        "taskgroup",
        1.0,
        "failed",
        [1, 2],
    )


def test_lanes_show_batches_idle_waiting_for_their_slowest_job():
    source = """
import asyncio
async def main():
    for batch in ([1, 3], [2, 2]):
        await asyncio.gather(*(asyncio.sleep(d) for d in batch))
asyncio.run(main())
"""
    timeline = run_source(source, virtual=True, trace=True).timeline
    assert timeline["total"] == 5.0
    assert [lane["idle"] for lane in timeline["lanes"]] == [[[1.0, 3.0]], []]
    assert timeline["idle_total"] == 2.0


def test_tracing_changes_neither_output_nor_tracebacks():
    source = KNOWN + "asyncio.run(asyncio.wait_for(asyncio.sleep(5), 1))\n"
    plain = run_source(source, "known.py", virtual=True)
    traced = run_source(source, "known.py", virtual=True, trace=True)
    assert plain.exception["type"] == "TimeoutError"
    for field in ("stdout", "stderr", "warnings", "exception", "exit_code", "virtual_time"):
        assert getattr(traced, field) == getattr(plain, field), field
    assert "timeline.py" not in traced.stderr
    assert plain.timeline is None


def test_events_stream_as_they_happen_and_add_up_to_the_timeline():
    events = []
    outcome = run_source(KNOWN, virtual=True, trace=events.append)
    kinds = [e["event"] for e in events]
    assert set(kinds) == {"start", "end", "marker", "stop"}
    starts = [e for e in events if e["event"] == "start"]
    ends = {e["task"]: e for e in events if e["event"] == "end"}
    assert [e["task"] for e in starts] == [t["id"] for t in outcome.timeline["tasks"]]
    for task in outcome.timeline["tasks"]:
        assert (
            ends[task["id"]]["outcome"] == task["outcome"] and ends[task["id"]]["at"] == task["end"]
        )
    assert events == sorted(events, key=lambda e: e["at"])


REAL = """
import asyncio

async def job(delay, fail=False):
    await asyncio.sleep(delay)
    if fail:
        raise ValueError(delay)
    return delay

async def main():
    tasks = [asyncio.ensure_future(job(d)) for d in (0.15, 0.05, 0.1)]
    tasks.append(asyncio.ensure_future(job(0.1, fail=True)))
    done, pending = await asyncio.wait(tasks, timeout=0.12)
    print(len(done), len(pending))
    await asyncio.gather(*tasks, return_exceptions=True)

asyncio.run(main())
"""


def test_real_time_and_virtual_time_give_the_same_order_and_outcomes():
    virtual_events, real_events = [], []
    virtual = run_source(REAL, virtual=True, trace=virtual_events.append)
    real = run_source(REAL, virtual=False, trace=real_events.append)
    assert real.stdout == virtual.stdout == "3 1\n"

    def story(events):
        return [(e["event"], e.get("task"), e.get("outcome"), e.get("kind")) for e in events]

    assert story(real_events) == story(virtual_events)
    assert [t["outcome"] for t in real.timeline["tasks"]] == [
        t["outcome"] for t in virtual.timeline["tasks"]
    ]
    assert real.timeline["clock"] == "real"
    assert real.timeline["total"] == pytest.approx(virtual.timeline["total"], abs=0.05)


def test_the_svg_keeps_the_dom_contract_and_themes():
    timeline = run_source(KNOWN, virtual=True, trace=True).timeline
    for lang in ("en", "zh"):
        text = render_svg(timeline, lang, "t")
        svg = ET.fromstring(text)
        ns = "{http://www.w3.org/2000/svg}"
        assert svg.get("data-timeline") == "" and svg.get("viewBox") and svg.get("width") == "100%"
        assert svg.find(ns + "title").text and svg.find(ns + "desc").text
        bars_ = [e for e in svg.iter() if e.get("data-task") is not None]
        assert [b.get("data-task") for b in bars_] == [t["name"] for t in timeline["tasks"]]
        assert {b.get("data-outcome") for b in bars_} <= {"done", "failed", "cancelled", "pending"}
        assert not re.search(r'(fill|stroke)="#', text), "colours belong in CSS variables"
        assert '[data-md-color-scheme="slate"]' in text
    assert "任务" in render_table(timeline, "zh") and '<th scope="col">Task</th>' in render_table(
        timeline, "en"
    )


def test_the_committed_timelines_are_fresh():
    stale = timelines.stale(timelines.expected_files())
    assert not stale, "stale timelines (run `make timelines`): %s" % stale
    report = json.loads(
        next((ROOT / "data" / "timelines").rglob("*.json")).read_text(encoding="utf-8")
    )
    assert (
        report["seed"] == 0
        and report["virtual"] is True
        and report["timeline"]["clock"] == "virtual"
    )


CPYTHONS = [v for v, i in interpreters().items() if not v.startswith("pyodide")]


def traced_on(version: str, source: str, path) -> dict:
    """The timeline of ``source`` (written to ``path``) traced by cellrun on one CPython."""
    interpreter = interpreters()[version]
    if interpreter is None:
        pytest.skip("Python %s is not installed on this machine" % version)
    path.write_text(source, encoding="utf-8")
    done = subprocess.run(
        [interpreter.executable, "-m", "cellrun", "--json", "--virtual", "--trace", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": str(ROOT / "cellrun" / "src")},
    )
    return json.loads(done.stdout)["timeline"]


@pytest.mark.parametrize("version", CPYTHONS)
def test_every_cpython_draws_the_same_known_timeline(version, tmp_path):
    timeline = traced_on(version, KNOWN, tmp_path / "known.py")
    expected = run_source(KNOWN, virtual=True, trace=True).timeline
    assert bars(timeline) == bars(expected)
    assert [(m["kind"], m["at"]) for m in timeline["markers"]] == [
        (m["kind"], m["at"]) for m in expected["markers"]
    ]


LABELS = """
import asyncio


class Worker:
    async def run(self, item):
        await asyncio.sleep(1)


class Later:
    def __await__(self):
        return asyncio.sleep(1).__await__()


async def job(name, delay=1):
    await asyncio.sleep(delay)
    return (lambda: name)()  # name is a cell, not a plain local


async def renames():
    asyncio.current_task().set_name("renamed")


async def main():
    await asyncio.gather(
        job("A"),
        job("a long name that needs to be cut"),
        Worker().run(3),
        asyncio.sleep(1),
        job(Later()),
        job(renames),
        Later(),
        renames(),
    )
    await asyncio.create_task(job("B"), name="named")


asyncio.run(main())
"""
# A row says what it runs (its call, the first argument cut to 20 characters, without the
# addresses that would change from run to run), unless the program named the task; an
# awaitable that is not a coroutine keeps its task's name.
EXPECTED_LABELS = [
    "main()",
    "job('A')",
    "job('a long name that n…)",
    "run(3)",
    "sleep(1)",
    "job(<Later>)",
    "job(renames)",
    "Task-8",
    "renamed",
    "named",
]


def labels(timeline):
    return [t["label"] for t in timeline["tasks"]]


def test_rows_are_labelled_by_their_call_or_by_the_name_the_program_set():
    events = []
    timeline = run_source(LABELS, "labels.py", virtual=True, trace=events.append).timeline
    assert labels(timeline) == EXPECTED_LABELS
    assert [t["name"] for t in timeline["tasks"]] == ["Task-%d" % i for i in range(1, 9)] + [
        "renamed",
        "named",
    ]
    # The live drawing ends with the same labels: an end event carries the label, null for the name.
    ends = {e["task"]: e["label"] for e in events if e["event"] == "end"}
    assert [ends[t["id"]] or t["name"] for t in timeline["tasks"]] == EXPECTED_LABELS
    starts = [e["label"] for e in events if e["event"] == "start"]
    assert starts[:8] == EXPECTED_LABELS[:7] + [None] and starts[8] == "renames()"

    svg = ET.fromstring(render_svg(timeline, "en", "t"))
    ns = "{http://www.w3.org/2000/svg}"
    rows = [e.text for e in svg.iter(ns + "text") if e.get("class") == "tl-label"]
    assert rows == ["main()", "job('A')", "job('a long name …"] + EXPECTED_LABELS[3:]
    tips = [e.text for e in svg.iter(ns + "text") if e.get("class") == "tl-tip"]
    assert tips[1].startswith("job('A'): ") and tips[-1].startswith("named (job): ")
    table = render_table(timeline, "en")
    assert '<th scope="row">named (job)</th>' in table and "job(&#x27;A&#x27;) (job)" not in table
    assert (
        '<tr data-task="Task-2" data-outcome="done"><th scope="row">job(&#x27;A&#x27;)</th>'
        in table
    )


@pytest.mark.parametrize("version", CPYTHONS)
def test_every_cpython_labels_the_rows_alike(version, tmp_path):
    assert labels(traced_on(version, LABELS, tmp_path / "labels.py")) == EXPECTED_LABELS


def test_a_task_nobody_refers_to_still_gets_its_end():
    # Freed as soon as it finishes: its end must be taken while something still holds it.
    source = """
import asyncio
async def main():
    asyncio.ensure_future(asyncio.sleep(1, "kept by no one"))
    await asyncio.sleep(2)
asyncio.run(main())
"""
    timeline = run_source(source, virtual=True, trace=True).timeline
    assert bars(timeline) == [("Task-1", 0.0, 2.0, "done"), ("Task-2", 0.0, 1.0, "done")]
    assert timeline["tasks"][1]["result"] == "'kept by no one'"
