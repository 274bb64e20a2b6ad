// Runs snippets under Pyodide in Node for the test suite: loads the pinned
// runtime once, then answers one JSON request per stdin line with one JSON
// report per stdout line ({file, seed, virtual} -> cellrun's Outcome).
import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import { loadPyodide } from "pyodide";

const [wheel] = process.argv.slice(2);
const pyodide = await loadPyodide({ stdout: () => {}, stderr: () => {} });
await pyodide.loadPackage(wheel, { messageCallback: () => {} });
const runSource = pyodide.runPython(`
import json, cellrun
def run_source(source, filename, virtual, seed):
    return json.dumps(cellrun.run_source(source, filename, virtual=virtual, seed=seed).as_dict())
run_source
`);
process.stdout.write(JSON.stringify({ ready: pyodide.version }) + "\n");

for await (const line of createInterface({ input: process.stdin })) {
  const { file, seed = null, virtual = true } = JSON.parse(line);
  const source = await readFile(file, "utf8");
  // runPythonAsync-free call: with JSPI, asyncio.run() inside blocks this call.
  const report = await runSource.callPromising(source, file, virtual, seed);
  process.stdout.write(report + "\n");
}
