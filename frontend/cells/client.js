// The worker client: one module worker per page session (kept across instant
// navigation), created on the first sign of intent; matches runs to replies and
// stops a run as Ctrl+C would (its tasks cancelled, or KeyboardInterrupt), replacing the
// worker only when it cannot take the Stop.
//
// How long a Stop takes depends on the program, not on the engine's speed: the worker says
// when it took a Stop ("stopping"), and from then on the run is left to end (cancellation
// may print, or take a while on a slow engine). A worker that says nothing is replaced:
// with JSPI, Python takes messages at least every worker.js BREATHE_MS even in a CPU loop, so
// silence means a long call into C; without JSPI (and without an interrupt buffer) Python
// takes no message until the run ends, so Stop replaces the worker at once.

const WORKER_URL = new URL("./worker.js", import.meta.url);
const ANSWER_MS = 2000; // a worker that can take a Stop says so well within this, even on a busy machine
const LOAD_SILENCE_MS = 60_000; // no news while loading for this long: say so, never hang

let worker = null;
let ready = null; // Promise<{version, jspi}>
let jspi = false; // the worker's Python can pause, so it takes messages during a run
let progress = () => {};
let interrupt = null;
let nextId = 1;
const runs = new Map(); // id -> {onOutput, onTrace, resolve, stopping}

/** Start Pyodide if it is not started yet; resolves when it can run code. */
export function warm(onProgress) {
  if (onProgress) progress = onProgress;
  if (!ready) {
    const starting = spawn();
    ready = starting;
    starting.catch(() => {
      if (ready === starting) ready = null; // a failed load can be retried
    });
  }
  return ready;
}

export function isWarm() {
  return ready !== null;
}

function spawn() {
  return new Promise((resolve, reject) => {
    const fail = (message) => {
      reject(new Error(message));
      discard();
    };
    try {
      worker = new Worker(WORKER_URL, { type: "module", name: "cells" });
    } catch (error) {
      fail(`this browser cannot start a module worker (${error.message})`);
      return;
    }
    performance.mark("cells:worker-created");
    let silence = setTimeout(() => fail("no answer from the Python worker"), LOAD_SILENCE_MS);
    const own = worker;
    worker.onerror = (event) => {
      event.preventDefault?.();
      fail(event.message || `could not load ${WORKER_URL.pathname}`);
    };
    worker.onmessage = ({ data }) => {
      if (worker !== own) return;
      if (data.type === "progress") {
        clearTimeout(silence);
        silence = setTimeout(() => fail("loading Python stalled"), LOAD_SILENCE_MS);
        progress(data);
      } else if (data.type === "ready") {
        clearTimeout(silence);
        jspi = Boolean(data.jspi);
        resolve(data);
      } else if (data.type === "failed") {
        clearTimeout(silence);
        fail(data.message);
      } else if (data.type === "output") {
        runs.get(data.id)?.onOutput(data.chunks);
      } else if (data.type === "trace") {
        runs.get(data.id)?.onTrace(JSON.parse(data.batch));
      } else if (data.type === "stopping") {
        clearTimeout(runs.get(data.id)?.unanswered);
      } else if (data.type === "done") {
        const run = runs.get(data.id);
        runs.delete(data.id);
        run?.resolve({ ...data, stopped: Boolean(run.stopping) });
      }
    };
    interrupt = self.crossOriginIsolated ? new Uint8Array(new SharedArrayBuffer(1)) : null;
    worker.postMessage({ type: "init", interrupt });
  });
}

/** Forget the worker (and fail its runs): the next warm() starts a new one. */
function discard(reason) {
  worker?.terminate();
  worker = null;
  ready = null;
  for (const [id, run] of runs) {
    runs.delete(id);
    run.resolve({
      id,
      outcome: null,
      stopped: Boolean(run.stopping),
      restarted: true,
      failure: reason,
    });
  }
}

/**
 * Run code; onOutput receives [[stream, text], ...] batches as they come, onTrace the
 * timeline's {now, events} batches. lang and uid are for the finished timeline's drawing.
 * Resolves with {outcome, dropped, stopped, restarted, failure}.
 */
export async function run(
  { code, filename, virtual = false, seed = null, lang = "en", uid = "tl" },
  onOutput,
  onTrace,
) {
  await warm();
  const id = nextId++;
  if (interrupt) interrupt[0] = 0;
  const done = new Promise((resolve) =>
    runs.set(id, { onOutput, onTrace, resolve, stopping: false }),
  );
  worker.postMessage({ type: "run", id, code, filename, virtual, seed, lang, uid });
  return { id, done };
}

/**
 * Stop a run as Ctrl+C would; each call is another Ctrl+C (a program may catch one). A worker
 * that does not answer is interrupted (cross-origin isolated pages), then replaced.
 */
export function stop(id) {
  const run = runs.get(id);
  if (!run) return;
  run.stopping = true;
  const alive = () => runs.has(id);
  if (!jspi && !interrupt) {
    discard("restarted");
    return;
  }
  clearTimeout(run.unanswered);
  if (jspi) worker.postMessage({ type: "stop", id });
  else interrupt[0] = 2; // SIGINT: KeyboardInterrupt at the next bytecode, answered from there
  run.unanswered = setTimeout(() => {
    if (!alive()) return;
    if (jspi && interrupt) {
      interrupt[0] = 2;
      run.unanswered = setTimeout(() => alive() && discard("restarted"), ANSWER_MS);
    } else {
      discard("restarted");
    }
  }, ANSWER_MS);
}

export function activeRuns() {
  return [...runs.keys()];
}
