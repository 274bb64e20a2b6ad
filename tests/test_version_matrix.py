"""The version matrix (data/version_matrix.json) is fresh, and the pages' version claims agree with it.

The claim grammar is tests/claims.py's. A claim holds when its outcome holds on every
measured column inside its range (native and Pyodide columns of the same Python alike).
"""

from __future__ import annotations

import collections
import json
import re
from html import escape
from html.parser import HTMLParser

import pytest
from claims import claims_in, covers, parse

from devkit import ROOT, matrix
from devkit.site import load_hook

DOCS = ROOT / "docs"


def committed() -> dict:
    return json.loads(matrix.DATA.read_text(encoding="utf-8"))


# --- the data file -----------------------------------------------------------------


def test_data_file_is_written_the_way_make_matrix_writes_it():
    data = committed()
    assert matrix.DATA.read_text(encoding="utf-8") == matrix.dump(data), (
        "reformatted by hand? run `make matrix`"
    )
    assert data["run"] == matrix.RUN
    keys = [column["key"] for column in data["columns"]] + [gap["key"] for gap in data["missing"]]
    assert sorted(keys, key=matrix.columns().index) == matrix.columns(), (
        "every column measured or listed as missing"
    )
    for column in data["columns"]:
        assert column["python"] == matrix.python_of(column["key"])
        assert column["interpreter"].startswith("Pyodide " if column["pyodide"] else "CPython "), (
            column
        )


def test_one_row_per_snippet():
    data = committed()
    fixed = [{key: value for key, value in row.items() if key != "results"} for row in data["rows"]]
    assert fixed == matrix.rows_for(matrix.snippet_paths()), (
        "snippets added, removed or renamed: run `make matrix`"
    )
    measured = [column["key"] for column in data["columns"]]
    for row in data["rows"]:
        assert list(row["results"]) == measured, row["snippet"]


@pytest.fixture(scope="module")
def fresh():
    """A new run of every snippet on every interpreter available here (devkit.interpreters caches runs per process)."""
    found, missing = matrix.available()
    return matrix.measure(found, matrix.snippet_paths()), {
        gap["key"]: gap["reason"] for gap in missing
    }


@pytest.mark.parametrize("key", matrix.columns())
def test_committed_results_equal_a_fresh_run(key, fresh):
    results, missing = fresh
    if key in missing:
        pytest.skip(
            "Python %s (%s) is not available here: %s" % (matrix.python_of(key), key, missing[key])
        )
    data = committed()
    assert key in [column["key"] for column in data["columns"]], (
        "%s is available but not in the data: run `make matrix`" % key
    )
    stale = []
    for row in data["rows"]:
        now = results[key].get(row["snippet"])
        if row["results"].get(key) != now:
            stale.append(
                "%s: committed %s, now %s" % (row["snippet"], row["results"].get(key), now)
            )
    assert not stale, (
        "data/version_matrix.json is stale on %s (run `make matrix`):\n" % key + "\n".join(stale)
    )


def test_summary_ignores_what_varies_between_runs():
    class Run:
        exit_code = 1
        exception = {
            "type": "RuntimeError",
            "message": "<Task pending name='Task-12' at 0x7f3a2c1d>",
        }
        warnings = [
            {
                "category": "RuntimeWarning",
                "message": "coroutine 'b' was never awaited",
                "line": 101,
            },
            {"category": "DeprecationWarning", "message": "in %s/snippets/x.py" % ROOT, "line": 3},
            {"category": "RuntimeWarning", "message": "coroutine 'b' was never awaited", "line": 7},
        ]
        lines = ["> 2", "> 1"]

    assert matrix.summarize(Run) == {
        "status": "error",
        "exit_code": 1,
        "exception": {"type": "RuntimeError", "message": "<Task pending name='Task-N' at 0x…>"},
        "warnings": [
            {"category": "DeprecationWarning", "message": "in snippets/x.py"},
            {"category": "RuntimeWarning", "message": "coroutine 'b' was never awaited"},
        ],
        "output_lines": 2,
    }


