// The module worker: loads the pinned Pyodide from this site and runs cells with
// cellrun.browser, streaming their output back. One per page session.
//
// Every run is on cellrun's loop (CPython's BaseEventLoop), never on Pyodide's WebLoop.
//
// Messages in:  {type:"init", interrupt} {type:"run", id, code, filename, virtual, seed, lang, uid} {type:"stop", id}
// Messages out: {type:"progress", step, of, what, bytes, total} {type:"ready", version, jspi, restored}
//               {type:"failed", message} {type:"stopping", id} (a Stop was taken: the run ends soon)
//               {type:"output", id, chunks:[[stream, text]...]} {type:"trace", id, batch: JSON {now, events}}
//               {type:"done", id, outcome (with timeline_html), dropped}

/* global PYODIDE_VERSION, RUNTIME_SIZES, SNAPSHOT, STDLIB */
const INDEX_URL = new URL(`../pyodide/${PYODIDE_VERSION}/`, import.meta.url).href;
const MAX_BYTES = 200_000; // more than this per run is counted, not sent
const MAX_LINES = 5_000;
const FLUSH_MS = 30;
const TRACE_MS = 50; // timeline events go out at this pace while the run awaits

const jspi = typeof WebAssembly === "object" && typeof WebAssembly.Suspending === "function";
// A run waits (its event loop for the next timer, time.sleep) through pause(seconds), which
// cellrun.loop.PausingWaiter calls; output printed before a wait is sent first, as a terminal
// shows it. With JSPI, pause returns a promise Python suspends on, so this worker keeps
// receiving messages (Stop wakes the pause at once). Without JSPI it blocks a slice at a time:
// Atomics.wait where a SharedArrayBuffer exists (cross-origin isolated pages), else a busy wait.
const SLICE_MS = 50;
const sleeper = self.crossOriginIsolated ? new Int32Array(new SharedArrayBuffer(4)) : null;
let current = null; // the running run's Output
let wakePause = null; // ends the pause in progress (JSPI)

// With JSPI, Python that computes for BREATHE_MS without pausing is made to pause for 0 s
// (cellrun.browser.BREATHE), so a Stop gets in and ends a CPU loop as Ctrl+C would: no worker
// is terminated mid-run (Firefox 153 reports "uncaught exception: undefined" for a worker
// terminated inside a JSPI call), and Python is not restarted. CPython reads the interrupt
// buffer every 50 checks of its eval breaker; a getter costs next to nothing there.
const BREATHE_MS = 100;
let busySince = 0; // when Python last resumed its run (JSPI); 0 while it pauses or between runs
let breatheSignal = 0;

function interruptBuffer(shared) {
  return {
    get 0() {
      if (shared?.[0]) return shared[0]; // SIGINT from the page (cross-origin isolated)
      if (busySince && performance.now() - busySince >= BREATHE_MS) {
        // Again after another BREATHE_MS, should this one find no pause to take (a handler
        // that runs inside Python called from here skips it: cellrun.browser).
        busySince = performance.now();
        return breatheSignal;
      }
      return 0;
    },
    set 0(value) {
      if (shared) shared[0] = value;
    },
  };
}

function pause(seconds) {
  current?.flush();
  const ms = seconds == null ? Infinity : seconds * 1000;
  if (jspi) {
    busySince = 0;
    // A breath can be taken between this call and Python's suspension on its promise (a
    // signal pending since just before): that inner pause ends on its own, and this one must
    // still end by its own timer, and be the one a Stop wakes once the inner one is over.
    const outer = wakePause;
    return new Promise((resolve) => {
      const end = () => {
        clearTimeout(timer);
        if (wakePause === end) wakePause = outer;
        busySince = performance.now();
        resolve();
      };
      const timer = ms === Infinity ? 0 : setTimeout(end, ms);
      wakePause = end;
    });
  }
  const slice = Math.min(ms, SLICE_MS);
  if (sleeper) Atomics.wait(sleeper, 0, 0, slice);
  else for (const end = performance.now() + slice; performance.now() < end; );
  return undefined;
}

function wake() {
  wakePause?.();
}

let runs = null; // cellrun.browser.Runs
let restored = false; // Python came from the snapshot of an earlier visit
let interrupt = null;
let queue = Promise.resolve();

const post = (message) => self.postMessage(message);

