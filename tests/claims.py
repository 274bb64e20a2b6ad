"""The version claims pages make: ``<span data-claim="SNIPPET OUTCOME RANGE">`` (grammar in tests/test_version_matrix.py)."""

import re

CLAIM = re.compile(r'<span data-claim="([^"]+)">')


def claims(page):
    """Distinct (snippet, outcome, range) claims of one page, sorted."""
    return sorted({tuple(text.split()) for text in CLAIM.findall(page.read_text(encoding="utf-8"))})


def minor(text):
    major, minor_ = text.split(".")
    return int(major), int(minor_)


def in_range(name, version, span):
    """RANGE is `pyodide`, `3.12`, `3.8-3.10` or `3.11+` (Pyodide counts as 3.14 for `+`)."""
    if span == "pyodide":
        return name == "pyodide"
    if span.endswith("+"):
        return version >= minor(span[:-1])
    if name == "pyodide":
        return False
    low, _, high = span.partition("-")
    return minor(low) <= version <= minor(high or low)


def outcome(out):
    """A run as a claim's OUTCOME: error:Type, warning:Category[,Category] or ok."""
    if out.exception:
        return "error:" + out.exception["type"]
    categories = sorted({w["category"] for w in out.warnings})
    return "warning:" + ",".join(categories) if categories else "ok"
