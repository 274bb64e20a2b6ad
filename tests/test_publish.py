"""What publishing needs, read from a real build without SITE_URL (as `make build` makes it):
the charset early in every page, no broken sitemap, the licence texts and notices, the host's
_headers, the service worker's caches; and `make new-example`.

Serving (a sub-path, the 404 page, offline after a redeploy, live reload) is in
tests/browser/test_publish_browser.py.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from devkit.pinned import locked, own_files

REPO = Path(__file__).resolve().parents[1]
# The licence each text must be (a line every copy of it has).
LICENCE_LINES = {
    "pyodide": "Mozilla Public License Version 2.0",
    "cpython": "PYTHON SOFTWARE FOUNDATION LICENSE VERSION 2",
    "codemirror": "Permission is hereby granted, free of charge",
    "lezer": "Permission is hereby granted, free of charge",
    "mkdocs-material": "Permission is hereby granted, free of charge",
    "material-design-icons": "Pictogrammers Free License",
}


@pytest.fixture(scope="module")
def site(site):
    """The built folder of tests/conftest.py's shared build (no SITE_URL)."""
    return site.root


def pages(site):
    return sorted(site.rglob("*.html"))


def sw_constant(site, name):
    text = (site / "sw.js").read_text("utf-8")
    return json.loads(re.search(r"^const %s = (.*?);(?: //.*)?$" % name, text, re.M | re.S)[1])


def test_meta_charset_is_the_first_element_of_head_within_1024_bytes(site):
    for page in pages(site):
        data = page.read_bytes()
        head = re.search(rb"<head[^>]*>\s*(<[^>]*>)", data)
        assert head and head[1] == b'<meta charset="utf-8">', (page, data[:200])
        assert head.end(1) <= 1024, (page, head.end(1))
        assert data.count(b"<meta charset") == 1, page


def test_sitemaps_without_site_url_list_nothing(site):
    """Material asks for sitemap.xml on every page: there, valid, and with no broken entry."""
    sitemaps = sorted(p.relative_to(site).as_posix() for p in site.rglob("sitemap.xml"))
    assert sitemaps == ["sitemap.xml", "zh/sitemap.xml"]
    for rel in sitemaps:
        for data in (
            (site / rel).read_bytes(),
            gzip.decompress((site / (rel + ".gz")).read_bytes()),
        ):
            root = ElementTree.fromstring(data)
            assert root.tag.endswith("urlset") and len(root) == 0, (rel, data[:300])


def test_every_licence_text_is_shipped_and_is_that_licence(site):
    texts = sorted(p.stem for p in (site / "assets" / "licenses").glob("*.txt"))
    assert texts == sorted(LICENCE_LINES)
    for slug, line in LICENCE_LINES.items():
        assert line in (site / "assets" / "licenses" / (slug + ".txt")).read_text("utf-8"), slug


@pytest.mark.parametrize("page", ["about/index.html", "zh/about/index.html"])
def test_the_about_pages_name_each_component_and_link_its_licence(site, page):
    html = (site / page).read_text("utf-8")
    assert "<!-- third-party-notices -->" not in html
    table = re.search(r'<table class="notices">.*?</table>', html, re.S)[0]
    links = re.findall(r'href="([^"]*assets/licenses/[^"]+)"', table)
    assert sorted(Path(link).stem for link in links) == sorted(LICENCE_LINES)
    for link in links:
        assert ((site / page).parent / link).resolve().is_file(), link
    for name in ("Pyodide", "CPython", "CodeMirror", "Lezer", "Material for MkDocs"):
        assert "<td>%s</td>" % name in table, name
    assert locked() in table


def test_notices_cover_every_npm_package_the_bundle_holds(tmp_path):
    """esbuild's own list of what it bundled equals what the notices say is bundled."""
    spec = importlib.util.spec_from_file_location("publish_hook", REPO / "hooks" / "publish.py")
    publish = sys.modules[spec.name] = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(REPO / "hooks"))  # as MkDocs does while it loads a hook
    try:
        spec.loader.exec_module(publish)
    finally:
        sys.path.remove(str(REPO / "hooks"))
    esbuild = REPO / "node_modules" / ".bin" / "esbuild"
    entries = [REPO / "frontend" / "cells" / name for name in ("cells.js", "worker.js")]
    meta = tmp_path / "meta.json"
    subprocess.run(
        [str(esbuild), *map(str, entries), "--bundle", "--format=esm", "--splitting"]
        + ["--outdir=%s" % (tmp_path / "out"), "--metafile=%s" % meta, "--log-level=error"]
        + ['--define:PYODIDE_VERSION="0"', "--define:RUNTIME_SIZES={}"],
        check=True,
        cwd=REPO,
    )
    inputs = json.loads(meta.read_text("utf-8"))["inputs"]
    bundled = {
        m[1] for m in (re.search(r"node_modules/((?:@[^/]+/)?[^/]+)/", k) for k in inputs) if m
    }
    assert bundled == {p for group in publish.BUNDLED.values() for p in group}


def test_axe_core_is_not_shipped(site):
    assert not [p for p in site.rglob("*.js") if b"axe-core" in p.read_bytes()]


