// Page wiring: turns every <div class="cell" data-snippet> into an editor with Run / Stop /
// Reset, Copy / Download / Share and a permalink, on the first page and after every instant
// navigation (Material's document$). Python starts only when a reader shows intent to run.
// Edits are kept for the tab's session and travel in share links (keep.js).

import * as client from "./client.js";
import { Drawing } from "./drawing.js";
import { createEditor } from "./editor.js";
import { forget, keep, kept, shareLink, sharedInFragment } from "./keep.js";
import { format, labels, language, shortcuts } from "./labels.js";
import { OutputView } from "./output.js";
import { StatusLine } from "./status.js";

const INPUT_MESSAGE = "input() cannot read anything here";
let active = null; // the cell running now: {cell, id, done}
let answered = false; // the worker has said it is ready (a warm run needs no load)
let runs = 0; // numbers each run's drawing, whose ids must be unique in the page
const opened = new Map(); // cell id -> what wire() returned, for links into this page
let rounds = 0; // wireAll calls: a page change starts a new round, and the older one stops

function wireAll() {
  // Instant navigation replaced the page: a run whose cell is gone has no one to report to.
  if (active && !active.cell.isConnected) client.stop(active.id);
  for (const [id, wired] of opened) if (!wired.cell.isConnected) opened.delete(id);
  const round = ++rounds;
  const waiting = [...document.querySelectorAll(".cell[data-snippet]")];
  // One cell a frame: wiring changes a cell's subtree, which the browser restyles before the
  // next paint. All cells in one task, on a long page, made a task of 40-70 ms (Chromium).
  const next = () => {
    if (round !== rounds) return;
    const cell = waiting.shift();
    if (!cell) return followFragment();
    if (cell.isConnected && cell.dataset.wired === undefined) {
      const wired = wire(cell);
      if (cell.id) opened.set(cell.id, wired);
    }
    // No frames in a hidden tab: nothing to spread them over.
    if (document.hidden) next();
    else requestAnimationFrame(next);
  };
  next();
}

/** Open what the URL's fragment points at: a cell (scroll, focus), or a cell with shared code. */
function followFragment() {
  const shared = sharedInFragment();
  const id = shared ? shared.id : decodeURIComponent(location.hash.slice(1));
  const target = opened.get(id);
  if (!target) return;
  target.cell.scrollIntoView({ block: "start" });
  target.cell.focus({ preventScroll: true });
  if (shared) target.receive(shared.code);
}

const element = (tag, className, extra = {}) =>
  Object.assign(document.createElement(tag), { className, ...extra });

const button = (name, text, extra = {}) =>
  element("button", `md-button cell-${name}`, { type: "button", textContent: text, ...extra });

/** The cell's controls and regions, in the order they appear under the code. */
function build(cell, words, keys) {
  const ui = {
    run: button("run", words.run, { title: format(words.runTitle, keys) }),
    stop: button("stop", words.stop),
    reset: button("reset", words.reset),
    retry: button("retry", words.retry, { hidden: true }),
    copy: button("copy", words.copy),
    download: button("download", words.download),
    share: button("share", words.share),
    link: element("a", "cell-permalink", {
      href: `#${cell.id}`,
      textContent: "#",
      title: words.permalink,
    }),
    clock: element("input", "cell-clock", { type: "checkbox" }),
    toolbar: element("div", "cell-toolbar"),
    status: element("div", "cell-status"),
    progress: element("progress", "cell-progress", { hidden: true }),
    note: element("p", "cell-note"),
    output: element("pre", "cell-output", { tabIndex: 0 }),
    mount: element("div", "cell-editor"),
  };
  ui.stop.setAttribute("aria-disabled", "true");
  ui.link.setAttribute("aria-label", words.permalink);
  ui.link.hidden = !cell.id;
  // Real time by default; the virtual clock runs a snippet's sleeps at once (as the tests do).
  ui.clock.checked = cell.dataset.clock === "virtual";
  const clockLabel = element("label", "cell-clock-label");
  clockLabel.append(ui.clock, " ", words.clock);
  const help = element("details", "cell-keys");
  help.append(
    element("summary", "", { textContent: words.keyboard }),
    element("p", "", { textContent: format(words.keys, keys) }),
  );
  ui.toolbar.append(
    ui.run,
    ui.stop,
    ui.reset,
    ui.retry,
    ui.copy,
    ui.download,
    ui.share,
    ui.link,
    help,
    clockLabel,
  );
  ui.status.setAttribute("role", "status");
  // Announced, but not a second role=status: the cell contract has one status, the run's.
  ui.note.setAttribute("aria-live", "polite");
  ui.progress.setAttribute("aria-label", words.loading);
  ui.output.setAttribute("role", "log");
  ui.output.setAttribute("aria-label", words.output);
  return ui;
}

