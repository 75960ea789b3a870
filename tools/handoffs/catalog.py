"""Every rule's stable code, name, default severity and one-line summary.

Codes never change meaning once published; a retired rule keeps its number.  The
README's rule table and ``handoff rules`` are generated from this list.

A summary names a section by its role (``{exclusions}``), never by a name: the names
live in ``schema/types.yaml`` (``sections:``), so a team that renames a section reads
its own name here too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from handoffs.findings import Severity

E, W, F = Severity.ERROR, Severity.WARNING, Severity.FLAG


@dataclass(frozen=True, slots=True)
class RuleInfo:
    code: str
    name: str
    severity: Severity
    summary: str  # ``{role}`` stands for the name of that section (a field of ``SectionRoles``)

    def summary_for(self, section_name: Callable[[str], str] | None) -> str:
        """The summary with each ``{role}`` replaced by ``section_name(role)`` (``SectionRoles.name``).

        Without a schema at hand (``None``) a section is named by its role: "the exclusions section".
        """
        name = section_name or (lambda role: f"the {role.replace('_', ' ')} section")
        return _ROLE.sub(lambda match: name(match.group(1)), self.summary)


_ROLE = re.compile(r"\{([a-z_]+)\}")


RULES: tuple[RuleInfo, ...] = (
    RuleInfo(
        "HO000",
        "internal-error",
        E,
        "the checker itself failed on this file (a bug: please report it)",
    ),
    # The file itself
    RuleInfo("HO100", "unreadable-file", E, "file is binary or not UTF-8 text"),
    RuleInfo("HO101", "file-too-large", E, "file is larger than `max_file_bytes` (1 MB by default)"),
    RuleInfo("HO102", "bidi-control", E, "invisible direction or line-separator characters make text read differently"),
    # Front matter
    RuleInfo("HO110", "front-matter-missing", E, "no front matter, or it is never closed"),
    RuleInfo(
        "HO111",
        "front-matter-unparseable",
        E,
        "front matter is not valid YAML, or not key: value pairs",
    ),
    RuleInfo("HO112", "front-matter-unsafe-yaml", E, "duplicate keys, anchors/aliases, YAML tags or a bare `=`"),
    RuleInfo("HO113", "unknown-key", E, "a key the format does not know (probably a typo)"),
    RuleInfo("HO114", "missing-key", E, "a required key is missing"),
    RuleInfo("HO115", "wrong-type", E, "a value of the wrong type, or read by YAML as something else"),
    RuleInfo("HO116", "bad-date", E, "a date that is not a real ISO date"),
    RuleInfo("HO117", "bad-handle", E, "an owner that is not a GitHub @handle"),
    RuleInfo("HO118", "unknown-type", E, "`type` is not one of the types in schema/types.yaml"),
    RuleInfo(
        "HO119",
        "front-matter-ambiguous",
        E,
        "other tools would read a different front matter block",
    ),
    # Where the file lives
    RuleInfo("HO200", "outside-handoffs", E, "the file is not under handoffs/"),
    RuleInfo("HO201", "bad-path", E, "path is not handoffs/<customer-slug>/<YYYY-MM-DD>-<type>.md"),
    RuleInfo("HO202", "type-mismatch", E, "the file name's type differs from the front matter's `type`"),
    # Sections and items
    RuleInfo("HO300", "missing-section", E, "a required section is missing"),
    RuleInfo("HO301", "empty-section", E, "a required section has no content"),
    RuleInfo(
        "HO302",
        "placeholder",
        E,
        "a placeholder (TBD, TODO, ???, <…>, N/A, lorem ipsum) is left in",
    ),
    RuleInfo("HO303", "missing-source", E, "a promise, exclusion or custom term does not cite its source"),
    RuleInfo(
        "HO304",
        "custom-terms-contradiction",
        E,
        "{custom_terms} says None. but the body has custom-term language",
    ),
    RuleInfo("HO305", "malformed-open-item", E, "an open item without `@owner` and a `YYYY-MM-DD` date"),
    RuleInfo("HO306", "overdue-open-item", W, "an open item is past its date"),
    RuleInfo("HO307", "duplicate-section", W, "the same section appears twice"),
    # People and dates
    RuleInfo("HO400", "unknown-team", E, "a team that is not in schema/teams.yaml"),
    RuleInfo("HO401", "owner-not-in-team", E, "an owner is not a member of the team named beside them"),
    RuleInfo("HO402", "same-owner", E, "the sales owner and the receiving owner are the same person"),
    RuleInfo("HO403", "milestone-owner", E, "the first milestone is not owned by the receiving side"),
    RuleInfo("HO404", "milestone-before-kickoff", E, "the first milestone is due before kickoff"),
    RuleInfo("HO405", "kickoff-before-close", E, "a closed-won deal's kickoff is before its close date"),
    RuleInfo(
        "HO406",
        "status-not-ready",
        E,
        "kicked-off/completed while errors, open items or no approval remain",
    ),
    RuleInfo(
        "HO407",
        "approval-unknown",
        W,
        "outside a git repository approval (merge) cannot be verified",
    ),
    # Content quality
    RuleInfo("HO500", "vague-language", W, "vague commitment language in promises or success criteria"),
    RuleInfo(
        "HO501",
        "unmeasurable-criterion",
        W,
        "a success criterion without a number or a date/timeframe",
    ),
    RuleInfo("HO502", "no-exclusions", W, "{exclusions} says None. (a handoff with no boundaries is rare)"),
    RuleInfo("HO503", "no-decision-role", W, "no stakeholder has a decision role"),
    RuleInfo(
        "HO504",
        "raw-html",
        W,
        "raw HTML, scripts or javascript:/data: links (they never reach the site)",
    ),
    RuleInfo("HO505", "secret", W, "something that looks like a secret or payment card data"),
    # Review routing
    RuleInfo("HO600", "custom-term", F, "custom-term language: the category's reviewers must approve"),
)

BY_CODE: dict[str, RuleInfo] = {rule.code: rule for rule in RULES}
