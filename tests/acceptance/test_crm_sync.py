"""`handoff crm sync` and `handoff crm write-back` against local doubles of Salesforce and HubSpot.

The real clients (simple-salesforce, hubspot-api-client) talk HTTPS to the doubles on
127.0.0.1; pull requests go to the GitHub double through PyGithub; git is real.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.acceptance.pr_world import World
from tests.conftest import CliResult
from tests.crm_doubles.hubspot import HubSpotDouble
from tests.crm_doubles.salesforce import SalesforceDouble
from tests.factories import commit_all, git

HARBOR = "handoffs/harbor-logistics/2026-11-23-implementation.md"
HARBOR_EVIDENCE = "evidence/harbor-logistics/2026-11-23-implementation"
PINECREST = "handoffs/pinecrest-credit-union/2026-11-23-implementation.md"
SECRET_REASON = "CFO approved the 22% discount to beat Competitor X"

SALESFORCE_MAPPING = """\
system: salesforce
sales_team: sales
owners:
  dana@acme.example: "@dana-sales"
  li@acme.example: "@li-ae"
triggers:
  - stage: Closed Won
    type: implementation
    route:
      field: Segment__c
      teams: {SMB: onboarding, Enterprise: implementation}
    team: implementation
kickoff_business_days: 5
first_milestone:
  title: Kickoff call held and implementation plan agreed
  due_business_days: 10
evidence:
  fields:
    Segment__c: Segment
    Implementation_Notes__c: Implementation notes
    Discount_Approval_Reason__c: Discount reason
  sensitive: [Discount_Approval_Reason__c]
write_back:
  status: Handoff_Status__c
  link: Handoff_Link__c
site_url: https://handoffs.acme.example
"""


def _seed_salesforce(sf: SalesforceDouble) -> None:
    owner_dana = {"attributes": {"type": "User"}, "Name": "Dana Sales", "Email": "dana@acme.example"}
    owner_li = {"attributes": {"type": "User"}, "Name": "Li Ae", "Email": "li@acme.example"}
    sf.add_opportunity(
        Id="006A00000001",
        Name="Harbor Logistics - Dock Scheduling Platform",
        StageName="Closed Won",
        IsWon=True,
        Amount=184000.0,
        CloseDate="2026-11-20",
        LastStageChangeDate="2026-11-20T15:04:00.000+0000",
        LastModifiedDate="2026-11-20T15:04:00.000+0000",
        Account={"attributes": {"type": "Account"}, "Name": "Harbor Logistics"},
        Owner=owner_dana,
        Segment__c="Enterprise",
        Implementation_Notes__c="The customer needs single sign-on with Okta before go-live.",
        Discount_Approval_Reason__c=SECRET_REASON,
    )
    sf.add_contact_role("006A00000001", "Maria Chen", "VP Operations", "Economic Buyer", "maria@harbor.example")
    sf.add_note(
        "006A00000001",
        "Discovery call",
        "We will migrate three years of dock schedules from the legacy system.\n"
        "Custom SLA: 99.9% uptime with a 4-hour response time.",
        "2026-11-10T09:00:00.000+0000",
    )
    sf.add_quote("006A00000001", "Q-0001 draft", "2026-11-01T09:00:00.000+0000", [{"product": "Old bundle"}])
    sf.add_quote(
        "006A00000001",
        "Q-0002 final",
        "2026-11-15T09:00:00.000+0000",
        [
            {"product": "Dock Scheduler Enterprise", "Quantity": 1.0, "UnitPrice": 150000.0, "TotalPrice": 150000.0},
            {"product": "Implementation services", "Quantity": 20.0, "UnitPrice": 1700.0, "TotalPrice": 34000.0},
        ],
    )
    sf.add_opportunity(
        Id="006B00000002",
        Name="Pinecrest CU - Member Portal",
        StageName="Closed Won",
        IsWon=True,
        Amount=42000.0,
        CloseDate="2026-11-21",
        LastStageChangeDate="2026-11-21T10:00:00.000+0000",
        LastModifiedDate="2026-11-21T10:00:00.000+0000",
        Account={"attributes": {"type": "Account"}, "Name": "Pinecrest Credit Union"},
        Owner=owner_li,
        Segment__c="SMB",
    )
    sf.add_opportunity(
        Id="006C00000003",
        Name="Alder Energy - Analytics",
        StageName="Negotiation/Review",
        IsWon=False,
        LastStageChangeDate="2026-11-22T10:00:00.000+0000",
        LastModifiedDate="2026-11-22T10:00:00.000+0000",
        Account={"attributes": {"type": "Account"}, "Name": "Alder Energy"},
        Owner=owner_dana,
    )


@pytest.fixture
def sf_world(world: World, origin: Path, salesforce_double: SalesforceDouble) -> World:
    (world.root / "schema" / "crm.yaml").write_text(SALESFORCE_MAPPING, encoding="utf-8")
    commit_all(world.root, "CRM mapping")
    git(world.root, "push", "-q", "origin", "main")
    _seed_salesforce(salesforce_double)
    return world


def _pushed(origin: Path, branch: str, path: str) -> str:
    return git(origin, "show", f"refs/heads/{branch}:{path}")


def _state(origin: Path) -> dict[str, dict[str, str]]:
    """The watermark as the next run on a fresh runner sees it: on the remote's state ref."""
    data: dict[str, dict[str, str]] = json.loads(git(origin, "show", "refs/handoff-state/crm-sync:crm-sync.json"))
    return data


