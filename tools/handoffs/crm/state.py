"""Where ``handoff crm sync`` remembers how far it got: the watermark, per CRM system.

By default in the repository itself, on the ref ``refs/handoff-state/crm-sync`` (one small
commit holding ``crm-sync.json``), pushed to the remote: a scheduled run on a fresh
runner reads what the last run wrote, without a cache a pull request could poison and
without a shared file on the base branch.  ``--state FILE`` keeps it in a local file
instead (a run on a laptop).  The watermark only moves past deals that are done.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any, Protocol

from handoffs.crm.records import iso_utc
from handoffs.errors import HandoffError, UsageError
from handoffs.git import BOT_EMAIL, BOT_NAME, run, run_remote

STATE_REF = "refs/handoff-state/crm-sync"
STATE_FILE = "crm-sync.json"


class Watermark(Protocol):
    def read(self, system: str) -> dt.datetime | None: ...

    def write(self, system: str, moment: dt.datetime) -> None: ...


def _parse(text: str, system: str, where: str) -> dt.datetime | None:
    try:
        data = json.loads(text)
        entry = data.get(system)
        if entry is None:
            return None
        return dt.datetime.fromisoformat(str(entry["watermark"]).replace("Z", "+00:00"))
    except (ValueError, KeyError, TypeError, AttributeError):
        raise UsageError(f"{where}: not a sync state this tool wrote; remove it to start again from --since") from None


def _updated(text: str | None, system: str, moment: dt.datetime) -> str:
    data: dict[str, Any] = json.loads(text) if text else {}
    data[system] = {"watermark": iso_utc(moment)}
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


class FileWatermark:
    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self, system: str) -> dt.datetime | None:
        return _parse(self.path.read_text(encoding="utf-8"), system, str(self.path)) if self.path.is_file() else None

    def write(self, system: str, moment: dt.datetime) -> None:
        current = self.path.read_text(encoding="utf-8") if self.path.is_file() else None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(_updated(current, system, moment), encoding="utf-8")
        temporary.replace(self.path)  # atomic: a crash never leaves half a state file


class RefWatermark:
    """The state as a commit on ``refs/handoff-state/crm-sync``, fetched at the start, pushed after each deal."""

    def __init__(self, root: Path, remote: str) -> None:
        self.root = root
        self.remote = remote if remote in run(root, "remote").split() else None
        self._fetched = False

    def _fetch(self) -> None:
        if self._fetched or self.remote is None:
            return
        # Fail closed: a remote that cannot be read must not restart the sync from scratch.
        if run_remote(self.root, self.remote, "ls-remote", self.remote, STATE_REF).strip():
            run_remote(self.root, self.remote, "fetch", "-q", self.remote, f"+{STATE_REF}:{STATE_REF}")
        self._fetched = True

    def _current(self) -> str | None:
        self._fetch()
        try:
            return run(self.root, "cat-file", "blob", f"{STATE_REF}:{STATE_FILE}")
        except HandoffError:
            return None

    def read(self, system: str) -> dt.datetime | None:
        text = self._current()
        return _parse(text, system, STATE_REF) if text is not None else None

    def write(self, system: str, moment: dt.datetime) -> None:
        with tempfile.TemporaryDirectory() as scratch:
            blob_file = Path(scratch) / STATE_FILE
            blob_file.write_text(_updated(self._current(), system, moment), encoding="utf-8")
            blob = run(self.root, "hash-object", "-w", str(blob_file)).strip()
        tree = run(self.root, "mktree", stdin=f"100644 blob {blob}\t{STATE_FILE}\n").strip()
        parent = self._parent()
        commit = run(
            self.root,
            "-c",
            f"user.name={BOT_NAME}",
            "-c",
            f"user.email={BOT_EMAIL}",
            "commit-tree",
            tree,
            *(["-p", parent] if parent else []),
            "-m",
            f"crm sync: {system} watermark {iso_utc(moment)}",
        ).strip()
        run(self.root, "update-ref", STATE_REF, commit)
        if self.remote is not None:
            self._push(self.remote)

    def _parent(self) -> str | None:
        try:
            return run(self.root, "rev-parse", "--verify", "-q", STATE_REF).strip() or None
        except HandoffError:
            return None

    def _push(self, remote: str) -> None:
        run_remote(self.root, remote, "push", "-q", remote, f"+{STATE_REF}:{STATE_REF}")
