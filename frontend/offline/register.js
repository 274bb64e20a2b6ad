// Registers the site's service worker (sw.js at the site root, written by hooks/offline.py)
// so that pages read once, and the Python runtime once a cell has run, work offline.
// hooks/offline.py writes this file to <site>/assets/offline/, so the site root is two levels
// up, and fills in SERVING: under `mkdocs serve` a writer must see each save, never a cached
// copy, so the worker an earlier build left at this address is removed, with its caches.
const SERVING = "__SERVING__";
const root = new URL("../../", import.meta.url);

async function forget() {
  const registration = await navigator.serviceWorker.getRegistration(root.href);
  const ours = registration?.scope === root.href;
  if (ours) await registration.unregister();
  for (const name of await caches.keys()) {
    if (name.startsWith(`${root.pathname}#`)) await caches.delete(name);
  }
  // This page itself came through the old worker: load it again without one.
  if (ours && navigator.serviceWorker.controller) location.reload();
}

if ("serviceWorker" in navigator && window.isSecureContext) {
  const done = SERVING
    ? forget()
    : navigator.serviceWorker.register(new URL("sw.js", root), { scope: root.pathname });
  done.catch((error) => {
    console.info("offline reading is not available:", error.message);
  });
}
