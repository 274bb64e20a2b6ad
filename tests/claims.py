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


INTERPRETERS = ["3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "pyodide"]


def claims_by_snippet(page):
    """{snippet: [(outcome, range)]}, asserting that exactly one claim covers each interpreter."""
    by_snippet = {}
    for snippet, result, span in claims(page):
        by_snippet.setdefault(snippet, []).append((result, span))
    for snippet, stated in by_snippet.items():
        for name in INTERPRETERS:
            version = (3, 14) if name == "pyodide" else minor(name)
            matching = [result for result, span in stated if in_range(name, version, span)]
            assert len(matching) == 1, f"{snippet} on {name}: {matching or 'no claim'}"
    return by_snippet


def assert_claims_hold(page, python):
    """Run every claim of ``page`` that covers ``python``; at least one must."""
    checked = 0
    for snippet, expected, span in claims(page):
        if in_range(python.name, python.version, span):
            assert outcome(python.run(snippet)) == expected, snippet
            checked += 1
    assert checked
