// Offline reading. The build (hooks/offline.py) writes this file to the site root as sw.js,
// filling in:
const SITE = "__SITE__"; // a hash of the site's files: a deploy that changes one changes it
const RUNTIME = "__RUNTIME__"; // the pinned Pyodide version
const PRECACHE = ["__PRECACHE__"]; // every page and what pages load, relative to this file
const RUNTIME_FILES = ["__RUNTIME_FILES__"]; // Pyodide's own files, relative to this file
const PRECACHE_PYTHON = ["__PRECACHE_PYTHON__"]; // the site's pyodide-lock.json and wheel

// Two caches, both named after the site's path (the registration scope), so two sites on
// one origin (user.github.io/a/ and user.github.io/b/) never delete each other's:
// - site: this deploy's pages and assets, precached at install past the HTTP cache (an
//   unhashed cells.js kept there from the previous deploy must not be stored as this one's);
//   the next deploy's worker deletes it.
// - runtime: Pyodide's files, cached when a cell first loads them (pyodide.asm.wasm by the
//   cells' worker, frontend/cells/worker.js, which keeps its memory snapshot there too); named
//   after the pinned version only, so a deploy keeps it and a reader offline after a deploy
//   still has Python.
//
// - install: precache, then take over at once;
// - activate: drop this site's caches of other deploys and versions, control open pages;
// - fetch (GET and HEAD under the scope): pages network first (a new deploy shows at once),
//   the cache when offline; everything else cache first, cached when fetched.
const SCOPE = new URL(self.registration.scope).pathname;
const SITE_CACHE = `${SCOPE}#site-${SITE}`;
const RUNTIME_CACHE = `${SCOPE}#pyodide-${RUNTIME}`;
const runtimeFiles = new Set(RUNTIME_FILES.map((path) => new URL(path, self.location).href));

// The site's Python files only for a reader who already ran Python here: a first visit
// fetches nothing of Python before the reader shows intent.
async function precache() {
  const python = (await caches.has(RUNTIME_CACHE)) ? PRECACHE_PYTHON : [];
  const fresh = [...PRECACHE, ...python].map(
    (path) => new Request(new URL(path, self.location), { cache: "reload" }),
  );
  await (await caches.open(SITE_CACHE)).addAll(fresh);
  await self.skipWaiting();
}

self.addEventListener("install", (event) => event.waitUntil(precache()));

self.addEventListener("activate", (event) => {
  const keep = [SITE_CACHE, RUNTIME_CACHE];
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith(`${SCOPE}#`) && !keep.includes(name))
            .map((name) => caches.delete(name)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

const isPage = (request, url) =>
  request.mode === "navigate" || url.pathname.endsWith("/") || url.pathname.endsWith(".html");

async function networkFirst(request) {
  const cache = await caches.open(SITE_CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(request, { ignoreSearch: true });
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request, name) {
  const cache = await caches.open(name);
  const cached = await cache.match(request, { ignoreSearch: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.type === "basic") await cache.put(request, response.clone());
  return response;
}

// A HEAD request (the cells' worker asks whether each runtime file is there before loading
// it) is answered from a cached GET when there is one.
async function head(request, name) {
  const cached = await caches.match(request.url, {
    cacheName: name,
    ignoreSearch: true,
    ignoreMethod: true,
  });
  if (cached)
    return new Response(null, {
      status: cached.status,
      statusText: cached.statusText,
      headers: cached.headers,
    });
  return fetch(request);
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (!request.url.startsWith(self.registration.scope)) return;
  const url = new URL(request.url);
  // Left to the browser: Chromium keeps a wasm module's compiled code only for a response it
  // fetched itself, and a page that starts Python compiled 10 MB again on every visit this
  // worker answered. The cells' worker keeps the offline copy (frontend/cells/worker.js).
  if (url.pathname.endsWith(".wasm")) return;
  const name = runtimeFiles.has(url.origin + url.pathname) ? RUNTIME_CACHE : SITE_CACHE;
  if (request.method === "HEAD") return event.respondWith(head(request, name));
  if (request.method !== "GET" || request.headers.has("range")) return; // partial responses are not cached
  event.respondWith(isPage(request, url) ? networkFirst(request) : cacheFirst(request, name));
});
