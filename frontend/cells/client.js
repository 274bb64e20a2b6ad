// The worker client: one module worker per page session (kept across instant
// navigation), created on the first sign of intent; matches runs to replies and
// stops a run by cancelling its tasks, then interrupting, then replacing the worker.

const WORKER_URL = new URL("./worker.js", import.meta.url);
const CANCEL_GRACE_MS = 400; // async code stops at once when its tasks are cancelled
const INTERRUPT_GRACE_MS = 1500; // a CPU loop sees the interrupt at its next bytecode
const LOAD_SILENCE_MS = 60_000; // no news while loading for this long: say so, never hang

let worker = null;
let ready = null; // Promise<{version, jspi}>
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
        resolve(data);
      } else if (data.type === "failed") {
        clearTimeout(silence);
        fail(data.message);
      } else if (data.type === "output") {
        runs.get(data.id)?.onOutput(data.chunks);
      } else if (data.type === "trace") {
        runs.get(data.id)?.onTrace(JSON.parse(data.batch));
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

/** Stop a run: cancel its tasks; if it goes on, interrupt it; if it still goes on, replace the worker. */
export function stop(id) {
  const run = runs.get(id);
  if (!run || run.stopping) return;
  run.stopping = true;
  const alive = () => runs.has(id);
  worker.postMessage({ type: "stop", id });
  setTimeout(() => {
    if (!alive()) return;
    if (interrupt) {
      interrupt[0] = 2; // SIGINT: KeyboardInterrupt at the next bytecode
      setTimeout(() => alive() && discard("restarted"), INTERRUPT_GRACE_MS);
    } else {
      discard("restarted");
    }
  }, CANCEL_GRACE_MS);
}

export function activeRuns() {
  return [...runs.keys()];
}
