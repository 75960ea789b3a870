"""The plugin's shortcuts through mkdocs change no byte of the site: the navigation rendered
once for every page outside it (``mkdocs_nav``), and generated pages that skip mkdocs'
Markdown step (``plugin._GeneratedPage``).  The same repository is built with and without
them, in a real mkdocs build, and every page must come out identical."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from handoffs.site import mkdocs_nav, plugin
from tests.acceptance.test_site_build import ACME, ACME_BODY, ACME_FRONT, NORTHWIND
from tests.browser.sitebuild import add_site_config
from tests.factories import commit_all, handoff_text, write_handoff


def _build(root: Path, site_dir: Path) -> dict[str, bytes]:
    build(load_config(str(root / "mkdocs.yml"), site_dir=str(site_dir)))
    pages = {}
    for path in sorted(site_dir.rglob("*")):
        relative = path.relative_to(site_dir).as_posix()
        if path.is_file() and not relative.startswith("pagefind/") and not relative.endswith(".gz"):
            pages[relative] = path.read_bytes()
    return pages


# A team's own navigation may link into the handoffs with relative link entries, inside a
# section too: each page links to them from its own folder, so they are part of the cache key.
LINKS = (
    "  - Northwind handoffs: handoffs/northwind-health/\n"
    "  - Customers:\n"
    "      - Acme handoffs: handoffs/acme-corp/\n"
    "      - Elsewhere: https://intranet.example/handoffs/\n"
)


@pytest.mark.parametrize("team_links", [False, True], ids=["shipped-nav", "nav-with-relative-links"])
def test_the_shortcuts_change_no_page(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, team_links: bool
) -> None:
    add_site_config(repo)
    if team_links:
        config = repo / "mkdocs.yml"
        config.write_text(
            config.read_text(encoding="utf-8").replace("  - Tags: tags.md\n", f"  - Tags: tags.md\n{LINKS}")
        )
    write_handoff(repo, NORTHWIND)
    write_handoff(repo, ACME, handoff_text(ACME_FRONT, ACME_BODY))
    commit_all(repo, "Two handoffs")
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    shortcut = _build(repo, tmp_path / "shortcut")

    with monkeypatch.context() as plain:
        plain.setattr(mkdocs_nav, "install", lambda *_: None)
        plain.setattr(plugin, "_GeneratedPage", lambda *_: None)
        theirs = _build(repo, tmp_path / "plain")

    assert set(shortcut) == set(theirs)
    assert any(name.startswith("handoffs/") for name in shortcut)
    different = [name for name in shortcut if shortcut[name] != theirs[name]]
    assert different == []
    # The navigation is really there, and links from a handoff page's depth.
    northwind = shortcut[f"handoffs/{NORTHWIND}/index.html"].decode()
    assert 'class="md-nav md-nav--primary"' in northwind
    assert 'href="../../../indexes/attention/"' in northwind
