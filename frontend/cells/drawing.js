// A cell's timeline drawing: the reference run's (from the build), or the live drawing
// (timeline.js) of the reader's latest run; Reset puts the reference back.

import { language } from "./labels.js";
import { LiveTimeline } from "./timeline.js";

export class Drawing {
  constructor(cell, words) {
    this.words = words; // the timeline's labels
    // The reference run's timeline shows until a run of the reader's replaces it; its output
    // (open for readers without JavaScript) folds away beside the live output.
    this.box = cell.querySelector("details.cell-timeline");
    this.referenceFigure = this.box?.querySelector(".tl-figure");
    this.referenceSummary = this.box?.querySelector("summary")?.textContent;
    const referenceOutput = cell.querySelector("details.cell-reference");
    if (referenceOutput) referenceOutput.open = false;
    this.latest = null; // the latest run's {live drawing, events waiting for it}
  }

  /** A new run's drawing: add(batch) takes its events as they come, end(outcome) its result. */
  begin(virtual) {
    // The live drawing starts two frames after the first events, so the frame that shows the
    // first output does not also build it (a warm re-run's first output came later: measured).
    const run = { live: null, batches: [] };
    this.latest = run;
    const draw = () => {
      if (this.latest !== run || run.live || !this.box) return;
      run.live = new LiveTimeline(this.box, { words: this.words, lang: language(), virtual });
      for (const batch of run.batches.splice(0)) run.live.add(batch);
    };
    const add = (batch) => {
      if (run.live) run.live.add(batch);
      else if (run.batches.push(batch) === 1)
        requestAnimationFrame(() => requestAnimationFrame(draw));
    };
    const end = (outcome) => {
      if (this.latest !== run) return;
      draw();
      const { timeline_html: html, timeline_table: table, timeline: final } = outcome ?? {};
      run.live?.finish(html, table, final);
    };
    return { add, end };
  }

  /** Back to the reference run's drawing, if a run of the reader's replaced it. */
  restore() {
    if (!this.latest || !this.referenceFigure) return;
    this.latest.live?.halt();
    this.latest = null;
    this.box.querySelector(".tl-figure").replaceWith(this.referenceFigure);
    this.box.querySelector("summary").textContent = this.referenceSummary;
    delete this.box.dataset.source;
  }
}
