"""Run a snippet on one interpreter and get cellrun's report back.

Shared by the test suite and the version matrix (devkit.matrix). Every CPython
devkit.pythons finds runs
``python -m cellrun --json`` on the snippet file itself; each pinned Pyodide
(package.json: ``pyodide`` and the alias ``pyodide-315``) runs it through
pyodide_host.mjs (beside this module) in Node, loaded once per process, on cellrun's loop as
every CPython does: a Pyodide column is its CPython's asyncio in WebAssembly.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from devkit import ROOT, SNIPPETS, pythons
from devkit.pinned import NODE_MODULES, SHIPPED, locked, pyodide_packages
from devkit.snapshot import shipped_snapshot
from devkit.stdlib import compiled_stdlib

HOST = Path(__file__).resolve().parent / "pyodide_host.mjs"


def report(data: dict) -> SimpleNamespace:
    """cellrun's Outcome with ``lines`` (stdout split into lines) added."""
    return SimpleNamespace(lines=data["stdout"].splitlines(), **data)


@dataclass
class Interpreter:
    name: str  # "3.12", or "pyodide-3.14"
    version: tuple
    executable: str | None = None
    _cache: dict = field(default_factory=dict, repr=False)
    pyodide = False

    def at_least(self, major: int, minor: int) -> bool:
        return self.version >= (major, minor)

    def run(
        self, snippet: str, seed: int | None = 0, virtual: bool = True, trace: bool = False
    ) -> SimpleNamespace:
        """Run ``snippets/<snippet>`` (cached per arguments: each test reads, none writes)."""
        key = (snippet, seed, virtual, trace)
        if key not in self._cache:
            path = SNIPPETS / snippet
            assert path.is_file(), "no snippet %s" % path
            self._cache[key] = report(self._execute(path, seed, virtual, trace))
        return self._cache[key]

    def _execute(self, path: Path, seed, virtual, trace) -> dict:
        command = [self.executable, "-m", "cellrun", "--json", str(path)]
        command += ["--virtual"] if virtual else []
        command += ["--trace"] if trace else []
        command += ["--seed", str(seed)] if seed is not None else []
        env = dict(
            os.environ, PYTHONPATH=str(ROOT / "cellrun" / "src"), PYTHONDONTWRITEBYTECODE="1"
        )
        done = subprocess.run(
            command, capture_output=True, text=True, env=env, timeout=120, cwd=ROOT
        )
        assert done.stdout, "cellrun printed no report on %s: %s" % (self.name, done.stderr)
        return json.loads(done.stdout)


class PyodideInterpreter(Interpreter):
    """One pinned Pyodide in Node: one process, one request per line, one request at a time."""

    pyodide = True

    def __init__(
        self, package: str, version: tuple, stock_stdlib: bool = False, snapshot: bool = False
    ) -> None:
        super().__init__("pyodide-%d.%d" % version, version)
        self.package = package
        # The shipped Pyodide starts on the site's standard library zip (devkit.stdlib), the
        # one the page runs, unless the stock one is asked for.
        self.stock_stdlib = stock_stdlib or package != SHIPPED
        # Restored from the site's snapshot (devkit.snapshot) in a Node without JSPI, as
        # engines without JSPI start: virtual-clock runs only.
        self.snapshot = snapshot
        assert not (snapshot and self.stock_stdlib), "the snapshot was made on the site's zip"
        self._process = None
        self._lock = threading.Lock()
        self.python = None  # the CPython release inside, e.g. "3.14.2", once started

    def missing_parts(self) -> list:
        """What is needed to start this Pyodide and is not there (empty when it can run)."""
        parts = []
        if not shutil.which("node"):
            parts.append("node")
        if not (NODE_MODULES / self.package / "package.json").is_file():
            parts.append("node_modules/%s (npm ci)" % self.package)
        if not list((ROOT / "build" / "wheels").glob("cellrun-*.whl")):
            parts.append("build/wheels/cellrun-*.whl (make setup)")
        return parts

    def release(self) -> str:
        """The pinned Pyodide release, e.g. "314.0.7"."""
        return locked(self.package)

    def _start(self):
        wheels = sorted((ROOT / "build" / "wheels").glob("cellrun-*.whl"))
        assert wheels, "no cellrun wheel in build/wheels: run `make setup`"
        built = [] if self.stock_stdlib else [str(compiled_stdlib())]
        built += [str(shipped_snapshot())] if self.snapshot else []
        jspi = [] if self.snapshot else ["--experimental-wasm-stack-switching"]
        self._process = subprocess.Popen(
            ["node", *jspi, str(HOST), self.package, str(wheels[-1]), *built],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        ready = json.loads(self._process.stdout.readline())
        assert ready.get("ready"), ready
        self.python = ready["python"]

    def started(self) -> PyodideInterpreter:
        with self._lock:
            if self._process is None:
                self._start()
        return self

    def _execute(self, path: Path, seed, virtual, trace) -> dict:
        assert virtual or not self.snapshot, "real-time waits need JSPI"
        with self._lock:
            if self._process is None:
                self._start()
            request = {
                "file": str(path.relative_to(ROOT)),
                "seed": seed,
                "virtual": virtual,
                "trace": trace,
            }
            self._process.stdin.write(json.dumps(request) + "\n")
            self._process.stdin.flush()
            line = self._process.stdout.readline()
            assert line, "the Pyodide host stopped"
            return json.loads(line)

    def run_all(self, requests: list, hosts: int) -> None:
        """Run ``requests`` ((snippet, seed, virtual, trace), longest first) on ``hosts`` more
        processes of this Pyodide at once, into this one's cache. Real-time runs mostly sleep,
        so they overlap; the helpers all start before any run, so no run waits for a CPU that
        a start-up holds."""
        todo = [key for key in dict.fromkeys(requests) if key not in self._cache]
        count = min(hosts, len(todo))
        if not count:
            return
        helpers = [
            PyodideInterpreter(self.package, self.version, self.stock_stdlib, self.snapshot)
            for _ in range(count)
        ]
        lock = threading.Lock()

        def work(helper):
            while True:
                with lock:
                    if not todo:
                        return
                    key = todo.pop(0)
                self._cache[key] = helper.run(*key)

        try:
            with ThreadPoolExecutor(count) as pool:
                list(pool.map(PyodideInterpreter.started, helpers))
                list(pool.map(work, helpers))
        finally:
            for helper in helpers:
                helper.close()

    def close(self):
        if self._process:
            self._process.stdin.close()
            self._process.wait(timeout=30)
            self._process = None


@functools.lru_cache(maxsize=None)
def interpreters() -> dict:
    """{"3.8": Interpreter or None, ..., "pyodide-3.14": PyodideInterpreter, ...}.

    3.8 to 3.13 are always listed (None when not installed); a native 3.14 or newer only
    when installed: those versions are measured through Pyodide here.
    """
    found = {}
    for version, path in pythons.find_all().items():
        major, minor = map(int, version.split("."))
        if path:
            found[version] = Interpreter(version, (major, minor), path)
        elif minor < 14:
            found[version] = None
    for package, version in sorted(pyodide_packages().items(), key=lambda item: item[1]):
        interpreter = PyodideInterpreter(package, version)
        found[interpreter.name] = interpreter
    return found


def pyodides() -> list:
    return [i for i in interpreters().values() if i is not None and i.pyodide]
