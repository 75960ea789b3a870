"""``handoff crm sync``: each deal that reached a handoff trigger becomes one drafted handoff PR.

Order of work for one deal, so a failure never leaves half a handoff behind:

1. match a trigger (``schema/crm.yaml``); skip a deal whose handoff exists (base branch
   or a ``handoff/*`` branch, matched on system, ``crm.id`` and type);
2. read everything the draft needs from the CRM (notes, latest quote) — a CRM failure
   here stops the run before anything is written;
3. write the evidence files and the draft, then commit, push and open the PR — if that
   fails, the files are removed again;
4. only then advance the watermark (:mod:`handoffs.crm.state`), so the next run resumes after the
   last deal that is done.  Re-reading a deal is harmless: step 1 skips it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from handoffs.config import Config
from handoffs.crm.existing import Existing, approved_at, mapping_at, scan
from handoffs.crm.mapping import CrmMapping, Trigger
from handoffs.crm.records import CrmSource, DealRecord, Details, iso_utc
from handoffs.crm.state import Watermark
from handoffs.errors import HandoffError
from handoffs.git import run
from handoffs.scaffold import slugify

DEFAULT_LOOKBACK_DAYS = 30


@dataclass(frozen=True)
class Plan:
    """What the sync will do for one deal (also what ``--dry-run`` prints)."""

    record: DealRecord
    trigger: Trigger
    sales_owner: str
    receiving_team: str
    receiving_owner: str
    path: str  # the handoff file, relative to the repository
    handoff_id: str  # <customer>/<date>-<type>: also names its evidence folder


@dataclass
class Outcome:
    opened: list[str] = field(default_factory=list)  # PR URLs
    planned: list[Plan] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    alerts: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SyncOptions:
    root: Path
    base: str
    remote: str
    opened: dt.date
    state: Watermark
    dry_run: bool = False
    deal_ids: tuple[str, ...] = ()
    since: dt.datetime | None = None
    backend: str = "builtin"


# --- deciding -------------------------------------------------------------------------


def matching_trigger(mapping: CrmMapping, record: DealRecord) -> Trigger | None:
    stage_names = {record.stage_key, (record.deal.stage or "").casefold()}
    for trigger in mapping.spec.triggers:
        if trigger.stage is not None and trigger.stage.casefold() in stage_names:
            return trigger
        if trigger.owner is not None and (record.owner_email or "").casefold() in {o.casefold() for o in trigger.owner}:
            return trigger
    return None


def receiving_team(trigger: Trigger, record: DealRecord) -> str:
    if trigger.route is not None:
        value = (record.fields.get(trigger.route.field) or "").strip()
        folded = {k.casefold(): v for k, v in trigger.route.teams.items()}
        if value.casefold() in folded:
            return folded[value.casefold()]
    return trigger.team


def receiving_owner(config: Config, trigger: Trigger, team: str, existing: list[Existing]) -> str:
    """The trigger's named owner, or round-robin: the next member after as many handoffs as the team has."""
    if trigger.assign != "round-robin":
        return trigger.assign
    spec = config.teams.get(team)
    if spec is None or not spec.members:
        raise HandoffError(f"team `{team}` has no members in schema/teams.yaml to assign the handoff to")
    count = len({item.path for item in existing if item.team == team})
    return spec.members[count % len(spec.members)]


def add_business_days(day: dt.date, days: int) -> dt.date:
    while days > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


# --- running ----------------------------------------------------------------------------


