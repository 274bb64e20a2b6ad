"""The Chinese pages use the glossary's terms: one Chinese term per concept.

docs/glossary.zh.md's terms table has a column 不用: for each term, the translations not to
use, separated by 、 ("—" for none). A Chinese page that uses one of them fails, with its
file and line; so does a code name glossed the English way round, `TaskGroup`（任务组）,
where the glossary asks for 任务组（`TaskGroup`）.
"""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"
GLOSSARY = DOCS / "glossary.zh.md"
CODE_THEN_GLOSS = re.compile(r"`[^`]+`（[\u4e00-\u9fff]+）")


def cells(line: str) -> list:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def terms_table() -> tuple:
    """(line numbers of the table, {discouraged: term}) from glossary.zh.md."""
    lines = GLOSSARY.read_text(encoding="utf-8").splitlines()
    header = next(
        i for i, line in enumerate(lines) if line.startswith("|") and "不用" in cells(line)
    )
    columns = cells(lines[header])
    end = header + 1
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    discouraged = {}
    for line in lines[header + 2 : end]:
        row = dict(zip(columns, cells(line)))
        for word in row["不用"].split("、"):
            if word.strip() not in ("", "—"):
                assert word.strip() not in discouraged, f"listed twice: {word}"
                discouraged[word.strip()] = row["中文"]
    return set(range(header + 1, end + 1)), discouraged


def offences(page: Path, discouraged: dict, skip=frozenset()) -> list:
    found = []
    for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
        if number in skip:
            continue
        for word, term in discouraged.items():
            if word in line:
                found.append(f"docs/{page.name}:{number}: {word} (the glossary says {term})")
        for gloss in CODE_THEN_GLOSS.findall(line):
            found.append(f"docs/{page.name}:{number}: {gloss} (Chinese first: 中文（`English`）)")
    return found


def test_every_term_has_a_column_of_discouraged_translations():
    _, discouraged = terms_table()
    assert len(discouraged) > 20
    terms = set(discouraged.values())
    assert {"作业", "替代方案", "旧写法"} <= terms
    # No discouraged word is itself, or part of, a term the glossary asks for.
    for word in discouraged:
        assert not any(word in term for term in terms), word


def test_chinese_pages_use_no_discouraged_translation():
    table, discouraged = terms_table()
    found = []
    for page in sorted(DOCS.glob("*.zh.md")):
        found += offences(page, discouraged, table if page == GLOSSARY else frozenset())
    assert not found, "\n".join(found)


def test_the_check_names_file_and_line(tmp_path):
    page = tmp_path / "sample.zh.md"
    page.write_text("第一行\n见其他方案，也就是老写法。\n`TaskGroup`（任务组）\n", encoding="utf-8")
    _, discouraged = terms_table()
    assert offences(page, discouraged) == [
        "docs/sample.zh.md:2: 老写法 (the glossary says 旧写法)",
        "docs/sample.zh.md:2: 其他方案 (the glossary says 替代方案)",
        "docs/sample.zh.md:3: `TaskGroup`（任务组） (Chinese first: 中文（`English`）)",
    ]