def test_row_ids():
    assert (
        matrix.row_id("legacy/wait_three_steps_legacy.py")
        == "matrix-legacy-wait-three-steps-legacy"
    )
    assert matrix.row_id("gather/Results in.order.py") == "matrix-gather-results-in-order"
    ids = [row["id"] for row in committed()["rows"]]
    assert len(ids) == len(set(ids))


# --- claims in the pages -----------------------------------------------------------


def all_claims() -> list:
    return [(page.name, claim) for page in sorted(DOCS.glob("*.md")) for claim in claims_in(page)]


def columns_in(span: str, keys: list) -> list:
    """The columns among ``keys`` a RANGE covers (ValueError when it covers none of them)."""
    covered = [key for key in keys if covers(span, matrix.version_of(key))]
    if not covered:
        raise ValueError("range %r covers no column of the matrix (%s)" % (span, ", ".join(keys)))
    return covered


def holds(outcome: str, result: dict) -> bool:
    if outcome == "ok":
        return result["status"] == "ok"
    kind, name = outcome.split(":")
    if kind == "warning":
        return any(warning["category"] == name for warning in result["warnings"])
    return (result["exception"] or {}).get("type") == name


def shown(result: dict) -> str:
    lines = ["%s: %s" % (w["category"], w["message"]) for w in result["warnings"]]
    if result["exception"]:
        lines.append("%(type)s: %(message)s" % result["exception"])
    return "%s (%s)" % (result["status"], "; ".join(lines) or "no message")


def check_claim(claim: str, data: dict) -> list:
    """Why the claim does not hold ([] when it does); raises ValueError when it is malformed."""
    snippet, expected, span = parse(claim)
    rows = {row["snippet"]: row for row in data["rows"]}
    if snippet not in rows:
        return ["no snippet %s in the matrix" % snippet]
    results = rows[snippet]["results"]
    keys = [column["key"] for column in data["columns"]]
    return [
        "on %s it %s"
        % (
            matrix.python_of(key) + (" (Pyodide)" if key.startswith("pyodide") else ""),
            shown(results[key]),
        )
        for key in columns_in(span, keys)
        if not holds(expected, results[key])
    ]


@pytest.mark.parametrize(
    "page, claim",
    all_claims() or [pytest.param(None, None, marks=pytest.mark.skip("no claims yet"))],
)
def test_claim_agrees_with_the_matrix(page, claim):
    data = committed()
    try:
        problems = check_claim(claim, data)
    except ValueError as error:
        pytest.fail("docs/%s: malformed claim %r: %s" % (page, claim, error))
    assert not problems, "docs/%s: claim %r does not hold: %s" % (page, claim, "; ".join(problems))


def twins() -> list:
    return [page for page in sorted(DOCS.glob("*.md")) if not page.name.endswith(".zh.md")]


@pytest.mark.parametrize(
    "page",
    twins() or [pytest.param(None, marks=pytest.mark.skip("no pages yet"))],
    ids=lambda p: getattr(p, "name", p),
)
def test_twins_carry_the_same_claims(page):
    twin = page.with_name(page.stem + ".zh.md")
    if not twin.exists():
        pytest.skip("docs/%s has no twin yet" % twin.name)
    english, chinese = collections.Counter(claims_in(page)), collections.Counter(claims_in(twin))
    assert english == chinese, "claims only in docs/%s: %s; only in docs/%s: %s" % (
        page.name,
        sorted((english - chinese).elements()),
        twin.name,
        sorted((chinese - english).elements()),
    )


