"""`make bench` (``python -m devkit.bench``): what a reader waits for and downloads, and every
main-thread task over 50 ms, measured in one run against a bare worker page, written to
BENCHMARKS.md.

One `mkdocs build --strict` (timed) with SITE_URL=http://127.0.0.1:PORT/ into build/bench/site,
served by devkit's static server on that port, which either negotiates Content-Encoding with the
build's .br/.gz copies ("compressed") or sends every file as it is ("plain"), with
`Cache-Control: max-age=600` (a typical static host) and `Vary: Accept-Encoding`, and counts the
body bytes it sends, so "bytes fetched" is what crossed the wire, HTTP cache hits excluded.
bench/baseline.html (served at /_baseline/) loads the same Pyodide release as the npm package
ships it (node_modules/pyodide, served at /_pyodide/: its standard library as sources, where the
site ships devkit.stdlib's with bytecode) in a module worker and prints one line: the yardstick.

Debian's Chromium through Playwright (sync API, devkit.chromium), service workers blocked (their
precache is not a page's bytes; it is measured once, separately) except for the returning
reader, whose second visit goes through the service worker as a reader's does. Each repetition
(up to --reps, fewer when the next would pass the time budget; at least --min-reps), in a fresh
browser context unless said otherwise:
  baseline  the bare page, clicked as soon as it has loaded -> its line
  ready     gather/, Run clicked as soon as the cell is wired -> the first program line
  session   a fresh persistent profile (disk HTTP cache, V8 code cache, Cache Storage):
            gather/ first view (bytes, long tasks) -> cold Run -> 3 warm re-runs -> instant
            navigation to wait/ and Run there
  returning a fresh persistent profile, service worker on: gather/ and Run, until the worker
            controls the page and Chromium has kept the wasm's compiled code -> gather/ again
            in a new tab (second visit)
  intent    gather/, hover Run 300 ms, click
  control   gather/ with assets/cells/* blocked (long tasks without the cells)
  stop      gather/ in real time, Stop while the snippet sleeps -> the stopped state
and once per run: plain (bytes do not vary) and the sweep: every page with cells in both
languages loaded, each of its cells run on the virtual clock until its finished drawing is in,
a 2,000-line print flood and the editor's activation (point at the code, then click in it).
First program line = performance.now() at the click (a listener on the button) to the first
newline in the cell's role=log (a MutationObserver); measured cells use the virtual clock, so a
snippet's own sleeps are not counted. Load phases: worker.js's performance marks, read from the
worker, in ms after the click. Long tasks: PerformanceObserver('longtask') in the page; each
scenario's longest long animation frame names the scripts that ran in it and its rendering time.
"""
