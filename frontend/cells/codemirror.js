// CodeMirror 6 with Python highlighting in the colours of the page's code blocks
// (Material's --md-code-hl-* variables, so the dark scheme follows). Its own chunk:
// editor.js loads it when a reader shows intent to edit.

import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { python } from "@codemirror/lang-python";
import {
  HighlightStyle,
  bracketMatching,
  indentOnInput,
  syntaxHighlighting,
} from "@codemirror/language";
import { Compartment, EditorState } from "@codemirror/state";
import { EditorView, drawSelection, highlightActiveLine, keymap } from "@codemirror/view";
import { tags as t } from "@lezer/highlight";

const v = (name) => `var(--md-code-hl-${name}-color)`;
const highlight = HighlightStyle.define([
  {
    tag: [t.keyword, t.controlKeyword, t.definitionKeyword, t.moduleKeyword, t.operatorKeyword],
    color: v("keyword"),
  },
  { tag: [t.string, t.special(t.string)], color: v("string") },
  { tag: [t.number, t.bool, t.null], color: v("number") },
  { tag: t.comment, color: v("comment"), fontStyle: "italic" },
  { tag: [t.function(t.variableName), t.function(t.propertyName)], color: v("function") },
  { tag: [t.definition(t.variableName), t.className], color: v("name") },
  { tag: [t.operator, t.punctuation, t.bracket], color: v("punctuation") },
  { tag: [t.standard(t.variableName), t.self], color: v("constant") },
  { tag: t.special(t.variableName), color: v("special") },
]);

const theme = EditorView.theme({
  "&": {
    maxHeight: "32rem",
    borderRadius: ".1rem",
    fontSize: "var(--md-code-font-size, .85em)",
    backgroundColor: "var(--md-code-bg-color)",
    color: "var(--md-code-fg-color)",
  },
  ".cm-content": {
    fontFamily: "var(--md-code-font-family, monospace)",
    padding: ".8em 0",
    caretColor: "var(--md-code-fg-color)",
  },
  ".cm-scroller": { overflow: "auto" },
  ".cm-line": { padding: "0 1.2em" },
  "&.cm-focused": { outline: "2px solid var(--md-accent-fg-color)", outlineOffset: "-2px" },
  // Only while editing: under an idle editor it lowers the contrast of line 1 (axe).
  ".cm-activeLine": { backgroundColor: "transparent" },
  "&.cm-focused .cm-activeLine": { backgroundColor: "var(--md-code-hl-color--light, transparent)" },
  "&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection": {
    backgroundColor: "var(--md-code-hl-color, rgba(255,255,0,.3))",
  },
});

// Typing or deleting over a selection that spans lines is done here, not by the browser:
// Chrome's own edit gives the merged line a style attribute (the deleted text's look), which
// the page's Content Security Policy refuses, logging a violation.
const REPLACING = {
  insertText: true,
  insertReplacementText: true,
  deleteContentBackward: false,
  deleteContentForward: false,
  deleteByCut: false,
};

function replaceSelection(event, view) {
  const { main } = view.state.selection;
  if (
    !(event.inputType in REPLACING) ||
    main.empty ||
    view.state.doc.lineAt(main.from).number === view.state.doc.lineAt(main.to).number
  ) {
    return false;
  }
  const text = REPLACING[event.inputType]
    ? (event.data ?? event.dataTransfer?.getData("text/plain") ?? "")
    : "";
  event.preventDefault();
  view.dispatch(view.state.replaceSelection(text), {
    userEvent: text ? "input.type" : "delete.selection",
    scrollIntoView: true,
  });
  return true;
}

/**
 * An editor in `parent` holding `text`; onRun fires on Ctrl/Cmd+Enter, onChange after each
 * change of the text; select() takes {anchor, head} offsets.
 * It lives in a shadow root: CodeMirror then styles it with a constructed stylesheet,
 * which the site's Content Security Policy allows (a <style> element it would block).
 * Python's parser and colours come with highlight(), in a later task: with them, building the
 * editor took one task of 52-68 ms here; without, none over 50 ms (measured, Chromium).
 */
export function createEditor(parent, text, { label, onRun, onChange }) {
  const root = parent.shadowRoot ?? parent.attachShadow({ mode: "open" });
  const language = new Compartment();
  const view = new EditorView({
    parent: root,
    root,
    state: EditorState.create({
      doc: text,
      extensions: [
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        highlightActiveLine(),
        language.of([]),
        theme,
        EditorState.tabSize.of(4),
        // Tab is left to the browser, so the keyboard can leave the editor.
        keymap.of([
          {
            key: "Mod-Enter",
            run: () => {
              onRun();
              return true;
            },
          },
          ...defaultKeymap,
          ...historyKeymap,
        ]),
        // tabindex: the scrolling region is reachable by keyboard (axe: scrollable-region-focusable).
        EditorView.contentAttributes.of({ "aria-label": label, tabindex: "0" }),
        EditorView.domEventHandlers({ beforeinput: replaceSelection }),
        EditorView.updateListener.of((update) => update.docChanged && onChange()),
      ],
    }),
  });
  return {
    get text() {
      return view.state.doc.toString();
    },
    set text(value) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: value } });
    },
    focus: () => view.focus(),
    select: (range) => view.dispatch({ selection: range }),
    highlight: () =>
      view.dispatch({ effects: language.reconfigure([python(), syntaxHighlighting(highlight)]) }),
  };
}
