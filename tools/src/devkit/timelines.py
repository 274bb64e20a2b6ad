"""Regenerate data/timelines/: the reference run and task timeline of every snippet.

For snippets/<topic>/<name>.py it writes data/timelines/<topic>/<name>.json
(the run's output and timeline, seed=0 on the virtual clock): a measurement, so it is
committed. Its drawings are not: hooks/cells.py draws them with cellrun.svg in every build.
Each snippet runs in its own interpreter, as `python snippet.py` would.
`--check` writes nothing and exits 1 when a file is stale or missing.
Usage: python -m devkit.timelines [--check]
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

from devkit import ROOT, SNIPPETS

OUT = ROOT / "data" / "timelines"
SEED = 0


def snippets():
    return sorted(p for p in SNIPPETS.rglob("*.py") if not p.name.startswith("_"))


def reference_run(path: Path) -> dict:
    """cellrun's Outcome for one snippet; its file name is the path under snippets/, as the page shows it."""
    name = path.relative_to(SNIPPETS).as_posix()
    command = [
        sys.executable,
        "-m",
        "cellrun",
        "--json",
        "--virtual",
        "--seed",
        str(SEED),
        "--trace",
        name,
    ]
    env = {
        "PYTHONPATH": str(ROOT / "cellrun" / "src"),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
    }
    done = subprocess.run(
        command, capture_output=True, text=True, cwd=SNIPPETS, timeout=120, env=env
    )
    if not done.stdout:
        raise SystemExit("timelines: cellrun failed on %s:\n%s" % (name, done.stderr))
    report = json.loads(done.stdout)
    report = dict(snippet=name, seed=SEED, virtual=True, **report)
    return report


def expected_files() -> dict:
    """{path under data/timelines: text} for every snippet."""
    files = {}
    for path in snippets():
        report = reference_run(path)
        stem = path.relative_to(SNIPPETS).with_suffix("").as_posix()
        # Compact: the 1,000-task batching runs are most of the folder (indented, they were 3 MB).
        files[stem + ".json"] = (
            json.dumps(report, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"
        )
    return files


def stale(files: dict) -> list:
    """Paths that differ from `files`, are missing, or are left over from a deleted snippet."""
    existing = (
        {p.relative_to(OUT).as_posix() for p in OUT.rglob("*") if p.is_file()}
        if OUT.exists()
        else set()
    )
    wrong = [
        name
        for name, text in files.items()
        if not (OUT / name).is_file() or (OUT / name).read_text(encoding="utf-8") != text
    ]
    return sorted(wrong + sorted(existing - set(files)))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="only report stale files")
    args = parser.parse_args()
    files = expected_files()
    if args.check:
        for name in stale(files):
            print("stale: data/timelines/" + name)
        return 1 if stale(files) else 0
    for name in stale(files):
        target = OUT / name
        if name in files:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(files[name], encoding="utf-8")
        else:
            target.unlink()
    print("data/timelines: %d files for %d snippets" % (len(files), len(snippets())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
