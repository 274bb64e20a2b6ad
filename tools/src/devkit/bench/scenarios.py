"""The scenarios `make bench` measures, each in its own browser context (see __init__)."""

from __future__ import annotations

import shutil
import tempfile
from contextlib import contextmanager

from devkit.chromium import persistent, wait_for_compiled_wasm

from .probes import (
    INIT,
    RUN,
    cell_of,
    click_to_output,
    first_output,
    long_frames,
    long_tasks,
    navigate,
    now,
    wait_finished,
    worker_phases,
)
from .stats import tally

HOVER_MS = 300
FIRST_PAGE = "gather/"
FIRST_CELL = "gather/returns_a_future.py"
NEXT_PAGE = "wait/"
FLOOD = "for i in range(2000):\n    print('line', i)\n"
SETTLE_MS = 300  # after a run ends: the finished drawing goes in over the next frames


def new_context(browser, **kw):
    ctx = browser.new_context(
        locale="en-US", service_workers=kw.pop("service_workers", "block"), **kw
    )
    ctx.add_init_script(INIT)
    return ctx


def first_view(server, ctx, url, wait_until="networkidle"):
    page = ctx.new_page()
    server.take()
    page.goto(url, wait_until=wait_until)
    if wait_until == "networkidle":
        page.wait_for_timeout(300)
    return page, tally(server.take())


def baseline(browser, server, base, index):
    """The bare page, clicked as soon as it is ready: click to its printed line."""
    ctx = new_context(browser)
    page = ctx.new_page()
    page.goto(base + "_baseline/baseline.html?pyodide=" + index, wait_until="load")
    out = click_to_output(page, page.locator("#run"), page.locator("#log"))
    server.take()
    ctx.close()
    return out["line"]


def ready(browser, server, base):
    """gather/, Run clicked as soon as the cell is wired: click to the first line."""
    ctx = new_context(browser)
    page = ctx.new_page()
    page.goto(base + FIRST_PAGE, wait_until="commit")
    cell = cell_of(page, FIRST_CELL)
    out = first_output(page, cell)
    phases = worker_phases(page, out["at"])
    wait_finished(page, cell)
    ctx.close()
    server.take()
    return {"line": out["line"], "phases": phases}


@contextmanager
def fresh_profile(pw, service_workers):
    """(context, profile folder): a persistent profile of its own, removed afterwards."""
    profile = tempfile.mkdtemp(prefix="bench-profile-")
    ctx = persistent(pw.chromium, profile, locale="en-US", service_workers=service_workers)
    try:
        ctx.add_init_script(INIT)
        yield ctx, profile
    finally:
        ctx.close()
        shutil.rmtree(profile, ignore_errors=True)


def session(pw, server, base):
    """A fresh persistent profile, service workers blocked (their precache is not a page's)."""
    with fresh_profile(pw, "block") as (ctx, _):
        return _session(ctx, server, base)


def _session(ctx, server, base):
    r = {}
    page, r["first_view_bytes"] = first_view(server, ctx, base + FIRST_PAGE)
    cell = cell_of(page, FIRST_CELL)
    cold = first_output(page, cell)
    r["cold_ms"], r["cold_line"], r["cold_text"] = cold["ms"], cold["line"], cold["text"]
    r["cold_phases"] = worker_phases(page, cold["at"])
    r["load_longtasks"] = long_tasks(page, 0, cold["click"])
    r["load_frames"] = long_frames(page, 0, cold["click"])
    r["cold_run_longtasks"], r["cold_run_frames"] = _run_tasks(page, cell, cold)
    r["cold_run_bytes"] = tally(server.take())
    r.update(_warm_runs(page, cell))
    navigate(page, base + NEXT_PAGE)
    other = cell_of(page)
    moved = first_output(page, other)
    r["page_change_ms"], r["page_change_text"] = moved["line"], moved["text"]
    r["page_change_snippet"] = other.get_attribute("data-snippet")
    r["page_change_longtasks"], _ = _run_tasks(page, other, moved)
    return r


def returning(pw, server, base):
    """A returning reader: a fresh persistent profile with the service worker, as a reader on a
    secure origin has it. gather/ and Run, until the service worker controls the page and
    Chromium has kept the wasm's compiled code; then gather/ again: click to the first line."""
    with fresh_profile(pw, "allow") as (ctx, profile):
        return _returning(ctx, profile, server, base)


