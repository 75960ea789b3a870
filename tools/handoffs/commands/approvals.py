"""``handoff approvals``: decide the ``handoff/joint-approval`` commit status of a pull request.

Runs from a checkout of the **protected base branch** at its current tip: the
roster, the rules, the owners of existing handoffs and this code come from
there (or from ``--base-ref``).  The pull request's handoffs are fetched through
the API at its head commit and parsed as data; nothing from the pull request is
executed.

The order of work is the security design (README, "Threat model"):

1. refuse a run that is not the protected code judging a pull request into the
   protected branch (another base branch; a workflow or checkout that is not the
   branch's current tip, as a re-run of an old run is) — without touching the status;
2. set the status to ``pending`` before reading anything else, so that a failed
   evaluation never leaves an earlier ``success`` standing;
3. decide, and set the status; if GitHub fails on the way, set ``error``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from handoffs.commands._common import Subparsers, add_root_argument, resolve_root, today
from handoffs.config import Config, load_config
from handoffs.errors import GitHubError, UsageError

if TYPE_CHECKING:
    from handoffs.github import ChangedFile, GitHubRepo, PullInfo, ReviewInfo
    from handoffs.pr.approval import Decision, HandoffChange, Requirement, Review

# GitHub names a merge queue's temporary branch gh-readonly-queue/<base>/pr-<number>-<head sha>.
MERGE_QUEUE_REF = re.compile(
    r"^(?:refs/heads/)?gh-readonly-queue/(?P<base>.+)/pr-(?P<number>[1-9][0-9]*)-(?P<sha>[0-9a-f]{40})$"
)
# At most this many earlier commits are compared with the head (one API call each).
MAX_COMPARED_COMMITS = 20


@dataclass(frozen=True)
class ApprovalsOptions:
    root: Path
    pr: int
    base_ref: str | None
    today: dt.date
    merge_group_sha: str | None = None  # set: decide a merge-queue entry, post the status there
    announced_head: str | None = None  # the PR head the triggering event named, if any


class RefusedError(Exception):
    """This run must not decide: it is not the protected code judging the protected branch."""


def register(subparsers: Subparsers) -> None:
    from handoffs.github import add_github_arguments

    parser = subparsers.add_parser(
        "approvals",
        help="set the handoff/joint-approval status of a pull request",
        description=(
            "Evaluate the reviews of a pull request against the base branch's owners, roster and rules, "
            "and set the handoff/joint-approval commit status on its head commit (or on a merge-queue "
            "entry's commit). Without --pr, the pull request comes from the workflow event "
            "($GITHUB_EVENT_PATH: pull_request_target, or workflow_run of a review or merge_group relay). "
            "Refuses to run for another base branch than the protected one, or from code that is not "
            "that branch's current tip (a re-run of an old run). "
            "Exit 0 when approved, 1 when not (pending, blocked or refused), 2 when GitHub failed."
        ),
    )
    parser.add_argument("--pr", type=int, help="the pull request number (default: from $GITHUB_EVENT_PATH)")
    parser.add_argument(
        "--merge-group-ref",
        metavar="REF",
        help="decide the merge-queue entry on branch REF (gh-readonly-queue/<base>/pr-<n>-<sha>)",
    )
    parser.add_argument(
        "--merge-group-sha", metavar="SHA", help="the merge-queue entry's commit (with --merge-group-ref)"
    )
    parser.add_argument(
        "--base-ref",
        help="read existing handoffs from this git ref instead of the checked-out files (e.g. origin/main)",
    )
    add_github_arguments(parser)
    add_root_argument(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from handoffs.github import connect_from_args, read_event

    root = resolve_root(args.root)
    config = load_config(root)
    gh = connect_from_args(args)
    target = _target(args, read_event(), gh, config.rules.base_branch)
    if target is None:
        print("No open pull request to evaluate; nothing to do.")
        return 0
    number, group_sha, announced = target
    options = ApprovalsOptions(root, number, args.base_ref, today(None), group_sha, announced)
    return evaluate(options, config, gh)


def _target(
    args: argparse.Namespace, event: dict[str, Any], gh: GitHubRepo, protected: str
) -> tuple[int, str | None, str | None] | None:
    """(pull request, merge-queue commit or None, head the event named or None) — from flags or the event."""
    if args.merge_group_ref or args.merge_group_sha:
        if not (args.merge_group_ref and args.merge_group_sha):
            raise UsageError("--merge-group-ref and --merge-group-sha go together")
        return _merge_group(args.merge_group_ref, args.merge_group_sha)
    if args.pr is not None:
        return args.pr, None, None
    pull = event.get("pull_request")
    if isinstance(pull, dict) and isinstance(pull.get("number"), int):
        head = (pull.get("head") or {}).get("sha")
        return pull["number"], None, head if isinstance(head, str) else None
    run_ = event.get("workflow_run")
    if isinstance(run_, dict):
        return _from_workflow_run(run_, gh, protected)
    raise UsageError("no pull request: pass --pr N (or run on a pull_request_target or workflow_run event)")


def _merge_group(ref: str, sha: str) -> tuple[int, str, str]:
    match = MERGE_QUEUE_REF.match(ref)
    if match is None or not re.fullmatch(r"[0-9a-f]{40}", sha):
        raise UsageError(f"{ref!r} / {sha!r} is not a merge-queue entry (gh-readonly-queue/<base>/pr-<n>-<sha>)")
    return int(match["number"]), sha, match["sha"]


def _from_workflow_run(
    run_: dict[str, Any], gh: GitHubRepo, protected: str
) -> tuple[int, str | None, str | None] | None:
    """The pull request a relayed review or merge-queue run is about (facts from GitHub's payload only)."""
    kind, head_sha, branch = run_.get("event"), run_.get("head_sha"), run_.get("head_branch")
    if not isinstance(head_sha, str) or not isinstance(branch, str):
        raise UsageError("the workflow_run event names no head commit and branch")
    if kind == "merge_group":
        return _merge_group(branch, head_sha)
    if kind != "pull_request_review":
        raise UsageError(f"a workflow_run of a {kind!r} run is not a review or merge-queue relay")
    # workflow_run.pull_requests is empty for forks: look the PR up by its head, and
    # accept it only if its head is the reviewed commit. Another pull request from the
    # same head into another branch (say `evil`) must not take its place: the one into
    # the protected branch is judged (the other would only be refused).
    owner = ((run_.get("head_repository") or {}).get("owner") or {}).get("login")
    found = [
        p for p in gh.open_pulls_from(branch, owner=owner if isinstance(owner, str) else None) if p.head_sha == head_sha
    ]
    found.sort(key=lambda p: (p.base_ref != protected, p.number))
    return (found[0].number, None, head_sha) if found else None


# --- the evaluation ----------------------------------------------------------------------


def evaluate(options: ApprovalsOptions, config: Config, gh: GitHubRepo) -> int:
    from handoffs.pr.approval import CONTEXT

    protected = config.rules.base_branch
    touched: list[str] = []  # commits this run set to pending: on failure they get `error`
    try:
        pr = gh.pull(options.pr)
        tip = refuse_unless_protected(options, config, gh, pr)
        status_sha = options.merge_group_sha or pr.head_sha
        gh.set_status(status_sha, state="pending", context=CONTEXT, description=_evaluating(), target_url=_run_url())
        touched.append(status_sha)
        return _decide_and_report(options, config, gh, pr, status_sha, tip)
    except RefusedError as refusal:
        print(f"refused: {refusal} No status was set by this run.")
        return 1
    except GitHubError as exc:
        for sha in touched:
            _set_error(gh, sha, f"Could not evaluate: GitHub failed ({exc})"[:140])
        raise GitHubError(
            f"{exc} — the {CONTEXT} status was left {'error' if touched else 'unchanged'}"
            f"{'' if touched else f' (nothing was set on {protected!r})'}"
        ) from None


def _evaluating() -> str:
    return "Evaluating the joint approval…"


def _run_url() -> str | None:
    from handoffs.github import run_url

    return run_url()


def _set_error(gh: GitHubRepo, sha: str, description: str) -> None:
    """Best effort: after pending was set, failing to say "error" still leaves pending, never success."""
    from handoffs.pr.approval import CONTEXT

    with contextlib.suppress(GitHubError):
        gh.set_status(sha, state="error", context=CONTEXT, description=description, target_url=_run_url())


def refuse_unless_protected(options: ApprovalsOptions, config: Config, gh: GitHubRepo, pr: PullInfo) -> str:
    """Only the protected branch's current code, judging a pull request into that branch, may decide.

    Returns that branch's tip, which every comparison of this run is made against.
    """
    protected = config.rules.base_branch
    if pr.base_ref != protected:
        raise RefusedError(
            f"#{pr.number} targets {pr.base_ref!r}; only pull requests into the protected branch "
            f"{protected!r} (schema/rules.yaml base_branch) are judged, by that branch's code and roster."
        )
    if (
        options.announced_head is not None
        and options.merge_group_sha is not None
        and pr.head_sha != options.announced_head
    ):
        raise RefusedError(
            f"the merge-queue entry holds #{pr.number} at {options.announced_head[:12]}, but its head is now "
            f"{pr.head_sha[:12]}; GitHub removes such an entry from the queue."
        )
    tip = gh.branch_sha(protected)
    for name, sha in _code_identity(options.root).items():
        if sha != tip:
            raise RefusedError(
                f"this run's {name} is {sha[:12]}, but {protected!r} is now at {tip[:12]}: the code, roster "
                "and rules that decide must be the branch's current ones (a re-run of an old run replays old "
                "rules). A fresh event re-decides: push, re-request a review, or edit the pull request."
            )
    return tip


def _code_identity(root: Path) -> dict[str, str]:
    """The commits this run's code and rules come from: the checkout, and the workflow file's commit."""
    from handoffs.git import head_commit

    found: dict[str, str] = {}
    head = head_commit(root)
    if head is None:
        raise RefusedError(f"{root} is not a git checkout, so the code and rules deciding cannot be identified.")
    found["checkout"] = head
    workflow = os.environ.get("GITHUB_WORKFLOW_SHA")
    if workflow:
        found["workflow (GITHUB_WORKFLOW_SHA)"] = workflow
    return found


@dataclass(frozen=True)
class Judgement:
    """A decision and what it rests on (``handoff merge`` records who approved from it)."""

    decision: Decision
    needed: list[Requirement]
    reviews: list[Review]
    people: frozenset[str]
    same_change: dict[str, str]
    paths: list[str]


def judge(options: ApprovalsOptions, config: Config, gh: GitHubRepo, pr: PullInfo, tip: str) -> Judgement:
    """The joint-approval decision on ``pr``'s head: the one definition every command uses."""
    from handoffs.pr.approval import Review, admin_files, decide, listing_problem, requirements, roster

    files = gh.pull_files(pr.number)
    changes = handoff_changes(options, config, gh, files, pr.head_sha)
    others = admin_files((f for c in files for f in (c.filename, c.previous_filename) if f), config.handoffs_dir)
    needed, problems = requirements(changes, config, pr.author, sorted(set(others)))
    incomplete = listing_problem(len(files), pr.changed_files)
    if incomplete:
        problems.insert(0, incomplete)
    listed = gh.reviews(pr.number)
    reviews = [Review(r.user, r.state, r.commit_id) for r in listed]
    people = roster(config)
    same = same_change_commits(gh, pr, listed, people, tip)
    decision = decide(
        needed, problems, reviews, author=pr.author, head_sha=pr.head_sha, people=people, same_change=same
    )
    return Judgement(decision, needed, reviews, people, same, [c.path for c in changes])


def _decide_and_report(  # noqa: PLR0917 - private; one caller
    options: ApprovalsOptions, config: Config, gh: GitHubRepo, pr: PullInfo, status_sha: str, tip: str
) -> int:
    from handoffs.github import append_step_summary
    from handoffs.pr.approval import CONTEXT

    judged = judge(options, config, gh, pr, tip)
    decision = judged.decision
    # The files were listed for whatever the head was at that moment: if it moved
    # since ``pr`` was read, this decision may describe another commit than head_sha.
    latest = gh.pull(pr.number).head_sha
    if latest != pr.head_sha:
        print(
            f"#{pr.number} moved from {pr.head_sha[:12]} to {latest[:12]} while it was being evaluated: "
            "its status stays pending; the run for the newer push decides."
        )
        return 1
    gh.set_status(
        status_sha, state=decision.state.value, context=CONTEXT, description=decision.description, target_url=_run_url()
    )
    report = _summary(pr.number, pr.head_sha, judged.paths, decision, options.merge_group_sha)
    append_step_summary(report)
    print(report)
    return 0 if decision.satisfied else 1


def same_change_commits(
    gh: GitHubRepo, pr: PullInfo, reviews: list[ReviewInfo], people: frozenset[str], base_tip: str
) -> dict[str, str]:
    """Earlier commits approved by someone in the roster whose own change equals the head's, and why.

    Each side is compared with the base branch's current tip (``base...commit``: the
    commit's change against its merge base). A comparison that cannot prove equality
    (a file without a patch, a list cut short) carries nothing over.
    """
    from handoffs.pr.approval import ChangedPatch, change_identity
    from handoffs.verdicts import handle

    approved = [
        r.commit_id
        for r in reviews
        if r.state == "APPROVED" and r.commit_id and r.commit_id != pr.head_sha and handle(r.user) in people
    ]
    earlier = list(dict.fromkeys(reversed(approved)))[:MAX_COMPARED_COMMITS]  # newest first
    if not earlier:
        return {}

    def identity(sha: str) -> tuple[str | None, str]:
        compared = gh.compare(base_tip, sha)
        patches = [ChangedPatch(f.filename, f.status, f.previous_filename, f.patch) for f in compared.files]
        return change_identity(patches, compared.complete)

    head_id, why_not = identity(pr.head_sha)
    if head_id is None:
        print(f"approvals of earlier commits cannot carry over: {why_not}")
        return {}
    same: dict[str, str] = {}
    for sha in earlier:
        found, _ = identity(sha)
        if found == head_id:
            same[sha] = f"the same change as the head {pr.head_sha[:12]} against {pr.base_ref} (patches equal)"
    return same


def earlier_approvals(gh: GitHubRepo, pr: PullInfo, config: Config) -> list[str]:
    """For the brief: each approval given on an earlier commit, and whether it carries over to the head, and why.

    The same comparison the joint approval makes (``same_change_commits``), so what
    the brief says is what the check counts.
    """
    from handoffs.pr.approval import roster
    from handoffs.verdicts import latest_decisions

    listed = gh.reviews(pr.number)
    people = roster(config)
    same = same_change_commits(gh, pr, listed, people, gh.branch_sha(config.rules.base_branch))
    lines: list[str] = []
    for who, review in sorted(latest_decisions(listed).items()):
        commit = review.commit_id
        if review.state != "APPROVED" or not commit or commit == pr.head_sha or who not in people:
            continue
        if commit in same:
            lines.append(f"✅ {who} approved `{commit[:12]}`: carries over — {same[commit]}")
        else:
            lines.append(
                f"🔁 {who} approved `{commit[:12]}`: does not carry over — the pull request's change differs "
                "from the one approved; a fresh approval is needed"
            )
    return lines


def handoff_changes(
    options: ApprovalsOptions, config: Config, gh: GitHubRepo, files: list[ChangedFile], head_sha: str
) -> list[HandoffChange]:
    """Each handoff the pull request touches: base version from git, PR version through the API."""
    from handoffs.pr.approval import HandoffChange, is_handoff_path
    from handoffs.pr.documents import flagged_categories, lenient_owners, read_text

    changes: list[HandoffChange] = []
    for changed in files:
        names = (changed.filename, changed.previous_filename or "")
        if not any(is_handoff_path(name, config.handoffs_dir) for name in names):
            continue
        base_path = changed.previous_filename or changed.filename
        base_raw = _base_text(options, base_path)
        base_doc, base_problems = (None, ()) if base_raw is None else read_text(base_raw, base_path, config)
        base_front = base_doc.front if base_doc is not None and not base_problems else None
        # On base but not loadable there: never "new" — its owners as far as they can be read.
        fallback = lenient_owners(base_raw, base_problems) if base_raw is not None and base_front is None else None
        removed = changed.status == "removed"
        head_text = None if removed else gh.file_bytes(changed.filename, head_sha)
        head_doc, head_problems = (None, ()) if head_text is None else read_text(head_text, changed.filename, config)
        if head_text is None and not removed:  # listed as changed, yet not there: never "no handoff"
            head_problems = (f"not found at {head_sha[:12]}",)
        changes.append(
            HandoffChange(
                path=changed.filename,
                base=base_front,
                head=head_doc.front if head_doc else None,
                categories=flagged_categories(head_doc, config),
                removed=removed,
                head_problems=head_problems,
                base_fallback=fallback,
            )
        )
    return changes


def _base_text(options: ApprovalsOptions, path: str) -> bytes | None:
    """The base branch's version: from ``--base-ref`` through git, else the checked-out file.

    Bytes: decoding is the document model's job.
    """
    if options.base_ref is not None:
        from handoffs.git import file_at

        try:
            text = file_at(options.root, options.base_ref, path)
        except ValueError as exc:
            raise UsageError(f"--base-ref {options.base_ref}: {exc}") from None
        return None if text is None else text.encode("utf-8", "surrogateescape")
    target = options.root / path
    return target.read_bytes() if target.is_file() else None


def _summary(number: int, head_sha: str, paths: list[str], decision: Decision, group_sha: str | None) -> str:
    verdict = {"success": "✅ approved", "pending": "⏳ pending", "failure": "❌ blocked"}[decision.state.value]
    where = f"Head commit `{head_sha[:12]}`."
    if group_sha:
        where += f" Merge-queue entry `{group_sha[:12]}` (the same decision, posted on the entry)."
    lines = [
        f"## Joint approval of #{number}: {verdict}",
        "",
        f"{where} {decision.description}.",
        "",
        "Owners, roster, rules and this code are the protected base branch's current ones; "
        "the pull request's files are read as data.",
        "",
        "Handoffs in this pull request: " + (", ".join(f"`{p}`" for p in paths) or "none"),
        "",
        *decision.lines,
    ]
    return "\n".join(lines)
