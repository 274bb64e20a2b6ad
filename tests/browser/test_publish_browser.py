"""Publishing, served for real (issue 14).

- The 404 page, as a host serves it for a missing URL, works at the host's root (a build
  without SITE_URL) and under a sub-path (the session's SITE_URL build under /sub/): styled,
  every request answered, its home link at the site's root.
- Offline after a redeploy: visit and run a cell, deploy a changed build to the same address,
  load a page online once, go offline: another page shows the new text and its cell runs, on
  the Python runtime cached before the deploy.
- `mkdocs serve` for writers: saving a page reloads it, with no policy violation and no
  service worker.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect
from site_pages import wait_for_kept

import devkit.site
from devkit.pinned import locked
from devkit.server import SiteServer, free_port

REPO = Path(__file__).resolve().parents[2]
RUN = re.compile(r"^\s*(Run|运行)")
FINISHED = re.compile(r"^(done|error|stopped)$")
FIRST_LOAD = 90_000
SERVE_START = 300  # s: `mkdocs serve` builds the whole site before it answers
RELOAD = 300_000  # ms: a save rebuilds the whole site too

WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def project_copy(dest: Path) -> Path:
    """The project with its own docs/ (to change a page), everything else linked."""
    dest.mkdir()
    for entry in REPO.iterdir():
        if entry.name not in ("docs", "site", ".git"):
            (dest / entry.name).symlink_to(entry)
    shutil.copytree(REPO / "docs", dest / "docs")
    return dest


def add_paragraph(project: Path, page: str, text: str) -> None:
    for name in (page + ".md", page + ".zh.md"):
        path = project / "docs" / name
        path.write_text(path.read_text("utf-8") + "\n" + text + "\n", "utf-8")


def run_first_cell(page, timeout):
    cell = page.locator(".cell").first
    cell.get_by_role("button", name=RUN).click()
    expect(cell).to_have_attribute("data-state", FINISHED, timeout=timeout)
    return cell.get_attribute("data-state")


# ------------------------------------------------------------------ the 404 page


def check_not_found(context, base: str, site: Path) -> None:
    """A missing URL under ``base``, answered with the site's 404.html as a host does."""
    missing = base + "no/such/page/"
    body = (site / "404.html").read_bytes()
    page = context.new_page()
    page.route(
        missing,
        lambda route: route.fulfill(status=404, body=body, content_type="text/html; charset=utf-8"),
    )
    assert page.goto(missing).status == 404
    expect(page.locator("h1")).to_have_text("404 - Not found")
    # Material's stylesheet and script ran: the header is laid out as on every page.
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") in (
        "sticky",
        "fixed",
    )
    home = page.locator("a.md-header__button.md-logo").evaluate("a => a.href")
    assert home.rstrip(".") == base, home
    failures = [f for f in context.traffic.failures if f[1] != missing]
    assert failures == [], failures
    page.close()


def test_not_found_page_at_the_hosts_root(context):
    site, _ = devkit.site.shared(None)
    with SiteServer(site, prefix="/") as base:
        check_not_found(context, base, site)


def test_not_found_page_under_a_sub_path(context, served):
    check_not_found(context, served.base, served.site)
    sitemap = (served.site / "sitemap.xml").read_text("utf-8")
    locs = re.findall(r"<loc>([^<]*)</loc>", sitemap)
    assert locs and all(loc.startswith(served.base) for loc in locs), locs[:3]


# ------------------------------------------------------------------ a redeploy


def sw_site_key(site: Path) -> str:
    return json.loads(re.search(r"^const SITE = (.*?);", (site / "sw.js").read_text(), re.M)[1])


CACHES = "async () => (await caches.keys()).sort()"
# wait_for_function takes a returned promise for true: the page polls its own caches instead.
UNTIL_CACHES = """async ([want, ms]) => {
  const end = performance.now() + ms;
  let now = [];
  while (performance.now() < end) {
    now = (await caches.keys()).sort();
    if (JSON.stringify(now) === JSON.stringify(want)) return now;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("caches are " + JSON.stringify(now));
}"""


def wait_for_caches(page, names, ms=60_000):
    page.evaluate(UNTIL_CACHES, [sorted(names), ms])