def _returning(ctx, profile, server, base):
    r = {}
    page, _ = first_view(server, ctx, base + FIRST_PAGE)
    cell = cell_of(page, FIRST_CELL)
    first = first_output(page, cell)
    r["first_visit_ms"] = first["line"]
    wait_finished(page, cell)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    wait_for_compiled_wasm(page, profile)
    page.close()
    server.take()
    page, r["second_view_bytes"] = first_view(server, ctx, base + FIRST_PAGE)
    cell = cell_of(page, FIRST_CELL)
    second = first_output(page, cell)
    r["second_visit_ms"] = second["line"]
    r["second_phases"] = worker_phases(page, second["at"])
    wait_finished(page, cell)
    r["second_visit_run_bytes"] = tally(server.take())
    return r


def _run_tasks(page, cell, started):
    done = wait_finished(page, cell)
    page.wait_for_timeout(SETTLE_MS)
    end = done + SETTLE_MS
    return long_tasks(page, started["click"], end), long_frames(page, started["click"], end)


def _warm_runs(page, cell, runs=3):
    """Warm re-runs: click to the first text and to the first line (the goal's figure), and
    what stopping a run that sleeps takes (Stop to the cell's stopped state)."""
    first, lines, tasks = [], [], []
    for _ in range(runs):
        warm = first_output(page, cell)
        first.append(warm["ms"])
        lines.append(warm["line"])
        tasks += _run_tasks(page, cell, warm)[0]
    return {"warm_ms": first, "warm_line": lines, "warm_run_longtasks": tasks}


def stop_time(browser, base):
    """A real-time run stopped while it sleeps: Stop's click to the stopped state."""
    ctx = new_context(browser)
    page = ctx.new_page()
    page.goto(base + FIRST_PAGE)
    cell = cell_of(page, FIRST_CELL, virtual=False)
    first_output(page, cell)
    stop = cell.locator(".cell-stop")
    began = now(page)
    stop.click()
    ended = wait_finished(page, cell)
    state = cell.get_attribute("data-state")
    ctx.close()
    return {"ms": ended - began, "state": state}


def intent(browser, server, base):
    ctx = new_context(browser)
    page, _ = first_view(server, ctx, base + FIRST_PAGE)
    cell = cell_of(page, FIRST_CELL)
    cell.get_by_role("button", name=RUN).first.hover()
    page.wait_for_timeout(HOVER_MS)
    out = first_output(page, cell)
    phases = worker_phases(page, out["at"])
    wait_finished(page, cell)
    ctx.close()
    server.take()
    return {"ms": out["line"], "phases": phases}


def plain(browser, server, base):
    """The same first view and cold Run with every file sent as it is (no Content-Encoding)."""
    server.encodings = False
    try:
        ctx = new_context(browser)
        page, view = first_view(server, ctx, base + FIRST_PAGE)
        cell = cell_of(page, FIRST_CELL)
        ms = first_output(page, cell)["line"]
        wait_finished(page, cell)
        run_bytes = tally(server.take())
        ctx.close()
    finally:
        server.encodings = True
    return {"plain_cold_ms": ms, "plain_first_view_bytes": view, "plain_cold_run_bytes": run_bytes}


def control(browser, server, base):
    """gather/ with assets/cells/* blocked: the long tasks of the page without the cells."""
    ctx = new_context(browser)
    ctx.route("**/assets/cells/**", lambda route: route.abort())
    page, _ = first_view(server, ctx, base + FIRST_PAGE)
    out = {"tasks": long_tasks(page), "frames": long_frames(page)}
    ctx.close()
    return out


def service_worker_bytes(browser, server, base):
    ctx = new_context(browser, service_workers="allow")
    page, view = first_view(server, ctx, base + FIRST_PAGE)
    page.evaluate(
        "() => Promise.race([navigator.serviceWorker.ready, new Promise(r => setTimeout(r, 10000))])"
    )
    page.wait_for_timeout(1500)
    extra = tally(server.take())
    ctx.close()
    return {"page_and_precache": view["total"] + extra["total"]}
