"""Version matrix: run every snippet on every interpreter found, record what happened.

``make matrix`` (``python -m devkit.matrix``) writes data/version_matrix.json;
hooks/version_matrix.py renders it on the legacy page and
tests/test_version_matrix.py checks it is fresh and that the pages' version
claims agree with it.

Each snippet runs as the tests run it (devkit.interpreters: cellrun with
``-W default`` warnings, virtual clock, ``seed=0``). The summary kept per run is
chosen to be the same on every run of the same interpreter: exit code,
exception type and message, the distinct warnings (category and message,
sorted) and the number of output lines, never the output itself.

Columns: CPython 3.8 to 3.13 natively; 3.14 and newer natively when installed;
and each pinned Pyodide (its CPython's asyncio in WebAssembly, on cellrun's loop
as every column), named ``pyodide-3.14``. A column whose CPython is a pre-release
(Pyodide 315.0.0-alpha.2 ships 3.15.0rc1) is marked ``preview``.

Row ids: ``matrix-`` + the snippet path under snippets/ without ``.py``,
lower-cased, every run of other characters than a-z0-9 replaced by ``-``:
``legacy/wait_three_steps_legacy.py`` -> ``matrix-legacy-wait-three-steps-legacy``
(see row_id). The same id is used on both language versions of the page.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from devkit import ROOT, SNIPPETS
from devkit.interpreters import interpreters

DATA = ROOT / "data" / "version_matrix.json"
RUN = {"virtual": True, "seed": 0, "warnings": "default"}


def snippet_paths() -> list:
    """Every runnable snippet, as a path under snippets/ (files and folders starting with _ or . are not)."""
    found = []
    for path in SNIPPETS.rglob("*.py"):
        relative = path.relative_to(SNIPPETS)
        if not any(part.startswith(("_", ".")) for part in relative.parts):
            found.append(relative.as_posix())
    return sorted(found)


def row_id(snippet: str) -> str:
    """The anchor of a snippet's row: ``legacy/wait_legacy.py`` -> ``matrix-legacy-wait-legacy``."""
    stem = snippet[: -len(".py")] if snippet.endswith(".py") else snippet
    return "matrix-" + re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")


def is_legacy(snippet: str) -> bool:
    """Legacy snippets (code as old posts wrote it) are named ``<name>_legacy.py``."""
    return Path(snippet).stem.endswith("_legacy")


def modern_counterpart(snippet: str, snippets: list):
    """For ``T/X_legacy.py``: ``T/X_modern.py`` if it exists, else the first ``X.py`` in any topic, else None."""
    if not is_legacy(snippet):
        return None
    folder, stem = Path(snippet).parent, Path(snippet).stem[: -len("_legacy")]
    beside = (folder / (stem + "_modern.py")).as_posix()
    if beside in snippets:
        return beside
    return next((other for other in snippets if Path(other).stem == stem), None)


def rows_for(snippets: list) -> list:
    """The rows' fixed part (everything but the results), in page order: grouped by topic."""
    return [
        {
            "snippet": snippet,
            "id": row_id(snippet),
            "topic": snippet.split("/")[0] if "/" in snippet else "",
            "legacy": is_legacy(snippet),
            "modern": modern_counterpart(snippet, snippets),
        }
        for snippet in snippets
    ]


def _clean(text: str) -> str:
    """Messages without what changes between machines or runs: paths, addresses, task numbers."""
    text = text.replace(str(ROOT) + "/", "")
    text = re.sub(r"\b0x[0-9a-fA-F]+\b", "0x…", text)
    return re.sub(r"\bTask-\d+\b", "Task-N", text)


def summarize(outcome) -> dict:
    """What the matrix keeps of one run: the same on every run of the same interpreter."""
    warnings = sorted({(w["category"], _clean(w["message"])) for w in outcome.warnings})
    exception = outcome.exception
    if exception is not None:
        exception = {"type": exception["type"], "message": _clean(exception["message"])}
    if outcome.exit_code != 0 or exception is not None:
        status = "error"
    elif warnings:
        status = "warning"
    else:
        status = "ok"
    return {
        "status": status,
        "exit_code": outcome.exit_code,
        "exception": exception,
        "warnings": [{"category": c, "message": m} for c, m in warnings],
        "output_lines": len(outcome.lines),
    }


def columns() -> list:
    """The column keys, in table order: "3.8" ... "3.13", native "3.14"+ if installed, "pyodide-3.14" ..."""
    return list(interpreters())


