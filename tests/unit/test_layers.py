"""The layout shows the architecture: no import points back up the layers.

document model → rules → findings → reporters; git and GitHub behind their modules;
site, metrics, pull-request tools and drafting consume the model; commands sit on top.
Imports inside functions count too: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "tools" / "handoffs"

# The model and everything below the rules.
BASE = ("document", "model.py", "_modelkeys.py", "findings.py", "catalog.py", "matching.py", "config.py", "clock.py")
UPPER = ("handoffs.commands", "handoffs.site", "handoffs.metrics", "handoffs.pr", "handoffs.draft", "handoffs.crm")
# (modules, what they must not import)
LAYERS = (
    (BASE, ("handoffs.rules", "handoffs.engine", "handoffs.verdicts", "handoffs.assess", *UPPER)),
    (("rules",), ("handoffs.engine", "handoffs.assess", *UPPER)),
    (("verdicts.py",), ("handoffs.rules", "handoffs.engine", "handoffs.git", "handoffs.github", *UPPER)),
    (("engine.py", "assess.py", "attention.py", "approval_record.py", "scaffold.py"), UPPER),
    (("metrics", "site", "pr", "draft", "crm"), ("handoffs.commands",)),
)


def _modules(entry: str) -> list[Path]:
    path = PACKAGE / entry
    return sorted(path.rglob("*.py")) if path.is_dir() else [path]


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize(("entries", "forbidden"), LAYERS, ids=[",".join(e) for e, _ in LAYERS])
def test_no_import_points_back_up(entries: tuple[str, ...], forbidden: tuple[str, ...]) -> None:
    wrong = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for entry in entries
        for path in _modules(entry)
        for name in sorted(_imports(path))
        if any(name == f or name.startswith(f"{f}.") for f in forbidden)
    ]
    assert wrong == []
