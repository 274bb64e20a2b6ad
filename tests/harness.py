"""Run a snippet on one interpreter and get cellrun's report back.

The implementation lives in scripts/interpreters.py, shared with the version
matrix (scripts/matrix.py); this module keeps the tests' import path:
``from harness import interpreters``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from interpreters import (  # noqa: E402,F401
    ROOT,
    SNIPPETS,
    Interpreter,
    PyodideInterpreter,
    interpreters,
    pyodide_packages,
    pyodides,
    pythons,
    report,
)