def python_of(key: str) -> str:
    """The Python a column measures: "3.12" -> "3.12", "pyodide-3.14" -> "3.14"."""
    return key.split("-")[-1]


def version_of(key: str) -> tuple:
    return tuple(int(part) for part in python_of(key).split("."))


def available() -> tuple:
    """({column: Interpreter} for those found, [{key, python, reason}] for those missing)."""
    found, missing = {}, []
    for key, interpreter in interpreters().items():
        reason = None
        if interpreter is None:
            reason = "no python%s on PATH or in pyenv" % key
        elif interpreter.pyodide and interpreter.missing_parts():
            reason = "missing: " + ", ".join(interpreter.missing_parts())
        if reason:
            missing.append({"key": key, "python": python_of(key), "reason": reason})
        else:
            found[key] = interpreter
    return found, missing


def measure(found: dict, snippets: list, jobs: int = 3) -> dict:
    """{column: {snippet: summary}}: CPython runs in a small thread pool, each Pyodide one at a time beside it."""
    results = {key: {} for key in found}

    def run(key, snippet):
        outcome = found[key].run(snippet, seed=RUN["seed"], virtual=RUN["virtual"])
        results[key][snippet] = summarize(outcome)

    pools = {key: ThreadPoolExecutor(max_workers=1) for key in found if found[key].pyodide}
    with ThreadPoolExecutor(max_workers=jobs) as cpython:
        futures = [
            pools.get(key, cpython).submit(run, key, snippet)
            for key in found
            for snippet in snippets
        ]
        for future in futures:
            future.result()
    for pool in pools.values():
        pool.shutdown()
    return results


def python_release(interpreter) -> str:
    """The exact CPython measured, e.g. "3.12.1" (inside Pyodide too: "3.15.0rc1")."""
    if interpreter.pyodide:
        return interpreter.started().python
    done = subprocess.run(
        [interpreter.executable, "-c", "import platform; print(platform.python_version())"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    return done.stdout.strip()


def describe(key: str, interpreter) -> dict:
    """A column's labels: which build was measured, and whether that CPython is a pre-release."""
    release = python_release(interpreter)
    text = "CPython %s" % release
    if interpreter.pyodide:
        text = "Pyodide %s (CPython %s)" % (interpreter.release(), release)
    return {
        "key": key,
        "python": python_of(key),
        "interpreter": text,
        "pyodide": interpreter.pyodide,
        "preview": bool(re.search(r"(a|b|rc)\d+$", release)),
    }


def build(jobs: int = 3) -> dict:
    snippets = snippet_paths()
    found, missing = available()
    results = measure(found, snippets, jobs)
    columns = [describe(key, found[key]) for key in found]
    rows = rows_for(snippets)
    for row in rows:
        row["results"] = {key: results[key][row["snippet"]] for key in found}
    return {
        "about": "Written by `make matrix` (devkit.matrix), rendered by hooks/version_matrix.py. Do not edit.",
        "run": RUN,
        "columns": columns,
        "missing": missing,
        "rows": rows,
    }


def dump(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--jobs", type=int, default=3, help="CPython runs at once (Pyodide runs one at a time)"
    )
    parser.add_argument("--output", type=Path, default=DATA)
    args = parser.parse_args()
    start = time.perf_counter()
    try:
        data = build(args.jobs)
    finally:
        for interpreter in interpreters().values():
            if interpreter is not None and interpreter.pyodide:
                interpreter.close()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(dump(data), encoding="utf-8")
    marks = {"ok": "✓", "warning": "⚠", "error": "✗"}
    width = max([len(row["snippet"]) for row in data["rows"]] + [7])
    print(
        "%-*s  %s"
        % (width, "snippet", " ".join("%-4s" % python_of(c["key"])[2:] for c in data["columns"]))
    )
    for row in data["rows"]:
        cells = " ".join(
            "%-4s" % marks[row["results"][c["key"]]["status"]] for c in data["columns"]
        )
        print("%-*s  %s" % (width, row["snippet"], cells))
    for gap in data["missing"]:
        print("not measured: %s (%s)" % (gap["python"], gap["reason"]))
    print(
        "%d snippets x %d interpreters in %.1fs -> %s"
        % (
            len(data["rows"]),
            len(data["columns"]),
            time.perf_counter() - start,
            args.output.relative_to(ROOT),
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