def test_first_sync_opens_one_drafted_pr_per_closed_won_deal(
    sf_world: World, origin: Path, salesforce_double: SalesforceDouble, run_cli: Callable[..., CliResult]
) -> None:
    result = run_cli("crm", "sync")

    assert result.exit_code == 0, result.err
    assert "opened 2 handoff pull request(s); 1 deal(s) skipped" in result.out
    titles = sorted(p.title for p in sf_world.gh.pulls())
    assert titles == ["Handoff: Harbor Logistics - Dock Scheduling Platform", "Handoff: Pinecrest CU - Member Portal"]
    branch = "handoff/harbor-logistics/2026-11-23-implementation"
    handoff = _pushed(origin, branch, HARBOR)
    assert 'stage_changed_at: "2026-11-20T15:04:00Z"' in handoff
    assert 'id: "006A00000001"' in handoff
    assert 'owner: "@dana-sales"' in handoff
    assert 'team: "implementation"' in handoff
    # Every drafted item cites the CRM evidence by file and line.
    assert f"(source: {HARBOR_EVIDENCE}/notes.md:" in handoff
    assert f"(source: {HARBOR_EVIDENCE}/deal.md:" in handoff
    notes = _pushed(origin, branch, f"{HARBOR_EVIDENCE}/notes.md")
    assert "We will migrate three years of dock schedules" in notes
    quote = _pushed(origin, branch, f"{HARBOR_EVIDENCE}/quote.md")
    assert "Q-0002 final" in quote
    assert "Dock Scheduler Enterprise: quantity 1, unit price 150000" in quote
    assert "Old bundle" not in quote
    deal = _pushed(origin, branch, f"{HARBOR_EVIDENCE}/deal.md")
    assert "Contact: Maria Chen (VP Operations, Economic Buyer)" in deal
    assert "single sign-on with Okta" in deal
    # The sensitive field is never copied, nor even read.
    everything = git(origin, "log", "-p", "--all")
    assert SECRET_REASON not in everything
    assert not any("Discount_Approval_Reason__c" in str(e.query) for e in salesforce_double.log)
    # SMB routes to onboarding; the list was read across pages (nextRecordsUrl).
    pinecrest = _pushed(origin, "handoff/pinecrest-credit-union/2026-11-23-implementation", PINECREST)
    assert 'team: "onboarding"' in pinecrest
    assert 'owner: "@tom-onboard"' in pinecrest
    assert salesforce_double.requests("GET", "/query/01g")
    # The checkout is back on main and clean; the watermark is the last deal handled.
    assert git(sf_world.root, "rev-parse", "--abbrev-ref", "HEAD").strip() == "main"
    assert git(sf_world.root, "status", "--porcelain", "--", "handoffs", "evidence").strip() == ""
    assert _state(origin)["salesforce"]["watermark"] == "2026-11-22T10:00:00Z"


