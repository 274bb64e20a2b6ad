"""``make new-example NAME=topic/name``: the files of a new example, and what to do next.

Writes ``snippets/<topic>/<name>.py`` (a runnable start) and ``tests/test_<topic>_<name>.py``,
whose assertion fails until it says what the page will say; never overwrites a file.
CONTRIBUTING.md walks through the rest.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

NAME = re.compile(r"^(?P<topic>[a-z][a-z0-9_]*)/(?P<name>[a-z][a-z0-9_]*)$")

SNIPPET = """import asyncio


async def job(name, seconds):
    await asyncio.sleep(seconds)
    return name


async def main():
    print(await asyncio.gather(job("A", 2), job("B", 1)))


asyncio.run(main())
"""

TEST = '''"""{path}: what its pages say about it, on every interpreter (virtual clock)."""

import pytest
from runs import clean


def test_{name}(python):
    out = python.run("{path}")
    # What the pages say this example prints, line by line (fails until you write it).
    assert clean(out) == ["the lines the page promises"]
    assert out.virtual_time == pytest.approx(2.0)
'''

NEXT = """Created {snippet} and {test}.

Next:
  1. Write the example in {snippet}:
     short, runnable as it is; explanations belong in the pages.
  2. Say in {test} what the pages will say (lines printed
     and their order, done/pending/cancelled, exceptions, virtual time); it fails until then:
         .venv/bin/pytest {test}
  3. Include it at the same place in the English page and its Chinese twin
     (docs/<page>.md and docs/<page>.zh.md; the build fails if the twins differ):
         ```python
         --8<-- "{path}"
         ```
  4. A statement that holds on some Pythons only is a claim (CONTRIBUTING.md);
     tests/claims.py checks it on exactly those versions.
  5. make matrix      # the version table, data/version_matrix.json
     make timelines   # the reference run under the example, data/timelines/
  6. make test
"""


def scaffold(root: Path, spec: str) -> tuple:
    match = NAME.match(spec or "")
    if not match:
        raise SystemExit("NAME must look like topic/name (lower case, digits, _): got %r" % spec)
    topic, name = match["topic"], match["name"]
    snippet = Path("snippets") / topic / (name + ".py")
    test = Path("tests") / ("test_%s_%s.py" % (topic, name))
    for path in (snippet, test):
        if (root / path).exists():
            raise SystemExit("%s already exists: nothing written" % path)
    for path in (snippet, test):
        (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / snippet).write_text(SNIPPET, "utf-8")
    (root / test).write_text(TEST.format(path="%s/%s.py" % (topic, name), name=name), "utf-8")
    return snippet, test


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", help="topic/name, e.g. wait/first_completed")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the repository")
    args = parser.parse_args(argv)
    snippet, test = scaffold(args.root, args.name)
    sys.stdout.write(NEXT.format(snippet=snippet, test=test, path=args.name + ".py"))


if __name__ == "__main__":
    main()
