// Offline reading: the build (hooks/csp.py) writes this file to the site root as sw.js,
// with CACHE named after the pinned Pyodide version and a hash of the site's files, and
// PRECACHE listing every page and what the pages load (not the Python runtime).
//
// - install: cache PRECACHE (relative to this file, so any sub-path works);
// - fetch (same origin, GET): pages network first (a fresh build shows at once), falling
//   back to the cache when offline; everything else cache first, cached when fetched
//   (the Pyodide runtime on the first run of a cell, Material's search index, ...);
// - activate: drop every cache of an older version, take control of open pages.
const CACHE = "__CACHE_VERSION__";
const PREFIX = "site-";
const PRECACHE = ["__PRECACHE__"];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(PREFIX + CACHE)
      .then((cache) => cache.addAll(PRECACHE.map((path) => new URL(path, self.location).href)))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((n) => n.startsWith(PREFIX) && n !== PREFIX + CACHE)
            .map((n) => caches.delete(n)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

const isPage = (request, url) =>
  request.mode === "navigate" || url.pathname.endsWith("/") || url.pathname.endsWith(".html");

async function networkFirst(request) {
  const cache = await caches.open(PREFIX + CACHE);
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

async function cacheFirst(request) {
  const cache = await caches.open(PREFIX + CACHE);
  const cached = await cache.match(request, { ignoreSearch: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.type === "basic") await cache.put(request, response.clone());
  return response;
}

// A HEAD request (the cells' worker asks whether each runtime file is there before loading
// it) is answered from a cached GET when there is one.
async function head(request) {
  const cached = await caches.match(request.url, {
    cacheName: PREFIX + CACHE,
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
  const url = new URL(request.url);
  if (
    url.origin !== self.location.origin ||
    !url.href.startsWith(new URL("./", self.location).href)
  )
    return;
  if (request.method === "HEAD") return event.respondWith(head(request));
  if (request.method !== "GET" || request.headers.has("range")) return; // partial responses are not cached
  event.respondWith(isPage(request, url) ? networkFirst(request) : cacheFirst(request));
});