def test_second_sync_opens_nothing_new(
    sf_world: World, salesforce_double: SalesforceDouble, run_cli: Callable[..., CliResult]
) -> None:
    assert run_cli("crm", "sync").exit_code == 0
    again = run_cli("crm", "sync", "--since", "2026-11-01")

    assert again.exit_code == 0, again.err
    assert "opened 0 handoff pull request(s)" in again.out
    assert len(sf_world.gh.pulls()) == 2


def test_dispatch_names_one_deal_and_the_sync_rereads_it(
    sf_world: World, origin: Path, salesforce_double: SalesforceDouble, run_cli: Callable[..., CliResult]
) -> None:
    result = run_cli("crm", "sync", "--deal", "006B00000002")

    assert result.exit_code == 0, result.err
    assert [p.title for p in sf_world.gh.pulls()] == ["Handoff: Pinecrest CU - Member Portal"]
    assert any("Id = '006B00000002'" in str(e.query) for e in salesforce_double.log)
    assert "refs/handoff-state/crm-sync" not in git(origin, "show-ref")  # a dispatch moves no watermark


def test_a_deal_edited_after_its_handoff_merged_raises_an_alert_and_opens_nothing(
    sf_world: World, origin: Path, salesforce_double: SalesforceDouble, run_cli: Callable[..., CliResult]
) -> None:
    assert run_cli("crm", "sync").exit_code == 0
    git(
        sf_world.root,
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "Merge harbor",
        "handoff/harbor-logistics/2026-11-23-implementation",
    )
    git(sf_world.root, "push", "-q", "origin", "main")
    opportunity = salesforce_double.state.opportunities["006A00000001"]
    opportunity.update(Amount=150000.0, LastModifiedDate="2026-11-23T12:30:00.000+0000")

    result = run_cli("crm", "sync")

    assert result.exit_code == 0, result.err
    assert len(sf_world.gh.pulls()) == 2
    assert "alert: salesforce deal 006A00000001" in result.out
    assert "changed in the CRM at 2026-11-23T12:30:00Z, after its handoff" in result.out
    assert "amount 184000 → 150000" in result.out


def test_dry_run_says_what_it_would_draft_and_writes_nothing(
    sf_world: World, run_cli: Callable[..., CliResult]
) -> None:
    result = run_cli("crm", "sync", "--dry-run")

    assert result.exit_code == 0, result.err
    assert f"would draft {HARBOR}" in result.out
    assert "would open 2 handoff pull request(s)" in result.out
    assert sf_world.gh.pulls() == []
    assert git(sf_world.root, "status", "--porcelain").strip() == ""


def test_invalid_client_credentials_are_refused_clearly(
    sf_world: World, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., CliResult]
) -> None:
    monkeypatch.setenv("SALESFORCE_CLIENT_SECRET", "wrong")
    result = run_cli("crm", "sync")

    assert result.exit_code == 2
    assert "Salesforce refused the connected app's credentials (HTTP 400: invalid client credentials)" in result.err
    assert "Traceback" not in result.err
    assert sf_world.gh.pulls() == []


def test_an_expired_access_token_is_refused_clearly(
    sf_world: World,
    salesforce_double: SalesforceDouble,
    monkeypatch: pytest.MonkeyPatch,
    run_cli: Callable[..., CliResult],
) -> None:
    monkeypatch.setenv("SALESFORCE_INSTANCE_URL", salesforce_double.url)
    monkeypatch.setenv("SALESFORCE_ACCESS_TOKEN", "00Dexpired!token")
    result = run_cli("crm", "sync")

    assert result.exit_code == 2
    assert "HTTP 401; INVALID_SESSION_ID: Session expired or invalid; the access token is invalid or expired" in (
        result.err
    )
    assert sf_world.gh.pulls() == []


