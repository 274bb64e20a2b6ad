// The live timeline: draws a run's tasks while the worker reports them (cellrun.timeline
// events), in the structure and classes of the SVG that cellrun/svg.py draws, and gives
// way to that drawing (with its table) when the run ends.
//
// The page stays free with 1,000 tasks: DOM work happens once per animation frame, and
// bars are drawn in seconds and rows inside a nested <svg> whose viewBox does the scaling
// (a transform would restyle every bar when it changes; a viewBox does not), reach far to
// the right while they run,
// and a curtain in the page's colour hides the future: a frame moves the curtain alone, on
// its own compositor layer, so the drawing is not even repainted (a moving clip or bar
// widths repaint every bar: tens of ms per frame for 1,000 bars, measured in Chromium). Past MAX_ROWS tasks the rows
// shrink and lose their labels, and the bars are drawn as one path per outcome: a frame then
// restyles, lays out and paints four elements instead of adding a hundred and more <rect>s to
// a thousand (the batching page's frames took 100-500 ms of rendering under load, measured). When the run ends, the drawing settles where cellrun/svg.py
// draws the same run (lanes, scale, axis, markers, height), then that drawing takes over,
// a slice a frame, so neither step holds the page (226 ms for 1,000 tasks in one go).

import { format } from "./labels.js";

/* global TIMELINE */
// cellrun/svg.py's geometry, tick steps, label packing and words, written into the bundle by
// the build (hooks/cells.py, from cellrun.svg.browser_values()): one source for both drawings.
const {
  width: WIDTH,
  labelWidth: LABEL_WIDTH,
  right: RIGHT,
  top: TOP,
  row: ROW,
  bar: BAR,
  line: LINE,
  bottom: BOTTOM,
  maxRows: MAX_ROWS,
  compactHeight: COMPACT_HEIGHT,
  tickSteps: STEPS,
  maxTicks: MAX_TICKS,
  short: SHORT,
  markerLabel: MARKER_LABEL,
  markerGap: MARKER_GAP,
  markerNames: MARKER_NAMES,
  words: PYTHON_WORDS,
} = TIMELINE;
const NS = "http://www.w3.org/2000/svg";
const PLOT = WIDTH - LABEL_WIDTH - RIGHT;
const SPANS = [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600]; // the axis while running
const FOREVER = 1e7; // seconds: a running bar reaches this far, behind the curtain after "now"
const EVENTS_PER_FRAME = 150;
const BARS_PER_FRAME = 250; // settling and the finished drawing's insertion, per frame

