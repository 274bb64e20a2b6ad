"""The built site: both languages, twins, links, no other host, search, switcher.

One real `mkdocs build --strict` per session (fixture ``site``); the twin-check tests
build small copies of the project whose docs/ was changed on purpose.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from built import ORIGIN, WARNING

import devkit.site

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
LANGS = ("en", "zh")  # en is the default language, at the site root; zh under zh/

INCLUDE = re.compile(r"""^\s*-{1,}8<-{1,}\s+(["'])(?P<path>[^"']+)\1\s*$""")
FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})\s*(?P<info>.*)$")
PYTHON_INFO = re.compile(r"^\{?\s*\.?(python3?|py3?)\b", re.IGNORECASE)


# ----------------------------------------------------------------------- helpers


def source_pages() -> dict:
    """{page name without language: {lang: path}} from docs/."""
    pages = {}
    for path in sorted(DOCS.rglob("*.md")):
        rel = path.relative_to(DOCS).with_suffix("").as_posix()
        lang, name = ("zh", rel[: -len(".zh")]) if rel.endswith(".zh") else ("en", rel)
        pages.setdefault(name, {})[lang] = path
    return pages


def includes(path: Path) -> list:
    return [m["path"] for m in map(INCLUDE.match, path.read_text("utf-8").splitlines()) if m]


def built_page(name: str) -> str:
    """Where page `name` (e.g. "gather", "index", "topic/index") lands, use_directory_urls."""
    p = PurePosixPath(name)
    return str(p.parent / "index.html") if p.name == "index" else f"{name}/index.html"


def resource_urls(tags):
    """(tag, attribute, url) for everything a browser would fetch from the page."""
    fetched = {
        "script": ("src",),
        "img": ("src", "srcset"),
        "source": ("src", "srcset"),
        "iframe": ("src",),
        "audio": ("src",),
        "video": ("src", "poster"),
        "track": ("src",),
        "embed": ("src",),
        "object": ("data",),
        "input": ("src",),
        "link": ("href",),  # stylesheets, icons, preloads; Material also fetches rel=alternate
        "image": ("href", "xlink:href"),
        "use": ("href", "xlink:href"),
    }
    for tag, attrs in tags.tags:
        for attr in fetched.get(tag, ()):
            value = attrs.get(attr)
            if not value:
                continue
            for url in value.split(",") if attr == "srcset" else [value]:
                yield tag, attr, url.strip().split(" ")[0]
        if attrs.get("style"):
            for url in CSS_URL.findall(attrs["style"]):
                yield tag, "style", url
        if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
            yield tag, "content", (attrs.get("content") or "").partition("url=")[2]


CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)|@import\s+["']([^"']+)["']""")
OTHER_HOST = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)


def css_urls(text):
    for match in CSS_URL.finditer(text):
        yield match.group(1) or match.group(2)


# ------------------------------------------------------------------- the sources


def test_every_page_has_a_twin_in_the_sources():
    pages = source_pages()
    assert pages, "docs/ has no pages"
    lonely = {name: sorted(t) for name, t in pages.items() if set(t) != set(LANGS)}
    assert not lonely, f"pages without a twin (languages present): {lonely}"


def test_twins_include_the_same_snippets_in_the_same_order():
    differ = {}
    for name, twins in source_pages().items():
        found = {lang: includes(path) for lang, path in twins.items()}
        if len({tuple(v) for v in found.values()}) > 1:
            differ[name] = found
    assert not differ, f"twins include different snippets: {differ}"


def python_fences(path: Path):
    """(line number, body lines) of every Python fence in a page."""
    lines, i = path.read_text("utf-8").splitlines(), 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, start, body = m["fence"], i + 1, []
        i += 1
        while i < len(lines) and not re.match(
            rf"^\s*{re.escape(fence[0])}{{{len(fence)},}}\s*$", lines[i]
        ):
            body.append(lines[i])
            i += 1
        i += 1
        if PYTHON_INFO.match(m["info"]):
            yield start, [b.strip() for b in body if b.strip()]


def test_no_runnable_python_written_in_the_pages():
    bad, count = [], 0
    for path in sorted(DOCS.rglob("*.md")):
        for line, body in python_fences(path):
            count += 1
            whole_file = (
                len(body) == 1
                and (m := INCLUDE.match(body[0]))
                and m["path"].endswith(".py")
                and (REPO / "snippets" / m["path"]).is_file()
            )
            if not whole_file:
                bad.append(f"{path.relative_to(REPO)}:{line}: {body[:3]}")
    assert not bad, "Python fences must hold exactly one whole-file include:\n" + "\n".join(bad)
    assert count, "no Python fence in docs/ at all"


# ------------------------------------------------------------------- the build


def test_build_is_strict_and_warning_free(site):
    warnings = [line for line in site.output.splitlines() if WARNING.search(line)]
    assert not warnings, "\n".join(warnings)


def test_every_page_is_built_in_both_languages(site):
    en, zh = site.pages("en"), site.pages("zh")
    assert en and en == zh, (
        f"only in English: {sorted(en - zh)}; only in Chinese: {sorted(zh - en)}"
    )
    for name in source_pages():
        for lang in LANGS:
            prefix = "" if lang == "en" else f"{lang}/"
            assert (site.root / prefix / built_page(name)).is_file(), (lang, name)


def test_html_lang_and_material_ui_language(site):
    expected = {"en": ("en", "Search"), "zh": ("zh", "搜索")}
    for lang in LANGS:
        for rel in site.pages(lang):
            path = rel if lang == "en" else f"zh/{rel}"
            tags = site.parse(path).tags
            html_lang = next(a.get("lang") for t, a in tags if t == "html")
            search = next(a for t, a in tags if a.get("data-md-component") == "search-query")
            assert (html_lang, search.get("placeholder")) == expected[lang], path


def test_internal_links_and_anchors_resolve(site):
    broken, checked = [], 0
    for rel in site.html_files():
        page_url = urljoin(ORIGIN, rel)
        for tag, attrs in site.parse(rel).tags:
            for attr in ("href", "src"):
                url = attrs.get(attr)
                if (
                    not url
                    or OTHER_HOST.match(url)
                    or re.match(r"^[a-z][a-z0-9+.-]*:", url, re.IGNORECASE)
                ):
                    continue
                if url.startswith("/") and not rel.endswith("404.html"):
                    broken.append(f"{rel}: <{tag} {attr}={url!r}> depends on the host's root")
                    continue
                absolute = ORIGIN + url[1:] if url.startswith("/") else urljoin(page_url, url)
                target = site.target(absolute.split("#")[0].split("?")[0])
                checked += 1
                if target is None or not (site.root / target).is_file():
                    broken.append(f"{rel}: <{tag} {attr}={url!r}> -> {target} is missing")
                    continue
                fragment = unquote(urlsplit(absolute).fragment)
                if fragment and target.endswith(".html") and fragment not in site.parse(target).ids:
                    broken.append(
                        f"{rel}: <{tag} {attr}={url!r}> -> no id {fragment!r} in {target}"
                    )
    for css in site.root.rglob("*.css"):
        for url in css_urls(css.read_text("utf-8")):
            if OTHER_HOST.match(url) or url.startswith(("data:", "#")):
                continue
            target = (css.parent / url.split("#")[0].split("?")[0]).resolve()
            checked += 1
            if not target.is_file():
                broken.append(f"{css.relative_to(site.root)}: url({url}) is missing")
    assert not broken, "\n".join(broken)
    assert checked > 100


def test_no_resource_comes_from_another_host(site):
    loaded, outbound = [], set()
    for rel in site.html_files():
        tags = site.parse(rel)
        for tag, attr, url in resource_urls(tags):
            if OTHER_HOST.match(url):
                loaded.append(f"{rel}: <{tag} {attr}={url}>")
        for text in tags.styles:
            loaded += [f"{rel}: <style> {u}" for u in css_urls(text) if OTHER_HOST.match(u)]
        for tag, attrs in tags.tags:
            if tag == "a" and OTHER_HOST.match(attrs.get("href") or ""):
                outbound.add(attrs["href"])
    for css in site.root.rglob("*.css"):
        rel = css.relative_to(site.root)
        loaded += [f"{rel}: {u}" for u in css_urls(css.read_text("utf-8")) if OTHER_HOST.match(u)]
    assert not loaded, "resources from another host:\n" + "\n".join(loaded)
    # Outbound <a> links are fine (they are followed, not loaded): list them.
    print("outbound links:", *sorted(outbound), sep="\n  ")


def test_theme_features_that_would_fetch_from_another_host_are_off(site):
    """Material's JS can fetch from other hosts: Google Fonts, mermaid from unpkg,
    repository facts from the GitHub API. None of their triggers is in the site."""
    for rel in site.html_files():
        text = (site.root / rel).read_text("utf-8")
        assert "fonts.googleapis.com" not in text and "fonts.gstatic.com" not in text, rel
        assert 'class="mermaid"' not in text, f"{rel}: mermaid would load from unpkg.com"
        assert 'data-md-component="source"' not in text, f"{rel}: repo facts call api.github.com"


OTHER_HOST = re.compile(r"""["'`(]((?:https?:)?//[a-z0-9-]+(?:\.[a-z0-9-]+)+[^"'`)\s]*)""", re.I)
NAMESPACES = ("http://www.w3.org/", "http://www.sitemaps.org/schemas/")  # names, never fetched
# URLs inside third-party code the site ships, each on a path the site never takes; the
# browser tests prove no request leaves the page's host. A new one fails here until reviewed.
INERT = {
    # Pyodide's default indexURL: worker.js always passes its own.
    "pyodide.mjs": ("https://cdn.jsdelivr.net/pyodide/",),
    # Material: mermaid / ResizeObserver polyfill loaders (no mermaid, every target browser has
    # ResizeObserver), GitHub facts (no repo_url), and credits in comments.
    "bundle.": (
        "https://unpkg.com/",
        "https://api.github.com/",
        "https://clipboardjs.com/",
    ),
    "main.": ("https://fontawesome.com",),  # licence comment in Material's CSS
    "search.": ("https://bit.ly/", "http://tartarus.org/", "http://lunrjs.com"),  # lunr credits
    # Comments in the word-cut library Material ships with lunr's Thai support.
    "wordcut.js": (
        "http://docs.python.org/",
        "http://en.wikipedia.org/",
        "http://narwhaljs.org",
        "http://wiki.ecmascript.org/",
        "https://developer.mozilla.org/",
    ),
}
OURS = ("frontend", "docs/assets", "overrides")
# A link is the reader's choice to leave, not a request the page makes.
LINK = re.compile(r"""(<a\b[^>]*?\bhref=)(["'])[^"']*\2""", re.I)


def test_our_sources_name_no_other_host():
    """The scripts, styles and templates we write name no other host, links included."""
    found = []
    for base in OURS:
        for path in (REPO / base).rglob("*"):
            if path.suffix not in (".js", ".mjs", ".html", ".css"):
                continue
            for url in OTHER_HOST.findall(path.read_text("utf-8")):
                if not url.startswith(NAMESPACES) and not url.startswith("//"):
                    found.append(f"{path.relative_to(REPO)}: {url}")
    assert not found, "\n".join(found)


def test_every_shipped_file_names_only_reviewed_hosts(site):
    """Every file of the built site a browser would run or fetch from (scripts, styles, pages,
    manifests, drawings): another host only in a link, or where INERT says why."""
    found = []
    for path in site.root.rglob("*"):
        if path.suffix not in (".js", ".mjs", ".html", ".css", ".json", ".xml", ".svg"):
            continue
        if "search_index" in path.name:
            continue  # the pages' own text, searched; their links are checked above
        allowed = next((v for k, v in INERT.items() if path.name.startswith(k)), ())
        text = LINK.sub(r"\1\2\2", path.read_text("utf-8", errors="replace"))
        for url in OTHER_HOST.findall(text):
            if url.startswith("//") or url.startswith(NAMESPACES + allowed):
                continue
            found.append(f"{path.relative_to(site.root)}: {url}")
    assert not found, "\n".join(sorted(set(found))[:40])


def test_material_font_is_off():
    text = (REPO / "mkdocs.yml").read_text("utf-8")
    assert re.search(r"^theme:(?:\n[ \t]+.*)*?\n[ \t]+font:\s*false\s*$", text, re.MULTILINE)


# ------------------------------------------------------------------ switcher


def test_language_switcher_links_each_page_to_its_twin(site):
    seen = 0
    for lang, other in (("en", "zh"), ("zh", "en")):
        for rel in site.pages(lang):
            path = rel if lang == "en" else f"zh/{rel}"
            links = [
                a
                for tag, a in site.parse(path).tags
                if tag == "a" and a.get("hreflang") == other and a.get("target") == "_self"
            ]
            assert len(links) == 1, f"{path}: {len(links)} switcher links to {other}"
            link = links[0]
            target = site.target(urljoin(urljoin(ORIGIN, path), link["href"]))
            twin = rel if other == "en" else f"zh/{rel}"
            assert target == twin, f"{path}: switcher goes to {target}, twin is {twin}"
            assert "Language / 语言" in link.get("aria-label", ""), path
            seen += 1
    assert seen


# ------------------------------------------------------------------ search


def search_index(site, lang):
    path = site.root / ("" if lang == "en" else f"{lang}/") / "search" / "search_index.json"
    assert path.is_file(), f"no search index for {lang}: {path}"
    return json.loads(path.read_text("utf-8"))


def test_each_language_has_its_own_search_index(site):
    en, zh = search_index(site, "en"), search_index(site, "zh")
    han = re.compile(r"[\u4e00-\u9fff]")
    assert not any(han.search(d["title"]) for d in en["docs"]), (
        "Chinese sections in the English index"
    )
    assert any(han.search(d["title"]) for d in zh["docs"])
    for lang, index in (("en", en), ("zh", zh)):
        prefix = "" if lang == "en" else f"{lang}/"
        for doc in index["docs"]:
            page = doc["location"].split("#")[0]
            assert (site.root / prefix / (page or "") / "index.html").is_file(), (
                lang,
                doc["location"],
            )
    # Material fetches search/search_index.json from its base: the zh pages' base is zh/.
    text = (site.root / "zh" / "index.html").read_text("utf-8")
    config = json.loads(re.search(r'<script id="__config"[^>]*>(.*?)</script>', text, re.DOTALL)[1])
    assert (
        site.target(
            urljoin(urljoin(ORIGIN, "zh/index.html"), config["base"]) + "search/search_index.json"
        )
        == "zh/search/search_index.json"
    )


@pytest.mark.parametrize("page", ["gather", "wait"])
def test_chinese_search_finds_the_cancellation_sections(site, page):
    index = search_index(site, "zh")
    assert "\\u200b" in index["config"]["separator"], "the zh separator must split jieba's segments"
    separator = re.compile(index["config"]["separator"])
    hits = [
        d
        for d in index["docs"]
        if d["location"].startswith(f"{page}/#")
        and "取消" in separator.split(re.sub(r"<[^>]+>", " ", d["title"] + " " + d["text"]))
    ]
    assert hits, f"no section of zh/{page}/ has 取消 as a search token"


# ------------------------------------------------------------------ twin check


@pytest.fixture
def project_copy(tmp_path):
    """The project with its own docs/ and snippets/ copies, the rest linked."""
    for entry in REPO.iterdir():
        if entry.name in ("docs", "snippets", "site", ".git"):
            continue
        (tmp_path / entry.name).symlink_to(entry)
    shutil.copytree(DOCS, tmp_path / "docs")
    shutil.copytree(REPO / "snippets", tmp_path / "snippets")
    (tmp_path / "snippets" / "fixture").mkdir()
    for name in ("first", "second"):
        (tmp_path / "snippets" / "fixture" / f"{name}.py").write_text(f"print({name!r})\n")
    return tmp_path


def fixture_page(includes_):
    fences = "".join(f'```python\n--8<-- "{p}"\n```\n\n' for p in includes_)
    return f"# Fixture {{#fixture}}\n\n{fences}"


def build_copy(project):
    proc = devkit.site.build(project / "site", project=project, check=False)
    return proc.returncode, proc.stdout + proc.stderr


@pytest.mark.parametrize("kept", ["fixture-twins.md", "fixture-twins.zh.md"])
def test_build_fails_on_a_missing_twin(project_copy, kept):
    (project_copy / "docs" / kept).write_text(fixture_page(["fixture/first.py"]))
    code, output = build_copy(project_copy)
    assert code != 0
    missing = "fixture-twins.zh.md" if kept == "fixture-twins.md" else "fixture-twins.md"
    assert f"docs/{kept}" in output and f"docs/{missing} is missing" in output, output[-2000:]


def test_build_fails_when_twins_include_snippets_in_another_order(project_copy):
    docs = project_copy / "docs"
    (docs / "fixture-twins.md").write_text(fixture_page(["fixture/first.py", "fixture/second.py"]))
    (docs / "fixture-twins.zh.md").write_text(
        fixture_page(["fixture/second.py", "fixture/first.py"])
    )
    code, output = build_copy(project_copy)
    assert code != 0
    assert "docs/fixture-twins.zh.md" in output and "same order" in output, output[-2000:]


def test_build_fails_on_a_missing_include(project_copy):
    for name in ("fixture-twins.md", "fixture-twins.zh.md"):
        (project_copy / "docs" / name).write_text(fixture_page(["fixture/absent.py"]))
    code, output = build_copy(project_copy)
    assert code != 0
    assert "fixture/absent.py" in output, output[-2000:]
