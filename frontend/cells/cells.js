// Page wiring: turns every <div class="cell" data-snippet> into an editor with Run / Stop /
// Reset, Copy / Download / Share and a permalink, on the first page and after every instant
// navigation (Material's document$). Python starts only when a reader shows intent to run.
// Edits are kept for the tab's session and travel in share links (keep.js).

import * as client from "./client.js";
import { createEditor } from "./editor.js";
import { forget, keep, kept, shareLink, sharedInFragment } from "./keep.js";
import { format, labels, language, shortcuts } from "./labels.js";
import { OutputView } from "./output.js";
import { LiveTimeline } from "./timeline.js";

const INPUT_MESSAGE = "input() cannot read anything here";
// A warm run's toolbar and status change with its first output, or after this long.
const HOLD_MS = 100;
let active = null; // the cell running now: {cell, id, done}
let answered = false; // the worker has said it is ready (a warm run needs no load)
let runs = 0; // numbers each run's drawing, whose ids must be unique in the page
const opened = new Map(); // cell id -> what wire() returned, for links into this page

function wireAll() {
  // Instant navigation replaced the page: a run whose cell is gone has no one to report to.
  if (active && !active.cell.isConnected) client.stop(active.id);
  for (const [id, wired] of opened) if (!wired.cell.isConnected) opened.delete(id);
  for (const cell of document.querySelectorAll(".cell[data-snippet]")) {
    const wired = cell.dataset.wired === undefined ? wire(cell) : null;
    if (wired && cell.id) opened.set(cell.id, wired);
  }
  followFragment();
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
  const words = labels();
  const keys = shortcuts();
  const snippet = cell.dataset.snippet;
  const fallback = cell.querySelector(".highlight, pre");
  const original = fallback?.querySelector("code")?.textContent ?? fallback?.textContent ?? "";
  const ui = build(cell, words, keys);
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

  const view = new OutputView(ui.output, {});
  // The reference run's timeline shows until a run of the reader's replaces it; its output
  // (open for readers without JavaScript) folds away beside the live output.
  const timelineBox = cell.querySelector("details.cell-timeline");
  const referenceFigure = timelineBox?.querySelector(".tl-figure");
  const referenceSummary = timelineBox?.querySelector("summary")?.textContent;
  const referenceOutput = cell.querySelector("details.cell-reference");
  if (referenceOutput) referenceOutput.open = false;
  let timeline = null; // the latest run's {live drawing, events waiting for it}
  const edited = () => {
    const text = editor.text;
    if (text === original) {
      delete cell.dataset.edited;
      forget(snippet);
    } else {
      cell.dataset.edited = "";
      keep(snippet, text);
    }
  };
  // The highlighted code is the editor; CodeMirror takes its place once the reader edits.
  const editor = createEditor(fallback, ui.mount, {
    label: format(words.editor, keys),
    onRun: () => start(),
    onChange: edited,
  });
  const restore = kept(snippet);
  if (restore !== null && restore !== original) {
    editor.text = restore;
    edited();
    ui.note.textContent = words.kept;
  }

  // While held, state and status are kept but not shown: on a warm click, the frame that
  // repainted the toolbar and status held back the worker's first output message (measured:
  // the line came ~16 ms after the worker sent it, under load), so what the click changes on
  // screen goes in with the first output, in one frame. data-state is never held.
  let held = false;
  let holdTimer = 0;
  let status = "";
  const paint = () => {
    const running = cell.dataset.state === "loading" || cell.dataset.state === "running";
    ui.stop.setAttribute("aria-disabled", String(!running));
    ui.run.setAttribute("aria-disabled", String(running));
    if (!running) ui.progress.hidden = true;
    if (ui.status.textContent !== status) ui.status.textContent = status;
  };
  const release = () => {
    if (!held) return;
    held = false;
    clearTimeout(holdTimer);
    paint();
  };
  const setState = (state) => {
    cell.dataset.state = state;
    if (!held) paint();
  };
  const say = (text) => {
    status = text;
    if (!held) ui.status.textContent = text;
  };
  const showProgress = (step) => {
    if (cell.dataset.state !== "loading") return;
    const mb = (bytes) => (bytes / 1e6).toFixed(1);
    if (step.total) {
      Object.assign(ui.progress, {
        hidden: false,
        max: step.total,
        value: Math.min(step.bytes, step.total),
      });
      ui.progress.setAttribute(
        "aria-valuetext",
        format(words.progress, { done: mb(step.bytes), total: mb(step.total) }),
      );
    }
    say(
      step.total && step.bytes < step.total
        ? format(words.progress, { done: mb(step.bytes), total: mb(step.total) })
        : (words.step[step.what] ?? words.loading),
    );
  };

  async function start() {
    if (cell.dataset.state === "loading" || cell.dataset.state === "running") return;
    if (typeof WebAssembly !== "object") {
      setState("error");
      say(words.noWasm);
      return;
    }
    performance.clearMarks("cells:run");
    performance.mark("cells:run");
    if (answered && !active) {
      held = true;
      holdTimer = setTimeout(release, HOLD_MS);
    }
    if (!ui.retry.hidden) ui.retry.hidden = true;
    view.restart();
    view.onFirstText = () => {
      performance.measure("cells:click-to-first-output", "cells:run");
      release();
    };
    if (active) {
      client.stop(active.id);
      await active.done.catch(() => {});
    }
    const virtual = cell.dataset.clock === "virtual";
    const seed = cell.dataset.seed ? Number(cell.dataset.seed) : null;
    let info;
    try {
      if (!client.isWarm() || cell.dataset.state !== "running") setState("loading");
      say(words.loading);
      info = await client.warm(showProgress);
      answered = true;
      if (info.restored && !info.announced) {
        info.announced = true; // once per worker: its first run says where Python came from
        ui.note.textContent = words.restored;
      }
    } catch (error) {
      answered = false;
      release();
      view.clear();
      setState("error");
      say(format(words.loadFailed, { reason: error.message }));
      ui.retry.hidden = false;
      return;
    }
    setState("running");
    say(words.running);
    const began = performance.now();
    const uid = `tl-run-${++runs}`;
    // The live drawing starts two frames after the first events, so the frame that shows the
    // first output does not also build it (a warm re-run's first output came later: measured).
    const run = { live: null, batches: [] };
    timeline = run;
    const draw = () => {
      if (timeline !== run || run.live || !timelineBox) return;
      run.live = new LiveTimeline(timelineBox, {
        words: words.timeline,
        lang: language(),
        virtual,
      });
      for (const batch of run.batches.splice(0)) run.live.add(batch);
    };
    const { id, done } = await client.run(
      {
        code: editor.text,
        filename: snippet.split("/").pop(),
        virtual,
        seed,
        lang: language(),
        uid,
      },
      (chunks) => view.append(chunks),
      (batch) => {
        if (run.live) run.live.add(batch);
        else if (run.batches.push(batch) === 1)
          requestAnimationFrame(() => requestAnimationFrame(draw));
      },
    );
    active = { cell, id, done };
    const result = await done;
    if (active?.id === id) active = null;
    view.render();
    if (timeline === run) {
      draw();
      const { timeline_html: html, timeline_table: table, timeline: final } = result.outcome ?? {};
      run.live?.finish(html, table, final);
    }
    finish(result, ((performance.now() - began) / 1000).toFixed(1), info, virtual);
  }

  function finish(result, t, info, virtual) {
    release();
    const { outcome, stopped, restarted, failure } = result;
    if (restarted) answered = false; // a new worker loads first
    const notes = [];
    if (stopped) {
      setState("stopped");
      notes.push(format(restarted ? words.restarted : words.stopped, { t }));
    } else if (!outcome) {
      setState("error");
      notes.push(format(words.runFailed, { reason: failure ?? "?" }));
      ui.retry.hidden = false;
    } else if (outcome.exit_code === 0) {
      setState("done");
      notes.push(format(words.done, { t }) + (virtual ? words.virtual : ""));
    } else {
      setState("error");
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
    say(notes.join(" "));
  }

  const intent = () => {
    if (typeof WebAssembly === "object") client.warm().catch(() => {});
  };
  ui.run.addEventListener("pointerenter", intent, { once: true });
  ui.run.addEventListener("focus", intent, { once: true });
  ui.run.addEventListener("click", () => start());
  ui.retry.addEventListener("click", () => start());
  ui.stop.addEventListener("click", () => {
    if (active?.cell === cell) client.stop(active.id);
  });
  ui.reset.addEventListener("click", () => {
    if (active?.cell === cell) client.stop(active.id);
    editor.text = original;
    edited();
    view.clear();
    if (timeline && referenceFigure) {
      timeline.live?.halt();
      timeline = null;
      timelineBox.querySelector(".tl-figure").replaceWith(referenceFigure);
      timelineBox.querySelector("summary").textContent = referenceSummary;
      delete timelineBox.dataset.source;
    }
    say("");
    ui.note.textContent = "";
    if (cell.dataset.state !== "loading" && cell.dataset.state !== "running") setState("idle");
    editor.focus();
  });
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
    const save = element("a", "", { href: url, download: snippet.split("/").pop() });
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
  // Ctrl/Cmd+Enter from anywhere in the cell (the editor handles its own).
  cell.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && !event.defaultPrevented) {
      event.preventDefault();
      start();
    }
  });

  /** Code from a share link: shown as an edit, or the original with a message when it does not decode. */
  const receive = (code) =>
    code.then(
      (text) => {
        editor.text = text;
        edited();
        ui.note.textContent = words.sharedHere;
      },
      () => {
        ui.note.textContent = words.badShare;
      },
    );
  return { cell, receive };
}

window.addEventListener("hashchange", followFragment);
if (window.document$?.subscribe) window.document$.subscribe(wireAll);
else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", wireAll);
else wireAll();
