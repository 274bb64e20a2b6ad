"""Cells as small playgrounds: copy, download, share, kept edits, progress, permalinks, print, keys, CSP.

Each test drives the built site in Chromium as a reader would (roles and names, the clipboard,
a real download, a second context for a shared link) and asserts what the reader gets.
"""

from __future__ import annotations

import re

import pytest
from site_pages import (
    FIRST_LOAD,
    RESET,
    RUN,
    SNIPPETS,
    Cells,
    url_language,
    wait_for_kept,
)

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import expect  # noqa: E402

COPY = re.compile(r"^\s*(Copy|复制)")
DOWNLOAD = re.compile(r"^\s*(Download|下载)")
SHARE = re.compile(r"^\s*(Share|分享)")
EDITED = "import asyncio\n\nprint('edited', 1 + 1)\n"
# Every Content-Security-Policy violation of the page, kept where the test can read it.
LISTEN_CSP = """document.addEventListener('securitypolicyviolation', (e) => {
  (window.__csp ??= []).push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});"""


@pytest.fixture
def clipboard_context(context):
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    return context


def cell_id(snippet: str) -> str:
    """The permalink id the build gives a snippet's cell (hooks/cells.py: cell_id)."""
    return "cell-" + re.sub(r"[^a-z0-9]+", "-", snippet[: -len(".py")].lower()).strip("-")


def open_cells(context, served, path="gather/") -> Cells:
    return Cells(context.new_page(), served).goto(path)


def note(cell) -> str:
    return cell.locator(".cell-note").text_content() or ""


def test_copy_puts_the_edited_code_on_the_clipboard_and_says_so(clipboard_context, served):
    cells = open_cells(clipboard_context, served)
    cell = cells.cell()
    cells.set_code(cell, EDITED)
    cell.get_by_role("button", name=COPY).click()
    expect(cell.locator(".cell-note")).to_have_text("Copied the code.")
    assert cell.locator(".cell-note").get_attribute("aria-live") == "polite"  # announced
    assert cells.page.evaluate("navigator.clipboard.readText()").rstrip("\n") == EDITED.rstrip("\n")


def test_download_saves_the_edited_code_under_the_snippets_name(context, served):
    cells = open_cells(context, served, "zh/gather/")
    cell = cells.cell(index=1)
    cells.set_code(cell, EDITED)
    with cells.page.expect_download() as download:
        cell.get_by_role("button", name=DOWNLOAD).click()
    assert download.value.suggested_filename == cell.get_attribute("data-snippet").split("/")[-1]
    with open(download.value.path(), encoding="utf-8") as saved:
        assert saved.read().rstrip("\n") == EDITED.rstrip("\n")


def test_a_share_link_round_trips_into_a_fresh_context_and_reset_brings_the_original(
    clipboard_context, browser, served
):
    cells = open_cells(clipboard_context, served)
    cell = cells.cell(index=2)
    cells.set_code(cell, EDITED)
    cell.get_by_role("button", name=SHARE).click()
    expect(cell.locator(".cell-note")).to_contain_text("Copied a link")
    url = cells.page.evaluate("navigator.clipboard.readText()")
    assert url.startswith(served.url("gather/") + "#" + cell.get_attribute("id") + "&code=")
    assert "edited" not in url, "the code travels compressed"

    fresh = browser.new_context()
    try:
        page = fresh.new_page()
        page.goto(url)
        other = Cells(page, served)
        other.wait_wired()
        shared = page.locator("#" + cell.get_attribute("id"))
        expect(shared.locator(".cell-note")).to_contain_text("shared link")
        assert other.editor_text(shared).rstrip("\n") == EDITED.rstrip("\n")
        assert shared.get_attribute("data-edited") == ""
        assert page.evaluate("document.activeElement.id") == cell.get_attribute("id")
        shared.get_by_role("button", name=RESET).click()
        original = (SNIPPETS / shared.get_attribute("data-snippet")).read_text("utf-8")
        assert other.editor_text(shared).rstrip("\n") == original.rstrip("\n")
        assert shared.get_attribute("data-edited") is None
    finally:
        fresh.close()


# Bad characters, not deflate data, cut short, an unknown format: each opens the page with the
# original code and a note; the page then runs (once, after the last: one Python start).
DAMAGED = ["1@@@not-base64", "1AAAA", "1y8wtyC8qUUg", "9abc"]


