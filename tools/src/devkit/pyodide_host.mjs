// Runs snippets under Pyodide in Node for the tests and the version matrix: loads
// one pinned Pyodide package (argv: package name, cellrun wheel, optionally the standard
// library zip to start on instead of the package's own, and a snapshot of a Python started on
// that zip to restore, as engines without JSPI do: devkit/snapshot.py) once, then answers
// one JSON request per stdin line with one JSON report per stdout line
// ({file, seed, virtual, trace} -> cellrun's Outcome). Real-time runs wait as the page's
// worker does: a promise Python suspends on (JSPI), never Pyodide's WebLoop.
import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import { gunzipSync } from "node:zlib";

const [pkg, wheel, stdlib, snapshot] = process.argv.slice(2);
const { loadPyodide } = await import(pkg);
const pyodide = await loadPyodide({
  stdout: () => {},
  stderr: () => {},
  ...(stdlib && { stdLibURL: stdlib }),
  ...(snapshot && { _loadSnapshot: gunzipSync(await readFile(snapshot)) }),
});
await pyodide.loadPackage(wheel, { messageCallback: () => {} });

// Node 20 has the older JSPI API (Suspender) behind its flag; later ones have Suspending.
const jspi = ["Suspending", "Suspender"].some((name) => typeof WebAssembly[name] === "function");
let wake = null;
const pause = (seconds) =>
  new Promise((resolve) => {
    const timer = seconds == null ? null : setTimeout(() => settle(), seconds * 1000);
    const settle = () => {
      clearTimeout(timer);
      wake = null;
      resolve();
    };
    wake = settle;
  });

const runSource = pyodide.runPython(`
import json, cellrun
from cellrun.browser import host_waiter
def run_source(source, filename, virtual, seed, trace, pause, wake):
    waiter = None if virtual else host_waiter(pause, wake, jspi=True)
    outcome = cellrun.run_source(source, filename, virtual=virtual, seed=seed, waiter=waiter, trace=trace)
    return json.dumps(outcome.as_dict())
run_source
`);
const python = pyodide.runPython("import platform\nplatform.python_version()");
process.stdout.write(`${JSON.stringify({ ready: pyodide.version, python })}\n`);

for await (const line of createInterface({ input: process.stdin })) {
  const { file, seed = null, virtual = true, trace = false } = JSON.parse(line);
  const source = await readFile(file, "utf8");
  // callPromising: the call may suspend (asyncio.run() waiting in real time), as in the page;
  // without JSPI (Node started without it) only the virtual clock, which never waits.
  const call = jspi ? (...args) => runSource.callPromising(...args) : runSource;
  const report = await call(source, file, virtual, seed ?? undefined, trace, pause, () => wake?.());
  process.stdout.write(`${report}\n`);
}
