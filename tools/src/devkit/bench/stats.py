"""Numbers for the report: medians with their spread, bytes by kind, the machine, the causes."""

from __future__ import annotations

import os
import platform
import re
import statistics
from pathlib import Path


def stats(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "n": len(values),
    }


def fmt_ms(s):
    return "—" if s is None else "%.0f ms (%.0f–%.0f)" % (s["median"], s["min"], s["max"])


def fmt_kb(s):
    if s is None:
        return "—"
    return "%.1f KB (%.1f–%.1f)" % (s["median"] / 1000, s["min"] / 1000, s["max"] / 1000)


def fmt_n(s):
    return "—" if s is None else "%g (%g–%g)" % (s["median"], s["min"], s["max"])


def fmt_ratio(x):
    return "%.2f×" % x


def category(path: str) -> str:
    if path.startswith("/assets/pyodide/"):
        return "pyodide"
    if path.startswith(("/assets/cells/", "/assets/offline/", "/assets/extra.css", "/sw.js")):
        return "own"
    if path.startswith(("/assets/javascripts/", "/assets/stylesheets/")):
        return "material"
    if path.endswith((".woff", ".woff2", ".ttf", ".otf")):
        return "fonts"
    if path.startswith("/search/"):
        return "search"
    if path.endswith("/") or path.endswith(".html"):
        return "html"
    return "other"


def tally(sent) -> dict:
    """Bytes sent, by category, with the total and the own files' paths."""
    out = {}
    for path, size, _ in sent:
        out[category(path)] = out.get(category(path), 0) + size
    out["total"] = sum(size for _, size, _ in sent)
    out["own_files"] = sorted({p for p, _, _ in sent if category(p) == "own"})
    return out


def owner(src: str) -> str:
    """Whose script ran: the theme's own bundle is not ours to shorten (its evaluation at load
    is most of a page's longest task, with or without the cells: the control scenario)."""
    if "/assets/javascripts/" in src:
        return "Material's "
    if "/assets/cells/" in src:
        return "our "
    return ""


def cause(frame) -> str:
    """A long animation frame in words: its duration, rendering part and the scripts in it."""
    if not frame:
        return "none over 50 ms"
    scripts = ", ".join(
        "%s%s %s %d" % (owner(src), src.rsplit("/", 1)[-1] or "?", fn or "(anonymous)", ms)
        for src, fn, ms in frame["scripts"]
        if ms >= 1
    )
    return "%.0f ms: rendering (style, layout, paint) %d ms; %s" % (
        frame["duration"],
        frame["rendering"],
        scripts or "no script",
    )


def longest(frames):
    return max(frames, key=lambda f: f["duration"], default=None)


def median_longest(frames_per_rep):
    """The median repetition's longest frame."""
    found = sorted((f for f in map(longest, frames_per_rep) if f), key=lambda f: f["duration"])
    return found[len(found) // 2] if found else None


def machine() -> dict:
    model = platform.processor() or "?"
    try:
        found = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        model = found.group(1).strip() if found else model
    except OSError:
        pass
    mem = "?"
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = "%.1f GiB" % (kb / 1024 / 1024)
    except (OSError, AttributeError):
        pass
    return {
        "cores": os.cpu_count(),
        "cpu": model,
        "memory": mem,
        "os": platform.system() + " " + platform.machine(),
    }