class Output {
  constructor(id) {
    this.id = id;
    this.chunks = [];
    this.bytes = 0;
    this.lines = 0;
    this.dropped = { bytes: 0, lines: 0 };
    this.last = 0; // the first write goes out at once
    this.opening = 16; // the first line's writes go out one by one: print() writes a line in pieces
    this.timer = 0;
  }

  write(stream, text) {
    if (this.bytes >= MAX_BYTES || this.lines >= MAX_LINES) {
      this.dropped.bytes += text.length;
      this.dropped.lines += countLines(text);
      return;
    }
    this.bytes += text.length;
    this.lines += countLines(text);
    const tail = this.chunks[this.chunks.length - 1];
    if (tail && tail[0] === stream) tail[1] += text;
    else this.chunks.push([stream, text]);
    // Later writes are batched; a CPU-bound run never yields to timers: flush from here when it is time.
    if (this.opening > 0) this.opening = text.includes("\n") ? 0 : this.opening - 1;
    else if (performance.now() - this.last < FLUSH_MS) {
      if (!this.timer) this.timer = setTimeout(() => this.flush(), FLUSH_MS);
      return;
    }
    this.flush();
  }

  flush() {
    trace(this.id); // a timeline never lags behind the output
    clearTimeout(this.timer);
    this.timer = 0;
    this.last = performance.now();
    if (this.chunks.length) post({ type: "output", id: this.id, chunks: this.chunks });
    this.chunks = [];
  }
}

function trace(id) {
  // Python called from JavaScript cannot pause (JSPI suspends no JavaScript frame): no breath here.
  const busy = busySince;
  busySince = 0;
  const batch = runs.take_events();
  busySince = busy;
  if (batch) post({ type: "trace", id, batch });
}

function countLines(text) {
  let n = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

// Bytes of the runtime files fetched so far, against their sizes written by the build
// (RUNTIME_SIZES: {file name: bytes}, as served, before any transfer encoding), counted as
// Pyodide's own fetches stream in, so the page can draw a true progress bar.
const progress = {
  step: 0,
  of: 3,
  what: "runtime",
  bytes: 0,
  // The site's snapshot is added when it is fetched (shippedSnapshot).
  total: Object.entries(RUNTIME_SIZES).reduce(
    (sum, [name, bytes]) => sum + (name === SNAPSHOT ? 0 : bytes),
    0,
  ),
};
let progressTimer = 0;

function report(changes = {}) {
  Object.assign(progress, changes);
  clearTimeout(progressTimer);
  progressTimer = 0;
  post({ type: "progress", ...progress });
}

// The runtime cache, in Cache Storage: the service worker's (frontend/offline/sw.js), named
// after the site's path (this file is <site>/assets/cells/worker.js) and the pinned version
// only, so a deploy keeps it and another site on this origin never touches it. This worker
// keeps two things there: the wasm (for offline reading) and a started Python's snapshot.
const SITE_PATH = new URL("../../", import.meta.url).pathname;
const RUNTIME_CACHE = `${SITE_PATH}#pyodide-${PYODIDE_VERSION}`;
const keeps = typeof caches === "object"; // Cache Storage: secure contexts only

// Pyodide gets the browser's own response for pyodide.asm.wasm, never one made here, and the
// service worker leaves it alone (frontend/offline/sw.js): Chromium keeps the compiled code of
// a wasm module only for a response it fetched itself (its URL and HTTP cache entry). Measured
// in Chromium 156: with a Response made here, or with the service worker answering, later
// visits compiled the 10 MB module again. So the bytes are counted on a copy, and offline
// reading's copy of the wasm is kept in the runtime cache from here, answering when the
// fetch fails.
const WASM = "pyodide.asm.wasm";
const nativeFetch = self.fetch.bind(self);
self.fetch = async (input, init) => {
  const url = String(input?.url ?? input);
  const name = url.startsWith(INDEX_URL) ? url.slice(INDEX_URL.length) : null;
  const method = init?.method ?? "GET";
  let response;
  let kept = null;
  try {
    response = await nativeFetch(input, init);
  } catch (error) {
    kept = name === WASM ? await keptWasm(method) : null;
    if (!kept) throw error;
    response = kept;
  }
  if (response.ok && response.body && method === "GET" && name in RUNTIME_SIZES) {
    count(response.clone().body);
    if (name === WASM && !kept && keeps) keepWasm(response.clone());
  }
  return response;
};

async function keepWasm(copy) {
  try {
    const cache = await caches.open(RUNTIME_CACHE);
    if (await cache.match(copy.url)) return copy.body.cancel();
    await cache.put(copy.url, copy);
  } catch {
    // full or unavailable storage: offline, a cell cannot load Python
  }
}

/** Offline: the kept wasm (for a HEAD request, its status and headers only), or null. */
async function keptWasm(method) {
  try {
    const kept = keeps && (await (await caches.open(RUNTIME_CACHE)).match(`${INDEX_URL}${WASM}`));
    if (!kept || method === "GET") return kept || null;
    kept.body?.cancel();
    return new Response(null, { status: kept.status, headers: kept.headers });
  } catch {
    return null;
  }
}

async function count(body) {
  const reader = body.getReader();
  try {
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      progress.bytes += read.value.byteLength;
      progressTimer ||= setTimeout(report, 100);
    }
  } catch {
    // the response Pyodide reads fails the same way, and the load reports that
  }
}