def test_no_credentials_in_the_environment_is_a_usage_error(
    sf_world: World, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., CliResult]
) -> None:
    monkeypatch.delenv("SALESFORCE_CLIENT_SECRET")
    result = run_cli("crm", "sync")
    assert result.exit_code == 2
    assert "no Salesforce credentials: set SALESFORCE_LOGIN_URL" in result.err


def test_a_crm_down_mid_sync_leaves_nothing_half_made_and_the_next_run_resumes(
    sf_world: World, origin: Path, salesforce_double: SalesforceDouble, run_cli: Callable[..., CliResult]
) -> None:
    # Salesforce goes down while the second deal's notes are being read.
    salesforce_double.go_down_when(
        lambda method, path, query: "006B00000002" in str(query.get("q")) and "FROM Note" in str(query.get("q")),
        503,
        [{"errorCode": "SERVER_UNAVAILABLE", "message": "Service unavailable"}],
    )
    failed = run_cli("crm", "sync")

    assert failed.exit_code == 2
    assert "Salesforce refused to read the notes of opportunity 006B00000002: HTTP 503" in failed.err
    assert [p.title for p in sf_world.gh.pulls()] == ["Handoff: Harbor Logistics - Dock Scheduling Platform"]
    assert "handoff/pinecrest-credit-union/2026-11-23-implementation" not in git(origin, "branch", "--list")
    assert git(sf_world.root, "status", "--porcelain", "--untracked-files=all", "--", "handoffs", "evidence") == ""
    assert _state(origin)["salesforce"]["watermark"] == "2026-11-20T15:04:00Z"
    retried = [e for e in salesforce_double.log if e.status == 503]
    assert len(retried) == 5  # HANDOFF_CRM_ATTEMPTS (default 5), then the error

    salesforce_double.come_back()
    resumed = run_cli("crm", "sync")

    assert resumed.exit_code == 0, resumed.err
    assert "opened 1 handoff pull request(s)" in resumed.out
    assert len(sf_world.gh.pulls()) == 2
    last_list = next(e for e in reversed(salesforce_double.log) if "FROM Opportunity WHERE" in str(e.query))
    assert "LastStageChangeDate >= 2026-11-20T15:04:00+00:00" in str(last_list.query)


def test_write_back_writes_only_the_named_fields_and_a_dry_run_writes_none(
    sf_world: World, salesforce_double: SalesforceDouble, run_cli: Callable[..., CliResult]
) -> None:
    assert run_cli("crm", "sync").exit_code == 0
    git(
        sf_world.root,
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "Merge harbor",
        "handoff/harbor-logistics/2026-11-23-implementation",
    )

    dry = run_cli("crm", "write-back", "--dry-run")
    assert dry.exit_code == 0, dry.err
    assert "would write salesforce deal 006A00000001 Handoff_Status__c: '' -> 'approved'" in dry.out
    link = "https://handoffs.acme.example/harbor-logistics/2026-11-23-implementation/"
    assert f"would write salesforce deal 006A00000001 Handoff_Link__c: '' -> '{link}'" in dry.out
    assert salesforce_double.state.writes == []

    done = run_cli("crm", "write-back")
    assert done.exit_code == 0, done.err
    assert salesforce_double.state.writes == [
        ("006A00000001", {"Handoff_Status__c": "approved", "Handoff_Link__c": link})
    ]
    again = run_cli("crm", "write-back")
    assert "nothing to write" in again.out
    assert len(salesforce_double.state.writes) == 1

    path = sf_world.root / HARBOR
    path.write_text(
        path.read_text(encoding="utf-8").replace("status: proposed", "status: kicked-off"), encoding="utf-8"
    )
    unmerged = run_cli("crm", "write-back")  # an edit not yet on main is not the handoff's state
    assert "nothing to write" in unmerged.out
    assert len(salesforce_double.state.writes) == 1
    commit_all(sf_world.root, "Harbor kicked off")
    run_cli("crm", "write-back")
    assert salesforce_double.state.writes[-1] == ("006A00000001", {"Handoff_Status__c": "kicked-off"})


