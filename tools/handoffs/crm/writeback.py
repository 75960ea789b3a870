"""Write a handoff's status and link back to the CRM: only to the fields ``schema/crm.yaml`` names.

Run on the base branch after a merge (approval), and again whenever a merged change sets
``status: kicked-off`` or ``completed``.  The value written for ``status`` is the handoff's
state as the repository defines it: ``approved`` (merged, still ``proposed``),
``kicked-off``, ``completed`` or ``cancelled``.  The current values are read first and a
field is written only when it differs, so a re-run writes nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from handoffs.crm.existing import mapping_at, read_front
from handoffs.crm.mapping import CrmMapping
from handoffs.crm.records import CrmSource

# A merged handoff that is still `proposed` is approved: merging is the joint approval.
CRM_STATUS = {"proposed": "approved", "kicked-off": "kicked-off", "completed": "completed", "cancelled": "cancelled"}


@dataclass(frozen=True)
class Write:
    deal_id: str
    path: str
    values: dict[str, str]  # CRM field -> new value
    before: dict[str, str]


def desired(root: Path, handoffs_dir: str, mapping: CrmMapping, base: str) -> dict[str, tuple[str, dict[str, str]]]:
    """deal id -> (handoff path, {field: value}) for every approved handoff of this CRM."""
    fields = mapping.write_fields()
    wanted: dict[str, tuple[str, dict[str, str]]] = {}
    for path in sorted((root / handoffs_dir).rglob("*.md")):
        front = read_front(path.read_text(encoding="utf-8", errors="replace"))
        crm = mapping_at(front, "crm")
        status = CRM_STATUS.get(str(front.get("status", "")))
        if crm.get("system") != mapping.system or crm.get("id") is None or status is None:
            continue
        relative = path.relative_to(root).as_posix()
        values: dict[str, str] = {}
        if "status" in fields:
            values[fields["status"]] = status
        if "link" in fields:
            values[fields["link"]] = link(mapping, relative, handoffs_dir, base)
        wanted[str(crm["id"])] = (relative, values)
    return wanted


def link(mapping: CrmMapping, relative: str, handoffs_dir: str, base: str) -> str:
    """The handoff's page on the site when ``site_url`` is set, else the file on GitHub."""
    handoff_id = relative.removeprefix(f"{handoffs_dir}/").removesuffix(".md")
    if mapping.spec.site_url:
        return f"{mapping.spec.site_url.rstrip('/')}/{handoff_id}/"
    server = os.environ.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
    repository = os.environ.get("GITHUB_REPOSITORY", "")
    return f"{server}/{repository}/blob/{base}/{relative}" if repository else relative


def plan_writes(
    root: Path, handoffs_dir: str, mapping: CrmMapping, source: CrmSource, base: str
) -> tuple[list[Write], list[str]]:
    """The writes that would change something, and the handoffs whose deal the CRM did not return."""
    wanted = desired(root, handoffs_dir, mapping, base)
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
    return writes, missing
