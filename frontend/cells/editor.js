// The editor a cell gets: at first the page's own highlighted code, made editable
// (role=textbox, so it reads and types as one); CodeMirror (codemirror.js, its own
// chunk) is fetched when the reader points at the code and takes its place, text and
// caret carried over, when the reader focuses it. A page nobody edits never loads it.

let codemirror = null; // Promise of the codemirror.js module, fetched once per page session

function loadCodemirror() {
  codemirror ??= import("./codemirror.js").catch((error) => {
    codemirror = null; // offline or a failed fetch: the plain editor goes on working, later intent retries
    throw error;
  });
  return codemirror;
}

/**
 * An editor over `fallback` (the highlighted <pre>, or its wrapper); CodeMirror mounts in `mount`.
 * Returns {text, focus()}: the same whichever editor is in place.
 */
export function createEditor(fallback, mount, { label, onRun, onChange = () => {} }) {
  let code = fallback?.querySelector("code");
  if (!code) {
    fallback = document.createElement("pre");
    code = fallback.appendChild(document.createElement("code"));
    mount.before(fallback);
  }
  const pristine = [...code.childNodes].map((node) => node.cloneNode(true));
  const original = code.textContent;
  try {
    code.contentEditable = "plaintext-only";
  } catch {
    code.contentEditable = "true"; // browsers without plaintext-only: pastes are made plain below
  }
  code.spellcheck = false;
  const attributes = {
    role: "textbox",
    "aria-multiline": "true",
    "aria-label": label,
    autocapitalize: "off",
    translate: "no",
    // A textbox is in the tab order whatever a tool makes of contenteditable (axe's
    // scrollable-region-focusable looks for a tabindex on a code block that scrolls).
    tabindex: "0",
  };
  for (const [name, value] of Object.entries(attributes)) code.setAttribute(name, value);
  // Pasted text arrives as text; insertText keeps the browser's undo history.
  code.addEventListener("paste", (event) => {
    event.preventDefault();
    document.execCommand("insertText", false, event.clipboardData?.getData("text/plain") ?? "");
  });
  // Ctrl/Cmd+Enter bubbles to the cell, which runs the code.
  code.addEventListener("input", () => onChange());

  let view = null; // CodeMirror, once it took over
  let coming = null; // CodeMirror being built, out of sight: {built, coloured}
  let pressed = false; // a pointer is down: the caret is placed (or a selection dragged) until it is up
  const upgrade = () => {
    if (view || coming || pressed) return;
    loadCodemirror().then(
      (module) => setTimeout(() => takeOver(module)),
      () => {},
    );
  };
  // In tasks of their own, after the click's: building the editor, then its Python colours,
  // then it takes the code's place. Built and coloured in the click's task, with that frame's
  // layout and paint, it made one task of 61 ms (measured, Chromium).
  const takeOver = ({ createEditor: codemirrorEditor }) => {
    if (view || coming || pressed || !code.isConnected) return;
    mount.hidden = true;
    coming = { built: codemirrorEditor(mount, code.textContent, { label, onRun, onChange }) };
    setTimeout(() => {
      coming.built.highlight();
      coming.coloured = true;
      setTimeout(show);
    });
  };
  const show = () => {
    if (!coming?.coloured || pressed) return; // the pointer's release shows it
    const { built } = coming;
    coming = null;
    // What the reader typed meanwhile went into the code: it moves over, caret included.
    const focused = document.activeElement === code;
    if (built.text !== code.textContent) built.text = code.textContent;
    if (focused) built.select(caret(code));
    mount.hidden = false;
    fallback.hidden = true; // out of sight and out of the accessibility tree: one textbox
    code.removeAttribute("contenteditable");
    view = built;
    if (focused) view.focus();
  };
  // Pointing at the code fetches CodeMirror; focusing it (click, tap, Tab) puts it in place.
  fallback.addEventListener("pointerenter", () => loadCodemirror().catch(() => {}), { once: true });
  code.addEventListener("focus", upgrade);
  code.addEventListener("pointerdown", () => {
    pressed = true;
    const release = () => {
      pressed = false;
      document.removeEventListener("pointerup", release, true);
      document.removeEventListener("pointercancel", release, true);
      if (coming) show();
      else if (document.activeElement === code) upgrade();
    };
    document.addEventListener("pointerup", release, true);
    document.addEventListener("pointercancel", release, true);
  });

  return {
    get text() {
      return view ? view.text : code.textContent;
    },
    set text(value) {
      if (view) view.text = value;
      else if (value === original)
        code.replaceChildren(...pristine.map((node) => node.cloneNode(true)));
      else code.textContent = value;
    },
    focus: () => (view ? view.focus() : code.focus()),
  };
}

/** The selection in `root` as {anchor, head} character offsets (CodeMirror's positions for the same text). */
function caret(root) {
  const selection = document.getSelection();
  const offset = (node, at) => {
    if (!node || !root.contains(node)) return 0;
    const range = document.createRange();
    range.setStart(root, 0);
    range.setEnd(node, at);
    return range.toString().length;
  };
  const length = root.textContent.length;
  const clamp = (n) => Math.min(Math.max(n, 0), length);
  return {
    anchor: clamp(offset(selection?.anchorNode, selection?.anchorOffset)),
    head: clamp(offset(selection?.focusNode, selection?.focusOffset)),
  };
}
