"""Measure what tracing costs: a 1,000-task run in real time, with and without the timeline.

Workloads: "sleeps" (each task sleeps 10 ms twice: what snippets do),
"switches" (each task only yields 20 times: the worst case, all overhead) and
"pool" (a Semaphore lets 100 tasks at a time sleep 10 ms: the batching page's
pool, where every acquire is traced too). Each is run REPS times per mode,
alternating; the figure is the median. A run is the whole of run_source(), as
a page or a test pays for it: with tracing, that includes building
Outcome.timeline (rows, markers, lanes).
Usage: python scripts/timeline_overhead.py [--reps 9] [WORKLOAD ...]
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "cellrun" / "src"))
from cellrun import run_source  # noqa: E402

WORKLOADS = {  # name: (job body, set-up in main)
    "sleeps": ("await asyncio.sleep(0.01)\n    await asyncio.sleep(0.01)", ""),
    "switches": ("for _ in range(20):\n        await asyncio.sleep(0)", ""),
    "pool": ("async with slots:\n        await asyncio.sleep(0.01)",
             "global slots\n    slots = asyncio.Semaphore(100)\n    "),
}
TEMPLATE = """
import asyncio

async def job(i):
    {body}
    return i

async def main():
    {setup}await asyncio.gather(*(job(i) for i in range(1000)))

asyncio.run(main())
"""


def measure(source: str, trace: bool) -> float:
    start = time.perf_counter()
    outcome = run_source(source, "overhead.py", trace=trace)
    elapsed = time.perf_counter() - start
    assert outcome.exit_code == 0, outcome.stderr
    assert not trace or len(outcome.timeline["tasks"]) == 1001
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=9)
    parser.add_argument("workloads", nargs="*", metavar="WORKLOAD",
                        help="some of: %s (default: all)" % ", ".join(WORKLOADS))
    args = parser.parse_args()
    unknown = set(args.workloads) - set(WORKLOADS)
    if unknown:
        parser.error("unknown workload: %s" % ", ".join(sorted(unknown)))
    print("Python %d.%d, 1,000 tasks, real time, median of %d runs" % (sys.version_info[:2] + (args.reps,)))
    for name in args.workloads or WORKLOADS:
        body, setup = WORKLOADS[name]
        source = TEMPLATE.format(body=body, setup=setup)
        measure(source, False), measure(source, True)  # warm up
        plain, traced = [], []
        for _ in range(args.reps):
            plain.append(measure(source, False))
            traced.append(measure(source, True))
        a, b = statistics.median(plain), statistics.median(traced)
        print("%-9s untraced %7.1f ms  traced %7.1f ms  overhead %+5.1f%%" % (name, a * 1e3, b * 1e3, (b / a - 1) * 100))
    return 0


if __name__ == "__main__":
    sys.exit(main())
