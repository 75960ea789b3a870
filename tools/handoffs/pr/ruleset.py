"""The repository ruleset that makes the joint approval binding on the base branch.

Required status checks pin their source to the GitHub Actions app, so a status
with the same name posted by anyone else (a personal token, another app) does
not satisfy them.
"""

from __future__ import annotations

from typing import Any

from handoffs.pr.approval import CONTEXT

RULESET_NAME = "handoffs: protect the base branch"
GITHUB_ACTIONS_APP_ID = 15368  # the integration id of GitHub Actions on github.com
PR_CHECK_JOB = "Check handoffs and CODEOWNERS"  # the job `name:` in .github/workflows/pr-check.yml


def desired_ruleset(branch: str) -> dict[str, Any]:
    return {
        "name": RULESET_NAME,
        "target": "branch",
        "enforcement": "active",
        "conditions": {"ref_name": {"include": [f"refs/heads/{branch}"], "exclude": []}},
        "rules": [
            {"type": "deletion"},
            {"type": "non_fast_forward"},
            {
                "type": "pull_request",
                "parameters": {
                    "required_approving_review_count": 1,
                    "dismiss_stale_reviews_on_push": True,
                    "require_code_owner_review": True,
                    "require_last_push_approval": False,
                    "required_review_thread_resolution": False,
                },
            },
            {
                "type": "required_status_checks",
                "parameters": {
                    # Up to date with the base branch before merging: the checks then re-run
                    # on the merged state, so a roster or owner change on main since the
                    # approval is judged again instead of an old green status standing.
                    "strict_required_status_checks_policy": True,
                    "required_status_checks": [
                        {"context": CONTEXT, "integration_id": GITHUB_ACTIONS_APP_ID},
                        {"context": PR_CHECK_JOB, "integration_id": GITHUB_ACTIONS_APP_ID},
                    ],
                },
            },
        ],
    }


def differences(desired: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """What ``current`` lacks of ``desired`` (extra settings GitHub adds are left alone)."""
    found: list[str] = []
    for key in ("target", "enforcement"):
        if current.get(key) != desired[key]:
            found.append(f"{key} is {current.get(key)!r}, wants {desired[key]!r}")
    want_refs = desired["conditions"]["ref_name"]["include"]
    have_refs = ((current.get("conditions") or {}).get("ref_name") or {}).get("include")
    if sorted(have_refs or []) != sorted(want_refs):
        found.append(f"applies to {have_refs}, wants {want_refs}")
    have_rules = {rule.get("type"): rule.get("parameters") or {} for rule in current.get("rules") or []}
    for rule in desired["rules"]:
        kind = rule["type"]
        if kind not in have_rules:
            found.append(f"rule {kind} is missing")
            continue
        for name, value in (rule.get("parameters") or {}).items():
            if _normal(have_rules[kind].get(name)) != _normal(value):
                found.append(f"rule {kind}: {name} is {have_rules[kind].get(name)!r}, wants {value!r}")
    return found


def _normal(value: Any) -> Any:
    """Lists compare as sets (GitHub may reorder them)."""
    if isinstance(value, list):
        return sorted(repr(sorted(v.items())) if isinstance(v, dict) else repr(v) for v in value)
    return value
