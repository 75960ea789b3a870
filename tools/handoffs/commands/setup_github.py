"""``handoff setup-github [--dry-run]``: configure a repository for handoffs, idempotently.

Creates or fixes:

* the labels this tool manages;
* the ``handoff-approval`` Actions environment, whose deployments (and so whose
  secrets: the approval App's key) are limited to the base branch;
* a ruleset on the base branch requiring the PR check (pinned to GitHub Actions)
  and ``handoff/joint-approval`` (pinned to the approval App, ``approval_app`` in
  schema/rules.yaml), code-owner review, last-push approval, stale approvals
  dismissed on push, no force pushes or deletion, and a bypass for the admin team.

It prints the plan first; ``--dry-run`` stops there, and without a token it
prints the plan of what it would create, offline. A second run finds nothing to
change. It ends by saying whether the joint approval can be forged, and exits 1
while it can (see the README's threat model).
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from handoffs.commands._common import Subparsers, add_root_argument, resolve_root
from handoffs.config import Config, load_config
from handoffs.errors import GitHubError
from handoffs.github import LabelInfo

if TYPE_CHECKING:
    from handoffs.github import EnvironmentInfo, GitHubRepo
    from handoffs.pr.ruleset import Pins


@dataclass(frozen=True)
class SetupOptions:
    root: Path
    dry_run: bool
    accept_forgeable: bool = False  # exit 0 although the approval can be forged (still said plainly)


@dataclass(frozen=True)
class LabelChange:
    spec: LabelInfo
    current_name: str | None  # None: the label does not exist yet


@dataclass(frozen=True)
class RulesetChange:
    current_id: int | None  # None: the ruleset does not exist yet
    reasons: tuple[str, ...]
    payload: dict[str, Any]  # what is written: the desired ruleset, or the current one strengthened


@dataclass(frozen=True)
class EnvironmentChange:
    create: bool  # PUT the environment (new, or deployable from other than custom branches)
    add_branch: bool  # add the base branch as its deployment branch


@dataclass
class Security:
    """Why handoff/joint-approval can still be posted by others than the protected code."""

    forgeable: list[str] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)  # safe, but the check cannot turn green yet


def register(subparsers: Subparsers) -> None:
    from handoffs.github import add_github_arguments

    parser = subparsers.add_parser(
        "setup-github",
        help="configure labels and base-branch rules on GitHub (idempotent)",
        description=(
            "Create the labels, the handoff-approval environment (deployments from the base branch only) and a "
            "ruleset on the base branch requiring the PR check and handoff/joint-approval (pinned to the approval "
            "App of schema/rules.yaml, else to GitHub Actions), code-owner review, last-push approval, dismissal "
            "of stale approvals, no force pushes or deletion, and an admin-team bypass. Stricter settings are "
            "kept; only weaker ones are fixed. Prints the plan; --dry-run changes nothing (and needs no token). "
            "Exits 1 while the joint approval can still be forged."
        ),
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print the plan, change nothing (offline without a token)"
    )
    parser.add_argument(
        "--accept-forgeable",
        action="store_true",
        help="exit 0 even while handoff/joint-approval can be forged (no approval App yet); it is still reported",
    )
    add_github_arguments(parser)
    add_root_argument(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from handoffs.github import connect_from_args, token_from_env

    options = SetupOptions(resolve_root(args.root), args.dry_run, args.accept_forgeable)
    config = load_config(options.root)
    if options.dry_run and token_from_env(os.environ) is None:
        return offline_plan(config)
    return configure(connect_from_args(args), config, options)


# --- the offline plan ---------------------------------------------------------------------------


def offline_plan(config: Config) -> int:
    """What a first run would create, from schema/ alone (no token, no request)."""
    from handoffs.pr.labels import label_specs
    from handoffs.pr.ruleset import APPROVAL_ENVIRONMENT, RULESET_NAME, Pins, desired_ruleset, plan_lines

    branch = config.rules.base_branch
    print("setup-github: dry run without a token: the plan for a repository with none of it yet (offline)")
    for spec in label_specs(config):
        print(f"  create  label {spec.name} (#{spec.color}: {spec.description})")
    print(f"  create  environment {APPROVAL_ENVIRONMENT!r}: deployments (and its secrets) from {branch} only")
    print(f"  create  ruleset {RULESET_NAME!r}:")
    app = config.rules.approval_app
    approval_source = f"the App {app!r} (its id looked up)" if app else "GitHub Actions (its id looked up)"
    bypass = f"team {config.rules.admin_team!r} (its id looked up), through a pull request"
    for line in plan_lines(
        desired_ruleset(branch, Pins(None, None, None)),
        approval_source=approval_source,
        actions_source="GitHub Actions (its id looked up)",
        bypass=bypass,
    ):
        print(f"            {line}")
    print("setup-github: dry run: planned offline; nothing was looked up or changed")
    if not app:
        print(f"setup-github: NOT SECURE as planned — {_NO_APP}")
    else:
        print("setup-github: not verified offline: run it with a token to check the App, the environment and its key")
    return 0


# --- with a token ---------------------------------------------------------------------------------


def configure(gh: GitHubRepo, config: Config, options: SetupOptions) -> int:
    """Print the plan, then (unless a dry run) carry it out, then say whether the approval can be forged."""
    from handoffs.pr.ruleset import APPROVAL_ENVIRONMENT

    security = Security()
    pins = look_up_pins(gh, config, security)
    labels = plan_labels(gh, config)
    environment = plan_environment(gh, config, security)
    ruleset = plan_ruleset(gh, config, pins)
    changes = len(labels) + (environment is not None) + (ruleset is not None)
    if options.dry_run:
        return _report(security, options, done=f"dry run: {changes} change(s) planned, none made")
    for change in labels:
        if change.current_name is None:
            gh.create_label(change.spec)
        else:
            gh.update_label(change.current_name, change.spec)
    if environment is not None:
        if environment.create:
            gh.put_environment(APPROVAL_ENVIRONMENT)
        if environment.add_branch:
            gh.add_deployment_branch(APPROVAL_ENVIRONMENT, config.rules.base_branch)
    if ruleset is not None:
        if ruleset.current_id is None:
            gh.create_ruleset(ruleset.payload)
        else:
            gh.update_ruleset(ruleset.current_id, ruleset.payload)
    done = (
        f"{changes} change(s) made to {gh.full_name}"
        if changes
        else f"{gh.full_name} is already configured; nothing to change"
    )
    return _report(security, options, done=done)


_NO_APP = (
    "handoff/joint-approval is pinned to GitHub Actions: any workflow on any branch of this repository "
    "(an `on: push` workflow on a branch of one's own, a `pull_request` run) can post it with its GITHUB_TOKEN, "
    "for any commit. Set `approval_app` in schema/rules.yaml to a GitHub App of your own (README: threat model)"
)


def look_up_pins(gh: GitHubRepo, config: Config, security: Security) -> Pins:
    """The integration ids and the bypass team's id, from GitHub (nothing hard-coded)."""
    from handoffs.pr.ruleset import ACTIONS_APP_SLUG, Pins

    actions = gh.app_id(ACTIONS_APP_SLUG)
    if actions is None:
        raise GitHubError(f"GitHub does not know the app {ACTIONS_APP_SLUG!r}: cannot pin the PR check to it")
    app = config.rules.approval_app
    approval = actions
    if app:
        found = gh.app_id(app)
        if found is None:
            raise GitHubError(
                f"approval_app {app!r} (schema/rules.yaml): GitHub has no app with that slug visible to this token; "
                "create the App and install it on the repository first"
            )
        approval = found
        print(f"  found   app {app!r} (integration id {found}); GitHub Actions is {actions}")
    else:
        security.forgeable.append(_NO_APP)
        print(f"  found   GitHub Actions (integration id {actions}); no approval_app set")
    owner = gh.full_name.split("/")[0]
    team = gh.team_id(owner, config.rules.admin_team)
    if team is None:
        print(f"  note    no team {owner}/{config.rules.admin_team}: the ruleset gets no bypass")
    return Pins(approval, actions, team)