// loadPyodide() never settles when one of these cannot be fetched: ask first, in parallel.
const CORE_FILES = ["pyodide.asm.mjs", "pyodide.asm.wasm", STDLIB, "pyodide-lock.json"];

function reachable(name) {
  return fetch(`${INDEX_URL}${name}`, { method: "HEAD" }).then(
    async (response) => {
      await response.arrayBuffer(); // empty: settles the request instead of leaving it open
      if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
    },
    () => {
      throw new Error(`${name} could not be fetched`);
    },
  );
}

// A started Python, kept between visits: Pyodide's memory snapshot, taken once Python has
// started (before cellrun: its package state is JavaScript-side), in the runtime cache.
// Restoring it skips Python's own start-up, most of a load's time once the runtime files come
// from the HTTP cache. Without Cache Storage, Python starts as usual.
// A key only, never fetched. Named after the standard library zip (STDLIB, named after its
// content): a snapshot holds zipimport's table of the zip it was made with.
const SNAPSHOT_URL = `${INDEX_URL}${STDLIB}.snapshot`;

async function savedSnapshot() {
  try {
    const found = await (await caches.open(RUNTIME_CACHE)).match(SNAPSHOT_URL);
    return found ? new Uint8Array(await found.arrayBuffer()) : null;
  } catch {
    return null;
  }
}

// Without JSPI, the engines measured run the wasm of Python's own start more slowly (WebKitGTK
// 2.50: 4.9 s from the click to a started Python where Chromium took 1.9 s), so a first visit
// there restores the site's snapshot of a started Python instead (SNAPSHOT, made by
// devkit/snapshot.py the same way, without JSPI). Engines with JSPI never fetch it (4.8 MB).
// The file is gzipped (no host compresses an unknown type): inflated as it arrives.
async function shippedSnapshot() {
  if (typeof DecompressionStream !== "function") return null; // start afresh
  progress.total += RUNTIME_SIZES[SNAPSHOT];
  try {
    const response = await fetch(`${INDEX_URL}${SNAPSHOT}`);
    if (!response.ok) return null;
    const inflated = response.body.pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(inflated).arrayBuffer());
  } catch {
    return null;
  }
}

/** The snapshot to start from: {bytes, kept} (kept: this browser's own), or null. */
async function startingSnapshot() {
  const kept = keeps ? await savedSnapshot() : null;
  if (kept) return { bytes: kept, kept: true };
  const shipped = jspi ? null : await shippedSnapshot();
  return shipped && { bytes: shipped, kept: false };
}

/** Python started from a snapshot, else afresh; made: a new snapshot to keep. */
async function startPython(start, snapshot) {
  const from = await snapshot;
  if (from) {
    const pyodide = await start({ _loadSnapshot: from.bytes }).catch(() => null);
    if (pyodide) {
      performance.mark(from.kept ? "load:restored" : "load:shipped");
      restored = from.kept;
      // A restored `random` would repeat the numbers of the Python the snapshot was made of.
      pyodide.runPython("import sys\nif 'random' in sys.modules: sys.modules['random'].seed()");
      return { pyodide, made: null };
    }
    // unusable: start afresh, make a new one (the runtime files beside it stay)
    if (from.kept)
      await caches
        .open(RUNTIME_CACHE)
        .then((cache) => cache.delete(SNAPSHOT_URL))
        .catch(() => {});
  }
  const pyodide = await start({ _makeSnapshot: keeps });
  return { pyodide, made: keeps ? pyodide.makeMemorySnapshot() : null };
}

