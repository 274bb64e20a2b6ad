"""The version claims of every page that makes them, checked the same way on each page.

Every ``<span data-claim="SNIPPET OUTCOME RANGE">`` (grammar: tests/claims.py): the twins make
the same claims, and every claim holds on every interpreter it covers (virtual clock). On a
page that shows the snippets (OWNERS; the home page only quotes some), exactly one claim of
each snippet covers each Python the guide speaks of; on the pages in COMPLETE, every snippet
of the page's topic folder carries claims.
tests/test_version_matrix.py checks the same claims against data/version_matrix.json.
"""

from pathlib import Path

import pytest
from claims import assert_claims_hold, claims, claims_by_snippet, claims_in

ROOT = Path(__file__).resolve().parent.parent
DOCS, SNIPPETS = ROOT / "docs", ROOT / "snippets"
PAGES = sorted(p.stem for p in DOCS.glob("*.md") if "." not in p.stem and claims_in(p))
OWNERS = ("alternatives", "legacy", "questions", "wait")
COMPLETE = ("alternatives", "questions")


def twins(name: str) -> tuple:
    return DOCS / (name + ".md"), DOCS / (name + ".zh.md")


def test_the_pages_that_make_claims():
    assert set(COMPLETE) <= set(OWNERS) <= set(PAGES), PAGES


@pytest.mark.parametrize("name", PAGES)
def test_the_twins_make_the_same_claims(name):
    english, chinese = (claims(page) for page in twins(name))
    assert english and english == chinese


@pytest.mark.parametrize("name", OWNERS)
def test_exactly_one_claim_of_each_snippet_covers_each_python(name):
    by_snippet = claims_by_snippet(twins(name)[0])  # asserts the coverage
    if name in COMPLETE:
        shown = sorted(p.relative_to(SNIPPETS).as_posix() for p in (SNIPPETS / name).glob("*.py"))
        assert sorted(by_snippet) == shown


@pytest.mark.parametrize("name", PAGES)
def test_every_claim_holds(name, python):
    assert_claims_hold(twins(name)[0], python)