def test_write_back_from_a_feature_branch_writes_no_unmerged_handoff_as_approved(
    sf_world: World, salesforce_double: SalesforceDouble, run_cli: Callable[..., CliResult]
) -> None:
    """Approval is merging into the base branch (``verdicts.approved``), whatever is checked out."""
    assert run_cli("crm", "sync").exit_code == 0
    git(sf_world.root, "checkout", "-q", "handoff/harbor-logistics/2026-11-23-implementation")
    assert (sf_world.root / HARBOR).is_file()

    result = run_cli("crm", "write-back")

    assert result.exit_code == 0, result.err
    assert f"not written: {HARBOR}: not approved (never merged into main)" in result.out
    assert salesforce_double.state.writes == []
    assert "approved" not in str(salesforce_double.log)


def test_write_back_fails_closed_when_approval_cannot_be_verified(
    sf_world: World,
    salesforce_double: SalesforceDouble,
    run_cli: Callable[..., CliResult],
    tmp_path: Path,
) -> None:
    """Outside git the base branch cannot be read: nothing is written, each handoff says why, the run fails."""
    assert run_cli("crm", "sync").exit_code == 0
    git(sf_world.root, "merge", "-q", "--no-ff", "-m", "Merge", "handoff/harbor-logistics/2026-11-23-implementation")
    copy = tmp_path / "no-git"
    shutil.copytree(sf_world.root, copy, ignore=shutil.ignore_patterns(".git"))

    result = run_cli("crm", "write-back", "--root", copy)

    assert result.exit_code == 1
    assert f"not written: {HARBOR}: approval cannot be verified: {copy} is not inside a git repository" in result.out
    assert "1 handoff(s) not written because their approval cannot be verified" in result.out
    assert salesforce_double.state.writes == []


def test_without_write_back_fields_nothing_is_written(
    sf_world: World, salesforce_double: SalesforceDouble, run_cli: Callable[..., CliResult]
) -> None:
    mapping = sf_world.root / "schema" / "crm.yaml"
    text = mapping.read_text(encoding="utf-8")
    mapping.write_text(text.split("write_back:")[0], encoding="utf-8")

    result = run_cli("crm", "write-back")

    assert result.exit_code == 0
    assert "names no write_back fields, so nothing is written" in result.out
    assert salesforce_double.log == []


# --- HubSpot -----------------------------------------------------------------------------------

HUBSPOT_MAPPING = """\
system: hubspot
sales_team: sales
owners:
  dana@acme.example: "@dana-sales"
triggers:
  - stage: closedwon
    type: implementation
    team: implementation
    assign: "@sofia-impl"
first_milestone:
  title: Kickoff call held
evidence:
  fields:
    implementation_notes: Implementation notes
write_back:
  status: handoff_status
  link: handoff_link
"""


