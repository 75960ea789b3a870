"""The theme's navigation, rendered once for all the pages that share it (mkdocs adapter).

Material renders the whole navigation into every page.  A page that is not in the
navigation (every handoff page) has nothing in it marked active, so its navigation is
the same HTML as another such page's whenever their links to the navigation's pages
are the same relative URLs.  ``NavCache`` keys those pages by exactly that (their
top-level folder, depth and relative URL of every page and link entry, the home page
and the logo the navigation links to) and keeps the first rendering of each key: at 10,000
handoffs the theme renders the navigation a handful of times instead of 10,000, its
largest cost per page.  Pages in the navigation are rendered by the theme every time.

``CachedNavLoader`` stands in front of the theme's template loader: the theme's
``partials/nav.html`` (whatever ``custom_dir`` or the theme provides) is served under
``ORIGINAL``, and ``partials/nav.html`` becomes a small template that gives the page's
shared navigation, rendering the original only for a key not seen yet.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jinja2
from markupsafe import Markup
from mkdocs.structure.nav import Link, Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import normalize_url

NAV = "partials/nav.html"
ORIGINAL = "handoffs-theme/partials/nav.html"  # the theme's own navigation template
GLOBAL = "handoffs_nav"  # the NavCache, as the templates see it
# Names the theme's template cannot be using, as it sees this template's variables.
_WRAPPER = (
    f"{{%- set handoffs_nav_key = {GLOBAL}.key(page) -%}}"
    f"{{%- if {GLOBAL}.has(handoffs_nav_key) -%}}{{{{ {GLOBAL}.get(handoffs_nav_key) }}}}"
    f'{{%- else -%}}{{%- set handoffs_nav_html -%}}{{% include "{ORIGINAL}" %}}{{%- endset -%}}'
    f"{{{{ {GLOBAL}.keep(handoffs_nav_key, handoffs_nav_html) }}}}{{%- endif -%}}"
)


class CachedNavLoader(jinja2.BaseLoader):
    """The theme's loader, with ``partials/nav.html`` served through the cache."""

    def __init__(self, theme: jinja2.BaseLoader) -> None:
        self.theme = theme

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        if template == NAV:
            return _WRAPPER, None, lambda: True
        if template == ORIGINAL:
            return self.theme.get_source(environment, NAV)
        return self.theme.get_source(environment, template)

    def list_templates(self) -> list[str]:
        return self.theme.list_templates()


class NavCache:
    """Rendered navigations by what makes them differ; ``None`` keys are never kept."""

    def __init__(self, nav: Navigation, linked: list[str]) -> None:
        """``linked``: other URLs the navigation links to (home page, logo), relative to the site."""
        self._in_nav = {id(page) for page in nav.pages}
        self._targets = [*_urls(nav.items), *linked]
        self._rendered: dict[tuple[Any, ...], Markup] = {}

    def key(self, page: Page | None) -> tuple[Any, ...] | None:
        if page is None or id(page) in self._in_nav:  # in the navigation: something in it is active
            return None
        parts = page.url.split("/")
        return (parts[0], len(parts), *(normalize_url(url, page=page) for url in self._targets))

    def has(self, key: tuple[Any, ...] | None) -> bool:
        return key is not None and key in self._rendered

    def get(self, key: tuple[Any, ...]) -> Markup:
        return self._rendered[key]

    def keep(self, key: tuple[Any, ...] | None, rendered: str) -> Markup:
        # The theme's own rendering of its template (not text from a page): never escaped again.
        markup = Markup(rendered)  # noqa: S704
        if key is not None:
            self._rendered[key] = markup
        return markup


def _urls(items: list[Any]) -> list[str]:
    """Every URL the navigation links to: its pages and its link entries, inside sections too.

    A relative link entry (``- Acme: handoffs/acme/``) is written relative to each page, like
    a page's, so it must be part of the key: two pages that agree on every page link may
    still disagree on it.
    """
    urls: list[str] = []
    for item in items:
        if item.children:
            urls.extend(_urls(item.children))
        if isinstance(item, Page | Link):
            urls.append(item.url)
    return urls


def install(env: jinja2.Environment, nav: Navigation, linked: list[str]) -> None:
    """Serve ``env``'s navigation template through a new cache (one per build)."""
    if env.loader is None:
        return
    if not isinstance(env.loader, CachedNavLoader):
        env.loader = CachedNavLoader(env.loader)
        if env.cache is not None:
            env.cache.clear()  # a navigation compiled before would not go through the cache
    env.globals[GLOBAL] = NavCache(nav, linked)
