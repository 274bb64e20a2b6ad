// Output rendering: the program's text only, as text nodes (never HTML), stderr in
// its own span, DOM updates batched per animation frame and capped so a flood of
// output leaves the tab responsive. A run's first line is shown as it arrives: waiting
// for the next frame cost a warm run up to 16 ms of its ~15 ms budget.

const MAX_CHARS = 100_000;
const MAX_LINES = 2_000;

export class OutputView {
  constructor(element, { onFirstText } = {}) {
    this.element = element;
    this.onFirstText = onFirstText;
    this.clear();
  }

  clear() {
    this.restart();
    this.stale = false;
    this.element.replaceChildren();
  }

  /**
   * A new run: the last run's text stays until this one's first text replaces it, so the
   * click itself lays nothing out (the page's frame after a click held a warm run's first
   * line back by a frame's work: measured). render() at the run's end clears what is left.
   */
  restart() {
    cancelAnimationFrame(this.frame);
    clearTimeout(this.fallback);
    this.frame = this.fallback = 0;
    this.pending = [];
    this.chars = this.lines = 0;
    this.waiting = true; // nothing of the run's first line shown yet
    this.stale = true;
    this.dropped = { bytes: 0, lines: 0 };
  }

  /** chunks: [[stream, text], ...] as the worker sends them. */
  append(chunks) {
    this.pending.push(...chunks);
    if (this.waiting) {
      this.render();
      return;
    }
    if (!this.frame) {
      this.frame = requestAnimationFrame(() => this.render());
      // Hidden tabs get no frames: render anyway, just less often.
      this.fallback = setTimeout(() => this.render(), 250);
    }
  }

  /** Render what is pending now (before the run's final status). */
  render() {
    cancelAnimationFrame(this.frame);
    clearTimeout(this.fallback);
    this.frame = this.fallback = 0;
    if (this.stale && !this.pending.length) {
      this.element.replaceChildren();
      this.stale = false;
    }
    if (!this.pending.length) return;
    const fragment = document.createDocumentFragment();
    for (let [stream, text] of this.pending) {
      if (this.chars >= MAX_CHARS || this.lines >= MAX_LINES) {
        this.drop(text);
        continue;
      }
      const room = Math.min(MAX_CHARS - this.chars, text.length);
      const kept = keepLines(text.slice(0, room), MAX_LINES - this.lines);
      this.drop(text.slice(kept.length));
      text = kept;
      this.chars += text.length;
      this.lines += (text.match(/\n/g) || []).length;
      const last = fragment.lastChild ?? (this.stale ? null : this.element.lastChild);
      if (last?.dataset?.stream === stream && last.parentNode === fragment) {
        last.append(text);
      } else {
        const span = document.createElement("span");
        span.dataset.stream = stream;
        if (stream === "stderr") span.className = "cell-stderr";
        span.textContent = text;
        fragment.append(span);
      }
    }
    this.pending = [];
    if (fragment.childNodes.length) {
      if (this.stale) this.element.replaceChildren(fragment);
      else this.element.append(fragment);
      this.stale = false;
      if (this.lines) this.waiting = false;
      // Next frame: its layout is done by then, so reading the height forces none (now it would).
      requestAnimationFrame(() => (this.element.scrollTop = this.element.scrollHeight));
      this.onFirstText?.();
      this.onFirstText = null;
    }
  }

  drop(text) {
    if (!text) return;
    this.dropped.bytes += text.length;
    this.dropped.lines += (text.match(/\n/g) || []).length;
  }
}

function keepLines(text, room) {
  let at = -1;
  for (let i = 0; i < room; i++) {
    at = text.indexOf("\n", at + 1);
    if (at === -1) return text;
  }
  return text.slice(0, at + 1);
}
