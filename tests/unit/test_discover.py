"""``discover``: which files a check covers, in which order, each once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from handoffs.engine import discover
from handoffs.errors import UsageError


def _touch(root: Path, *names: str) -> None:
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x\n", encoding="utf-8")


def test_files_come_in_the_order_paths_sort_part_by_part(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `a-b` sorts after the folder `a` part by part, though "a-b/" < "a/" as strings.
    names = ["a/z.md", "a-b/a.md", "a.b/a.md", "a0/a.md", "a/b/c.md", "A/a.md", "ä/a.md", "b.md"]
    _touch(tmp_path / "handoffs", *names)
    monkeypatch.chdir(tmp_path)
    found = discover([Path("handoffs")])
    assert found == sorted(Path("handoffs", name) for name in names)


def test_hidden_files_folders_and_other_extensions_are_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _touch(tmp_path / "handoffs", "acme/2026-11-23-implementation.md", ".git/x.md", "acme/.draft.md", "acme/notes.txt")
    monkeypatch.chdir(tmp_path)
    assert discover([Path("handoffs")]) == [Path("handoffs/acme/2026-11-23-implementation.md")]


def test_a_file_named_twice_is_checked_once_as_first_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _touch(tmp_path / "handoffs", "acme/2026-11-23-implementation.md", "globex/2026-11-23-onboarding.md")
    monkeypatch.chdir(tmp_path)
    single = Path("handoffs/acme/2026-11-23-implementation.md")
    assert discover([single.absolute(), Path("handoffs")]) == [
        single.absolute(),
        Path("handoffs/globex/2026-11-23-onboarding.md"),
    ]
    assert discover([Path("handoffs"), Path(os.path.join("handoffs", "..", "handoffs"))]) == [  # noqa: PTH118 - the name as typed
        single,
        Path("handoffs/globex/2026-11-23-onboarding.md"),
    ]


def test_a_missing_path_or_an_empty_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError, match="no handoff files"):
        discover([tmp_path / "empty"])
    with pytest.raises(UsageError, match="no such file"):
        discover([tmp_path / "missing.md"])
