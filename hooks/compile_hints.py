"""V8's explicit compile hint on the scripts every full page load runs at once.

Material's bundle runs as soon as a page is parsed, and its DOMContentLoaded handler right after.
In a renderer process that has not run it before (a reader's first page, a reload in a new tab),
V8 compiled each of its functions on the main thread at the function's first call: 27-49 ms of
the bundle's 90-126 ms, and 17-52 ms of its handler's 75-158 ms, on the sweep's first page
(Chrome traces, Chromium 156; BENCHMARKS.md's notes). The magic comment
``//# allFunctionsCalledOnLoad`` as a script's first line asks V8 to compile every function of it
eagerly, on the background thread that streams the script in. Other engines read a comment.

cells.js (our page module, hooks/runtime.py) gets it too: every page with cells runs all of it.
The CodeMirror chunk does not: it comes on intent, and most of it never runs.

A source map beside a script gets one empty line first, so that it still maps.
"""

from __future__ import annotations

import json
from pathlib import Path

from mkdocs.plugins import event_priority

HINT = "//# allFunctionsCalledOnLoad\n"
SCRIPTS = ("assets/javascripts/bundle.*.min.js", "assets/cells/cells.js")


@event_priority(
    -250
)  # after hooks/runtime.py (0) wrote cells.js; before hooks/offline.py hashes files
def on_post_build(config):
    site = Path(config["site_dir"])
    for pattern in SCRIPTS:
        for script in site.glob(pattern):
            hint(script)


def hint(script: Path) -> None:
    text = script.read_text("utf-8")
    if text.startswith(HINT):
        return
    script.write_text(HINT + text, "utf-8")
    source_map = script.with_name(script.name + ".map")
    if source_map.is_file():
        mapping = json.loads(source_map.read_text("utf-8"))
        mapping["mappings"] = ";" + mapping["mappings"]  # one generated line more, mapping nothing
        source_map.write_text(json.dumps(mapping, separators=(",", ":")), "utf-8")
