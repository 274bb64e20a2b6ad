// The site's copy of Pyodide's standard library zip, with bytecode for what the worker imports
// on its way to ready (devkit/stdlib.py says why). Run by the pinned Pyodide's own CPython: it
// starts as the worker does, loads the cellrun wheel, makes cellrun's Runs(), then compiles
// every module it has imported from the zip and writes the zip again with each .pyc beside its
// .py, entries in their order. argv: pyodide.mjs URL, the wheel's path, the output path.
// stdout: JSON {modules: count}.
import { writeFileSync } from "node:fs";

const [pyodideUrl, wheel, output] = process.argv.slice(2);
const { loadPyodide } = await import(pyodideUrl);
const pyodide = await loadPyodide({ stdout: () => {}, stderr: () => {} });
await pyodide.loadPackage(wheel, { messageCallback: () => {} });
const count = pyodide.runPython(`
import importlib.util, sys, zipfile
from importlib._bootstrap_external import _code_to_hash_pyc
from cellrun.browser import Runs

Runs()
MOUNT = next(p for p in sys.path if p.endswith(".zip"))
imported = {
    m.__file__[len(MOUNT) + 1 :]
    for m in list(sys.modules.values())
    if (getattr(m, "__file__", None) or "").startswith(MOUNT + "/")
}
with zipfile.ZipFile(MOUNT) as stock, zipfile.ZipFile("/tmp/out.zip", "w", compresslevel=9) as out:
    for info in stock.infolist():
        data = stock.read(info)
        out.writestr(info, data)
        if info.filename in imported:
            # Compiled under the name the .py is imported by: tracebacks and the tracer see
            # the same file names, and linecache still reads the source beside it.
            code = compile(data, MOUNT + "/" + info.filename, "exec", dont_inherit=True)
            pyc = zipfile.ZipInfo(info.filename[:-3] + ".pyc", info.date_time)
            pyc.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(pyc, _code_to_hash_pyc(code, importlib.util.source_hash(data), False))
len(imported)
`);
writeFileSync(output, pyodide.FS.readFile("/tmp/out.zip"));
process.stdout.write(JSON.stringify({ modules: count }));