def run_sync(
    options: SyncOptions,
    config: Config,
    *,
    mapping: CrmMapping,
    source: CrmSource,
    open_pr: Callable[[Path, tuple[Path, ...]], str],
    say: Callable[[str], None] = print,
) -> Outcome:
    outcome = Outcome()
    existing = scan(options.root, options.base, options.remote, config.handoffs_dir)
    records, resume = _records(options, mapping, source)
    # Deals oldest change first, so the watermark only ever moves past finished work.
    records.sort(key=lambda r: r.position or dt.datetime.min.replace(tzinfo=dt.UTC))
    watermark_ok = not options.deal_ids and not options.dry_run
    for record in records:
        done = _one_deal(
            options=options,
            config=config,
            mapping=mapping,
            source=source,
            open_pr=open_pr,
            record=record,
            existing=existing,
            outcome=outcome,
            say=say,
        )
        if not done:
            watermark_ok = False  # a deal that needs a person: the next run looks at it again
        if watermark_ok and record.position is not None and record.position > resume:
            options.state.write(mapping.system, record.position)
            resume = record.position
    return outcome


def _records(options: SyncOptions, mapping: CrmMapping, source: CrmSource) -> tuple[list[DealRecord], dt.datetime]:
    if options.deal_ids:
        records = []
        for deal_id in options.deal_ids:
            record = source.deal(deal_id)
            if record is None:
                raise HandoffError(f"{mapping.system} has no deal {deal_id} (or the integration user cannot see it)")
            records.append(record)
        return records, dt.datetime.min.replace(tzinfo=dt.UTC)
    since = options.since or options.state.read(mapping.system)
    if since is None:
        since = dt.datetime.combine(options.opened - dt.timedelta(days=DEFAULT_LOOKBACK_DAYS), dt.time(), tzinfo=dt.UTC)
    owners = [o for t in mapping.spec.triggers for o in (t.owner or [])]
    stages = [t.stage for t in mapping.spec.triggers if t.stage]
    return source.changed_since(since, stages=stages, owners=owners), since


def _one_deal(
    *,
    options: SyncOptions,
    config: Config,
    mapping: CrmMapping,
    source: CrmSource,
    open_pr: Callable[[Path, tuple[Path, ...]], str],
    record: DealRecord,
    existing: list[Existing],
    outcome: Outcome,
    say: Callable[[str], None],
) -> bool:
    """Handle one deal; False when it needs a person (the watermark then stays behind it)."""
    deal = record.deal
    label = f"{mapping.system} deal {deal.id} ({deal.name or 'unnamed'})"
    trigger = matching_trigger(mapping, record)
    if trigger is None:
        outcome.skipped.append(f"{label}: stage `{deal.stage}` starts no handoff")
        return True
    already = [e for e in existing if e.key == (mapping.system, deal.id, trigger.type)]
    if already:
        _check_after_approval(options, record, already, outcome, label)
        outcome.skipped.append(f"{label}: already has a {trigger.type} handoff ({already[0].path})")
        return True
    plan = _plan(options, config, mapping=mapping, record=record, trigger=trigger, existing=existing, label=label)
    if isinstance(plan, str):
        outcome.problems.append(plan)
        say(f"needs a person: {plan}")
        return False
    if options.dry_run:
        outcome.planned.append(plan)
        say(
            f"would draft {plan.path} for {label}: {trigger.type}, from {plan.sales_owner} to "
            f"{plan.receiving_owner} ({plan.receiving_team})"
        )
        return True
    details = source.details(record)  # everything is read before anything is written
    url = _draft_and_open(options, config, mapping=mapping, plan=plan, details=details, open_pr=open_pr)
    outcome.opened.append(url)
    existing.append(Existing(plan.path, "new", False, mapping.system, deal.id, trigger.type, plan.receiving_team, {}))
    say(f"opened {url} for {label}")
    return True


def _plan(
    options: SyncOptions,
    config: Config,
    *,
    mapping: CrmMapping,
    record: DealRecord,
    trigger: Trigger,
    existing: list[Existing],
    label: str,
) -> Plan | str:
    deal = record.deal
    sales_owner = mapping.sales_owner(record.owner_email or deal.owner)
    if sales_owner is None:
        return (
            f"{label}: the CRM owner `{record.owner_email or deal.owner or 'none'}` has no GitHub handle in "
            f"schema/crm.yaml `owners`; add it and run the sync again"
        )
    if not deal.customer:
        return f"{label}: the deal names no customer (account or company) in the CRM"
    team = receiving_team(trigger, record)
    owner = receiving_owner(config, trigger, team, existing)
    handoff_id = f"{slugify(deal.customer)}/{options.opened.isoformat()}-{trigger.type}"
    path = f"{config.handoffs_dir}/{handoff_id}.md"
    if (options.root / path).exists() or any(e.path == path for e in existing):
        return f"{label}: {path} already exists for another deal; draft this one by hand (`handoff draft --out`)"
    return Plan(record, trigger, sales_owner, team, owner, path, handoff_id)