def test_headers_isolate_cache_the_runtime_and_carry_each_pages_policy(site):
    rules, current = {}, None
    for line in (site / "_headers").read_text("utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        if not line.startswith(" "):
            current = rules.setdefault(line, {})
        else:
            name, _, value = line.strip().partition(": ")
            current[name] = value
    everything = rules.pop("/*")
    assert everything["Cross-Origin-Opener-Policy"] == "same-origin"
    assert everything["Cross-Origin-Embedder-Policy"] == "require-corp"
    assert "Content-Security-Policy" not in everything  # the worker must compile WebAssembly
    runtime = own_files(site / "assets" / "pyodide" / locked())
    assert any(p.suffix == ".wasm" for p in runtime)
    for path in runtime:
        rule = rules.pop("/" + path.relative_to(site).as_posix())
        assert rule == {"Cache-Control": "public, max-age=31536000, immutable"}
    assert not [p for p in runtime if p.name == "pyodide-lock.json"], "the site's own lock file"
    for page in pages(site):
        rel = page.relative_to(site).as_posix()
        csp = re.search(r'Content-Security-Policy" content="([^"]*)"', page.read_text("utf-8"))[1]
        url = "/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
        assert rules.pop(url) == {"Content-Security-Policy": csp}, url
        if url.endswith("/"):
            assert rules.pop(url + "index.html") == {"Content-Security-Policy": csp}
    assert rules == {}
    assert len((site / "_headers").read_text("utf-8").split("\n/")) < 100  # Cloudflare's limit


def test_service_worker_keys_the_runtime_by_version_and_precaches_the_rest(site):
    version = locked()
    assert sw_constant(site, "RUNTIME") == version
    assert re.fullmatch(r"[0-9a-f]{12}", sw_constant(site, "SITE"))
    runtime = sw_constant(site, "RUNTIME_FILES")
    assert runtime == [
        p.relative_to(site).as_posix() for p in own_files(site / "assets/pyodide" / version)
    ]
    precache = sw_constant(site, "PRECACHE")
    python = sw_constant(site, "PRECACHE_PYTHON")
    assert not set(runtime) & set(precache + python)
    # The site's own lock file and wheel change with the site: never kept by version, and
    # precached apart (only for a reader who ran Python), so a first visit loads no Python.
    assert "assets/pyodide/%s/pyodide-lock.json" % version in python
    assert any(p.endswith(".whl") for p in python)
    assert not [p for p in precache if p.startswith("assets/pyodide/")]
    for url in precache + python:
        path = site / url
        assert (path / "index.html" if url.endswith("/") or url == "./" else path).is_file(), url
    assert "_headers" not in precache


# ------------------------------------------------------------------ make new-example


@pytest.fixture
def workspace(tmp_path):
    """A bare copy of the project for the Makefile: its own snippets/ and tests/, the venv linked."""
    shutil.copy(REPO / "Makefile", tmp_path / "Makefile")
    (tmp_path / ".venv").symlink_to(REPO / ".venv")
    (tmp_path / "snippets").mkdir()
    (tmp_path / "tests").mkdir()
    return tmp_path


def make_new_example(workspace, name):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    return subprocess.run(
        ["make", "--no-print-directory", "new-example", "NAME=" + name],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_new_example_scaffolds_a_snippet_and_a_failing_test(workspace):
    done = make_new_example(workspace, "demo/first_try")
    assert done.returncode == 0, done.stderr
    snippet = workspace / "snippets" / "demo" / "first_try.py"
    test = workspace / "tests" / "test_demo_first_try.py"
    assert sorted(p.relative_to(workspace).as_posix() for p in workspace.rglob("*.py")) == [
        "snippets/demo/first_try.py",
        "tests/test_demo_first_try.py",
    ]
    ran = subprocess.run([sys.executable, str(snippet)], capture_output=True, text=True, check=True)
    assert ran.stdout == "['A', 'B']\n"
    compile(test.read_text("utf-8"), str(test), "exec")
    assert 'python.run("demo/first_try.py")' in test.read_text("utf-8")
    # The assertion cannot pass until the writer replaces it with what the page says.
    assert "['A', 'B']" not in test.read_text("utf-8")
    for step in ("demo/first_try.py", ".zh.md", "make matrix", "make timelines", "make test"):
        assert step in done.stdout, step
    assert not (REPO / "snippets" / "demo").exists()


@pytest.mark.parametrize("name", ["first_try", "demo/First", "../demo/x", ""])
def test_new_example_refuses_a_bad_name(workspace, name):
    done = make_new_example(workspace, name)
    assert done.returncode != 0 and "topic/name" in done.stderr
    assert list(workspace.rglob("*.py")) == []


def test_new_example_never_overwrites(workspace):
    assert make_new_example(workspace, "demo/again").returncode == 0
    (workspace / "snippets" / "demo" / "again.py").write_text("print('mine')\n")
    done = make_new_example(workspace, "demo/again")
    assert done.returncode != 0 and "already exists" in done.stderr
    assert (workspace / "snippets" / "demo" / "again.py").read_text() == "print('mine')\n"
