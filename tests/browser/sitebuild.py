"""Real ``mkdocs build`` runs of the handoff site in test repositories (shared by the site tests)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from tests.factories import PROJECT


def add_site_config(root: Path) -> None:
    """Give a test repository this project's mkdocs.yml and site sources."""
    shutil.copy(PROJECT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(PROJECT / "site-src", root / "site-src", dirs_exist_ok=True)
    shutil.copytree(PROJECT / "site-theme", root / "site-theme", dirs_exist_ok=True)


def mkdocs_build(root: Path, *, strict: bool = False, site_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real mkdocs CLI in ``root`` (the plugin is found through its entry point)."""
    args = [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(site_dir or root / "site")]
    if strict:
        args.append("--strict")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "HANDOFF_TODAY": os.environ.get("HANDOFF_TODAY", "2026-11-23")}
    return subprocess.run(args, cwd=root, capture_output=True, text=True, env=env, check=False)


def built(root: Path) -> Path:
    """Build ``root``'s site (non-strict) and return the site directory, failing loudly."""
    result = mkdocs_build(root)
    assert result.returncode == 0, result.stderr
    return root / "site"


def page(site: Path, uri: str) -> str:
    """The HTML of a built page, given its URL path (``handoffs/acme/2026-11-23-onboarding/``)."""
    return (site / uri / "index.html").read_text(encoding="utf-8")


def article(html: str) -> str:
    """The page's content area: what the plugin rendered, without the theme's chrome."""
    start = html.index("<article")
    return html[start : html.index("</article>", start)]


class Markup(HTMLParser):
    """Every element and attribute of a document, as a browser's parser sees them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def tags(self) -> set[str]:
        return {tag for tag, _ in self.elements}

    def plain_text(self) -> str:
        return " ".join(" ".join(self.text).split())