def _seed_hubspot(hs: HubSpotDouble) -> None:
    hs.add_owner("501", "someone@acme.example")
    hs.add_owner("502", "other@acme.example")
    hs.add_owner("503", "dana@acme.example")
    deal = hs.add(
        "deals",
        {
            "dealname": "Kestrel Analytics - Renewal Expansion",
            "dealstage": "closedwon",
            "hs_is_closed_won": "true",
            "amount": "96000",
            "deal_currency_code": "EUR",
            "closedate": "2026-11-19T12:00:00.000Z",
            "hubspot_owner_id": "503",
            "hs_lastmodifieddate": "2026-11-19T13:00:00.000Z",
            "hs_date_entered_closedwon": "2026-11-19T12:30:00.000Z",
            "implementation_notes": "Go-live is planned for the first week of February.",
        },
        "7001",
    )
    hs.add(
        "deals",
        {
            "dealname": "Other deal",
            "dealstage": "appointmentscheduled",
            "hs_lastmodifieddate": "2026-11-20T13:00:00.000Z",
        },
        "7002",
    )
    hs.add(
        "deals",
        {"dealname": "Third deal", "dealstage": "qualifiedtobuy", "hs_lastmodifieddate": "2026-11-21T13:00:00.000Z"},
        "7003",
    )
    company = hs.add("companies", {"name": "Kestrel Analytics"})
    hs.associate("deals", deal, "companies", company)
    for first, last, title in (("Ana", "Ruiz", "CTO"), ("Ben", "Okafor", "Head of Data"), ("Cy", "Lam", "Analyst")):
        contact = hs.add("contacts", {"firstname": first, "lastname": last, "jobtitle": title})
        hs.associate("deals", deal, "contacts", contact)
    note = hs.add(
        "notes",
        {
            "hs_note_body": (
                "<p>They asked for a dedicated success manager.</p><p>Training for 40 analysts is included.</p>"
            ),
            "hs_timestamp": "2026-11-18T10:00:00.000Z",
        },
    )
    hs.associate("deals", deal, "notes", note)
    quote = hs.add("quotes", {"hs_title": "Kestrel 2027 renewal", "hs_createdate": "2026-11-17T10:00:00.000Z"})
    hs.associate("deals", deal, "quotes", quote)
    item = hs.add(
        "line_items", {"name": "Analytics Platform seats", "quantity": "40", "price": "2400", "amount": "96000"}
    )
    hs.associate("quotes", quote, "line_items", item)


@pytest.fixture
def hs_world(world: World, origin: Path, hubspot_double: HubSpotDouble) -> World:
    (world.root / "schema" / "crm.yaml").write_text(HUBSPOT_MAPPING, encoding="utf-8")
    commit_all(world.root, "CRM mapping")
    git(world.root, "push", "-q", "origin", "main")
    _seed_hubspot(hubspot_double)
    return world


def test_hubspot_sync_drafts_from_the_search_api_and_associations(
    hs_world: World, origin: Path, hubspot_double: HubSpotDouble, run_cli: Callable[..., CliResult]
) -> None:
    result = run_cli("crm", "sync")

    assert result.exit_code == 0, result.err
    assert [p.title for p in hs_world.gh.pulls()] == ["Handoff: Kestrel Analytics - Renewal Expansion"]
    branch = "handoff/kestrel-analytics/2026-11-23-implementation"
    handoff = _pushed(origin, branch, "handoffs/kestrel-analytics/2026-11-23-implementation.md")
    assert 'stage_changed_at: "2026-11-19T12:30:00Z"' in handoff
    assert 'owner: "@sofia-impl"' in handoff
    assert "| Cy Lam | Analyst |" in handoff  # the third contact came from the second associations page
    evidence = "evidence/kestrel-analytics/2026-11-23-implementation"
    assert "Training for 40 analysts is included." in _pushed(origin, branch, f"{evidence}/notes.md")
    assert "Analytics Platform seats: quantity 40" in _pushed(origin, branch, f"{evidence}/quote.md")
    searches = hubspot_double.requests("POST", "/crm/v3/objects/deals/search")
    assert len(searches) == 2  # three deals, two per page: paged with `after`
    assert searches[1].body["after"] == "2"

    again = run_cli("crm", "sync", "--since", "2026-11-01")
    assert "opened 0 handoff pull request(s)" in again.out
    assert len(hs_world.gh.pulls()) == 1


def test_hubspot_rate_limit_is_answered_with_a_retry(
    hs_world: World, hubspot_double: HubSpotDouble, run_cli: Callable[..., CliResult]
) -> None:
    hubspot_double.fail_next(
        2,
        429,
        {
            "status": "error",
            "message": "You have reached your secondly limit.",
            "errorType": "RATE_LIMIT",
            "correlationId": "x",
            "policyName": "SECONDLY",
        },
        retry_after="0",
    )
    result = run_cli("crm", "sync")

    assert result.exit_code == 0, result.err
    assert [e.status for e in hubspot_double.log[:3]] == [429, 429, 200]
    assert len(hs_world.gh.pulls()) == 1


