"""Twin pages for the mkdocs-static-i18n suffix structure, and what each language needs.

- The build fails, naming the file, when a page has no twin in every language or
  when twins include different snippets (or the same ones in another order).
- Every page gets ``i18n_twins`` in its template context: the links to the same
  page in the other languages, rendered by ``overrides/partials/alternate.html``.
- Each language gets its own search index, ``<lang root>/search/search_index.json``,
  with Material's search settings for that language (the i18n plugin merges all
  languages into one index, tokenised the English way). Material fetches the index
  from its ``base``, so the pages of a language use that language's root as ``base``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

from jinja2 import TemplateNotFound
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.utils import get_relative_url

# pymdownx.snippets: `--8<-- "path"` on one line, or a block of paths between two
# bare `--8<--` lines; a leading `;` disables an include.
INCLUDE_LINE = re.compile(r"""^\s*-{1,}8<-{1,}\s+(["'])(?P<path>[^"']+)\1\s*$""")
BLOCK_FENCE = re.compile(r"^\s*-{1,}8<-{1,}\s*$")

_state = {"scope": None}


def on_config(config):
    if _state["scope"] is None:
        _state["scope"] = config.extra.get("scope", "")
    check_twins(Path(config.docs_dir), Path(config.config_file_path).parent, _i18n(config))


def on_page_context(context, page, config, nav):
    i18n = _i18n(config)
    lang = i18n.current_language
    context["i18n_twins"] = twin_links(page, i18n)
    # Material keeps preferences (palette...) under `extra.scope`, by default the
    # base: keep one scope for the whole site even though the base differs per language.
    config.extra["scope"] = _state["scope"] or context["base_url"] or "."
    if lang != i18n.default_language:
        context["base_url"] = get_relative_url(language_root(i18n, lang), page.url)
    return context


def on_post_template(output_content, template_name, config):
    # Every language writes site/404.html: keep each one to put it in its own root.
    if template_name == "404.html":
        _state.setdefault("404", {})[_build_language(_i18n(config))] = output_content
    return output_content


@event_priority(-200)  # after the i18n plugin has built and merged every language
def on_post_build(config):
    i18n = _i18n(config)
    write_language_index(config, i18n, _build_language(i18n))
    if not i18n.building:
        share_sitemap(config, i18n)
        for lang, html in _state.pop("404", {}).items():
            target = Path(config.site_dir) / language_root(i18n, lang) / "404.html"
            target.write_text(html, encoding="utf-8")


def _build_language(i18n) -> str:
    # The default language's build wraps the others': once they are done,
    # i18n.building is False again but current_language names the last one built.
    return i18n.current_language if i18n.building else i18n.default_language


# --------------------------------------------------------------------------- twins


def page_languages(i18n):
    """Map each locale to the suffix its pages carry: "" for the default one."""
    return {
        locale: "" if locale == i18n.default_language else f".{locale}"
        for locale in i18n.build_languages
    }


def check_twins(docs_dir: Path, project_dir: Path, i18n) -> None:
    suffixes = page_languages(i18n)
    pages = {}  # page name without language -> {locale: path}
    for path in sorted(docs_dir.rglob("*.md")):
        rel = path.relative_to(docs_dir)
        if any(part.startswith(".") for part in rel.parts):
            continue
        stem = rel.with_suffix("").as_posix()
        locale = next(
            (loc for loc, sfx in suffixes.items() if sfx and stem.endswith(sfx)),
            i18n.default_language,
        )
        base = stem[: -len(suffixes[locale])] if suffixes[locale] else stem
        pages.setdefault(base, {})[locale] = path

    def shown(path):
        return os.path.relpath(path, project_dir)

    problems = []
    for base, twins in sorted(pages.items()):
        present = sorted(twins.items())
        for locale, suffix in suffixes.items():
            if locale not in twins:
                have = ", ".join(shown(p) for _, p in present)
                missing = shown(docs_dir / f"{base}{suffix}.md")
                problems.append(f"{have} has no {locale} twin: {missing} is missing")
        _, reference = present[0]
        expected = snippet_includes(reference)
        for _locale, path in present[1:]:
            found = snippet_includes(path)
            if found != expected:
                problems.append(
                    f"{shown(path)} includes {found} but its twin {shown(reference)} "
                    f"includes {expected}: twins must include the same snippets in the same order"
                )
    if problems:
        raise PluginError("Twin pages do not match:\n  " + "\n  ".join(problems))


def snippet_includes(path: Path) -> list:
    """The snippet paths a page includes, in order."""
    includes, in_block = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        if BLOCK_FENCE.match(line):
            in_block = not in_block
        elif in_block:
            if line.strip() and not line.lstrip().startswith(";"):
                includes.append(line.strip())
        else:
            match = INCLUDE_LINE.match(line)
            if match:
                includes.append(match["path"])
    return includes


# ------------------------------------------------------------------ switcher links


def twin_links(page, i18n) -> list:
    links = []
    for lang in i18n.config.languages:
        if lang.locale == i18n.current_language or not lang.build:
            continue
        twin = page.file.alternates.get(lang.locale) if hasattr(page.file, "alternates") else None
        if twin is None or getattr(twin, "locale", lang.locale) != lang.locale:
            raise PluginError(f"{page.file.src_uri}: no {lang.locale} twin to link to")
        links.append(
            {
                "lang": lang.locale,
                "name": lang.name,
                "url": get_relative_url(twin.url or "./", page.url),
                "root": get_relative_url(language_root(i18n, lang.locale), page.url),
                "here": get_relative_url(language_root(i18n, i18n.current_language), page.url),
            }
        )
    return links


def language_root(i18n, locale: str) -> str:
    return "./" if locale == i18n.default_language else f"{locale}/"


# ------------------------------------------------------------------ search indexes


def write_language_index(config, i18n, lang: str) -> None:
    """Keep this language's entries, relative to its root, with its own settings."""
    site = Path(config.site_dir)
    merged = site / "search" / "search_index.json"
    if not merged.exists():
        return
    data = json.loads(merged.read_text(encoding="utf-8"))
    others = tuple(f"{loc}/" for loc in i18n.build_languages if loc != i18n.default_language)
    if lang == i18n.default_language:
        docs = [d for d in data["docs"] if not d["location"].startswith(others)]
        target = merged
    else:
        prefix = f"{lang}/"
        docs = [
            dict(d, location=d["location"][len(prefix) :])
            for d in data["docs"]
            if d["location"].startswith(prefix)
        ]
        target = site / lang / "search" / "search_index.json"
    settings = material_search_settings(config, lang)
    index = {"config": dict(data["config"], **settings), "docs": docs}
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), "utf-8")


def share_sitemap(config, i18n) -> None:
    """Material's instant navigation reads `sitemap.xml` at its base: one per language root."""
    sitemap = Path(config.site_dir) / "sitemap.xml"
    if sitemap.exists():
        for lang in i18n.build_languages:
            if lang != i18n.default_language:
                shutil.copyfile(sitemap, Path(config.site_dir) / lang / "sitemap.xml")


def material_search_settings(config, lang: str) -> dict:
    """Material's own search defaults for a site in `lang` (what a one-language site gets)."""
    env = config.theme.get_env()
    modules = []
    for name in (f"partials/languages/{lang}.html", "partials/languages/en.html"):
        try:
            modules.append(env.get_template(name).module)
        except TemplateNotFound:
            pass

    def t(key):
        return next((str(m.t(key)) for m in modules if str(m.t(key))), "")

    return {
        "lang": [t("search.config.lang")],
        "separator": t("search.config.separator"),
        "pipeline": [p for p in re.split(r"\s*,\s*", t("search.config.pipeline")) if p],
    }


def _i18n(config):
    try:
        return config.plugins["i18n"]
    except KeyError:
        raise PluginError("hooks/i18n_twins.py needs the i18n plugin in mkdocs.yml") from None