async function keepSnapshot(bytes) {
  try {
    for (const name of await caches.keys()) {
      const older = name.startsWith(`${SITE_PATH}#pyodide-`) && name !== RUNTIME_CACHE;
      if (older) await caches.delete(name);
    }
    const cache = await caches.open(RUNTIME_CACHE);
    for (const request of await cache.keys()) {
      if (request.url.endsWith(".snapshot")) await cache.delete(request); // another zip's
    }
    await cache.put(SNAPSHOT_URL, new Response(bytes));
  } catch {
    // full or unavailable storage: the next visit starts Python as usual
  }
}

// Phases of a load, as performance marks in this worker (the benchmark reads them): start,
// pyodide.mjs imported, wasm instantiated, Python started, cellrun loaded, ready.
async function load(message) {
  try {
    performance.mark("load:start");
    report({ step: 1, what: "runtime" });
    const missing = Promise.all(CORE_FILES.map(reachable));
    const snapshot = startingSnapshot();
    const { loadPyodide } = await import(`${INDEX_URL}pyodide.mjs`);
    performance.mark("load:imported");
    report({ step: 2, what: "python" });
    const start = (options) =>
      loadPyodide({
        indexURL: INDEX_URL,
        packageBaseUrl: INDEX_URL,
        stdLibURL: `${INDEX_URL}${STDLIB}`,
        stdout: () => {},
        stderr: () => {},
        // Called once the wasm module is instantiated, before Python starts.
        fsInit: async () => performance.mark("load:wasm"),
        ...options,
      });
    const [{ pyodide, made }] = await Promise.all([startPython(start, snapshot), missing]);
    performance.mark("load:python");
    report({ step: 3, what: "cellrun" });
    const problems = [];
    await pyodide.loadPackage("cellrun", {
      messageCallback: () => {},
      errorCallback: (m) => problems.push(m),
    });
    if (problems.length) throw new Error(problems.join("; "));
    performance.mark("load:cellrun");
    runs = pyodide.runPython("from cellrun.browser import Runs\nRuns()");
    interrupt = message.interrupt;
    breatheSignal = runs.breathe_signal;
    if (interrupt || jspi) pyodide.setInterruptBuffer(interruptBuffer(interrupt));
    performance.mark("load:ready");
    report();
    post({ type: "ready", version: pyodide.version, jspi, restored });
    if (made) keepSnapshot(made);
  } catch (error) {
    post({ type: "failed", message: String(error?.message ?? error) });
  }
}

async function run({ id, code, filename, virtual, seed, lang, uid }) {
  const output = new Output(id);
  current = output;
  const sink = (stream, text) => output.write(stream, text);
  // JavaScript null is not Python None in Pyodide (undefined is).
  const answer = () => post({ type: "stopping", id });
  const args = [
    code,
    filename,
    virtual,
    seed ?? undefined,
    sink,
    pause,
    wake,
    jspi,
    lang,
    uid,
    answer,
  ];
  // Runs only while Python awaits; a run that never awaits sends its events with its output.
  const ticker = setInterval(() => trace(id), TRACE_MS);
  let report;
  try {
    if (jspi) busySince = performance.now();
    report = jspi ? await runs.run.callPromising(...args) : runs.run(...args);
  } catch (error) {
    // Not the snippet's exception (cellrun reports those): the runtime itself failed.
    busySince = 0;
    clearInterval(ticker);
    output.flush();
    current = null;
    post({
      type: "done",
      id,
      outcome: null,
      failure: String(error?.message ?? error),
      dropped: output.dropped,
    });
    return;
  }
  busySince = 0;
  clearInterval(ticker);
  output.flush();
  current = null;
  post({ type: "done", id, outcome: JSON.parse(report), dropped: output.dropped, jspi });
}

self.onmessage = ({ data }) => {
  if (data.type === "init") queue = load(data);
  else if (data.type === "run") queue = queue.then(() => run(data));
  else if (data.type === "stop") {
    runs?.stop();
    // Taken: the client now waits for the run to end instead of replacing this worker.
    post({ type: "stopping", id: data.id });
  }
};
