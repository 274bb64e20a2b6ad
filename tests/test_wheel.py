"""The cellrun wheel Pyodide loads (devkit.wheel): beside each module, its .pyc for the pinned
Pyodide's CPython, unchecked-hash (the wheel keeps no mtimes), listed in RECORD; the sources
stay, for another Python (Pyodide 3.15 in the version matrix) to compile."""

from __future__ import annotations

import base64
import hashlib
import zipfile

from devkit.pinned import locked
from devkit.wheel import cellrun_wheel


def test_each_module_has_its_pyc_for_the_pinned_pyodide():
    tag = "cpython-%s" % locked().split(".")[0]  # Pyodide 314.x is CPython 3.14
    with zipfile.ZipFile(cellrun_wheel()) as wheel:
        names = set(wheel.namelist())
        sources = [n for n in names if n.endswith(".py")]
        assert sources
        for source in sources:
            folder, _, name = source.rpartition("/")
            pyc = "%s/__pycache__/%s.%s.pyc" % (folder, name[:-3], tag)
            assert pyc in names, pyc
            flags = int.from_bytes(wheel.read(pyc)[4:8], "little")
            assert flags == 1, "%s: not an unchecked-hash .pyc (flags %d)" % (pyc, flags)
        record = next(n for n in names if n.endswith(".dist-info/RECORD"))
        listed = {}
        for line in wheel.read(record).decode().splitlines():
            path, digest, size = line.rsplit(",", 2)
            listed[path] = (digest, size)
        assert set(listed) == names
        for path in names - {record}:
            data = wheel.read(path)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            assert listed[path] == ("sha256=" + digest.decode(), str(len(data))), path
