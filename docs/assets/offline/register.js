// Registers the site's service worker (sw.js at the site root, written by hooks/csp.py)
// so that pages read once, and the Python runtime once a cell has run, work offline.
// This file lives at <site>/assets/offline/, so the site root is two levels up.
if ("serviceWorker" in navigator && window.isSecureContext) {
  const root = new URL("../../", import.meta.url);
  navigator.serviceWorker.register(new URL("sw.js", root), { scope: root.pathname }).catch((error) => {
    console.info("offline reading is not available:", error.message);
  });
}
