// The site's started Python for engines without JSPI (devkit/snapshot.py says why): the pinned
// Pyodide in Node starts as the page's worker does, on the site's standard library zip, with
// JSPI removed first (the engines that restore it have none, and a newer Node may have it),
// and writes Pyodide's memory snapshot of it. argv: pyodide.mjs URL, the zip's path, the
// output path.
import { writeFileSync } from "node:fs";

delete WebAssembly.Suspending;
delete WebAssembly.Suspender;
delete WebAssembly.promising;
const [pyodideUrl, stdlib, output] = process.argv.slice(2);
// Emscripten in Node names the program after this script, and os.environ["_"] would carry its
// path into the site; in a browser it is ./this.program.
process.argv[1] = "./this.program";
const { loadPyodide } = await import(pyodideUrl);
const pyodide = await loadPyodide({
  stdLibURL: stdlib,
  stdout: () => {},
  stderr: () => {},
  _makeSnapshot: true,
});
writeFileSync(output, pyodide.makeMemorySnapshot());
