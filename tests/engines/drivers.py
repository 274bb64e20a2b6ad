"""The two other engines behind one small interface, so tests/engines/test_engines.py runs the same
checks in both: ``goto(url)``, ``call(js_function, *args)`` (awaited in the page), ``keys([...])``
(real key presses: "Tab", "Control+Enter", or {"text": ...}), ``events()`` (requests and page
errors since the last call), ``close()``.

- Firefox ESR (Gecko, JSPI): puppeteer-core over WebDriver BiDi, in Node (firefox.mjs beside this).
- WebKitGTK (no JSPI): Selenium and WebKitWebDriver on a private Xvfb display (it hangs without
  one). WebDriver classic reports neither requests nor errors: the page's own Resource Timing
  entries and error events stand in (requests of its worker are not visible there).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
FIREFOX = "/usr/bin/firefox-esr"
WEBKIT_DRIVER = "/usr/bin/WebKitWebDriver"
ENGINES = {"firefox": FIREFOX, "webkitgtk": WEBKIT_DRIVER}
SCRIPT_TIMEOUT = 300  # s: the longest a call may take (a cold load on a busy machine, then a run)


class Firefox:
    name = "firefox"

    def __init__(self) -> None:
        self._node = subprocess.Popen(
            ["node", str(HERE / "firefox.mjs"), FIREFOX],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.version = "Firefox " + self._send(do="version")["value"].split("/")[-1]

    def _send(self, **command) -> dict:
        self._node.stdin.write(json.dumps(command) + "\n")
        self._node.stdin.flush()
        line = self._node.stdout.readline()
        assert line, "firefox.mjs ended (exit code %s)" % self._node.poll()
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(answer["error"])
        return answer

    def goto(self, url: str) -> None:
        self._send(do="goto", url=url)

    def call(self, source: str, *args):
        return self._send(do="call", source=source, args=list(args)).get("value")

    def keys(self, keys: list) -> None:
        self._send(do="keys", keys=keys)

    def events(self) -> dict:
        return self._send(do="events")

    def close(self) -> None:
        try:
            if self._node.poll() is None:
                self._send(do="close")
        finally:
            self._node.wait(30)


# Page errors and resources seen by a WebKit page: WebDriver classic has no events for them.
WATCH = """() => {
  if (window.__watch) return;
  window.__watch = { errors: [], seen: 0 };
  addEventListener('error', (e) => window.__watch.errors.push(String(e.message)));
  addEventListener('unhandledrejection', (e) => window.__watch.errors.push('unhandled: ' + String(e.reason)));
}"""
TAKE = """() => {
  const w = window.__watch;
  const urls = [location.href, ...performance.getEntriesByType('resource').map((r) => r.name)];
  const answer = { requests: urls.slice(w.seen), errors: w.errors.splice(0) };
  w.seen = urls.length;
  return answer;
}"""


class WebKitGTK:
    name = "webkitgtk"

    def __init__(self) -> None:
        from selenium import webdriver
        from selenium.webdriver.webkitgtk.service import Service

        self._xvfb, display = _xvfb()
        service = Service(executable_path=WEBKIT_DRIVER, env=dict(os.environ, DISPLAY=display))
        self._driver = webdriver.WebKitGTK(service=service)
        self._driver.set_script_timeout(SCRIPT_TIMEOUT)
        self.version = "WebKitGTK " + self._driver.capabilities.get("browserVersion", "?")
        self._pending: list = []

    def goto(self, url: str) -> None:
        if self._pending is not None and self._driver.current_url.startswith("http"):
            self._pending.append(self.call(TAKE))
        self._driver.get(url)
        self.call(WATCH)

    def call(self, source: str, *args):
        answer = self._driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "Promise.resolve().then(() => (%s)(...arguments[0]))"
            ".then((value) => done({ value }), (error) => done({ error: String(error && error.stack || error) }));"
            % source,
            list(args),
        )
        if "error" in answer:
            raise RuntimeError(answer["error"])
        return answer.get("value")

    def keys(self, keys: list) -> None:
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.keys import Keys

        actions = ActionChains(self._driver)
        for key in keys:
            if isinstance(key, dict):
                actions.send_keys(key["text"])
                continue
            *modifiers, last = key.split("+")
            named = [getattr(Keys, name.upper()) for name in modifiers]
            for modifier in named:
                actions.key_down(modifier)
            actions.send_keys(getattr(Keys, last.upper(), last.lower()))
            for modifier in reversed(named):
                actions.key_up(modifier)
        actions.perform()

    def events(self) -> dict:
        taken = self._pending + [self.call(TAKE)]
        self._pending = []
        return {
            "requests": [u for t in taken for u in t["requests"]],
            "errors": [e for t in taken for e in t["errors"]],
        }

    def close(self) -> None:
        try:
            self._driver.quit()
        finally:
            self._xvfb.terminate()
            self._xvfb.wait(10)


def _xvfb():
    """A private X display for WebKitGTK: (process, ":N"), the number chosen by Xvfb itself."""
    read, write = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    assert number, "Xvfb did not start"
    return xvfb, ":" + number


def missing(name: str) -> str | None:
    """What to install for this engine, or None when it is there."""
    if not Path(ENGINES[name]).exists():
        return "%s (make engines)" % ENGINES[name]
    if name == "firefox" and not (ROOT / "node_modules" / "puppeteer-core").is_dir():
        return "puppeteer-core (make setup)"
    if name == "webkitgtk" and not shutil.which("Xvfb"):
        return "Xvfb (make engines)"
    return None


def start(name: str):
    return Firefox() if name == "firefox" else WebKitGTK()
