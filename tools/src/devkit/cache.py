"""Build outputs kept under build/ by their inputs: made once per input, shared by processes.

``built_once(cache, inputs, pattern, make)`` returns the file matching ``pattern`` (the finished
output's name, so a half-written one never counts) in ``cache/<hash of inputs>/``; when there
is none, it removes the folders of earlier inputs and calls ``make(folder)``, which writes the
file there and returns its path (a failed ``make`` leaves no folder behind). A file lock keeps
two test workers from making the same thing at once.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Callable

from filelock import FileLock


def content_name(path: Path, stem: str, suffix: str) -> Path:
    """Rename ``path`` to ``<stem>.<first 12 hex of its sha256><suffix>`` beside it."""
    named = path.with_name(
        "%s.%s%s" % (stem, hashlib.sha256(path.read_bytes()).hexdigest()[:12], suffix)
    )
    path.rename(named)
    return named


def built_once(cache: Path, inputs: list, pattern: str, make: Callable[[Path], Path]) -> Path:
    digest = hashlib.sha256()
    for path in inputs:
        digest.update(path.read_bytes())
    folder = cache / digest.hexdigest()[:16]
    cache.mkdir(parents=True, exist_ok=True)
    with FileLock(str(cache / "build.lock")):
        built = sorted(folder.glob(pattern))
        if built:
            return built[0]
        for old in cache.iterdir():
            if old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)
        try:
            return make(folder)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
