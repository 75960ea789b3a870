"""`kicked-off` and `completed` are earned: approved (merged), error-free, no open items."""

from __future__ import annotations

from typing import TYPE_CHECKING

from handoffs.document.handoff import Handoff
from handoffs.findings import OpenItem
from handoffs.rules.context import RuleContext
from handoffs.rules.sink import FindingSink

if TYPE_CHECKING:
    from handoffs.git import BaseTree

ACTIVE_STATUSES = ("kicked-off", "completed")


def kickoff_blockers(*, has_errors: bool, open_items: int, tree: BaseTree, relative: str | None) -> list[str]:
    """Why a handoff may not be kicked off yet; shared by this rule and ``handoff gate kickoff``.

    An unknown base tree (outside git) is not a reason here: the rule warns (HO407) and
    the gate reports it separately.
    """
    reasons = []
    if has_errors:
        reasons.append("it still has errors")
    if open_items:
        reasons.append(f"{open_items} open item(s) are unresolved")
    if tree.paths is not None and relative not in tree.paths:
        reasons.append(f"it was never approved (it is not on {tree.ref})")
    return reasons


def check_status(doc: Handoff, ctx: RuleContext, sink: FindingSink, open_items: list[OpenItem]) -> None:
    front = doc.front
    if front is None or front.status not in ACTIVE_STATUSES:
        return
    line = doc.line_of("status")
    tree = ctx.base_tree()
    relative = str(doc.relative_path) if doc.relative_path else None
    reasons = kickoff_blockers(has_errors=sink.has_errors, open_items=len(open_items), tree=tree, relative=relative)
    if tree.paths is None:
        sink.add(
            "HO407",
            line,
            f"status `{front.status}` cannot be verified: {tree.problem}; approval means merged into {tree.ref}",
        )
    if reasons:
        sink.add(
            "HO406",
            line,
            f"status `{front.status}` is not allowed yet: {'; '.join(reasons)}. Keep `proposed` until the "
            "handoff is merged, complete and has no open items",
        )
