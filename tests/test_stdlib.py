"""The site's standard library zip (devkit.stdlib): Pyodide's own, byte for byte, plus an
unchecked-hash .pyc beside each module the worker imports to start; named after its content;
and a Python started on it runs every snippet exactly as on the stock zip (same output,
tracebacks with their source lines, same timeline). So does a Python restored from the site's
snapshot of one started on it (devkit.snapshot), in a Node without JSPI, as engines without
JSPI restore it."""

from __future__ import annotations

import gzip
import hashlib
import zipfile

import pytest

from devkit import ROOT, SNIPPETS
from devkit.interpreters import PyodideInterpreter, interpreters
from devkit.pinned import SHIPPED, pyodide_packages
from devkit.snapshot import shipped_snapshot
from devkit.stdlib import STOCK, compiled_stdlib

SHIPPED_PYTHON = "pyodide-%d.%d" % pyodide_packages()[SHIPPED]


def test_the_zip_is_the_stock_zip_with_bytecode_beside_the_start_up_modules():
    built = compiled_stdlib()
    digest = hashlib.sha256(built.read_bytes()).hexdigest()[:12]
    assert built.name == "python_stdlib.%s.zip" % digest
    with zipfile.ZipFile(STOCK) as stock, zipfile.ZipFile(built) as ours:
        theirs = {i.filename: stock.read(i) for i in stock.infolist()}
        mine = {i.filename: ours.read(i) for i in ours.infolist()}
    added = set(mine) - set(theirs)
    assert set(theirs) <= set(mine)
    assert all(mine[name] == data for name, data in theirs.items())
    assert all(name.endswith(".pyc") and name[:-1] in theirs for name in added), added
    for must in ("asyncio/tasks.pyc", "asyncio/base_events.pyc", "typing.pyc", "random.pyc"):
        assert must in added, must
    for name in added:
        flags = int.from_bytes(mine[name][4:8], "little")
        assert flags == 1, "%s: not an unchecked-hash .pyc (flags %d)" % (name, flags)


def test_the_snapshot_is_gzipped_named_after_its_content_and_holds_no_path_of_this_machine():
    made = shipped_snapshot()
    data = made.read_bytes()
    assert made.name == "python.%s.snapshot" % hashlib.sha256(data).hexdigest()[:12]
    memory = gzip.decompress(data)  # gzipped: hosts send it as it is
    assert len(memory) > 5 * len(data)
    assert str(ROOT).encode() not in memory, "a path of the build machine would reach readers"


@pytest.fixture(scope="module", params=["stock zip", "restored snapshot"])
def other(request):
    if request.param == "stock zip":
        interpreter = PyodideInterpreter(SHIPPED, pyodide_packages()[SHIPPED], stock_stdlib=True)
    else:
        interpreter = PyodideInterpreter(SHIPPED, pyodide_packages()[SHIPPED], snapshot=True)
    yield interpreter
    interpreter.close()


@pytest.mark.parametrize(
    "snippet", sorted(p.relative_to(SNIPPETS).as_posix() for p in SNIPPETS.rglob("*.py"))
)
def test_every_snippet_runs_as_on_the_stock_zip_and_restored(other, snippet):
    ours = interpreters()[SHIPPED_PYTHON]
    assert not ours.stock_stdlib and not ours.snapshot
    got = ours.run(snippet, seed=0, virtual=True, trace=True)
    want = other.run(snippet, seed=0, virtual=True, trace=True)
    assert (got.stdout, got.stderr, got.exit_code) == (want.stdout, want.stderr, want.exit_code)
    assert got.timeline == want.timeline
