"""The one reader of the pinned Pyodide releases (package.json + package-lock.json).

``pyodide`` is the runtime the site ships; every other dependency whose spec is
``npm:pyodide@...`` (``pyodide-315``) is one more Pyodide the tests run snippets on.
"""

from __future__ import annotations

import json

from devkit import ROOT

PACKAGE_JSON = ROOT / "package.json"
PACKAGE_LOCK = ROOT / "package-lock.json"
NODE_MODULES = ROOT / "node_modules"
SHIPPED = "pyodide"  # the npm package whose runtime the site ships


class PinError(RuntimeError):
    """A pin is missing, or node_modules holds another release than the lockfile."""


def _json(path):
    if not path.is_file():
        raise PinError("%s is missing (run `make setup`)" % path.relative_to(ROOT))
    return json.loads(path.read_text("utf-8"))


def locked(package: str = SHIPPED) -> str:
    """The release package-lock.json pins for ``package``; node_modules must hold that one."""
    pinned = _json(PACKAGE_LOCK)["packages"]["node_modules/" + package]["version"]
    installed = _json(NODE_MODULES / package / "package.json")["version"]
    if pinned != installed:
        raise PinError(
            "package-lock.json pins %s %s but node_modules has %s (run `npm ci`)"
            % (package, pinned, installed)
        )
    return pinned


def pyodide_packages() -> dict:
    """{npm package: CPython (3, minor)} for every pinned Pyodide, e.g. {"pyodide": (3, 14)}."""
    found = {}
    for name, spec in _json(PACKAGE_JSON)["dependencies"].items():
        if name == SHIPPED:
            release = spec
        elif spec.startswith("npm:pyodide@"):
            release = spec.split("@")[-1]
        else:
            continue
        number = int(release.split(".")[0])  # 314.0.7 ships CPython 3.14
        found[name] = (number // 100, number % 100)
    return found


def own_files(folder) -> list:
    """The files of ``folder`` that are byte for byte the shipped Pyodide's own (a site's
    assets/pyodide/<version>/, where the build also writes its own pyodide-lock.json and wheel):
    what may be cached for as long as the pin holds."""
    package = NODE_MODULES / SHIPPED
    return [
        path
        for path in sorted(folder.glob("*"))
        if (package / path.name).is_file()
        and (package / path.name).read_bytes() == path.read_bytes()
    ]
