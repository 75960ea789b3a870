"""The site, `handoff gate kickoff`, `handoff alerts` and `handoff metrics` agree on every handoff.

One real git repository holds a handoff for each verdict kickoff readiness can reach:

ready-co        approved, clean, its `pricing` term approved by finance (trailer)    -> yes
plain-co        approved, clean, no custom terms at all                              -> yes
unknown-co      approved, clean, `pricing` flagged, no trailer naming a reviewer      -> unknown (offline)
open-co         approved with the reviewer's trailer, but an open item remains        -> no
error-co        approved with the reviewer's trailer, but a placeholder (error)       -> no
unapproved-co   only on a pull-request branch (in the working tree, not on main)      -> no

Today is 2026-11-23; every kickoff (2026-11-20) has passed, so each handoff counts for
the metrics and each one not ready is a kickoff alert.  The site is a real `mkdocs
build`, read from the generated pages; the others are the real CLI.
"""

from __future__ import annotations

import json
import socket
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.browser.sitebuild import Markup, add_site_config, article, built, page
from tests.conftest import CliResult
from tests.factories import BODY, FRONT_MATTER, GIT_ENV, git, handoff_text, make_repo, write_handoff

pytestmark = pytest.mark.xdist_group("site")

APPROVED_ON = "2026-11-10T10:00:00+00:00"  # before every kickoff
FRONT = FRONT_MATTER.replace("kickoff: 2026-12-01", "kickoff: 2026-11-20").replace(
    "close_date: 2026-11-20", "close_date: 2026-11-05"
)
NO_TERMS = BODY.replace("- 15% discount on year-one subscription fees (source: order form §5)\n", "None.\n")
OPEN_ITEM = BODY.replace(
    "## Open risks\n\n", "## Open risks\n\n- Renewal date unknown (open: @dana-sales by 2026-12-20)\n"
)
PLACEHOLDER = BODY.replace(
    "- Sandbox access to the EHR FHIR endpoint", "- TBD: sandbox access to the EHR FHIR endpoint"
)
REVIEWED = "\n\nApproved-by: @dana-sales\nApproved-by: @raj-impl\nApproved-by: @frank-finance"

# handoff -> (body, commit message trailers or None when only on a branch, expected readiness)
CASES: dict[str, tuple[str, str | None, str]] = {
    "ready-co/2026-11-09-implementation": (BODY, REVIEWED, "yes"),
    "plain-co/2026-11-09-implementation": (NO_TERMS, "", "yes"),
    "unknown-co/2026-11-09-implementation": (BODY, "", "unknown"),
    "open-co/2026-11-09-implementation": (OPEN_ITEM, REVIEWED, "no"),
    "error-co/2026-11-09-implementation": (PLACEHOLDER, REVIEWED, "no"),
    "unapproved-co/2026-11-09-implementation": (BODY, None, "no"),
}
BANNER = {"yes": "Kickoff-ready", "no": "Not kickoff-ready", "unknown": "Kickoff readiness unknown"}


def _commit(root: Path, message: str) -> None:
    env = {**GIT_ENV, "GIT_AUTHOR_DATE": APPROVED_ON, "GIT_COMMITTER_DATE": APPROVED_ON}
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True, env={**env, "PATH": "/usr/bin:/bin"})
    subprocess.run(
        ["git", "-C", str(root), "commit", "-q", "-m", message],
        check=True,
        env={**env, "PATH": "/usr/bin:/bin", "HOME": str(root)},
    )