def test_hubspot_invalid_token_is_refused_clearly(
    hs_world: World, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., CliResult]
) -> None:
    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", "pat-na1-revoked")
    result = run_cli("crm", "sync")

    assert result.exit_code == 2
    assert "HubSpot refused to search the deals changed since the last sync: HTTP 401" in result.err
    assert "set a fresh HUBSPOT_ACCESS_TOKEN" in result.err
    assert hs_world.gh.pulls() == []


def test_hubspot_write_back_patches_only_the_named_properties(
    hs_world: World, hubspot_double: HubSpotDouble, run_cli: Callable[..., CliResult]
) -> None:
    assert run_cli("crm", "sync").exit_code == 0
    git(hs_world.root, "merge", "-q", "--no-ff", "-m", "Merge", "handoff/kestrel-analytics/2026-11-23-implementation")
    result = run_cli("crm", "write-back")

    assert result.exit_code == 0, result.err
    assert len(hubspot_double.state.writes) == 1
    deal_id, values = hubspot_double.state.writes[0]
    assert deal_id == "7001"
    assert set(values) == {"handoff_status", "handoff_link"}
    assert values["handoff_status"] == "approved"


def test_a_dispatch_payload_that_is_not_a_deal_id_is_refused(
    sf_world: World, salesforce_double: SalesforceDouble, run_cli: Callable[..., CliResult]
) -> None:
    result = run_cli("crm", "sync", "--deal", "006' OR Name != '")
    assert result.exit_code == 2
    assert "not a CRM deal id" in result.err
    assert salesforce_double.log == []


def test_salesforce_unavailable_with_retry_after_is_retried_then_succeeds(
    sf_world: World, salesforce_double: SalesforceDouble, run_cli: Callable[..., CliResult]
) -> None:
    unavailable = [{"errorCode": "SERVER_UNAVAILABLE", "message": "Server temporarily unavailable"}]
    salesforce_double.fail_next(2, 503, unavailable, retry_after="0")
    result = run_cli("crm", "sync")

    assert result.exit_code == 0, result.err
    assert [e.status for e in salesforce_double.log[:3]] == [503, 503, 200]
    assert len(sf_world.gh.pulls()) == 2


def test_a_session_that_expires_mid_sync_is_renewed_with_the_connected_app(
    sf_world: World, salesforce_double: SalesforceDouble, run_cli: Callable[..., CliResult]
) -> None:
    original = salesforce_double.handle

    def expire_once(method: str, path: str, query: dict[str, list[str]], body: object, headers: dict[str, str]):  # type: ignore[no-untyped-def]
        if "FROM Note" in str(query.get("q")) and not salesforce_double.requests("POST", "/oauth2/token")[1:]:
            salesforce_double.expire_tokens()  # the first token expires as the notes are read
        return original(method, path, query, body, headers)

    salesforce_double.handle = expire_once  # type: ignore[method-assign]
    result = run_cli("crm", "sync")

    assert result.exit_code == 0, result.err
    assert len(salesforce_double.requests("POST", "/services/oauth2/token")) == 2
    assert 401 in [e.status for e in salesforce_double.log]
    assert len(sf_world.gh.pulls()) == 2


def test_hubspot_deal_edited_after_its_handoff_merged_raises_an_alert(
    hs_world: World, hubspot_double: HubSpotDouble, run_cli: Callable[..., CliResult]
) -> None:
    assert run_cli("crm", "sync").exit_code == 0
    git(hs_world.root, "merge", "-q", "--no-ff", "-m", "Merge", "handoff/kestrel-analytics/2026-11-23-implementation")
    git(hs_world.root, "push", "-q", "origin", "main")
    hubspot_double.state.objects["deals"]["7001"].update(
        amount="80000", closedate="2026-11-25T12:00:00.000Z", hs_lastmodifieddate="2026-11-23T15:00:00.000Z"
    )

    result = run_cli("crm", "sync")

    assert result.exit_code == 0, result.err
    assert len(hs_world.gh.pulls()) == 1
    assert "alert: hubspot deal 7001" in result.out
    assert "close date 2026-11-19 → 2026-11-25; amount 96000 → 80000" in result.out