def test_the_checker_catches_a_wrong_claim():
    keys = ["3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "pyodide-3.14", "pyodide-3.15"]
    fails = lambda key: matrix.version_of(key) >= (3, 11)  # noqa: E731
    data = {
        "columns": [{"key": key} for key in keys],
        "rows": [
            {
                "snippet": "legacy/x_legacy.py",
                "results": {
                    key: {
                        "status": "error" if fails(key) else "ok",
                        "exit_code": 1 if fails(key) else 0,
                        "exception": {"type": "TypeError", "message": "no"} if fails(key) else None,
                        "warnings": [],
                        "output_lines": 0,
                    }
                    for key in keys
                },
            }
        ],
    }
    assert check_claim("legacy/x_legacy.py error:TypeError 3.11+", data) == []
    assert check_claim("legacy/x_legacy.py ok 3.8-3.10", data) == []
    assert check_claim("legacy/x_legacy.py error:TypeError 3.14", data) == []
    assert len(check_claim("legacy/x_legacy.py ok 3.10+", data)) == 5
    assert check_claim("legacy/x_legacy.py ok 3.15", data) == [
        "on 3.15 (Pyodide) it error (TypeError: no)"
    ]
    assert check_claim("legacy/x_legacy.py error:TypeError 3.10", data) == [
        "on 3.10 it ok (no message)"
    ]
    assert check_claim("legacy/missing.py ok 3.8", data) == [
        "no snippet legacy/missing.py in the matrix"
    ]
    for malformed in (
        "legacy/x_legacy.py fine 3.8",
        "legacy/x_legacy.py ok 3.7",
        "legacy/x_legacy.py ok 3.8 to 3.9",
        "legacy/x_legacy.py ok pyodide",
    ):
        with pytest.raises(ValueError):
            check_claim(malformed, data)


# --- the hook ------------------------------------------------------------------------


class Table(HTMLParser):
    """Row ids, cells per row and the ids present, from the hook's HTML; fails on unbalanced tags."""

    VOID = {"br"}

    def __init__(self):
        super().__init__()
        self.open, self.ids, self.rows, self.cell_titles = [], set(), {}, []
        self.row = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag not in self.VOID:
            self.open.append(tag)
        if "id" in attrs:
            assert attrs["id"] not in self.ids, "duplicate id %s" % attrs["id"]
            self.ids.add(attrs["id"])
        if tag == "tr":
            self.row = attrs.get("id")
            if self.row:
                self.rows[self.row] = 0
        if tag == "td":
            self.rows[self.row] += 1
            self.cell_titles.append(attrs.get("title"))

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, "</%s> closes <%s>" % (
            tag,
            self.open[-1] if self.open else None,
        )
        self.open.pop()


@pytest.mark.parametrize("language", ["en", "zh"])
def test_hook_renders_every_row_and_cell_with_its_message(language):
    hook, data = load_hook("version_matrix"), committed()
    html = hook.render(data, language)
    table = Table()
    table.feed(html)
    assert not table.open
    assert list(table.rows) == [row["id"] for row in data["rows"]]
    assert set(table.rows.values()) == {len(data["columns"])}
    assert all(table.cell_titles)
    for row in data["rows"]:
        for result in row["results"].values():
            if result["exception"] and result["exception"]["message"]:
                assert escape(result["exception"]["message"]) in html
        if row["modern"]:
            assert 'href="#%s"' % matrix.row_id(row["modern"]) in html
    for link in re.findall(r'href="#([^"]+)"', html):
        assert link in table.ids, "link to a missing anchor #%s" % link
    assert ("失败" in html) == (language == "zh")


def test_hook_replaces_the_marker_and_lists_missing_interpreters():
    hook, data = load_hook("version_matrix"), committed()
    data = dict(
        data,
        columns=data["columns"][1:],
        missing=[{"key": "3.8", "python": "3.8", "reason": "no python3.8"}],
    )
    data["rows"] = [
        dict(row, results={k: v for k, v in row["results"].items() if k != "3.8"})
        for row in data["rows"]
    ]
    html = hook.render(data, "en")
    assert "Not measured (interpreter not found): 3.8." in html
    assert '<th scope="col" title="CPython' in html and ">3.8<" not in html

    class File:
        src_uri, locale = "legacy.zh.md", "zh"

    class Page:
        file = File()

    page = '<h2 id="version-matrix">版本对照表</h2>\n<!-- version-matrix -->\n'
    rendered = hook.on_page_content(page, Page(), None, None)
    assert "<!-- version-matrix -->" not in rendered and 'id="matrix-caption"' in rendered
    assert hook.on_page_content("<p>no marker</p>", Page(), None, None) == "<p>no marker</p>"
