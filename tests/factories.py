"""Builders for test repositories and handoff files: valid by default, changed per test."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.com",
    "GIT_COMMITTER_NAME": "Test Committer",
    "GIT_COMMITTER_EMAIL": "committer@example.com",
    "GIT_AUTHOR_DATE": "2026-11-23T10:00:00+00:00",
    "GIT_COMMITTER_DATE": "2026-11-23T10:00:00+00:00",
    "GIT_CONFIG_NOSYSTEM": "1",
}

FRONT_MATTER = """\
title: "Northwind Health: EHR integration and go-live"
customer: "Northwind Health"
type: implementation
stage: closed-won
from:
  owner: "@dana-sales"
  team: sales
to:
  owner: "@raj-impl"
  team: implementation
crm:
  system: salesforce
  id: "006Hs00001NWHEAL"
  url: "https://example.my.salesforce.com/006Hs00001NWHEAL"
kickoff: 2026-12-01
first_milestone:
  title: "Technical kickoff and integration plan signed off"
  owner: "@raj-impl"
  due: 2026-12-15
status: proposed
deal:
  amount: 184000
  currency: USD
  close_date: 2026-11-20
"""

BODY = """\
## Customer goal

Cut the time nurses spend on discharge paperwork by moving discharge summaries into
the EHR workflow, so that patients leave with one consistent summary.

## Stakeholders

| Name | Title / role | Decision role |
|---|---|---|
| Maria Lopez | VP Clinical Operations | economic buyer |
| Ken Ito | Nursing informatics lead | champion |
| Priya Raman | EHR integration engineer | technical lead |

## Success criteria

- 80% of discharge summaries created in the EHR within 60 days of go-live (customer-validated)
- Average paperwork time per discharge below 12 minutes by 2027-04-30 (sales-assumed)

## Promised scope

- HL7 FHIR integration with the customer's EHR for discharge summaries (source: order form §2.1)
- Two remote admin training sessions for up to 20 staff (source: proposal p. 6)

## Exclusions

- No migration of historical discharge summaries before 2026 (source: order form §2.4)

## Custom terms

- 15% discount on year-one subscription fees (source: order form §5)

## Open risks

- The customer's EHR upgrade window may collide with go-live in February.

## Implementation requirements

- Sandbox access to the EHR FHIR endpoint, test patients and an integration service account.

## Evidence

- CRM deal: https://example.my.salesforce.com/006Hs00001NWHEAL
- Order form: evidence/northwind/order-form.pdf
"""


def handoff_text(front_matter: str = FRONT_MATTER, body: str = BODY) -> str:
    return f"---\n{front_matter}---\n\n{body}"


def git(root: Path, *args: str) -> str:
    """Run git in ``root`` with a pinned identity and dates; return stdout."""
    result = subprocess.run(
        ["git", "-C", str(root), *args],
        capture_output=True,
        text=True,
        check=True,
        env={**GIT_ENV, "PATH": "/usr/bin:/bin:/usr/local/bin", "HOME": str(root)},
    )
    return result.stdout


def make_repo(path: Path, *, git_init: bool = True) -> Path:
    """A handoffs repository at ``path``: this project's schema/, an empty handoffs/, git."""
    path.mkdir(parents=True, exist_ok=True)
    shutil.copytree(PROJECT / "schema", path / "schema")
    (path / "handoffs").mkdir()
    if git_init:
        git(path, "init", "-q", "-b", "main")
        git(path, "config", "user.name", "Test Author")
        git(path, "config", "user.email", "author@example.com")
        git(path, "config", "commit.gpgsign", "false")
    return path


def write_handoff(
    root: Path,
    handoff_id: str = "northwind-health/2026-11-23-implementation",
    text: str | None = None,
) -> Path:
    path = root / "handoffs" / f"{handoff_id}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(handoff_text() if text is None else text, encoding="utf-8")
    return path


def commit_all(root: Path, message: str = "test commit") -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
    return git(root, "rev-parse", "HEAD").strip()


def markdown_documents() -> list[Path]:
    """Every Markdown document in the repository that the body readers are compared on."""
    folders = ("handoffs", "tests/corpus", "schema/templates", "evidence")
    return sorted(p for folder in folders for p in (PROJECT / folder).rglob("*.md"))


def body_of(path: Path) -> str:
    """A document's Markdown body: its text after the front matter, if it has one."""
    text = path.read_bytes().decode("utf-8", errors="replace").replace("\r\n", "\n").lstrip("\ufeff")
    if text.startswith("---\n") and "\n---\n" in text[4:]:
        return text[4:].split("\n---\n", 1)[1]
    return text
