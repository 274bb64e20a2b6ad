// Compiles Python sources to .pyc with the pinned Pyodide's own CPython (a .pyc is only read
// by the version that wrote it): devkit/wheel.py puts them in the cellrun wheel, so the page's
// worker imports cellrun without compiling it first. argv: the Pyodide package's pyodide.mjs.
// stdin: JSON {name: source}; stdout: JSON {cache_tag, files: {name: base64 .pyc}}.
// Unchecked-hash .pyc: Python never compares them with the sources' mtimes, which the wheel
// does not keep.
import { text } from "node:stream/consumers";

const { loadPyodide } = await import(process.argv[2]);
const pyodide = await loadPyodide({ stdout: () => {}, stderr: () => {} });
pyodide.globals.set("sources", await text(process.stdin));
const out = pyodide.runPython(`
import base64, importlib.util, json, sys
from importlib._bootstrap_external import _code_to_hash_pyc

def pyc(name, source):
    data = source.encode()
    code = compile(data, name, "exec", dont_inherit=True)
    return base64.b64encode(_code_to_hash_pyc(code, importlib.util.source_hash(data), False)).decode()

json.dumps({
    "cache_tag": sys.implementation.cache_tag,
    "files": {name: pyc(name, source) for name, source in json.loads(sources).items()},
})
`);
process.stdout.write(out);