def plan_labels(gh: GitHubRepo, config: Config) -> list[LabelChange]:
    """The labels to create or fix (printed as the plan)."""
    from handoffs.pr.labels import label_specs

    existing = gh.labels()
    changes: list[LabelChange] = []
    for spec in label_specs(config):
        have = existing.get(spec.name.casefold())
        if have is None:
            print(f"  create  label {spec.name}")
            changes.append(LabelChange(spec, None))
        elif (have.color.casefold(), have.description) != (spec.color.casefold(), spec.description):
            print(f"  update  label {spec.name} (colour/description)")
            changes.append(LabelChange(spec, have.name))
        else:
            print(f"  ok      label {spec.name}")
    return changes


def plan_environment(gh: GitHubRepo, config: Config, security: Security) -> EnvironmentChange | None:
    """The environment holding the App's key: deployable from the base branch only."""
    from handoffs.pr.ruleset import APP_KEY_SECRET, APPROVAL_ENVIRONMENT

    branch = config.rules.base_branch
    current = gh.environment(APPROVAL_ENVIRONMENT)
    change = _environment_change(current, branch)
    others = [b for b in (current.branch_policies if current else ()) if b != branch]
    if others:
        security.forgeable.append(
            f"environment {APPROVAL_ENVIRONMENT!r} also deploys from {', '.join(others)}: a workflow there can read "
            "the App's key; remove those deployment branches"
        )
    if change is None:
        print(f"  ok      environment {APPROVAL_ENVIRONMENT!r} (deployments from {branch})")
    else:
        verb = "create " if current is None else "update "
        print(f"  {verb} environment {APPROVAL_ENVIRONMENT!r}: deployments (and its secrets) from {branch} only")
    if config.rules.approval_app:
        _check_secrets(gh, security)
    repo_secrets = gh.secret_names()
    if repo_secrets is not None and APP_KEY_SECRET in repo_secrets:
        security.forgeable.append(
            f"{APP_KEY_SECRET} is a repository secret: every workflow on every branch can read it; delete it and "
            f"keep the key only in the {APPROVAL_ENVIRONMENT!r} environment"
        )
    return change


