"""The guide's development tooling, one home shared by tests, scripts and hooks.

Installed editable into .venv by `make setup`; tests and hooks import it as ``devkit``,
and the Makefile runs its commands as ``python -m devkit.<name>``.
"""

from pathlib import Path

# tools/src/devkit/__init__.py -> the repository (an editable install keeps it in place).
ROOT = Path(__file__).resolve().parents[3]
SNIPPETS = ROOT / "snippets"