def test_a_cell_runs_offline_after_a_redeploy(context, tmp_path):
    # Both builds without SITE_URL (no instant navigation, which this does not need): the
    # first is the one the other tests share, so only the second is built here.
    server = SiteServer(None, prefix="/sub/")
    first, second = devkit.site.shared(None)[0], tmp_path / "second"
    project = project_copy(tmp_path / "project")
    news = "Redeployed: this paragraph is new in the second build."
    add_paragraph(project, "wait", news)
    devkit.site.build(second, project=project)
    old, new = sw_site_key(first), sw_site_key(second)
    assert old != new
    runtime = "/sub/#pyodide-%s" % locked()

    server.serve(first)
    with server as base:
        page = context.new_page()
        page.goto(base + "gather/")
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        assert run_first_cell(page, FIRST_LOAD) == "done"
        wait_for_kept(page, ".wasm")  # by the cells' worker: the service worker leaves wasm
        assert page.evaluate(CACHES) == sorted([runtime, "/sub/#site-" + old])

        server.serve(second)  # the deploy: same address, new files
        page.reload()
        wait_for_caches(page, [runtime, "/sub/#site-" + new])
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        kept = page.evaluate(
            "async ([name, url]) => (await (await caches.open(name)).match(url)) !== undefined",
            [runtime, base + "assets/pyodide/%s/pyodide.asm.wasm" % locked()],
        )
        assert kept, "the deploy dropped the cached runtime"

        context.set_offline(True)
        page.goto(base + "wait/")  # not visited before, full load
        expect(page.get_by_text(news)).to_be_visible()
        page.locator(".cell").first.locator(".cell-clock").check()
        state = run_first_cell(page, FIRST_LOAD)
        log = page.locator(".cell").first.get_by_role("log").text_content()
        assert state == "done" and log.strip(), (state, log[-500:])
        context.set_offline(False)


# ------------------------------------------------------------------ mkdocs serve


def wait_until_served(url: str, proc, log: Path) -> None:
    deadline = time.monotonic() + SERVE_START
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail("mkdocs serve stopped:\n" + log.read_text()[-3000:], pytrace=False)
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)  # polling for the server, not waiting for an outcome
    pytest.fail("mkdocs serve did not answer:\n" + log.read_text()[-3000:], pytrace=False)


def test_mkdocs_serve_reloads_a_saved_page_under_its_policy_without_a_service_worker(
    browser, tmp_path
):
    project = project_copy(tmp_path / "project")
    port, log = free_port(), tmp_path / "serve.log"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env.pop("SITE_URL", None)
    command = [str(devkit.site.MKDOCS), "serve", "-f", str(project / "mkdocs.yml")]
    command += ["--dev-addr", "127.0.0.1:%d" % port]
    with log.open("w") as out:
        proc = subprocess.Popen(
            command,
            cwd=project,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    context = browser.new_context(locale="en-US")
    try:
        base = "http://127.0.0.1:%d/" % port
        wait_until_served(base, proc, log)
        context.add_init_script(WATCH_CSP)
        console = []
        context.on(
            "console", lambda m: "Content Security Policy" in m.text and console.append(m.text)
        )
        page = context.new_page()
        page.goto(base + "gather/")  # (live reload long-polls: the network never goes idle)
        page.evaluate("() => { window.__before = true; }")
        # Nothing to register, and the page's script removes what an earlier build left.
        assert context.request.get(base + "sw.js").status == 404
        register = context.request.get(base + "assets/offline/register.js").text()
        assert "const SERVING = true;" in register

        saved = "Live reload: this paragraph was saved while the page was open."
        add_paragraph(project, "gather", saved)
        expect(page.get_by_text(saved)).to_be_visible(timeout=RELOAD)
        assert page.evaluate("() => window.__before === undefined"), "shown without a reload"
        page.wait_for_load_state("load")
        assert page.evaluate("() => window.__csp") == []
        assert console == []
        registrations = "async () => (await navigator.serviceWorker.getRegistrations()).length"
        assert page.evaluate(registrations) == 0
    finally:
        context.close()
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