def test_a_corrupted_share_link_says_so_and_keeps_the_original(context, served):
    page = context.new_page()
    snippet = served.snippets("zh/gather/")[0]
    original = (SNIPPETS / snippet).read_text("utf-8").rstrip("\n")
    cells = Cells(page, served)
    for damage in DAMAGED:
        page.goto(served.url("zh/gather/") + "#%s&code=%s" % (cell_id(snippet), damage))
        page.reload()  # a new fragment alone is no new document
        cells.wait_wired()
        cell = cells.cell()
        expect(cell.locator(".cell-note")).to_contain_text("无法读取分享链接里的代码")
        assert cells.editor_text(cell).rstrip("\n") == original, damage
        assert cell.get_attribute("data-edited") is None, damage
    assert cells.run(cell, timeout=FIRST_LOAD) == "done", "the page goes on working"


def test_edits_survive_a_reload_and_leave_with_reset(context, served):
    cells = open_cells(context, served)
    cell = cells.cell()
    cells.set_code(cell, EDITED)
    cells.page.reload()
    cells.wait_wired()
    cell = cells.cell()
    assert cells.editor_text(cell).rstrip("\n") == EDITED.rstrip("\n")
    expect(cell.locator(".cell-note")).to_contain_text("edits from this session")
    cell.get_by_role("button", name=RESET).click()
    cells.page.reload()
    cells.wait_wired()
    original = (SNIPPETS / cells.cell().get_attribute("data-snippet")).read_text("utf-8")
    assert cells.editor_text(cells.cell()).rstrip("\n") == original.rstrip("\n")


WATCH_PROGRESS = """(cell) => {
  const bar = cell.querySelector('progress');
  window.__progress = [];
  new MutationObserver(() => window.__progress.push([bar.value, bar.max, bar.getAttribute('aria-valuetext')]))
    .observe(bar, { attributes: true });
}"""


def test_the_first_load_shows_bytes_to_their_total_and_a_second_visit_says_it_restored(
    context, served
):
    cells = open_cells(context, served)
    cell = cells.cell()
    cell.evaluate(WATCH_PROGRESS)
    assert cells.run(cell, timeout=FIRST_LOAD) == "done"
    seen = cells.page.evaluate("window.__progress")
    runtime = served.site / "assets" / "pyodide"
    [version] = [p for p in runtime.iterdir() if p.is_dir()]
    files = [
        "pyodide.asm.wasm",
        "pyodide-lock.json",
        *(p.name for p in version.glob("python_stdlib.*.zip")),
        *(p.name for p in version.glob("cellrun-*.whl")),
    ]
    total = sum((version / name).stat().st_size for name in files)
    assert seen and {bar_max for _, bar_max, _ in seen} == {total}
    values = [value for value, _, _ in seen]
    assert values == sorted(values) and values[-1] == total, (
        "counted every byte of the runtime files"
    )
    assert re.fullmatch(r"Loading Python: [\d.]+ of [\d.]+ MB", seen[0][2])
    assert cell.locator("progress").is_hidden()
    wait_for_kept(cells.page, ".snapshot")
    again = open_cells(context, served, "zh/gather/")
    assert again.run(again.cell(), timeout=FIRST_LOAD) == "done"
    expect(again.cell().locator(".cell-note")).to_have_text("Python 已从本浏览器的缓存中恢复。")


def test_a_permalink_opens_the_page_at_its_cell_and_focuses_it(context, served):
    target = cell_id(served.snippets("gather/")[-1])
    page = context.new_page()
    page.goto(served.url("gather/") + "#" + target)
    Cells(page, served).wait_wired()
    cell = page.locator(".cell").last
    assert cell.get_attribute("id") == target
    link = cell.get_by_role("link", name="Link to this example")
    assert link.get_attribute("href") == "#" + target
    page.wait_for_function(
        "(id) => document.activeElement && document.activeElement.id === id", arg=target
    )
    box = cell.bounding_box()
    assert 0 <= box["y"] < page.viewport_size["height"], "scrolled to the cell"


def test_printed_cells_show_code_and_output_not_controls(context, served):
    cells = open_cells(context, served)
    ran = cells.cell(index=1)
    assert cells.run(ran, timeout=FIRST_LOAD) == "done"
    cells.page.emulate_media(media="print")
    idle, toolbar = cells.cell(), cells.cell().locator(".cell-toolbar")
    expect(toolbar).to_be_hidden()
    expect(idle.get_by_role("button", name=RUN)).to_be_hidden()
    expect(idle.locator("details.cell-reference pre")).to_be_visible()
    expect(ran.locator("details.cell-reference")).to_be_hidden()
    expect(ran.get_by_role("log")).to_be_visible()
    assert idle.get_by_role("textbox").is_visible()


