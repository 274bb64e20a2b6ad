// Page wiring: turns every <div class="cell" data-snippet> into an editor with
// Run / Stop / Reset, on the first page and after every instant navigation
// (Material's document$). Python starts only when a reader shows intent to run.

import * as client from "./client.js";
import { createEditor } from "./editor.js";
import { format, labels, language } from "./labels.js";
import { OutputView } from "./output.js";
import { LiveTimeline } from "./timeline.js";

const INPUT_MESSAGE = "input() cannot read anything here";
let active = null; // the cell running now: {cell, id, done}
let runs = 0; // numbers each run's drawing, whose ids must be unique in the page

function wireAll() {
  // Instant navigation replaced the page: a run whose cell is gone has no one to report to.
  if (active && !active.cell.isConnected) client.stop(active.id);
  for (const cell of document.querySelectorAll(".cell[data-snippet]:not([data-wired])")) wire(cell);
}

function wire(cell) {
  cell.dataset.wired = "";
  const words = labels();
  const fallback = cell.querySelector(".highlight, pre");
  const original = fallback?.querySelector("code")?.textContent ?? fallback?.textContent ?? "";

  const button = (name, text, extra = {}) => {
    const element = Object.assign(document.createElement("button"), { type: "button", textContent: text, ...extra });
    element.className = `md-button cell-${name}`;
    return element;
  };
  const run = button("run", words.run, { title: words.runTitle });
  const stop = button("stop", words.stop);
  const reset = button("reset", words.reset);
  const retry = button("retry", words.retry, { hidden: true });
  stop.setAttribute("aria-disabled", "true");
  const toolbar = Object.assign(document.createElement("div"), { className: "cell-toolbar" });
  // Real time by default; the virtual clock runs a snippet's sleeps at once (as the tests do).
  const clock = Object.assign(document.createElement("input"), { type: "checkbox", className: "cell-clock" });
  clock.checked = cell.dataset.clock === "virtual";
  clock.addEventListener("change", () => {
    if (clock.checked) cell.dataset.clock = "virtual";
    else delete cell.dataset.clock;
  });
  const clockLabel = Object.assign(document.createElement("label"), { className: "cell-clock-label" });
  clockLabel.append(clock, " ", words.clock);
  toolbar.append(run, stop, reset, retry, clockLabel);
  const status = Object.assign(document.createElement("div"), { className: "cell-status" });
  status.setAttribute("role", "status");
  const output = Object.assign(document.createElement("pre"), { className: "cell-output", tabIndex: 0 });
  output.setAttribute("role", "log");
  output.setAttribute("aria-label", words.output);
  const mount = Object.assign(document.createElement("div"), { className: "cell-editor" });
  (fallback ?? cell.firstChild).after(mount, toolbar, status, output);

  const view = new OutputView(output, {});
  // The reference run's timeline shows until a run of the reader's replaces it; its output
  // (open for readers without JavaScript) folds away beside the live output.
  const timelineBox = cell.querySelector("details.cell-timeline");
  const referenceFigure = timelineBox?.querySelector(".tl-figure");
  const referenceSummary = timelineBox?.querySelector("summary")?.textContent;
  const referenceOutput = cell.querySelector("details.cell-reference");
  if (referenceOutput) referenceOutput.open = false;
  let timeline = null; // the latest run's {live drawing, events waiting for it}
  // The highlighted code is the editor; CodeMirror takes its place once the reader edits.
  const editor = createEditor(fallback, mount, { label: words.editor, onRun: () => start() });

  const setState = (state) => {
    cell.dataset.state = state;
    const running = state === "loading" || state === "running";
    stop.setAttribute("aria-disabled", String(!running));
    run.setAttribute("aria-disabled", String(running));
  };
  const say = (text) => {
    status.textContent = text;
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
    retry.hidden = true;
    view.clear();
    view.onFirstText = () => performance.measure("cells:click-to-first-output", "cells:run");
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
      info = await client.warm((p) => cell.dataset.state === "loading" && say(words.step[p.what] ?? words.loading));
    } catch (error) {
      setState("error");
      say(format(words.loadFailed, { reason: error.message }));
      retry.hidden = false;
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
      run.live = new LiveTimeline(timelineBox, { words: words.timeline, lang: language(), virtual });
      for (const batch of run.batches.splice(0)) run.live.add(batch);
    };
    const { id, done } = await client.run(
      { code: editor.text, filename: cell.dataset.snippet.split("/").pop(), virtual, seed, lang: language(), uid },
      (chunks) => view.append(chunks),
      (batch) => {
        if (run.live) run.live.add(batch);
        else if (run.batches.push(batch) === 1) requestAnimationFrame(() => requestAnimationFrame(draw));
      },
    );
    active = { cell, id, done };
    const result = await done;
    if (active?.id === id) active = null;
    view.render();
    if (timeline === run) {
      draw();
      run.live?.finish(result.outcome?.timeline_html, result.outcome?.timeline_table);
    }
    finish(result, ((performance.now() - began) / 1000).toFixed(1), info, virtual);
  }

  function finish(result, t, info, virtual) {
    const { outcome, stopped, restarted, failure } = result;
    const notes = [];
    if (stopped) {
      setState("stopped");
      notes.push(format(restarted ? words.restarted : words.stopped, { t }));
    } else if (!outcome) {
      setState("error");
      notes.push(format(words.runFailed, { reason: failure ?? "?" }));
      retry.hidden = false;
    } else if (outcome.exit_code === 0) {
      setState("done");
      notes.push(format(words.done, { t }) + (virtual ? words.virtual : ""));
    } else {
      setState("error");
      const exc = outcome.exception;
      notes.push(exc ? format(words.error, { exc: exc.type, t }) : format(words.exit, { code: outcome.exit_code, t }));
      if (exc?.type === "EOFError" && exc.message.startsWith(INPUT_MESSAGE)) notes.push(words.input);
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
  run.addEventListener("pointerenter", intent, { once: true });
  run.addEventListener("focus", intent, { once: true });
  run.addEventListener("click", () => start());
  retry.addEventListener("click", () => start());
  stop.addEventListener("click", () => {
    if (active?.cell === cell) client.stop(active.id);
  });
  reset.addEventListener("click", () => {
    if (active?.cell === cell) client.stop(active.id);
    editor.text = original;
    view.clear();
    if (timeline && referenceFigure) {
      timeline.live?.halt();
      timeline = null;
      timelineBox.querySelector(".tl-figure").replaceWith(referenceFigure);
      timelineBox.querySelector("summary").textContent = referenceSummary;
      delete timelineBox.dataset.source;
    }
    say("");
    if (cell.dataset.state !== "loading" && cell.dataset.state !== "running") setState("idle");
    editor.focus();
  });
  // Ctrl/Cmd+Enter from anywhere in the cell (the editor handles its own).
  cell.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && !event.defaultPrevented) {
      event.preventDefault();
      start();
    }
  });
}

if (window.document$?.subscribe) window.document$.subscribe(wireAll);
else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", wireAll);
else wireAll();