@pytest.fixture
def world(repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("GITHUB_TOKEN", "GH_TOKEN", "GITHUB_REPOSITORY"):
        monkeypatch.delenv(name, raising=False)
    add_site_config(repo)
    _commit(repo, "Site configuration")
    for number, (handoff, (body, trailers, _)) in enumerate(CASES.items(), start=1):
        if trailers is None:
            continue
        write_handoff(repo, handoff, handoff_text(FRONT, body))
        _commit(repo, f"Add {handoff} (#{number}){trailers}")
    unapproved = next(h for h, (_, trailers, _) in CASES.items() if trailers is None)
    git(repo, "checkout", "-q", "-b", "handoff/unapproved")
    write_handoff(repo, unapproved, handoff_text(FRONT, BODY))
    _commit(repo, "Add the unapproved handoff")
    git(repo, "checkout", "-q", "main")
    git(repo, "checkout", "handoff/unapproved", "--", f"handoffs/{unapproved}.md")  # in the working tree only
    return repo


def _gate(run_cli: Callable[..., CliResult], handoff: str) -> tuple[str, list[str]]:
    result = run_cli("gate", "kickoff", handoff, "--format", "json")
    data = json.loads(result.out)
    assert (result.exit_code == 0) == data["passed"] == (data["kickoff_ready"] == "yes")
    return data["kickoff_ready"], data["blockers"]


def _site_banner(site: Path, handoff: str) -> str:
    text = Markup(article(page(site, f"handoffs/{handoff}"))).plain_text()
    found = [verdict for verdict, banner in BANNER.items() if banner in text]
    assert len(found) == 1, (handoff, found)
    return found[0]


def test_site_gate_alerts_and_metrics_agree_on_every_handoff(world: Path, run_cli: Callable[..., CliResult]) -> None:
    site = built(world)
    not_ready_html = article(page(site, "indexes/not-ready"))
    not_ready = Markup(not_ready_html).plain_text()
    home = Markup(article(page(site, ""))).plain_text()
    alerts = json.loads(run_cli("alerts", "--format", "json").out)
    kickoff_alerts = {a["handoff"]: a["message"] for a in alerts if a["kind"] == "kickoff-not-ready"}
    for handoff, (_, _, expected) in CASES.items():
        gate, blockers = _gate(run_cli, handoff)
        assert gate == expected, (handoff, blockers)
        assert _site_banner(site, handoff) == expected, handoff
        assert (handoff in kickoff_alerts) == (expected != "yes"), handoff
        # The same reasons, word for word, on the not-ready page and in the alert.
        for reason in blockers:
            first_line = reason.split(": line ")[0]
            assert first_line in not_ready, (handoff, first_line)
            assert first_line in kickoff_alerts[handoff], (handoff, first_line)
        assert (f"{handoff}/" in not_ready_html) == (expected != "yes"), handoff  # listed, with a link
    ready = sum(1 for _, _, expected in CASES.values() if expected == "yes")
    assert f"{len(CASES)} handoffs published; {ready} kickoff-ready" in home

    readiness = json.loads(run_cli("metrics", "--format", "json").out)["metrics"]["kickoff_readiness_rate"]
    unknown = sum(1 for _, _, expected in CASES.values() if expected == "unknown")
    assert readiness["numerator"] == ready
    assert readiness["denominator"] == len(CASES) - unknown
    assert readiness["unknown"] == unknown
    assert "offline (no GITHUB_TOKEN)" in readiness["unavailable"]


def test_offline_every_consumer_states_the_same_stand_in(world: Path, run_cli: Callable[..., CliResult]) -> None:
    handoff = "unknown-co/2026-11-09-implementation"
    _, blockers = _gate(run_cli, handoff)
    (reason,) = blockers
    assert reason.startswith("custom-term review unknown: pricing (offline (no GITHUB_TOKEN)")
    site = built(world)
    assert reason in Markup(article(page(site, f"handoffs/{handoff}"))).plain_text()
    alerts = json.loads(run_cli("alerts", "--format", "json").out)
    assert any(a["handoff"] == handoff and reason in a["message"] for a in alerts)
    table = run_cli("metrics").out
    assert "offline (no GITHUB_TOKEN): the approving commit's `Approved-by:` trailers stand in" in table


def test_with_a_token_but_github_unreachable_no_consumer_claims_to_be_offline(
    world: Path, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A token is set but the API cannot be reached: the verdicts are unknown because the
    reviews could not be read, in every consumer; none of them says "no GITHUB_TOKEN"."""
    with socket.socket() as probe:  # a port nothing listens on, on this machine only
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    environ = {
        "GITHUB_TOKEN": "a-token",
        "GITHUB_REPOSITORY": "example-org/handoffs",
        "GITHUB_API_URL": f"http://127.0.0.1:{closed}",
        "HANDOFF_GITHUB_BACKOFF": "0",
    }
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    handoff = "unknown-co/2026-11-09-implementation"
    verdict, blockers = _gate(run_cli, handoff)
    (reason,) = blockers
    assert verdict == "unknown"
    assert reason.startswith("custom-term review unknown: pricing (the reviews could not be read (")
    site = built(world)
    assert _site_banner(site, handoff) == "unknown"
    page_text = Markup(article(page(site, f"handoffs/{handoff}"))).plain_text()
    assert "custom-term review unknown: pricing (the reviews could not be read (" in page_text
    alerts = json.loads(run_cli("alerts", "--format", "json").out)
    assert any(a["handoff"] == handoff and reason in a["message"] for a in alerts)
    readiness = json.loads(run_cli("metrics", "--format", "json").out)["metrics"]["kickoff_readiness_rate"]
    assert "the reviews could not be read (GitHub review data could not be read" in readiness["unavailable"]
    for said in (page_text, reason, readiness["unavailable"], *(a["message"] for a in alerts)):
        assert "no GITHUB_TOKEN" not in said


def test_outside_git_the_site_says_approval_unknown_as_the_gate_does(
    tmp_path: Path, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No git repository: approval cannot be verified. The gate says so; the site's badge,
    approval record and "approvals needed" list say unknown too, never "not approved" or "no"."""
    root = make_repo(tmp_path / "plain", git_init=False)
    monkeypatch.chdir(root)
    add_site_config(root)
    handoff = "ready-co/2026-11-09-implementation"
    write_handoff(root, handoff, handoff_text(FRONT, BODY))
    verdict, blockers = _gate(run_cli, handoff)
    assert verdict == "unknown"
    (reason,) = blockers
    assert reason.startswith("approval cannot be verified: ")
    site = built(root)
    html = article(page(site, f"handoffs/{handoff}"))
    text = Markup(html).plain_text()
    assert _site_banner(site, handoff) == "unknown"
    assert reason in text
    assert "Approval unknown" in text  # the badge
    assert "Not approved" not in text
    assert "@dana-sales (sales owner): not recorded" in text
    assert "finance (pricing reviewer): not recorded" in text
