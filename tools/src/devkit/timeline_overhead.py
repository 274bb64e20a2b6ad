"""Measure what tracing costs: a 1,000-task run in real time, with and without the timeline.

Workloads: "sleeps" (each task sleeps 10 ms twice: what snippets do),
"switches" (each task only yields 20 times: the worst case, all overhead) and
"pool" (a Semaphore lets 100 tasks at a time sleep 10 ms: the batching page's
pool, where every acquire is traced too). Each is run REPS times per mode,
alternating; the figure is the median. A run is the whole of run_source(), as
a page or a test pays for it: with tracing, that includes building
Outcome.timeline (rows, markers, lanes).

Wall-clock time is noisy on a shared machine; --instructions counts the CPU
instructions of one run instead, under valgrind's callgrind (deterministic to
about 0.01%). A run is counted as the difference between a process that does
it twice and one that does it once, so start-up and imports cancel out. The
traced figure is split in two: building the timeline after the run (one more
Tracer.timeline() call on the same records) and the rest, during the run.
--snippet FILE measures a snippet as a page runs it instead: in real time, sleeps included,
so the figure is what tracing adds to a reader's wait.
Usage: python -m devkit.timeline_overhead [--reps 9] [--instructions] [WORKLOAD ...]
       python -m devkit.timeline_overhead --snippet snippets/batching/semaphore_pool.py --reps 5
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from cellrun import run_source
from cellrun import timeline as _timeline

WORKLOADS = {  # name: (job body, set-up in main)
    "sleeps": ("await asyncio.sleep(0.01)\n    await asyncio.sleep(0.01)", ""),
    "switches": ("for _ in range(20):\n        await asyncio.sleep(0)", ""),
    "pool": (
        "async with slots:\n        await asyncio.sleep(0.01)",
        "global slots\n    slots = asyncio.Semaphore(100)\n    ",
    ),
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


def measure(source: str, trace: bool, filename: str = "overhead.py", tasks: int = 1001) -> float:
    start = time.perf_counter()
    outcome = run_source(source, filename, trace=trace, seed=0)
    elapsed = time.perf_counter() - start
    assert outcome.exit_code == 0, outcome.stderr
    assert not trace or len(outcome.timeline["tasks"]) == tasks
    return elapsed


def child(name: str, mode: str, count: int) -> None:
    """What one counted process does: COUNT runs ("plain", "traced"), or one traced run and COUNT builds."""
    body, setup = WORKLOADS[name]
    source = TEMPLATE.format(body=body, setup=setup)
    if mode != "build":
        for _ in range(count):
            measure(source, mode == "traced")
        return
    tracers = []
    build = _timeline.Tracer.timeline

    def keep(tracer):
        tracers.append(tracer)
        return build(tracer)

    _timeline.Tracer.timeline = keep
    measure(source, True)
    for _ in range(count):
        build(tracers[0])


def instructions(name: str, mode: str) -> int:
    def count(runs: int) -> int:
        done = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--callgrind-out-file=" + os.devnull,
                sys.executable,
                __file__,
                "--child",
                name,
                mode,
                str(runs),
            ],
            capture_output=True,
            text=True,
            env=dict(os.environ, PYTHONHASHSEED="0"),
            check=True,
        )
        return int(re.search(r"Collected : (\d+)", done.stderr).group(1))

    return count(2) - count(1)


def count_instructions(names) -> None:
    if not shutil.which("valgrind"):
        raise SystemExit("--instructions needs valgrind (Debian: apt-get install valgrind)")
    print(
        "Python %d.%d, 1,000 tasks, real time, instructions of one run (callgrind)"
        % sys.version_info[:2]
    )
    for name in names:
        plain, traced, build = (instructions(name, mode) for mode in ("plain", "traced", "build"))
        print(
            "%-9s untraced %6.1fM  traced %6.1fM  overhead %+5.1f%% (during the run %+5.1f%%, building %+5.1f%%)"
            % (
                name,
                plain / 1e6,
                traced / 1e6,
                (traced / plain - 1) * 100,
                (traced - build - plain) / plain * 100,
                build / plain * 100,
            )
        )


def measure_snippet(path: Path, reps: int) -> None:
    """Wall clock of a whole snippet, untraced and traced, alternating (its sleeps included)."""
    source = path.read_text("utf-8")
    tasks = len(run_source(source, path.name, trace=True, seed=0, virtual=True).timeline["tasks"])
    plain, traced = [], []
    for _ in range(reps):
        plain.append(measure(source, False, path.name, tasks))
        traced.append(measure(source, True, path.name, tasks))
    a, b = statistics.median(plain), statistics.median(traced)
    print(
        "Python %d.%d, %s (%d tasks), real time, median of %d runs"
        % (sys.version_info[:2] + (path.name, tasks, reps))
    )
    print(
        "untraced %.3f s (%.3f-%.3f)  traced %.3f s (%.3f-%.3f)  overhead %+.2f%%"
        % (a, min(plain), max(plain), b, min(traced), max(traced), (b / a - 1) * 100)
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reps", type=int, default=9)
    parser.add_argument(
        "--instructions", action="store_true", help="count instructions under callgrind"
    )
    parser.add_argument(
        "--snippet",
        metavar="FILE",
        help="instead of the workloads: a snippet as a page runs it (real time, seed 0)",
    )
    parser.add_argument(
        "--child", nargs=3, metavar=("WORKLOAD", "MODE", "COUNT"), help=argparse.SUPPRESS
    )
    parser.add_argument(
        "workloads",
        nargs="*",
        metavar="WORKLOAD",
        help="some of: %s (default: all)" % ", ".join(WORKLOADS),
    )
    args = parser.parse_args()
    unknown = set(args.workloads) - set(WORKLOADS)
    if unknown:
        parser.error("unknown workload: %s" % ", ".join(sorted(unknown)))
    if args.child:
        child(args.child[0], args.child[1], int(args.child[2]))
        return 0
    if args.instructions:
        count_instructions(args.workloads or WORKLOADS)
        return 0
    if args.snippet:
        measure_snippet(Path(args.snippet), args.reps)
        return 0
    print(
        "Python %d.%d, 1,000 tasks, real time, median of %d runs"
        % (sys.version_info[:2] + (args.reps,))
    )
    for name in args.workloads or WORKLOADS:
        body, setup = WORKLOADS[name]
        source = TEMPLATE.format(body=body, setup=setup)
        measure(source, False), measure(source, True)  # warm up
        plain, traced = [], []
        for _ in range(args.reps):
            plain.append(measure(source, False))
            traced.append(measure(source, True))
        a, b = statistics.median(plain), statistics.median(traced)
        print(
            "%-9s untraced %7.1f ms  traced %7.1f ms  overhead %+5.1f%%"
            % (name, a * 1e3, b * 1e3, (b / a - 1) * 100)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
