"""Write a handoff's status and link back to the CRM: only to the fields ``schema/crm.yaml`` names.

Run after a merge (approval), and again whenever a merged change sets ``status:
kicked-off`` or ``completed``.  The value written for ``status`` is the handoff's state as
the repository defines it: ``approved`` (merged, still ``proposed``), ``kicked-off``,
``completed`` or ``cancelled``.  The current values are read first and a field is written
only when it differs, so a re-run writes nothing.

Only approved handoffs are written, as ``verdicts.approved`` decides it, and always from
the base branch's version: a checkout of a feature branch, or an unmerged edit in the
working tree, never reaches the CRM.  When approval cannot be verified (no git, no base
branch readable), nothing is written and each handoff says why: that is fail-closed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handoffs.crm.existing import mapping_at, read_front
from handoffs.crm.mapping import CrmMapping
from handoffs.crm.records import CrmSource
from handoffs.git import base_tree, blobs
from handoffs.verdicts import Answer, Verdict, approved

# A merged handoff that is still `proposed` is approved: merging is the joint approval.
CRM_STATUS = {"proposed": "approved", "kicked-off": "kicked-off", "completed": "completed", "cancelled": "cancelled"}


@dataclass(frozen=True)
class Write:
    deal_id: str
    path: str
    values: dict[str, str]  # CRM field -> new value
    before: dict[str, str]


@dataclass(frozen=True)
class Held:
    """A handoff of this CRM that is not written, and why (not approved, or approval unknown)."""

    path: str
    reason: str
    unknown: bool


@dataclass(frozen=True)
class Desired:
    wanted: dict[str, tuple[str, dict[str, str]]]  # deal id -> (handoff path, {field: value})
    held: list[Held]


def desired(root: Path, handoffs_dir: str, mapping: CrmMapping, base: str) -> Desired:
    """What the CRM should show for every approved handoff of this CRM, read from the base
    branch's version; and the handoffs of this CRM held back because they are not approved
    (or their approval cannot be verified)."""
    tree = base_tree(root, base, under=handoffs_dir)
    on_base = sorted(p for p in tree.paths or () if p.endswith(".md"))
    held = [
        Held(relative, verdict.reason, verdict.unknown)
        for relative, verdict in _working_tree_verdicts(root, handoffs_dir, tree.paths, tree.ref, tree.problem)
        if not verdict.yes and _names_this_crm(read_front(_read(root / relative)), mapping)
    ]
    texts = blobs(root, [f"{tree.ref}:{relative}" for relative in on_base])
    wanted: dict[str, tuple[str, dict[str, str]]] = {}
    for relative, text in zip(on_base, texts, strict=True):
        verdict = approved(tree.paths, tree.ref, relative, tree.problem)  # the one definition of "approved"
        if text is None or verdict.answer is not Answer.YES:
            continue
        values = _values(read_front(text), mapping, relative, handoffs_dir, base)
        if values is not None:
            wanted[values[0]] = (relative, values[1])
    return Desired(wanted, held)


def _working_tree_verdicts(
    root: Path, handoffs_dir: str, base_paths: frozenset[str] | None, ref: str, problem: str | None
) -> list[tuple[str, Verdict]]:
    """Each handoff file in the working tree, with whether it is approved."""
    found = []
    for path in sorted((root / handoffs_dir).rglob("*.md")):
        relative = path.relative_to(root).as_posix()
        found.append((relative, approved(base_paths, ref, relative, problem)))
    return found


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def _names_this_crm(front: dict[str, Any], mapping: CrmMapping) -> bool:
    crm = mapping_at(front, "crm")
    return crm.get("system") == mapping.system and crm.get("id") is not None


def _values(
    front: dict[str, Any], mapping: CrmMapping, relative: str, handoffs_dir: str, base: str
) -> tuple[str, dict[str, str]] | None:
    """(deal id, {field: value}) for a merged handoff of this CRM; ``None`` for another CRM's, or an unknown status."""
    fields = mapping.write_fields()
    status = CRM_STATUS.get(str(front.get("status", "")))
    if not _names_this_crm(front, mapping) or status is None:
        return None
    values: dict[str, str] = {}
    if "status" in fields:
        values[fields["status"]] = status
    if "link" in fields:
        values[fields["link"]] = link(mapping, relative, handoffs_dir, base)
    return str(mapping_at(front, "crm")["id"]), values


def link(mapping: CrmMapping, relative: str, handoffs_dir: str, base: str) -> str:
    """The handoff's page on the site when ``site_url`` is set, else the file on GitHub."""
    handoff_id = relative.removeprefix(f"{handoffs_dir}/").removesuffix(".md")
    if mapping.spec.site_url:
        return f"{mapping.spec.site_url.rstrip('/')}/{handoff_id}/"
    server = os.environ.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
    repository = os.environ.get("GITHUB_REPOSITORY", "")
    return f"{server}/{repository}/blob/{base}/{relative}" if repository else relative


@dataclass(frozen=True)
class Plan:
    writes: list[Write]
    missing: list[str]  # handoffs whose deal the CRM did not return
    held: list[Held]  # handoffs not written: not approved, or approval unknown


def plan_writes(root: Path, handoffs_dir: str, mapping: CrmMapping, source: CrmSource, base: str) -> Plan:
    """The writes that would change something, and what is not written and why."""
    plan = desired(root, handoffs_dir, mapping, base)
    wanted = plan.wanted
    fields = list(mapping.write_fields().values())
    current = source.current_values(list(wanted), fields)
    writes, missing = [], []
    for deal_id, (path, values) in wanted.items():
        now = current.get(deal_id)
        if now is None:
            missing.append(f"{path}: {mapping.system} returned no deal {deal_id} (deleted, or hidden from the user)")
            continue
        changed = {f: v for f, v in values.items() if now.get(f, "") != v}
        if changed:
            writes.append(Write(deal_id, path, changed, {f: now.get(f, "") for f in changed}))
    return Plan(writes, missing, plan.held)
