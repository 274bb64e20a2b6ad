// Output rendering: the program's text only, as text nodes (never HTML), stderr in
// its own span, DOM updates batched per animation frame and capped so a flood of
// output leaves the tab responsive.

const MAX_CHARS = 100_000;
const MAX_LINES = 2_000;

export class OutputView {
  constructor(element, { onFirstText } = {}) {
    this.element = element;
    this.onFirstText = onFirstText;
    this.clear();
  }

  clear() {
    cancelAnimationFrame(this.frame);
    clearTimeout(this.fallback);
    this.frame = this.fallback = 0;
    this.pending = [];
    this.chars = this.lines = 0;
    this.dropped = { bytes: 0, lines: 0 };
    this.element.replaceChildren();
  }

  /** chunks: [[stream, text], ...] as the worker sends them. */
  append(chunks) {
    this.pending.push(...chunks);
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
      const last = fragment.lastChild ?? this.element.lastChild;
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
      this.element.append(fragment);
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
