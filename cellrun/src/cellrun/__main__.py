"""``python -m cellrun [--virtual] [--seed N] [--json] FILE``: run a snippet as the guide's tests do."""

import argparse
import json
import os
import sys
import sysconfig

from .runner import run_file


def portable(text: str) -> str:
    """Report paths as ``<stdlib>/asyncio/tasks.py``: where this machine keeps Python is no one's business."""
    paths = sysconfig.get_paths()
    for key, name in (("purelib", "<site-packages>"), ("stdlib", "<stdlib>")):
        text = text.replace(paths[key] + os.sep, name + "/")
    return text


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m cellrun", description=__doc__)
    parser.add_argument("file")
    parser.add_argument(
        "--virtual", action="store_true", help="run on a virtual clock: sleeps cost nothing"
    )
    parser.add_argument("--seed", type=int, help="seed random, so random sleeps repeat")
    parser.add_argument(
        "--json",
        action="store_true",
        help="print one JSON report instead of the output (Python's own paths shortened)",
    )
    parser.add_argument(
        "--trace", action="store_true", help="add the task timeline to the JSON report"
    )
    args = parser.parse_args()
    echo = None if args.json else lambda stream, text: getattr(sys, "__%s__" % stream).write(text)
    outcome = run_file(args.file, virtual=args.virtual, seed=args.seed, sink=echo, trace=args.trace)
    if args.json:
        outcome.stderr = portable(outcome.stderr)
        json.dump(outcome.as_dict(), sys.__stdout__, ensure_ascii=False)
        sys.__stdout__.write("\n")
    return outcome.exit_code


if __name__ == "__main__":
    sys.exit(main())
