"""The repository ruleset that makes the joint approval binding on the base branch.

``handoff/joint-approval`` is pinned to the integration id of the app whose
statuses alone satisfy it: the dedicated approval App when ``approval_app`` is
set in schema/rules.yaml (see the README's threat model), else GitHub Actions —
which any workflow on any branch can post as, so that set-up is reported as
forgeable. Ids are looked up, never hard-coded (GitHub Enterprise Server has its
own).

A ruleset an admin made stricter is compliant: only a *weaker* setting is drift,
and fixing drift keeps everything else the admin added (rules, checks, bypass
actors). The fix is computed here as the current ruleset strengthened where it
is weaker, so the PUT that writes it never drops anything.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from handoffs.pr.approval import CONTEXT

RULESET_NAME = "handoffs: protect the base branch"
PR_CHECK_JOB = "Check handoffs and CODEOWNERS"  # the job `name:` in .github/workflows/pr-check.yml
ACTIONS_APP_SLUG = "github-actions"  # GitHub Actions, as GET /apps/{slug} knows it
APPROVAL_ENVIRONMENT = "handoff-approval"  # holds the approval App's key (joint-approval.yml)
APP_KEY_SECRET = "HANDOFF_APPROVAL_APP_KEY"  # noqa: S105 - the secret's name, not a secret
APP_CLIENT_ID_VARIABLE = "HANDOFF_APPROVAL_APP_CLIENT_ID"

# pull_request rule: each setting, and what "at least as strict" means for it.
_REVIEW_SETTINGS: dict[str, Any] = {
    "required_approving_review_count": 1,
    "dismiss_stale_reviews_on_push": True,
    "require_code_owner_review": True,
    # The last push must be approved by someone other than its author: a push made
    # after everyone approved cannot slip through on their earlier approvals.
    "require_last_push_approval": True,
    "required_review_thread_resolution": False,
}


@dataclass(frozen=True)
class Pins:
    """The ids the ruleset names (``None``: not known, as in an offline dry run)."""

    approval_app_id: int | None  # the app allowed to post handoff/joint-approval
    actions_app_id: int | None  # GitHub Actions, which posts the PR check
    bypass_team_id: int | None  # the admin team's GitHub team, for the emergency bypass


def desired_ruleset(branch: str, pins: Pins) -> dict[str, Any]:
    """The ruleset this tool wants on ``branch``."""
    bypass = []
    if pins.bypass_team_id is not None:
        # Revenue operations may merge a pull request without the checks in an emergency:
        # only through a pull request (mode "pull_request"), so the bypass is recorded on it.
        bypass.append({"actor_id": pins.bypass_team_id, "actor_type": "Team", "bypass_mode": "pull_request"})
    return {
        "name": RULESET_NAME,
        "target": "branch",
        "enforcement": "active",
        "bypass_actors": bypass,
        "conditions": {"ref_name": {"include": [f"refs/heads/{branch}"], "exclude": []}},
        "rules": [
            {"type": "deletion"},
            {"type": "non_fast_forward"},
            {"type": "pull_request", "parameters": dict(_REVIEW_SETTINGS)},
            {
                "type": "required_status_checks",
                "parameters": {
                    # Up to date with the base branch before merging: the checks then run again
                    # on the merged state, so a roster or owner change on main since the decision
                    # is judged again. Approvals carry over an "Update branch" (same change).
                    "strict_required_status_checks_policy": True,
                    "required_status_checks": [
                        _check(CONTEXT, pins.approval_app_id),
                        _check(PR_CHECK_JOB, pins.actions_app_id),
                    ],
                },
            },
        ],
    }


def _check(context: str, integration_id: int | None) -> dict[str, Any]:
    return (
        {"context": context, "integration_id": integration_id} if integration_id is not None else {"context": context}
    )


def weaker(desired: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """How ``current`` is weaker than ``desired`` (stricter settings and additions are fine)."""
    found: list[str] = []
    if current.get("target") != desired["target"]:
        found.append(f"target is {current.get('target')!r}, wants {desired['target']!r}")
    if current.get("enforcement") != "active":
        found.append(f"enforcement is {current.get('enforcement')!r}, wants 'active'")
    ref_name = (current.get("conditions") or {}).get("ref_name") or {}
    for ref in desired["conditions"]["ref_name"]["include"]:
        if ref not in (ref_name.get("include") or []) and "~DEFAULT_BRANCH" not in (ref_name.get("include") or []):
            found.append(f"does not apply to {ref}")
        if ref in (ref_name.get("exclude") or []):
            found.append(f"excludes {ref}")
    have = _rules_by_type(current)
    for rule in desired["rules"]:
        kind = rule["type"]
        if kind not in have:
            found.append(f"rule {kind} is missing")
            continue
        found += _weaker_parameters(kind, rule.get("parameters") or {}, have[kind], merge_queue="merge_queue" in have)
    for actor in desired.get("bypass_actors") or []:
        if not any(_same_actor(actor, a) for a in current.get("bypass_actors") or []):
            found.append(f"bypass for {actor['actor_type']} {actor['actor_id']} is missing")
    return found


def _weaker_parameters(kind: str, want: dict[str, Any], have: dict[str, Any], *, merge_queue: bool) -> list[str]:
    found: list[str] = []
    for name, value in want.items():
        current = have.get(name)
        if name == "required_status_checks":
            for check in value:
                if not any(_same_check(check, c) for c in current or []):
                    found.append(f"rule {kind}: {_describe_check(check)} is not required")
        elif name == "strict_required_status_checks_policy" and merge_queue:
            continue  # a merge queue decides on the merged state itself: "up to date" adds nothing
        elif isinstance(value, bool):
            if value and current is not True:
                found.append(f"rule {kind}: {name} is {current!r}, wants True")
        elif isinstance(value, int) and (not isinstance(current, int) or current < value):
            found.append(f"rule {kind}: {name} is {current!r}, wants at least {value}")
    return found


def strengthened(desired: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """``current`` made at least as strict as ``desired``, keeping everything else an admin set."""
    result = {key: copy.deepcopy(current.get(key)) for key in ("name", "target", "enforcement", "conditions")}
    result.update(name=desired["name"], target=desired["target"], enforcement="active")
    ref_name = dict((result.get("conditions") or {}).get("ref_name") or {})
    include = list(ref_name.get("include") or [])
    include += [r for r in desired["conditions"]["ref_name"]["include"] if r not in include]
    exclude = [r for r in ref_name.get("exclude") or [] if r not in include]
    result["conditions"] = {**(result.get("conditions") or {}), "ref_name": {"include": include, "exclude": exclude}}
    rules = [copy.deepcopy(rule) for rule in current.get("rules") or []]
    for rule in desired["rules"]:
        mine = next((r for r in rules if r.get("type") == rule["type"]), None)
        if mine is None:
            rules.append(copy.deepcopy(rule))
        elif rule.get("parameters"):
            mine["parameters"] = _stronger_parameters(rule["parameters"], mine.get("parameters") or {})
    result["rules"] = rules
    actors = [copy.deepcopy(a) for a in current.get("bypass_actors") or []]
    actors += [a for a in desired.get("bypass_actors") or [] if not any(_same_actor(a, b) for b in actors)]
    result["bypass_actors"] = actors
    return result


def _stronger_parameters(want: dict[str, Any], have: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(have)
    for name, value in want.items():
        current = merged.get(name)
        if name == "required_status_checks":
            ours = {c["context"] for c in value}
            # Our contexts take our pin (another source for them would be forgeable); others stay.
            kept = [c for c in current or [] if c.get("context") not in ours]
            merged[name] = kept + copy.deepcopy(value)
        elif isinstance(value, bool):
            merged[name] = bool(current) or value
        elif isinstance(value, int):
            merged[name] = max(current if isinstance(current, int) else 0, value)
        else:
            merged[name] = copy.deepcopy(value)
    return merged


def _rules_by_type(ruleset: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {rule.get("type"): rule.get("parameters") or {} for rule in ruleset.get("rules") or []}


def _same_check(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return (a.get("context"), a.get("integration_id")) == (b.get("context"), b.get("integration_id"))


def _same_actor(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return (a.get("actor_id"), a.get("actor_type")) == (b.get("actor_id"), b.get("actor_type"))


def _describe_check(check: dict[str, Any]) -> str:
    source = check.get("integration_id")
    return f"`{check['context']}`" + (f" from app {source}" if source is not None else " from any source")


def plan_lines(desired: dict[str, Any], *, approval_source: str, actions_source: str, bypass: str | None) -> list[str]:
    """The ruleset in words, for the plan (readable without a token)."""
    branch = ", ".join(desired["conditions"]["ref_name"]["include"])
    review = dict(_REVIEW_SETTINGS)
    return [
        f"applies to {branch}; enforcement active; no force pushes, no deletion",
        f"a pull request with {review['required_approving_review_count']} approval, a code-owner review, "
        "stale approvals dismissed on push, the last push approved by someone else",
        f"required checks: `{CONTEXT}` from {approval_source}; `{PR_CHECK_JOB}` from {actions_source}; "
        "the branch up to date before merging",
        f"bypass: {bypass}" if bypass else "bypass: nobody",
    ]
