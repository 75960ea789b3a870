"""The labels this tool manages, with their colours and descriptions."""

from __future__ import annotations

from handoffs import milestone_issue
from handoffs.config import Config
from handoffs.github import LabelInfo
from handoffs.pr.brief import BLOCKED_LABEL, HANDOFF_LABEL, SCOPE_LABEL, TERMS_PREFIX

FIXED = (
    LabelInfo(HANDOFF_LABEL, "0e8a16", "A pull request that adds or changes a handoff"),
    LabelInfo(SCOPE_LABEL, "d93f0b", "Changes promised scope, exclusions, success criteria or custom terms"),
    LabelInfo(BLOCKED_LABEL, "b60205", "The handoff check still reports errors"),
    LabelInfo(milestone_issue.LABEL, "1d76db", "The receiving owner's first task after a handoff is merged"),
    LabelInfo("new-handoff", "c5def5", "A handoff requested through the issue form"),
)


def label_specs(config: Config) -> list[LabelInfo]:
    """Every managed label: the fixed ones and one per custom-term category."""
    terms = [
        LabelInfo(
            f"{TERMS_PREFIX}{c.name}", "fbca04", f"Needs review by {', '.join(c.reviewers)}: {c.description}"[:100]
        )
        for c in config.categories
    ]
    return [*FIXED, *terms]
