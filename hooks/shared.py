"""What the hooks share (imported by them; MkDocs puts hooks/ on the path while it loads one).

The one rule for a page's language: the locale mkdocs-static-i18n gave the page's file, or,
outside the plugin, the ``.<locale>.md`` suffix; the default language otherwise. A language
without its own labels is not quietly shown in English: each hook's label table raises.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError

from devkit.pinned import PinError, locked

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_LANGUAGE = "en"
RUNTIME_DIR = (
    "assets/pyodide"  # + /<version>/ under the site root: hooks/runtime.py copies Pyodide there
)


def page_language(page) -> str:
    """ "en", "zh", ... for a page, from its file's locale (``zh_CN`` -> ``zh``)."""
    locale = getattr(page.file, "locale", None)
    if not locale:
        parts = page.file.src_uri.rsplit(".", 2)
        locale = parts[1] if len(parts) == 3 else DEFAULT_LANGUAGE
    return str(locale).split("_")[0]


def pinned_pyodide(hook: str) -> str:
    """The Pyodide release the site ships (devkit.pinned), or the build fails naming ``hook``."""
    try:
        return locked()
    except PinError as error:
        raise PluginError("%s: %s" % (hook, error)) from error