def _environment_change(current: EnvironmentInfo | None, branch: str) -> EnvironmentChange | None:
    if current is None:
        return EnvironmentChange(create=True, add_branch=True)
    custom_only = current.custom_branches and not current.protected_branches
    if not custom_only:
        return EnvironmentChange(create=True, add_branch=True)
    if branch not in current.branch_policies:
        return EnvironmentChange(create=False, add_branch=True)
    return None


def _check_secrets(gh: GitHubRepo, security: Security) -> None:
    from handoffs.pr.ruleset import APP_CLIENT_ID_VARIABLE, APP_KEY_SECRET, APPROVAL_ENVIRONMENT

    names = gh.secret_names(APPROVAL_ENVIRONMENT)
    if names is None or APP_KEY_SECRET not in names:
        security.incomplete.append(
            f"the {APPROVAL_ENVIRONMENT!r} environment has no secret {APP_KEY_SECRET} (the App's private key) and "
            f"variable {APP_CLIENT_ID_VARIABLE} (its client id): until they are set, the check stays pending, "
            "because statuses from GitHub Actions do not count"
        )


def plan_ruleset(gh: GitHubRepo, config: Config, pins: Pins) -> RulesetChange | None:
    """The ruleset change needed, or ``None`` when it is at least as strict (printed as the plan)."""
    from handoffs.pr.ruleset import RULESET_NAME, desired_ruleset, plan_lines, strengthened, weaker

    branch = config.rules.base_branch
    desired = desired_ruleset(branch, pins)
    current = next((r for r in gh.rulesets() if r.get("name") == RULESET_NAME), None)
    if current is None:
        print(f"  create  ruleset {RULESET_NAME!r}:")
        app = config.rules.approval_app
        source = f"the App {app!r} ({pins.approval_app_id})" if app else f"GitHub Actions ({pins.actions_app_id})"
        bypass = f"team {config.rules.admin_team!r}, through a pull request" if pins.bypass_team_id else None
        for line in plan_lines(
            desired, approval_source=source, actions_source=f"GitHub Actions ({pins.actions_app_id})", bypass=bypass
        ):
            print(f"            {line}")
        return RulesetChange(None, (), desired)
    wrong = weaker(desired, current)
    if not wrong:
        print(f"  ok      ruleset {RULESET_NAME!r} (at least as strict as wanted)")
        return None
    print(f"  update  ruleset {RULESET_NAME!r}: {'; '.join(wrong)} (everything else kept)")
    return RulesetChange(int(current["id"]), tuple(wrong), strengthened(desired, current))


def _report(security: Security, options: SetupOptions, *, done: str) -> int:
    """The last word: is the joint approval bound to the protected code? Exit 1 while it is not.

    ``--accept-forgeable`` turns a forgeable set-up's exit status into 0 (a trial
    repository without its App yet); the report says the same either way.
    """
    print(f"setup-github: {done}")
    for problem in security.incomplete:
        print(f"setup-github: incomplete: {problem}")
    if security.forgeable:
        print("setup-github: NOT SECURE — the joint approval can still be forged:")
        for problem in security.forgeable:
            print(f"  - {problem}")
        return 0 if options.accept_forgeable and not security.incomplete else 1
    if security.incomplete:
        return 1
    print(
        "setup-github: secure — handoff/joint-approval is accepted only from the approval App, whose key only "
        "the base branch's workflow can read"
    )
    return 0