function wire(cell) {
  cell.dataset.wired = "";
  cell.tabIndex = -1; // a permalink focuses the cell itself
  const c = new Cell(cell);
  wireRun(c);
  c.ui.reset.addEventListener("click", () => c.reset());
  wirePlayground(c);
  return { cell, receive: (code) => c.receive(code) };
}

/** Run, Retry and Stop, and Ctrl/Cmd+Enter; pointing at Run (or focusing it) starts Python. */
function wireRun(c) {
  const { cell, ui } = c;
  const intent = () => {
    if (typeof WebAssembly === "object") client.warm().catch(() => {});
  };
  ui.run.addEventListener("pointerenter", intent, { once: true });
  ui.run.addEventListener("focus", intent, { once: true });
  ui.run.addEventListener("click", () => c.start());
  ui.retry.addEventListener("click", () => c.start());
  ui.stop.addEventListener("click", () => {
    if (active?.cell === cell) client.stop(active.id);
  });
  // Ctrl/Cmd+Enter from anywhere in the cell (the editor handles its own).
  cell.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && !event.defaultPrevented) {
      event.preventDefault();
      c.start();
    }
  });
}

/** Copy, Download and Share: the editor's text, whatever state the run is in. */
function wirePlayground(c) {
  const { cell, ui, words, editor } = c;
  const clipboard = async (text, done) => {
    try {
      await navigator.clipboard.writeText(text);
      ui.note.textContent = done;
    } catch {
      ui.note.textContent = words.clipboardFailed;
    }
  };
  ui.copy.addEventListener("click", () => clipboard(editor.text, words.copied));
  ui.download.addEventListener("click", () => {
    const url = URL.createObjectURL(new Blob([editor.text], { type: "text/x-python" }));
    const save = element("a", "", { href: url, download: c.snippet.split("/").pop() });
    save.hidden = true;
    document.body.append(save);
    save.click();
    save.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  });
  ui.share.addEventListener("click", async () => {
    const url = await shareLink(cell.id, editor.text);
    await clipboard(url, format(words.shared, { url }));
  });
}

/** One cell's parts (controls, editor, output, status, drawing) and what it does with them. */
class Cell {
  constructor(cell) {
    const words = labels();
    const keys = shortcuts();
    const snippet = cell.dataset.snippet;
    const fallback = cell.querySelector(".highlight, pre");
    const original = fallback?.querySelector("code")?.textContent ?? fallback?.textContent ?? "";
    const ui = build(cell, words, keys);
    Object.assign(this, { cell, words, snippet, original, ui });
    (fallback ?? cell.firstChild).after(
      ui.mount,
      ui.toolbar,
      ui.status,
      ui.progress,
      ui.note,
      ui.output,
    );
    ui.clock.addEventListener("change", () => {
      if (ui.clock.checked) cell.dataset.clock = "virtual";
      else delete cell.dataset.clock;
    });
    this.status = new StatusLine(cell, ui, words);
    this.view = new OutputView(ui.output, {});
    this.drawing = new Drawing(cell, words.timeline);
    // The highlighted code is the editor; CodeMirror takes its place once the reader edits.
    this.editor = createEditor(fallback, ui.mount, {
      label: format(words.editor, keys),
      onRun: () => this.start(),
      onChange: () => this.edited(),
    });
    const restore = kept(snippet);
    if (restore !== null && restore !== original) {
      this.editor.text = restore;
      this.edited();
      ui.note.textContent = words.kept;
    }
  }

  edited() {
    const { cell, snippet } = this;
    const text = this.editor.text;
    if (text === this.original) {
      delete cell.dataset.edited;
      forget(snippet);
    } else {
      cell.dataset.edited = "";
      keep(snippet, text);
    }
  }

