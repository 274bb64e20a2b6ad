// A cell's run state as the reader sees it: data-state, the Run / Stop buttons that follow it,
// the status line (role=status) and the load's progress bar.

import { format } from "./labels.js";

// A warm run's toolbar and status change with its first output, or after this long.
const HOLD_MS = 100;

export class StatusLine {
  constructor(cell, ui, words) {
    this.cell = cell;
    this.ui = ui;
    this.words = words;
    // While held, state and status are kept but not shown: on a warm click, the frame that
    // repainted the toolbar and status held back the worker's first output message (measured:
    // the line came ~16 ms after the worker sent it, under load), so what the click changes on
    // screen goes in with the first output, in one frame. data-state is never held.
    this.held = false;
    this.holdTimer = 0;
    this.status = "";
  }

  get busy() {
    return this.cell.dataset.state === "loading" || this.cell.dataset.state === "running";
  }

  hold() {
    this.held = true;
    this.holdTimer = setTimeout(() => this.release(), HOLD_MS);
  }

  release() {
    if (!this.held) return;
    this.held = false;
    clearTimeout(this.holdTimer);
    this.paint();
  }

  setState(state) {
    this.cell.dataset.state = state;
    if (!this.held) this.paint();
  }

  say(text) {
    this.status = text;
    if (!this.held) this.ui.status.textContent = text;
  }

  paint() {
    const { ui } = this;
    const running = this.busy;
    ui.stop.setAttribute("aria-disabled", String(!running));
    ui.run.setAttribute("aria-disabled", String(running));
    if (!running) ui.progress.hidden = true;
    if (ui.status.textContent !== this.status) ui.status.textContent = this.status;
  }

  /** One step of the load (client.warm's onProgress): the bar when sizes are known, and a line. */
  progress(step) {
    if (this.cell.dataset.state !== "loading") return;
    const { ui, words } = this;
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
    this.say(
      step.total && step.bytes < step.total
        ? format(words.progress, { done: mb(step.bytes), total: mb(step.total) })
        : (words.step[step.what] ?? words.loading),
    );
  }
}
