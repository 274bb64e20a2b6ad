"""Run a snippet on one interpreter and get cellrun's report back.

Shared by the test suite (tests/harness.py re-exports this module) and the
version matrix (scripts/matrix.py). Every CPython in scripts/pythons.py runs
``python -m cellrun --json`` on the snippet file itself; Pyodide runs it
through tests/pyodide_host.mjs in Node, loaded once per process.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
sys.path.insert(0, str(ROOT / "scripts"))
import pythons  # noqa: E402

PYODIDE_VERSION = (3, 14)


def report(data: dict) -> SimpleNamespace:
    """cellrun's Outcome with ``lines`` (stdout split into lines) added."""
    return SimpleNamespace(lines=data["stdout"].splitlines(), **data)


@dataclass
class Interpreter:
    name: str
    version: tuple
    executable: str | None = None
    _cache: dict = field(default_factory=dict, repr=False)

    def at_least(self, major: int, minor: int) -> bool:
        return self.version >= (major, minor)

    def run(self, snippet: str, seed: int | None = 0, virtual: bool = True) -> SimpleNamespace:
        """Run ``snippets/<snippet>`` (cached per arguments: each test reads, none writes)."""
        key = (snippet, seed, virtual)
        if key not in self._cache:
            path = SNIPPETS / snippet
            assert path.is_file(), "no snippet %s" % path
            self._cache[key] = report(self._execute(path, seed, virtual))
        return self._cache[key]

    def _execute(self, path: Path, seed, virtual) -> dict:
        command = [self.executable, "-m", "cellrun", "--json", str(path)]
        command += ["--virtual"] if virtual else []
        command += ["--seed", str(seed)] if seed is not None else []
        env = dict(os.environ, PYTHONPATH=str(ROOT / "cellrun" / "src"), PYTHONDONTWRITEBYTECODE="1")
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120, cwd=ROOT)
        assert done.stdout, "cellrun printed no report on %s: %s" % (self.name, done.stderr)
        return json.loads(done.stdout)


class PyodideInterpreter(Interpreter):
    """Pyodide in Node: one process, one request per line, one request at a time."""

    _process = None
    _lock = threading.Lock()

    @staticmethod
    def missing_parts() -> list:
        """What is needed to start Pyodide and is not there (empty when it can run)."""
        parts = []
        if not shutil.which("node"):
            parts.append("node")
        if not (ROOT / "node_modules" / "pyodide" / "package.json").is_file():
            parts.append("node_modules/pyodide (npm ci)")
        if not list((ROOT / "build" / "wheels").glob("cellrun-*.whl")):
            parts.append("build/wheels/cellrun-*.whl (make setup)")
        return parts

    @staticmethod
    def release() -> str:
        """The pinned Pyodide release, e.g. "314.0.7"."""
        package = ROOT / "node_modules" / "pyodide" / "package.json"
        return json.loads(package.read_text(encoding="utf-8"))["version"]

    def _start(self):
        wheels = sorted((ROOT / "build" / "wheels").glob("cellrun-*.whl"))
        assert wheels, "no cellrun wheel in build/wheels: run `make setup`"
        self._process = subprocess.Popen(
            ["node", "--experimental-wasm-stack-switching", str(ROOT / "tests" / "pyodide_host.mjs"), str(wheels[-1])],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        ready = json.loads(self._process.stdout.readline())
        assert ready.get("ready"), ready

    def _execute(self, path: Path, seed, virtual) -> dict:
        with self._lock:
            if self._process is None:
                self._start()
            request = {"file": str(path.relative_to(ROOT)), "seed": seed, "virtual": virtual}
            self._process.stdin.write(json.dumps(request) + "\n")
            self._process.stdin.flush()
            line = self._process.stdout.readline()
            assert line, "the Pyodide host stopped"
            return json.loads(line)

    def close(self):
        if self._process:
            self._process.stdin.close()
            self._process.wait(timeout=30)
            self._process = None


@functools.lru_cache(maxsize=None)
def interpreters() -> dict:
    """{"3.8": Interpreter or None, ..., "pyodide": Interpreter}."""
    found = {}
    for version, path in pythons.find_all().items():
        if version == "3.14" and not path:
            continue  # 3.14 is covered by Pyodide; a local CPython 3.14 is used when present
        major, minor = map(int, version.split("."))
        found[version] = Interpreter(version, (major, minor), path) if path else None
    found["pyodide"] = PyodideInterpreter("pyodide", PYODIDE_VERSION)
    return found