  async start() {
    const { cell, status, view, words } = this;
    if (status.busy) return;
    if (typeof WebAssembly !== "object") {
      status.setState("error");
      status.say(words.noWasm);
      return;
    }
    performance.clearMarks("cells:run");
    performance.mark("cells:run");
    if (answered && !active) status.hold();
    if (!this.ui.retry.hidden) this.ui.retry.hidden = true;
    view.restart();
    view.onFirstText = () => {
      performance.measure("cells:click-to-first-output", "cells:run");
      status.release();
    };
    if (active) {
      client.stop(active.id);
      await active.done.catch(() => {});
    }
    const virtual = cell.dataset.clock === "virtual";
    const seed = cell.dataset.seed ? Number(cell.dataset.seed) : null;
    const info = await this.load();
    if (!info) return;
    status.setState("running");
    status.say(words.running);
    const began = performance.now();
    const result = await this.execute(virtual, seed);
    this.finish(result, ((performance.now() - began) / 1000).toFixed(1), info, virtual);
  }

  /** Python, loaded if it is not yet: the worker's info, or null (and an error shown) if it failed. */
  async load() {
    const { cell, status, words } = this;
    try {
      if (!client.isWarm() || cell.dataset.state !== "running") status.setState("loading");
      status.say(words.loading);
      const info = await client.warm((step) => status.progress(step));
      answered = true;
      if (info.restored && !info.announced) {
        info.announced = true; // once per worker: its first run says where Python came from
        this.ui.note.textContent = words.restored;
      }
      return info;
    } catch (error) {
      answered = false;
      status.release();
      this.view.clear();
      status.setState("error");
      status.say(format(words.loadFailed, { reason: error.message }));
      this.ui.retry.hidden = false;
      return null;
    }
  }

  /** The editor's code run in the worker, its output and timeline shown as they come. */
  async execute(virtual, seed) {
    const { cell, view } = this;
    const uid = `tl-run-${++runs}`;
    const drawing = this.drawing.begin(virtual);
    const { id, done } = await client.run(
      {
        code: this.editor.text,
        filename: this.snippet.split("/").pop(),
        virtual,
        seed,
        lang: language(),
        uid,
      },
      (chunks) => view.append(chunks),
      drawing.add,
    );
    active = { cell, id, done };
    const result = await done;
    if (active?.id === id) active = null;
    view.render();
    drawing.end(result.outcome);
    return result;
  }

  finish(result, t, info, virtual) {
    const { status, words, view } = this;
    status.release();
    const { outcome, stopped, restarted, failure } = result;
    if (restarted) answered = false; // a new worker loads first
    const notes = [];
    if (stopped) {
      status.setState("stopped");
      notes.push(format(restarted ? words.restarted : words.stopped, { t }));
    } else if (!outcome) {
      status.setState("error");
      notes.push(format(words.runFailed, { reason: failure ?? "?" }));
      this.ui.retry.hidden = false;
    } else if (outcome.exit_code === 0) {
      status.setState("done");
      notes.push(format(words.done, { t }) + (virtual ? words.virtual : ""));
    } else {
      status.setState("error");
      const exc = outcome.exception;
      notes.push(
        exc
          ? format(words.error, { exc: exc.type, t })
          : format(words.exit, { code: outcome.exit_code, t }),
      );
      if (exc?.type === "EOFError" && exc.message.startsWith(INPUT_MESSAGE))
        notes.push(words.input);
    }
    const dropped = {
      lines: (result.dropped?.lines ?? 0) + view.dropped.lines,
      bytes: (result.dropped?.bytes ?? 0) + view.dropped.bytes,
    };
    if (dropped.bytes) notes.push(format(words.dropped, dropped));
    if (info && !info.jspi && !virtual) notes.push(words.noJspi);
    status.say(notes.join(" "));
  }

  reset() {
    const { cell, status } = this;
    if (active?.cell === cell) client.stop(active.id);
    this.editor.text = this.original;
    this.edited();
    this.view.clear();
    this.drawing.restore();
    status.say("");
    this.ui.note.textContent = "";
    if (!status.busy) status.setState("idle");
    this.editor.focus();
  }

  /** Code from a share link: shown as an edit, or the original with a message when it does not decode. */
  receive(code) {
    return code.then(
      (text) => {
        this.editor.text = text;
        this.edited();
        this.ui.note.textContent = this.words.sharedHere;
      },
      () => {
        this.ui.note.textContent = this.words.badShare;
      },
    );
  }
}

window.addEventListener("hashchange", followFragment);
if (window.document$?.subscribe) window.document$.subscribe(wireAll);
else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", wireAll);
else wireAll();
