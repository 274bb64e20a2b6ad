"""The version claims pages make, and the one reader of their grammar.

A claim is ``<span data-claim="SNIPPET OUTCOME RANGE">`` in docs/*.md:

- OUTCOME: ``ok`` (exit 0, no warning), ``warning:Category`` (a warning of that category was
  shown, whether or not the run then failed) or ``error:ExceptionType``;
- RANGE: ``3.12``, ``3.8-3.10`` or ``3.11+``. It covers every interpreter whose Python is
  inside it, native or Pyodide alike (Pyodide 314.0.7 is CPython 3.14.2, on cellrun's loop
  as every CPython).

The snippet tests run each claim on every interpreter it covers; tests/test_version_matrix.py
checks the same claims against data/version_matrix.json.
"""

import re

CLAIM = re.compile(r"""data-claim=(["'])(.*?)\1""", re.S)
GRAMMAR = re.compile(r"^(?P<snippet>\S+\.py) (?P<outcome>ok|warning:\w+|error:\w+) (?P<range>\S+)$")
# The Pythons a page speaks of: one claim of each snippet must cover each.
VERSIONS = [(3, minor) for minor in range(8, 16)]


def claims_in(page) -> list:
    """Every claim's text on a page, in page order (repeats kept)."""
    return [match.group(2).strip() for match in CLAIM.finditer(page.read_text(encoding="utf-8"))]


def claims(page) -> list:
    """Distinct (snippet, outcome, range) claims of one page, sorted."""
    return sorted({tuple(text.split()) for text in claims_in(page)})


def parse(claim: str) -> tuple:
    """(snippet, outcome, range) of a well-formed claim; ValueError otherwise."""
    found = GRAMMAR.match(claim)
    if not found:
        raise ValueError("not 'SNIPPET OUTCOME RANGE'")
    bounds(found["range"])
    return found["snippet"], found["outcome"], found["range"]


def bounds(span: str) -> tuple:
    """(low, high) Python versions of a RANGE, inclusive; ValueError when it is not of the grammar."""
    if re.fullmatch(r"3\.\d+\+", span):
        return (3, int(span[2:-1])), (99, 0)
    if re.fullmatch(r"3\.\d+-3\.\d+", span):
        first, last = span.split("-")
        return (3, int(first[2:])), (3, int(last[2:]))
    if re.fullmatch(r"3\.\d+", span):
        return (3, int(span[2:])), (3, int(span[2:]))
    raise ValueError("range %r is not 3.X+, 3.X-3.Y or 3.X" % span)


def covers(span: str, version: tuple) -> bool:
    low, high = bounds(span)
    return low <= tuple(version) <= high


def outcome(out) -> str:
    """A run as a claim's OUTCOME: error:Type, warning:Category[,Category] or ok."""
    if out.exception:
        return "error:" + out.exception["type"]
    categories = sorted({w["category"] for w in out.warnings})
    return "warning:" + ",".join(categories) if categories else "ok"


def claims_by_snippet(page) -> dict:
    """{snippet: [(outcome, range)]}, asserting that exactly one claim covers each Python of VERSIONS."""
    by_snippet = {}
    for snippet, result, span in claims(page):
        by_snippet.setdefault(snippet, []).append((result, span))
    for snippet, stated in by_snippet.items():
        for version in VERSIONS:
            matching = [result for result, span in stated if covers(span, version)]
            assert len(matching) == 1, "%s on %d.%d: %s" % (
                snippet,
                *version,
                matching or "no claim",
            )
    return by_snippet


def assert_claims_hold(page, python):
    """Run every claim of ``page`` that covers ``python``; at least one must."""
    checked = 0
    for snippet, expected, span in claims(page):
        if covers(span, python.version):
            assert outcome(python.run(snippet)) == expected, snippet
            checked += 1
    assert checked
