"""A per-blob cache of what metrics learn from each file version, kept inside .git/.

A blob id names exact content, so what a version says never changes; only the rules
and the configuration can change the verdicts.  The cache file is therefore named by a
fingerprint of schema/ and of this package's source: change either and the old cache
is simply not used.  Recomputing from a warm cache reads git history and this file.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import handoffs
from handoffs.metrics.facts import Facts

VERSION = 1


@dataclass(frozen=True, slots=True)
class Verdict:
    complete: bool  # required context present (see events.is_complete)
    clean: bool  # no errors and no open items
    flagged: tuple[str, ...] = ()  # the custom-term categories the version flags


@dataclass
class AnalysisCache:
    path: Path | None  # None: keep in memory only
    facts: dict[str, Facts] = field(default_factory=dict)
    verdicts: dict[tuple[str, str], Verdict] = field(default_factory=dict)
    _loaded: int = 0

    @classmethod
    def for_repository(cls, root: Path) -> AnalysisCache:
        git_dir = root / ".git"
        if not git_dir.is_dir():  # a worktree or submodule: do not guess where its git dir is
            return cls(None)
        cache = cls(git_dir / "handoff-metrics" / f"analysis-{fingerprint(root)}.json")
        cache.load()
        return cache

    def load(self) -> None:
        if self.path is None or not self.path.exists():
            return
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            facts = {sha: Facts.from_json(item) for sha, item in data["facts"].items()}
            verdicts = {
                (key.split(" ", 1)[1], key.split(" ", 1)[0]): Verdict(bool(v[0]), bool(v[1]), tuple(v[2]))
                for key, v in data["verdicts"].items()
            }
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return  # a damaged cache is ignored and rewritten
        self.facts, self.verdicts = facts, verdicts
        self._loaded = len(facts) + len(verdicts)

    def save(self) -> None:
        if self.path is None or len(self.facts) + len(self.verdicts) == self._loaded:
            return
        data = {
            "facts": {sha: f.to_json() for sha, f in self.facts.items()},
            "verdicts": {f"{sha} {hid}": [v.complete, v.clean, v.flagged] for (hid, sha), v in self.verdicts.items()},
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(".tmp")
            temporary.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
            temporary.replace(self.path)
        except OSError:
            return  # the cache only saves time; failing to write it changes no figure
        self._loaded = len(self.facts) + len(self.verdicts)


# What a cached fact or verdict depends on besides the content: the rules and the reader.
_CODE = (
    "rules",
    "document",
    "engine.py",
    "config.py",
    "model.py",
    "findings.py",
    "catalog.py",
    "verdicts.py",
    "matching.py",
    "metrics/facts.py",
    "metrics/versions.py",
    "metrics/events.py",
    "metrics/cache.py",
)


def fingerprint(root: Path) -> str:
    digest = hashlib.sha256(f"v{VERSION}".encode())
    package = Path(handoffs.__file__).parent
    sources = [root / "schema", *(package / part for part in _CODE)]
    for source in sources:
        paths = sorted(source.rglob("*")) if source.is_dir() else [source]
        for path in paths:
            if path.is_file() and path.suffix in (".py", ".yaml", ".yml", ".json", ".md"):
                digest.update(path.as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
