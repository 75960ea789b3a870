"""`kicked-off` and `completed` are earned: approved (merged), error-free, no open items.

What "earned" means is ``verdicts.status_earned``, the part of kickoff-ready that the
file and git alone can tell; ``handoff gate kickoff`` and the site apply the whole definition.
"""

from __future__ import annotations

from handoffs.document.handoff import Handoff
from handoffs.findings import FindingSink, OpenItem, Severity
from handoffs.rules.context import RuleContext
from handoffs.verdicts import ACTIVE_STATUSES, approved, status_earned


def check_status(doc: Handoff, ctx: RuleContext, sink: FindingSink, open_items: list[OpenItem]) -> None:
    status = doc.fields.status  # checked whatever else in the front matter is wrong
    if status not in ACTIVE_STATUSES:
        return
    line = doc.line_of("status")
    tree = ctx.base_tree()
    relative = str(doc.relative_path) if doc.relative_path else None
    approval = approved(tree.paths, tree.ref, relative, tree.problem)
    errors = sum(1 for f in sink.findings if f.severity is Severity.ERROR)
    earned = status_earned(errors=errors, open_items=len(open_items), approval=approval)
    if approval.unknown:
        sink.add(
            "HO407",
            line,
            f"status `{status}` cannot be verified: {tree.problem}; approval means merged into {tree.ref}",
        )
    if earned.blockers:
        sink.add(
            "HO406",
            line,
            f"status `{status}` is not allowed yet: {'; '.join(earned.blockers)}. Keep `proposed` until the "
            "handoff is merged, complete and has no open items",
        )
