"""Build, serve, measure, report: see devkit.bench."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from devkit import ROOT
from devkit.chromium import launch
from devkit.pinned import NODE_MODULES, SHIPPED, locked
from devkit.server import SiteServer
from devkit.site import build

from . import __doc__ as METHOD
from . import report, scenarios
from .stats import machine
from .sweep import sweep

OUT = ROOT / "build" / "bench"
SITE = OUT / "site"


def parse_args():
    parser = argparse.ArgumentParser(description=METHOD.split("\n")[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--min-reps", type=int, default=3)
    parser.add_argument(
        "--budget",
        type=int,
        default=150,
        help="seconds since the start; no new repetition past it (the sweep after them takes ~2 min)",
    )
    parser.add_argument("--out", default=str(ROOT / "BENCHMARKS.md"))
    return parser.parse_args()


def repetitions(args, pw, browser, server, base, index, began) -> dict:
    raw = {
        k: []
        for k in ("baseline", "ready", "session", "returning", "intent", "plain", "control", "stop")
    }
    for rep in range(args.reps):
        spent = time.perf_counter() - began
        if rep >= args.min_reps and spent + spent / rep > args.budget:
            print("stopping after %d repetitions: the next would pass the budget" % rep)
            break
        print("repetition %d/%d" % (rep + 1, args.reps), flush=True)
        raw["baseline"].append(scenarios.baseline(browser, server, base, index))
        raw["ready"].append(scenarios.ready(browser, server, base))
        raw["session"].append(scenarios.session(pw, server, base))
        raw["returning"].append(scenarios.returning(pw, server, base))
        raw["intent"].append(scenarios.intent(browser, server, base))
        raw["control"].append(scenarios.control(browser, server, base))
        raw["stop"].append(scenarios.stop_time(browser, base))
        if rep == 0:  # the plain transfer's bytes do not vary; one cold load is enough
            raw["plain"].append(scenarios.plain(browser, server, base))
    return raw


def main() -> None:
    args = parse_args()
    load_at_start = os.getloadavg()[0]
    began = time.perf_counter()
    server = SiteServer(
        None,
        prefix="/",
        encodings=True,
        count=True,
        headers={"Cache-Control": "max-age=600", "Vary": "Accept-Encoding"},
        mounts={"/_baseline/": ROOT / "bench", "/_pyodide/": NODE_MODULES / SHIPPED},
    )
    print("building the site for %s ..." % server.base, flush=True)
    shutil.rmtree(SITE, ignore_errors=True)
    build(SITE, server.base)
    build_seconds = time.perf_counter() - began
    server.serve(SITE)
    version = locked()
    index = "/_pyodide/"  # the bare page's Pyodide: the npm release as it is
    with server as base, sync_playwright() as pw:
        browser = launch(pw)
        raw = repetitions(args, pw, browser, server, base, index, began)
        print("sweep: every page with cells, both languages", flush=True)
        found = sweep(browser, base, SITE)
        sw = scenarios.service_worker_bytes(browser, server, base)
        chromium = browser.version
        browser.close()
    run = {
        "raw": raw,
        "sweep": found,
        "sw": sw,
        "chromium": chromium,
        "pyodide": version,
        "machine": machine(),
        "build_seconds": build_seconds,
        "elapsed": time.perf_counter() - began,
        "load": (load_at_start, os.getloadavg()[0]),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.json").write_text(json.dumps(run, indent=1) + "\n")
    method = METHOD.split("\n\n", 1)[1].strip()
    print(report.write(Path(args.out), run, method))


if __name__ == "__main__":
    main()