def _draft_and_open(
    options: SyncOptions,
    config: Config,
    *,
    mapping: CrmMapping,
    plan: Plan,
    details: Details,
    open_pr: Callable[[Path, tuple[Path, ...]], str],
) -> str:
    from handoffs.crm.evidence import EVIDENCE_DIR, write_evidence
    from handoffs.draft.pipeline import DraftRequest, draft_deal

    record = plan.record
    folder = options.root / EVIDENCE_DIR / plan.handoff_id
    kickoff = add_business_days(options.opened, mapping.spec.kickoff_business_days)
    files = write_evidence(folder, record, details, mapping)
    handoff = options.root / plan.path
    try:
        request = DraftRequest(
            root=options.root,
            crm=files.deal,
            notes=files.documents,
            handoff_type=plan.trigger.type,
            customer=None,
            sales_owner=plan.sales_owner,
            sales_team=mapping.spec.sales_team,
            receiving_owner=plan.receiving_owner,
            receiving_team=plan.receiving_team,
            kickoff=kickoff,
            milestone_title=mapping.spec.first_milestone.title,
            milestone_due=add_business_days(kickoff, mapping.spec.first_milestone.due_business_days),
            opened=options.opened,
            out=handoff,
            backend=options.backend,
            gaps="open",
        )
        changed = iso_utc(record.stage_changed_at) if record.stage_changed_at else None
        draft_deal(
            request, config, record.deal, f"{files.deal.relative_to(options.root).as_posix()}", stage_changed_at=changed
        )
        return open_pr(handoff, files.documents)
    except BaseException:
        handoff.unlink(missing_ok=True)
        files.remove()
        _back_to(options)
        raise


def _back_to(options: SyncOptions) -> None:
    """After a failed push the checkout may sit on the new branch: return to the base."""
    with contextlib.suppress(HandoffError):
        run(options.root, "checkout", "-q", options.base)


def _check_after_approval(
    options: SyncOptions, record: DealRecord, already: list[Existing], outcome: Outcome, label: str
) -> None:
    """A deal edited in the CRM after its handoff was approved: say so, loudly, but open nothing."""
    for item in already:
        if not item.on_base or record.modified_at is None:
            continue
        approved = approved_at(options.root, item)
        if approved is None or record.modified_at <= approved:
            continue
        differences = _differences(record, item)
        detail = f" ({'; '.join(differences)})" if differences else ""
        outcome.alerts.append(
            f"{label} changed in the CRM at {iso_utc(record.modified_at)}, after its handoff {item.path} was "
            f"approved at {iso_utc(approved)}{detail}: the sales and receiving owners should check that the "
            "handoff still holds, and change it in a pull request if not"
        )


def _differences(record: DealRecord, item: Existing) -> list[str]:
    deal_block = mapping_at(item.front, "deal")
    now = record.deal
    out = []
    approved_close = str(deal_block.get("close_date") or "")
    if now.close_date and approved_close and now.close_date.isoformat() != approved_close:
        out.append(f"close date {approved_close} → {now.close_date.isoformat()}")
    approved_amount = deal_block.get("amount")
    if now.amount is not None and isinstance(approved_amount, int | float) and float(approved_amount) != now.amount:
        out.append(f"amount {approved_amount} → {now.amount:g}")
    if item.front.get("stage") == "closed-won" and not now.won:
        out.append(f"stage is now `{now.stage}`")
    return out


def github_annotations() -> bool:
    return os.environ.get("GITHUB_ACTIONS") == "true"