@pytest.mark.parametrize(
    "lang, words", [("", ("Ctrl+Enter", "Keyboard")), ("zh/", ("Ctrl+Enter", "键盘操作"))]
)
def test_labels_name_the_platforms_shortcut_and_a_keyboard_note_lists_the_keys(
    context, served, lang, words
):
    cells = open_cells(context, served, lang + "gather/")
    cell = cells.cell()
    shortcut, keyboard = words
    assert shortcut in cell.get_by_role("button", name=RUN).get_attribute("title")
    assert shortcut in cell.get_by_role("textbox").get_attribute("aria-label")
    cell.locator("summary", has_text=keyboard).click()
    expect(cell.locator(".cell-keys p")).to_contain_text(shortcut)
    expect(cell.locator(".cell-keys p")).to_contain_text("Tab")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_csp_violation_on_any_page_while_reading_editing_running_stopping_resetting(
    context, served, scheme
):
    context.add_init_script(LISTEN_CSP)
    page = context.new_page()
    page.emulate_media(color_scheme=scheme)
    cells = Cells(page, served)
    pages = served.pages_with_cells()
    checked, violations = [], []
    for number, path in enumerate(pages):
        # One document per language (instant navigation stays within one), the rest navigated to.
        if number == 0 or url_language(path) != url_language(pages[number - 1]):
            violations += page.evaluate("window.__csp ?? []") if number else []
            cells.goto(path)
        else:
            cells.navigate(path)
        if not served.snippets(path):
            continue
        cell = cells.cell()
        box = cell.get_by_role("textbox")
        box.click()
        page.wait_for_function(
            "(cell) => cell.querySelector('.cell-editor').shadowRoot !== null",
            arg=cell.element_handle(),
        )
        page.keyboard.press("Control+A")
        page.keyboard.type("import asyncio\n\nasync def main():\nprint('typed')\n")
        page.keyboard.press("Control+Z")
        page.keyboard.press("Control+A")
        page.keyboard.press("Delete")
        page.keyboard.insert_text("print('ok')\n")
        assert cells.run(cell, timeout=FIRST_LOAD) == "done"
        cell.get_by_role("button", name=RESET).click()
        checked.append(path)
    violations += page.evaluate("window.__csp ?? []")
    for path in ("", "zh/", "glossary/", "zh/about/"):  # pages without cells: their load
        page.goto(served.url(path))
        page.wait_for_load_state("load")
        violations += page.evaluate("window.__csp ?? []")
    assert len(checked) == len(pages)
    assert violations == []


# The activated editor's look, read from the page: its colours are the code blocks' (Material's
# variables), so the constructed stylesheet CodeMirror uses was applied in spite of the CSP.
EDITOR_LOOK = """(cell) => {
  const host = cell.querySelector('.cell-editor');
  const root = host.shadowRoot;
  const editor = root.querySelector('.cm-editor');
  const keyword = [...root.querySelectorAll('.cm-line span')].find((s) => s.textContent === 'import');
  const probe = document.createElement('code');
  cell.querySelector('.highlight').append(probe);
  const page = getComputedStyle(probe);
  const sample = { background: page.backgroundColor, font: page.fontFamily };
  const keywordColour = getComputedStyle(cell.querySelector('.highlight .kn') ?? probe).color;
  probe.remove();
  return {
    background: getComputedStyle(editor).backgroundColor,
    font: getComputedStyle(root.querySelector('.cm-content')).fontFamily,
    keyword: keyword ? getComputedStyle(keyword).color : null,
    expected: { ...sample, keyword: keywordColour },
  };
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_activated_editor_wears_the_code_blocks_colours_and_font(context, served, scheme):
    page = context.new_page()
    page.emulate_media(color_scheme=scheme)
    cells = Cells(page, served).goto("gather/")
    cell = cells.cell()
    cell.get_by_role("textbox").click()
    page.wait_for_function(
        "(cell) => cell.querySelector('.cell-editor').shadowRoot?.querySelector('.cm-line')",
        arg=cell.element_handle(),
    )
    look = cell.evaluate(EDITOR_LOOK)
    assert look["background"] == look["expected"]["background"], look
    assert look["font"] == look["expected"]["font"], look
    assert look["keyword"] == look["expected"]["keyword"], look
