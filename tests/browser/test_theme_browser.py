"""The page's chrome at load: the colour palette (overrides/partials/palette.html and
partials/javascripts/palette.html) and the work overrides/main.html does in <head>.

Both exist so that nothing restyles the whole page once its content is parsed (issue 17: such a
restyle took 25-90 ms a time on the long pages). So the first test watches <html>, <body> and
<head> while a long page loads, and the others check that the palette still does what
Material's did: the reader's kept choice, else the system's, a toggle by pointer and by
keyboard, and a kept value that cannot be read.
"""

from __future__ import annotations

import pytest

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import expect  # noqa: E402
from site_pages import PALETTE_TOGGLE  # noqa: E402

# Changes to <html>, <body> or <head> made once the article exists: each one restyles every
# element under it. Watched from the document's start; what the head script and the palette
# script do happens before the article is parsed.
WATCH_LATE_CHANGES = """
window.__late = [];
new MutationObserver((records) => {
  if (!document.querySelector("article")) return;
  for (const r of records) {
    const el = r.target;
    if (el !== document.documentElement && el !== document.body && !el.closest?.("head")) continue;
    if (r.type === "childList" && el !== document.head) continue; // the parser adding content
    // Writing a value an attribute already has restyles nothing (Material's bundle still
    // writes the classes the head script gave <html>).
    if (r.type === "attributes" && r.oldValue === el.getAttribute(r.attributeName)) continue;
    window.__late.push(r.type === "attributes"
      ? `${el.nodeName} ${r.attributeName}: ${r.oldValue} -> ${el.getAttribute(r.attributeName)}`
      : `${el.nodeName} children: +${[...r.addedNodes].map((n) => n.nodeName)} -${[...r.removedNodes].map((n) => n.nodeName)}`);
  }
}).observe(document, {
  subtree: true, childList: true, attributes: true, attributeOldValue: true,
  attributeFilter: ["class", "href", "src", "data-md-color-scheme", "data-md-color-primary",
                    "data-md-color-accent", "data-md-color-media", "data-md-color-switching",
                    "content"],
});
"""

SCHEME = "() => document.body.dataset.mdColorScheme"
META = "(name) => document.querySelector(`meta[name='${name}']`)?.content"
KEPT = "() => localStorage.getItem(__md_scope.pathname + '.__palette')"


def opened(context, system):
    page = context.new_page()
    page.emulate_media(color_scheme=system)
    return page


def toggle(page):
    return page.locator(PALETTE_TOGGLE)


@pytest.mark.parametrize("system", ["light", "dark"])
def test_a_long_page_loads_without_restyling_it_whole(context, served, system):
    page = opened(context, system)
    page.add_init_script(WATCH_LATE_CHANGES)
    # The load event comes after the page's modules ran (cells.js wires the first cell at once);
    # on a busy machine the network can go idle well before this long page is parsed.
    page.goto(served.url("batching/"), wait_until="load")
    page.wait_for_load_state("networkidle")
    expect(page.locator(".cell").first.get_by_role("button", name="Run")).to_be_visible()
    # Material's bundle has run: its focus-visible polyfill marks <html>, instant navigation
    # made the stylesheet links absolute, and nothing of it changed the chrome late.
    assert page.evaluate("() => document.documentElement.dataset.jsFocusVisible") == ""
    assert page.evaluate("() => document.documentElement.className") == "js js-focus-visible"
    hrefs = page.eval_on_selector_all(
        "link[rel=stylesheet]", "ls => ls.map((l) => l.getAttribute('href'))"
    )
    assert hrefs and all(h.startswith(served.url("")) for h in hrefs)
    assert page.evaluate(SCHEME) == ("slate" if system == "dark" else "default")
    assert page.evaluate("() => window.__late") == []


def test_the_system_scheme_applies_until_the_reader_chooses_and_the_choice_is_kept(context, served):
    page = opened(context, "dark")
    page.goto(served.url("gather/"))
    assert page.evaluate(SCHEME) == "slate"
    assert page.evaluate(META, "color-scheme") == "dark"
    header = page.evaluate(
        "() => getComputedStyle(document.querySelector('header')).backgroundColor"
    )
    theme = page.evaluate(META, "theme-color")
    assert "rgb(%d, %d, %d)" % tuple(int(theme[i : i + 2], 16) for i in (1, 3, 5)) == header
    assert page.evaluate(KEPT) is None  # nothing kept: the system's scheme is followed
    page.emulate_media(color_scheme="light")
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "default")

    expect(toggle(page)).to_have_attribute("title", "Dark mode")
    toggle(page).click()
    assert page.evaluate(SCHEME) == "slate"
    assert page.evaluate(META, "color-scheme") == "dark"
    expect(toggle(page)).to_have_attribute("title", "Light mode")
    page.emulate_media(color_scheme="light")  # a kept choice outranks the system's
    page.goto(served.url("zh/wait/"))
    assert page.evaluate(SCHEME) == "slate"


def test_the_keyboard_switches_the_scheme(context, served):
    page = opened(context, "light")
    page.goto(served.url("gather/"))
    checked = page.locator("form[data-md-palette] input:checked")
    checked.focus()
    expect(checked).to_have_attribute("aria-label", "Dark mode")
    page.keyboard.press("Enter")
    assert page.evaluate(SCHEME) == "slate"
    expect(page.locator("form[data-md-palette] input:focus")).to_have_attribute(
        "aria-label", "Light mode"
    )
    page.keyboard.press(" ")
    assert page.evaluate(SCHEME) == "default"


def test_a_kept_choice_that_cannot_be_read_falls_back_to_the_system(context, served):
    page = opened(context, "dark")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(served.url("gather/"))
    page.evaluate("() => localStorage.setItem(__md_scope.pathname + '.__palette', '{not json')")
    page.reload()
    assert page.evaluate(SCHEME) == "slate"
    toggle(page).click()  # and a choice made now replaces it
    assert page.evaluate(SCHEME) == "default"
    assert '"scheme":"default"' in page.evaluate(KEPT)
    assert errors == []
