"""Measure what tracing costs: a 1,000-task run in real time, with and without the timeline.

Two workloads: "sleeps" (each task sleeps 10 ms twice: what snippets do) and
"switches" (each task only yields 20 times: the worst case, all overhead).
Each is run REPS times per mode, alternating; the figure is the median.
Usage: python scripts/timeline_overhead.py [--reps 9]
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "cellrun" / "src"))
from cellrun import run_source  # noqa: E402

WORKLOADS = {
    "sleeps": "await asyncio.sleep(0.01)\n    await asyncio.sleep(0.01)",
    "switches": "for _ in range(20):\n        await asyncio.sleep(0)",
}
TEMPLATE = """
import asyncio

async def job(i):
    {body}
    return i

async def main():
    await asyncio.gather(*(job(i) for i in range(1000)))

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
    args = parser.parse_args()
    print("Python %d.%d, 1,000 tasks, real time, median of %d runs" % (sys.version_info[:2] + (args.reps,)))
    for name, body in WORKLOADS.items():
        source = TEMPLATE.format(body=body)
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
