"""Find the CPython interpreters on this machine: on PATH first, then pyenv.

A pyenv shim such as ``python3.13`` exists even when that version is not
selected, and then fails, so every candidate is run before it is trusted.
"""

import argparse
import glob
import os
import shutil
import subprocess
import sys

MINORS = range(8, 16)  # 3.14 and 3.15 when installed natively (else measured through Pyodide)


def _version_of(executable):
    try:
        out = subprocess.run(
            [executable, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=20,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def _pyenv_candidates(minor):
    pyenv = shutil.which("pyenv")
    if not pyenv:
        return []
    root = subprocess.run([pyenv, "root"], capture_output=True, text=True).stdout.strip()
    found = glob.glob(os.path.join(root, "versions", "3.%d.*" % minor, "bin", "python3.%d" % minor))
    return sorted(
        found, key=lambda p: [int(x) for x in p.split(os.sep)[-3].split(".") if x.isdigit()]
    )[::-1]


def find(minor):
    """The first working ``python3.<minor>``, or None."""
    want = "3.%d" % minor
    on_path = shutil.which("python" + want)
    for candidate in ([on_path] if on_path else []) + _pyenv_candidates(minor):
        if _version_of(candidate) == want:
            return candidate
    return None


def find_all():
    """{"3.8": path or None, ...} for every minor version the guide covers."""
    return {"3.%d" % m: find(m) for m in MINORS}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--newest-at-least", metavar="3.X", help="print the newest interpreter >= 3.X"
    )
    args = parser.parse_args()
    if args.newest_at_least:
        floor = int(args.newest_at_least.split(".")[1])
        for minor in reversed(MINORS):
            if minor < floor:
                break
            path = find(minor)
            if path:
                print(path)
                return 0
        sys.stderr.write(
            "No CPython >= %s found on PATH or in pyenv. Install one "
            "(for example `pyenv install 3.13`) and run make again.\n" % args.newest_at_least
        )
        return 1
    for version, path in find_all().items():
        print(version, path or "missing")
    return 0


if __name__ == "__main__":
    sys.exit(main())
