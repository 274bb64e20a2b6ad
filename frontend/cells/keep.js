// What a reader does to a cell's code outlives the moment: edits kept for the tab's session
// (sessionStorage, per page and snippet, until Reset), and share links that carry the code in
// the URL fragment (no server sees it): #<cell id>&code=<format><base64url>, where format "1"
// is deflate-raw (CompressionStream) and "0" plain UTF-8 for browsers without it.

const PREFIX = "cells:";
const CODE = "&code=";

function storageKey(snippet) {
  return `${PREFIX}${location.pathname}:${snippet}`;
}

/** The session's edited code of this page's `snippet`, or null. */
export function kept(snippet) {
  try {
    return sessionStorage.getItem(storageKey(snippet));
  } catch {
    return null; // storage refused (privacy settings): edits just are not kept
  }
}

export function keep(snippet, code) {
  try {
    sessionStorage.setItem(storageKey(snippet), code);
  } catch {
    // full or refused: the edit stays in the page, as before
  }
}

export function forget(snippet) {
  try {
    sessionStorage.removeItem(storageKey(snippet));
  } catch {
    // nothing was kept
  }
}

const toBase64url = (bytes) => {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000)
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
};

const fromBase64url = (text) => {
  const plain = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(plain, (c) => c.charCodeAt(0));
};

async function through(stream, bytes) {
  const piped = new Blob([bytes]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(piped).arrayBuffer());
}

const compresses = typeof CompressionStream === "function";

/** A link to this page that opens cell `id` with `code` in it. */
export async function shareLink(id, code) {
  const bytes = new TextEncoder().encode(code);
  const payload = compresses
    ? `1${toBase64url(await through(new CompressionStream("deflate-raw"), bytes))}`
    : `0${toBase64url(bytes)}`;
  const url = new URL(location.href);
  url.hash = `${id}${CODE}${payload}`;
  return url.href;
}

/** The fragment's {id, code}: code is a Promise of the text (rejecting when it does not decode); null when the fragment shares nothing. */
export function sharedInFragment(hash = location.hash) {
  const fragment = hash.startsWith("#") ? hash.slice(1) : hash;
  const at = fragment.indexOf(CODE);
  if (at < 1) return null;
  const id = decodeURIComponent(fragment.slice(0, at));
  return { id, code: decodeShared(fragment.slice(at + CODE.length)) };
}

async function decodeShared(payload) {
  const format = payload.slice(0, 1);
  const bytes = fromBase64url(payload.slice(1)); // throws on characters base64 lacks
  let raw;
  if (format === "1" && typeof DecompressionStream === "function")
    raw = await through(new DecompressionStream("deflate-raw"), bytes);
  else if (format === "0") raw = bytes;
  else throw new Error("unknown share format");
  const code = new TextDecoder("utf-8", { fatal: true }).decode(raw);
  if (!code.trim()) throw new Error("no code in the link");
  return code;
}
