"""The search index: Pagefind, run over the built site.

Pagefind splits the index into chunks by word and the page texts into one fragment per
page, so a query downloads only the chunks for its words and the fragments of the
results it shows: the transfer per search stays small at 10,000 handoffs, where one
lunr index of every page would be tens of megabytes.  Only handoff pages are indexed
(they carry ``data-pagefind-body``, see ``generate``); their customer, type and status
travel with each result, and status, type, team and owner are filters.

The binary ships in the ``pagefind-bin`` wheel (installed from the lock): nothing is
downloaded at build time.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from handoffs.errors import HandoffError

BUNDLE = "pagefind"  # the folder of the built site that holds the index and its script


def build_search_index(site_dir: Path) -> None:
    """Index ``site_dir`` in place (writes ``site_dir/pagefind/``); raise with Pagefind's message on failure."""
    from pagefind_bin import get_executable

    try:
        executable = get_executable()
    except FileNotFoundError as exc:
        raise HandoffError(f"the Pagefind binary is missing ({exc}); reinstall from requirements/") from None
    result = subprocess.run(
        [str(executable), "--site", str(site_dir), "--output-subdir", BUNDLE, "--silent"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        problem = (result.stderr or result.stdout).strip().splitlines()
        raise HandoffError(f"the search index could not be built: {problem[-1] if problem else 'Pagefind failed'}")