const svg = (name, attributes = {}, text) => {
  const element = document.createElementNS(NS, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
  if (text !== undefined) element.textContent = text;
  return element;
};

export class LiveTimeline {
  /**
   * Replaces the drawing inside `container` (a <details class="cell-timeline">) with a live one.
   * words: labels().timeline. The page links the drawing's CSS (assets/cells/timeline.css).
   */
  constructor(container, { words, lang, virtual }) {
    const python = PYTHON_WORDS[lang] ?? PYTHON_WORDS.en;
    this.words = {
      ...words,
      seconds: python.seconds,
      timeout: python.timeout,
      outcomes: {
        ...words.outcomes,
        done: python.done,
        failed: python.failed,
        cancelled: python.cancelled,
        pending: python.pending,
      },
    };
    words = this.words;
    this.virtual = virtual;
    this.tasks = []; // by id: {id, name, label, coro, start, end, outcome, detail, and (few tasks) bar, row, text, tip}
    this.paths = new Map(); // outcome -> <path>: every bar while the tasks are too many for rows
    this.repath = false; // a bar changed since the paths were drawn
    this.markers = [];
    this.pending = [];
    this.latest = 0; // the latest instant an event carried
    this.clock = null; // {at, stamp}: the run's clock at a performance.now() stamp (real time)
    this.span = SPANS[0];
    this.lines = 0; // lines of marker labels below the rows
    this.height = 0;
    this.frame = 0;
    this.finished = false;

    this.drawing = svg("svg", {
      "data-timeline": "",
      "data-live": "",
      class: "tl",
      width: "100%",
      role: "group",
      lang,
    });
    this.title = svg("title", {}, words.live);
    this.drawing.append(this.title);
    this.axis = svg("g", { class: "tl-axis", "aria-hidden": "true" });
    this.rows = svg("g", { class: "tl-rows" });
    this.scaled = svg("svg", { x: LABEL_WIDTH, y: TOP, width: PLOT, preserveAspectRatio: "none" }); // the bars
    this.labels = svg("g");
    this.marks = svg("g", { class: "tl-markers" });
    this.rows.append(this.scaled, this.labels);
    this.drawing.append(this.axis, this.rows, this.marks);
    this.curtain = Object.assign(document.createElement("div"), { className: "tl-curtain" });
    const stage = Object.assign(document.createElement("div"), { className: "tl-stage" });
    stage.append(this.drawing, this.curtain);
    const scroll = Object.assign(document.createElement("div"), { className: "tl-scroll" });
    scroll.append(stage);
    this.figure = Object.assign(document.createElement("figure"), { className: "tl-figure" });
    this.figure.append(scroll);
    const old = container.querySelector(".tl-figure");
    if (old) old.replaceWith(this.figure);
    else container.append(this.figure);
    container.querySelector("summary").textContent = words.liveSummary;
    container.dataset.source = "live";
    this.draw = this.draw.bind(this);
    this.layout();
    this.schedule();
  }

  /** A batch from the worker: {now, events}; now is the run's clock (null on the virtual clock). */
  add({ now, events }) {
    this.pending.push(...events);
    for (const event of events) this.latest = Math.max(this.latest, event.at);
    if (now !== null) this.clock = { at: now, stamp: performance.now() };
    this.schedule();
  }

  /**
   * The run ended: the drawing settles on the run's timeline (cellrun.timeline's, with lanes),
   * then the finished drawing (cellrun.svg's HTML) takes over, if there is one; its table (HTML
   * too) is parsed when the reader opens it. The container hears "timeline-settled" in between.
   */
  finish(html, table, timeline) {
    if (!html || !timeline) {
      this.halt();
      return;
    }
    this.settle(timeline, () => {
      this.figure.parentNode?.dispatchEvent(new CustomEvent("timeline-settled"));
      this.takeOver(parse(html).firstElementChild, table);
    });
  }

  /** Bars, axis, markers and height where cellrun/svg.py puts them, a slice of tasks a frame. */
  settle(timeline, then) {
    cancelAnimationFrame(this.frame);
    this.finished = true;
    this.pending = []; // the timeline holds every task and marker they would tell
    const final = frameOf(timeline);
    this.final = final;
    this.span = timeline.total > 0 ? timeline.total : 1;
    this.rows.setAttribute("class", final.compact ? "tl-rows tl-lane" : "tl-rows");
    const step = (from) => {
      const to = Math.min(from + BARS_PER_FRAME, timeline.tasks.length);
      for (let i = from; i < to; i++) this.place(timeline.tasks[i], final);
      if (to < timeline.tasks.length) {
        this.frame = requestAnimationFrame(() => step(to));
        return;
      }
      this.markers = timeline.markers;
      for (const path of this.paths.values()) path.remove();
      this.paths.clear();
      this.layout();
      this.curtain.hidden = true;
      this.title.textContent = format(this.words.liveTitle, {
        n: timeline.tasks.length,
        total: seconds(timeline.total, this.words),
      });
      then();
    };
    step(0);
  }

  /** One task of the finished run: its bar where cellrun/svg.py draws it, in the plot's units. */
  place(data, final) {
    let task = this.tasks[data.id];
    if (!task) {
      // Whole before its bar is made: a task the live events never told of (a run that ended
      // before they were drawn) would get a NaN width otherwise.
      task = {
        id: data.id,
        name: data.name,
        start: data.start,
        end: data.end,
        outcome: data.outcome,
      };
      this.tasks[data.id] = task;
      this.addRow(task);
    }
    const name = data.name;
    Object.assign(task, {
      name,
      label: data.label ?? name,
      coro: data.coro,
      start: data.start,
      end: data.end,
      outcome: data.outcome,
      detail: detail(data),
    });
    const { row, from } = final.where[data.id];
    const minimum = ((final.compact ? 1 : 2) * this.span) / PLOT; // px, as the static bars
    task.bar ??= this.newBar(task);
    const bar = task.bar;
    bar.setAttribute("class", `tl-bar tl-${task.outcome}`);
    bar.dataset.outcome = task.outcome;
    bar.dataset.task = name;
    bar.setAttribute("x", from);
    bar.setAttribute("width", Math.max(data.end - from, minimum));
    bar.setAttribute("y", row + (final.rowHeight - final.barHeight) / 2 / final.rowHeight);
    bar.setAttribute("height", final.barHeight / final.rowHeight);
    if (final.compact) {
      task.row?.remove();
      task.row = task.text = task.tip = null;
    } else if (task.row) {
      task.text.textContent = short(task.label);
      this.describe(task);
    } else {
      this.shape(task);
    }
  }

  /** The finished drawing replaces this one; its rows go in a slice a frame. */
  takeOver(figure, table) {
    const details = figure.querySelector(".tl-details");
    details?.addEventListener(
      "toggle",
      () => details.querySelector("table") || details.append(parse(table)),
      { once: true },
    );
    const rows = figure.querySelector(".tl-rows");
    const waiting = rows ? [...rows.children] : [];
    rows?.replaceChildren();
    this.figure.replaceWith(figure);
    const step = () => {
      let bars = 0;
      while (waiting.length && bars < BARS_PER_FRAME) {
        const row = waiting.shift();
        bars += row.childElementCount || 1;
        rows.append(row);
      }
      if (waiting.length) requestAnimationFrame(step);
    };
    step();
  }

  /** No more events will come (or no one wants them): draw what came, then stop. */
  halt() {
    cancelAnimationFrame(this.frame);
    this.finished = true;
    do this.draw();
    while (this.pending.length);
  }

  schedule() {
    if (!this.frame && !this.finished) this.frame = requestAnimationFrame(this.draw);
  }

  now() {
    if (this.virtual || !this.clock || this.finished) return this.latest;
    return Math.max(this.latest, this.clock.at + (performance.now() - this.clock.stamp) / 1000);
  }

  get compact() {
    return this.final ? this.final.compact : this.tasks.length > MAX_ROWS;
  }

  draw() {
    this.frame = 0;
    const tasks = this.tasks.length;
    const markers = this.markers.length;
    const wasCompact = this.compact;
    // A few hundred events a frame: a thousand new bars at once would hold the page too long.
    for (const event of this.pending.splice(0, EVENTS_PER_FRAME)) this.apply(event);
    const now = this.now();
    let relayout = tasks !== this.tasks.length || markers !== this.markers.length;
    if (now > this.span) {
      this.span = SPANS.find((s) => s >= now * 1.1) ?? Math.ceil((now * 1.5) / 3600) * 3600;
      relayout = true;
    }
    if (wasCompact !== this.compact) for (const task of this.tasks) this.shape(task);
    else for (let id = tasks; id < this.tasks.length; id++) this.shape(this.tasks[id]);
    if (this.repath) this.drawPaths();
    if (relayout) this.layout();
    this.curtain.style.transform = `translateX(${((this.x(now) / WIDTH) * 100).toFixed(3)}%)`;
    if (tasks !== this.tasks.length || this.finished) {
      this.title.textContent = format(this.words.liveTitle, {
        n: this.tasks.length,
        total: seconds(now, this.words),
      });
    }
    if (this.pending.length || !(this.finished || this.virtual)) this.schedule();
  }

  apply(event) {
    if (event.event === "start") {
      // label: what the row says, job('A'); null when that is the task's name.
      const name = this.rename(event.name);
      const task = {
        id: event.task,
        name,
        label: event.label ?? name,
        coro: event.coro,
        start: event.at,
        end: null,
        outcome: "pending",
        detail: "",
      };
      this.tasks[event.task] = task;
      this.addRow(task);
    } else if (event.event === "end") {
      const task = this.tasks[event.task];
      if (!task) return;
      // The label changes if the program named the task after creating it (set_name).
      const name = this.rename(event.name);
      Object.assign(task, {
        name,
        label: event.label ?? name,
        end: event.at,
        outcome: event.outcome,
      });
      task.detail = detail(event);
      if (task.bar) {
        task.bar.setAttribute("class", `tl-bar tl-${task.outcome}`);
        task.bar.dataset.outcome = task.outcome;
        task.bar.dataset.task = task.name;
        task.bar.setAttribute("width", Math.max(task.end - task.start, 0));
      } else {
        this.repath = true;
      }
      if (task.text) task.text.textContent = short(task.label);
      this.describe(task);
    } else if (event.event === "marker") {
      this.markers.push(event);
    }
  }

  /** asyncio numbers Task-N over the worker's life: count from this run's first, as cellrun.timeline does. */
  rename(name) {
    const number = /^Task-(\d+)$/.exec(name)?.[1];
    if (number === undefined) return name;
    this.base ??= Number(number) - 1;
    return `Task-${Number(number) - this.base}`;
  }

  addRow(task) {
    if (this.compact) this.repath = true;
    else task.bar = this.newBar(task);
  }

  newBar(task) {
    const bar = svg("rect", {
      class: `tl-bar tl-${task.outcome}`,
      "data-task": task.name,
      "data-outcome": task.outcome,
      x: task.start,
      width: task.end === null ? FOREVER : Math.max(task.end - task.start, 0),
      "vector-effect": "non-scaling-stroke",
    });
    this.scaled.append(bar);
    return bar;
  }

  /** One task as a labelled, focusable row (up to MAX_ROWS), or a thin bar in the paths. */
  shape(task) {
    if (this.compact) {
      task.bar?.remove();
      task.bar = null;
      task.row?.remove();
      task.row = task.text = task.tip = null;
      this.repath = true;
      return;
    }
    task.bar.setAttribute("y", task.id + (1 - BAR / ROW) / 2);
    task.bar.setAttribute("height", BAR / ROW);
    // The row's label, tip and focus target, unscaled, over the bar. The tip is a <text> shown
    // by CSS on hover and focus, not a <title> in the bar: with one, each change to the bar
    // costs a style recalculation hundreds of times slower (measured in Chromium).
    const top = TOP + task.id * ROW;
    task.row = svg("g", { class: "tl-task", tabindex: 0, role: "img" });
    task.tip = svg("text", { class: "tl-tip", x: 8, y: this.height - 8, "aria-hidden": "true" });
    task.text = svg(
      "text",
      {
        class: "tl-label",
        x: LABEL_WIDTH - 6,
        y: top + (ROW + BAR) / 2 - 3,
        "text-anchor": "end",
        "aria-hidden": "true",
      },
      short(task.label),
    );
    task.row.append(
      svg("rect", { class: "tl-hit", x: 0, y: top, width: WIDTH, height: ROW }),
      task.text,
      task.tip,
    );
    this.labels.append(task.row);
    this.describe(task);
  }

  /** Every task's bar, a thin one per row, in one path per outcome (in the plot's units). */
  drawPaths() {
    this.repath = false;
    const parts = new Map();
    for (const task of this.tasks) {
      if (!task) continue;
      const width = task.end === null ? FOREVER : Math.max(task.end - task.start, 0);
      const bar = `M${task.start} ${task.id + 0.1}h${width}v0.8h${-width}z`;
      if (parts.has(task.outcome)) parts.get(task.outcome).push(bar);
      else parts.set(task.outcome, [bar]);
    }
    for (const [outcome, path] of this.paths) if (!parts.has(outcome)) path.remove();
    for (const [outcome, bars] of parts) {
      let path = this.paths.get(outcome);
      if (!path?.isConnected) {
        path = svg("path", {
          class: `tl-bar tl-${outcome}`,
          "vector-effect": "non-scaling-stroke",
        });
        this.paths.set(outcome, path);
        this.scaled.append(path);
      }
      path.setAttribute("d", bars.join(""));
    }
  }

  describe(task) {
    if (!task.row) return;
    const words = this.words;
    const end = task.end === null ? "…" : seconds(task.end, words);
    let text = `${title(task)}: ${seconds(task.start, words)} → ${end}, ${words.outcomes[task.end === null ? "running" : task.outcome]}`;
    if (task.detail) text += ` — ${task.detail}`;
    task.tip.textContent = text;
    task.row.setAttribute("aria-label", text);
  }

  /** Scale, axis, markers and height, for the current span and number of rows. */
  layout() {
    const count = this.final ? this.final.rows : this.tasks.length;
    const rows = Math.max(count, 1);
    const rowHeight = this.final?.rowHeight ?? (this.compact ? COMPACT_HEIGHT / rows : ROW);
    const bottom = roundHalfEven(TOP + rowHeight * count);
    // Only on a change: a class on the rows, or the height, restyles every bar.
    const rowsClass = this.compact ? "tl-rows tl-lane" : "tl-rows"; // lanes: no outlines
    if (this.rows.getAttribute("class") !== rowsClass) this.rows.setAttribute("class", rowsClass);
    const plotHeight = rowHeight * rows; // compact: the viewBox fits the rows in
    if (this.scaled.getAttribute("height") !== String(plotHeight))
      this.scaled.setAttribute("height", plotHeight);
    this.scaled.setAttribute("viewBox", `0 0 ${this.span} ${rows}`);
    this.drawAxis(bottom);
    this.drawMarkers(bottom);
    const height = bottom + LINE * this.lines + BOTTOM;
    if (height !== this.height) {
      // A new height lays the page out again: only when it changes.
      this.height = height;
      this.drawing.setAttribute("viewBox", `0 0 ${WIDTH} ${height}`);
      this.curtain.style.top = `${(TOP / height) * 100}%`;
      this.curtain.style.height = `${((bottom - TOP) / height) * 100}%`;
      for (const task of this.tasks) task.tip?.setAttribute("y", height - 8);
    }
  }

  x(t) {
    return LABEL_WIDTH + (t * PLOT) / this.span;
  }

  drawAxis(bottom) {
    const step = STEPS.find((s) => this.span / s <= MAX_TICKS) ?? STEPS[STEPS.length - 1];
    const items = [];
    for (let i = 0; i <= Math.floor(this.span / step + 1e-9); i++) {
      const x = this.x(i * step);
      items.push(
        svg("line", { x1: x.toFixed(2), y1: TOP - 4, x2: x.toFixed(2), y2: bottom.toFixed(2) }),
      );
      items.push(
        svg(
          "text",
          { x: x.toFixed(2), y: TOP - 8, "text-anchor": x > WIDTH - RIGHT / 2 ? "end" : "middle" },
          seconds(i * step, this.words),
        ),
      );
    }
    this.axis.replaceChildren(...items);
  }

  drawMarkers(bottom) {
    const ends = []; // right edge of the last label on each line below the rows
    this.marks.replaceChildren(
      ...this.markers.map((marker) => {
        const at = this.x(marker.at);
        const right = at > WIDTH - MARKER_LABEL;
        const left = right ? at - MARKER_LABEL : at;
        let line = ends.findIndex((edge) => left > edge + MARKER_GAP);
        if (line === -1) line = ends.push(0) - 1;
        ends[line] = left + MARKER_LABEL;
        const y = bottom + LINE * (line + 1);
        const name =
          marker.kind === "timeout"
            ? this.words.timeout
            : (MARKER_NAMES[marker.kind] ?? marker.kind);
        const group = svg("g", {
          class: `tl-marker tl-marker-${marker.kind}`,
          "data-marker": marker.kind,
          "data-at": marker.at,
        });
        group.append(
          svg("title", {}, `${seconds(marker.at, this.words)} ${name}`),
          svg("line", {
            x1: at.toFixed(2),
            y1: TOP - 2,
            x2: at.toFixed(2),
            y2: (y - 10).toFixed(2),
          }),
          svg(
            "text",
            {
              x: (at + (right ? -2 : 2)).toFixed(2),
              y: y.toFixed(2),
              "text-anchor": right ? "end" : "start",
            },
            name,
          ),
        );
        return group;
      }),
    );
    this.lines = ends.length;
  }
}

function parse(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  return template.content;
}

/** cellrun.svg.task_title: the label, with the coroutine when the label does not say it already. */
function title({ label, coro }) {
  if (!coro || coro === label || label.startsWith(`${coro.slice(coro.lastIndexOf(".") + 1)}(`))
    return label;
  return `${label} (${coro})`;
}

function seconds(t, words) {
  return format(words.seconds, { t: t.toFixed(2) });
}

function short(name, limit = SHORT) {
  return name.length <= limit ? name : `${name.slice(0, limit - 1)}…`;
}

/** cellrun.svg's _detail: the exception, or a done task's result. */
function detail({ exception, outcome, result }) {
  if (exception) return `${exception.type}: ${exception.message}`;
  return outcome === "done" && result !== null && result !== undefined ? result : "";
}

/** Python's round(x) (halves to even), for the pixel rows cellrun.svg rounds. */
function roundHalfEven(x) {
  const down = Math.floor(x);
  const diff = x - down;
  if (diff !== 0.5) return Math.round(x);
  return down % 2 === 0 ? down : down + 1;
}

/**
 * cellrun.svg's _Frame for a finished run: its rows (one per task, or the run's lanes after the
 * tasks outside them), their heights, and where each task's bar sits (row, start in seconds).
 */
function frameOf(timeline) {
  const { tasks, lanes } = timeline;
  const packed = tasks.length > MAX_ROWS && lanes.length > 0;
  const where = [];
  let rows = 0;
  if (packed) {
    const laned = new Set(lanes.flatMap((lane) => lane.tasks));
    for (const task of tasks) if (!laned.has(task.id)) where[task.id] = { row: rows++ };
    for (const lane of lanes) {
      for (const id of lane.tasks) where[id] = { row: rows };
      rows++;
    }
  } else {
    for (const task of tasks) where[task.id] = { row: rows++ };
  }
  const compact =
    packed && (rows !== tasks.length || lanes.some((lane) => lane.tasks.length !== 1));
  for (const task of tasks) {
    // In a lane, a bar starts when its job got a slot (its first wait's end).
    const slot = compact && task.waits.length ? task.waits[0][1] : task.start;
    where[task.id].from = slot;
  }
  const rowHeight = compact ? Math.max(3, Math.min(ROW, COMPACT_HEIGHT / Math.max(rows, 1))) : ROW;
  const barHeight = compact
    ? Math.max(2, rowHeight < 8 ? rowHeight - 1 : (rowHeight * BAR) / ROW)
    : BAR;
  return { compact, rows, rowHeight, barHeight, where };
}
