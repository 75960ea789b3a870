"""The content rules on realistic sentences: custom terms, vague words, measurability,
secrets, open items, people and dates — run through the engine with the shipped schema/."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from handoffs.config import load_config
from handoffs.engine import Job, check_files
from handoffs.findings import FileResult, Finding
from tests.factories import BODY, FRONT_MATTER, handoff_text, make_repo, write_handoff

RISK = "- The customer's EHR upgrade window may collide with go-live in February."
RISK_LINE = 61
CRITERION = "- Average paperwork time per discharge below 12 minutes by 2027-04-30 (sales-assumed)"
CRITERION_LINE = 44
REQUIREMENT = "- Sandbox access to the EHR FHIR endpoint, test patients and an integration service account."
REQUIREMENT_LINE = 65
NO_CUSTOM_TERMS = BODY.replace("- 15% discount on year-one subscription fees (source: order form §5)", "None.")

Check = Callable[..., FileResult]


@pytest.fixture(scope="module")
def check(tmp_path_factory: pytest.TempPathFactory) -> Check:
    """Check the factory handoff with one line of its body (or front matter) replaced."""
    root = make_repo(tmp_path_factory.mktemp("content") / "repo", git_init=False)
    config = load_config(root)
    job = Job(root, "main", dt.date(2026, 11, 23), strict=False)

    def run(old: str = "", new: str = "", *, body: str = NO_CUSTOM_TERMS, front: str = FRONT_MATTER) -> FileResult:
        if old:
            assert old in body + front, old
            body, front = body.replace(old, new, 1), front.replace(old, new, 1)
        path = write_handoff(root, text=handoff_text(front, body))
        return check_files([path], job, config).files[0]

    return run


def _at(result: FileResult, line: int, *codes: str) -> list[Finding]:
    return [f for f in result.findings if f.line == line and (not codes or f.code in codes)]


def _codes(result: FileResult) -> list[tuple[str, int]]:
    return sorted((f.code, f.line) for f in result.findings)


def test_the_unchanged_factory_handoff_is_clean(check: Check) -> None:
    (flag,) = check(body=BODY).findings
    assert (flag.code, flag.line, flag.column, flag.severity) == ("HO600", 57, 3, "flag")
    assert (flag.section, flag.category, flag.reviewers) == ("Custom terms", "pricing", ("finance",))
    assert check().findings == ()


# --- custom-term defaults -------------------------------------------------------------

TERMS = {
    "pricing": [
        "20% discount on the first-year subscription",
        "Price locked for 36 months",
        "Prices are frozen until the 2028 renewal",
        "Fixed fee of EUR 25,000 for the implementation",
        "3 free months before billing starts",
        "First two months free of charge",
        "Complimentary onboarding for all 40 users",
        "USD 5,000 account credit applied to the first invoice",
        "A one-time credit of 10,000 USD against the next renewal",
    ],
    "payment": [
        "Net 60 payment terms",
        "Payment due within 45 days of invoice",
        "Invoiced quarterly in arrears",
        "Milestone-based invoicing: 50% at signature, 50% at go-live",
        "10% holdback until go-live acceptance",
        "Payment by wire transfer only",
        "Customer pays by credit card",
    ],
    "legal": [
        "Liability capped at 2x annual fees",
        "Uncapped liability for data breaches",
        "Mutual indemnification for IP claims",
        "Most-favoured-nation clause on pricing",
        "MFN pricing for three years",
        "Exclusivity in the DACH region for 12 months",
        "Exclusive reseller rights in Poland",
    ],
    "sla": [
        "99.95% uptime commitment",
        "99.9% monthly availability",
        "P1 incidents: response within 30 minutes",
        "Resolution time of 4 business hours for severity 1 issues",
        "Service credits of 10% of monthly fees when uptime drops below target",
    ],
    "scope": [
        "Custom integration with SAP S/4HANA",
        "Custom development of a route-optimisation module",
        "Bespoke reporting dashboard for the board",
        "A dedicated implementation manager for 6 months",
        "We will build a new connector for their WMS",
    ],
    "security": [
        "Customer-managed encryption keys (BYOK)",
        "Annual penetration test report shared with the customer",
        "Signed BAA before any PHI is processed",
        "Keys in the customer's own KMS",
    ],
    "renewal": [
        "Annual price increase capped at 3%",
        "Customer may terminate for convenience with 30 days' notice",
        "Any increase at renewal is capped at 4%",
        "Auto-renewal struck from the order form",
        "They can walk away after month 6",
    ],
    "governing-law": ["Governed by the laws of Colorado", "Venue is Denver County, Colorado"],
    "data-residency": ["All data stored in the EU only", "Data residency in Germany", "Data stays in the EU"],
    "insurance": ["We must carry USD 5M of cyber liability insurance", "Certificate of insurance before kickoff"],
    "public-sector": ["Non-appropriation clause for each fiscal year", "Other agencies may buy from this contract"],
    "acceptance": ["Final 20% invoiced only once the acceptance criteria are met"],
}
REVIEWERS = {
    "pricing": ("finance",),
    "payment": ("finance",),
    "renewal": ("finance", "legal"),
    "legal": ("legal",),
    "governing-law": ("legal",),
    "sla": ("support",),
    "scope": ("delivery",),
    "security": ("security",),
    "data-residency": ("security",),
    "insurance": ("legal",),
    "public-sector": ("legal",),
    "acceptance": ("delivery",),
}
# The plain-language terms (issue 12): each must be flagged, with its category.
PLAIN_LANGUAGE = {
    "sla": "If we're down more than 45 minutes in a month you get 10% of the fee back",
    "renewal": "Any increase at renewal is capped at 4%; they can walk away after month 6",
    "legal": "Our liability is capped at 2x fees",
    "governing-law": "Governed by the laws of Colorado",
    "data-residency": "Data stays in the EU",
    "security": "Keys in the customer's own KMS",
    "public-sector": "The county may cancel under the non-appropriation clause",
    "insurance": "They require USD 2M general liability and USD 5M cyber insurance",
    "acceptance": "The final milestone is paid only after the acceptance criteria are signed off",
}
NOT_TERMS = [
    "Dispatchers plan routes in the product every morning.",
    "Training for 12 dispatchers in two remote sessions.",
    "Our advisers are free for training on Tuesdays.",
    "The team works exclusively from spreadsheets today.",
    "The customer's net revenue grew 12% last year.",
    "Response from the champion is expected next week.",
    "Their credit team reviews new accounts weekly.",
    "The legal department reviewed our standard terms without changes.",
    "We met the team in the US office.",
    "The price was the list price with no changes.",
    # Refused, negated and standard (issue 12): not custom.
    "No discount given.",
    "Payment on net 30 (std).",
    "We can't do MFN.",
    "They asked for uncapped liability; we declined.",
    "99.9% uptime per our standard SLA.",
    "Hypercare after go-live in UK business hours.",
]


@pytest.mark.parametrize(
    ("category", "sentence"), [(c, s) for c, sentences in TERMS.items() for s in sentences], ids=lambda v: v[:40]
)
def test_contract_language_is_flagged_with_its_category_and_reviewers(
    check: Check, category: str, sentence: str
) -> None:
    result = check(RISK, f"- {sentence}")
    flags = _at(result, RISK_LINE, "HO600")
    assert category in {f.category for f in flags}
    flag = next(f for f in flags if f.category == category)
    assert flag.reviewers == REVIEWERS[category]
    assert flag.section == "Open risks"
    # `## Custom terms` says None.: the same line is a contradiction, an error.
    assert category in {f.category for f in _at(result, RISK_LINE, "HO304")}


@pytest.mark.parametrize("sentence", NOT_TERMS)
def test_ordinary_sentences_are_not_flagged(check: Check, sentence: str) -> None:
    assert check(RISK, f"- {sentence}").findings == ()


@pytest.mark.parametrize(("category", "sentence"), PLAIN_LANGUAGE.items(), ids=list(PLAIN_LANGUAGE))
def test_plain_language_terms_are_flagged_and_contradict_none(check: Check, category: str, sentence: str) -> None:
    result = check(RISK, f"- {sentence}")
    assert category in {f.category for f in _at(result, RISK_LINE, "HO600")}
    assert category in {f.category for f in _at(result, RISK_LINE, "HO304")}


CUSTOM_ITEM = "- 15% discount on year-one subscription fees (source: order form §5)"
CUSTOM_LINE = 57


def test_an_item_no_category_recognises_goes_to_the_fallback_reviewers(check: Check) -> None:
    result = check(CUSTOM_ITEM, "- Customer may second one analyst to our office (source: call notes)", body=BODY)
    (flag,) = _at(result, CUSTOM_LINE)
    assert (flag.code, flag.category, flag.reviewers, flag.section) == ("HO600", "other", ("legal",), "Custom terms")
    assert "no category recognises" in flag.message
    assert "second one analyst" in flag.message


@pytest.mark.parametrize(
    "item",
    [
        "- No discount given (source: call notes)",
        "- Standard terms apply (source: order form)",
        "- No special terms (source: order form §5)",
    ],
)
def test_refused_or_standard_items_are_neither_terms_nor_unrecognised(check: Check, item: str) -> None:
    assert _at(check(CUSTOM_ITEM, item, body=BODY), CUSTOM_LINE, "HO600", "HO304") == []


def test_a_team_can_flag_negated_and_standard_terms_anyway(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", git_init=False)
    terms = root / "schema" / "custom-terms.yaml"
    text = terms.read_text(encoding="utf-8")
    terms.write_text(text.replace("  flag_anyway: false", "  flag_anyway: true", 1), encoding="utf-8")
    body = NO_CUSTOM_TERMS.replace(RISK, "- No discount given; net 30 (std).")
    path = write_handoff(root, text=handoff_text(FRONT_MATTER, body))
    result = check_files([path], Job(root, "main", dt.date(2026, 11, 23), strict=False), load_config(root)).files[0]
    flags = _at(result, RISK_LINE, "HO600")
    assert {f.category for f in flags} == {"pricing", "payment"}
    assert all("flagged although" in f.message for f in flags)
    assert _at(result, RISK_LINE, "HO304") == []  # a standard term does not contradict `None.`


def test_one_line_may_hit_several_categories(check: Check) -> None:
    result = check(RISK, "- Net 30 payment terms and a 99.9% uptime SLA with uncapped liability")
    assert sorted(f.category or "" for f in _at(result, RISK_LINE, "HO600")) == ["legal", "payment", "sla"]
    assert len(_at(result, RISK_LINE, "HO304")) == 3


def test_matching_ignores_case_width_and_zero_width_characters(check: Check) -> None:
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in "UNCAPPED")  # NFKC folds these to ASCII
    result = check(RISK, f"- {full_width} liabi\u200blity and a disc\u00adount")
    assert {f.category for f in _at(result, RISK_LINE, "HO600")} == {"legal", "pricing"}


def test_exclusions_are_boundaries_not_terms(check: Check) -> None:
    result = check(
        "- No migration of historical discharge summaries before 2026 (source: order form §2.4)",
        "- No custom development and no penetration tests (source: order form §2.4)",
    )
    assert result.findings == ()


def test_terms_in_custom_terms_are_flagged_but_not_contradictions(check: Check) -> None:
    result = check(body=BODY.replace("15% discount", "Net 45 payment terms and a 15% discount"))
    assert sorted((f.code, f.category or "") for f in result.findings) == [("HO600", "payment"), ("HO600", "pricing")]
    # The reviewer sees the words as written, not the lower-cased form they were matched in.
    assert "`Net 45`" in next(f.message for f in result.findings if f.category == "payment")


def test_placeholders_are_quoted_as_written(check: Check) -> None:
    (finding,) = check(REQUIREMENT, "- Sandbox access: TBD").findings
    assert (finding.code, finding.line, finding.column) == ("HO302", REQUIREMENT_LINE, 19)
    assert finding.message.startswith("placeholder `TBD` in `## Implementation requirements`")


# --- vague language -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        (
            CRITERION,
            "- Should reach 80% adoption within approximately 60 days",
            CRITERION_LINE,
            ["should", "approximately"],
        ),
        (CRITERION, "- Best-effort 95% accuracy by 2027-01-01", CRITERION_LINE, ["best-effort"]),
        (CRITERION, "- 99.9% accuracy, etc. by 2027-01-01", CRITERION_LINE, ["etc."]),
        ("- Two remote admin training sessions", "- Unlimited admin training, ASAP", 49, ["unlimited", "asap"]),
        (
            "- Two remote admin training sessions",
            "- We will try to deliver two sessions as needed",
            49,
            ["try to", "as needed"],
        ),
    ],
)
def test_vague_words_in_promises_and_criteria(check: Check, old: str, new: str, line: int, words: list[str]) -> None:
    found = _at(check(old, new), line, "HO500")
    assert [f.message.split("`")[1] for f in found] == words
    assert all(f.severity == "warning" for f in found)


@pytest.mark.parametrize(
    "new",
    [
        "- Two remote admin training sessions; the admins should bring laptops (source: proposal p. 6 says should)",
        "- Shoulder-season admin training (source: proposal p. 6)",
        "- The playground environment is available on day 1 (source: proposal p. 6)",
    ],
)
def test_vague_words_inside_sources_or_other_words_do_not_count(check: Check, new: str) -> None:
    result = check("- Two remote admin training sessions for up to 20 staff (source: proposal p. 6)", new)
    assert [f.message.split("`")[1] for f in _at(result, 49, "HO500")] == (["should"] if "laptops" in new else [])


def test_vague_words_elsewhere_are_not_warned(check: Check) -> None:
    assert check(RISK, "- The upgrade might slip, roughly by a week.").findings == ()


# --- measurable success criteria --------------------------------------------------------


@pytest.mark.parametrize(
    ("criterion", "missing"),
    [
        ("90% of agents active within 30 days of go-live", None),
        ("Average handling time below 4 minutes by 2027-04-30", None),
        ("NPS of 40 by Q2 2027", None),
        ("50 users onboarded in H1 2027", None),
        ("Cut costs 10% per quarter", None),
        ("Renewal target unknown (open: @dana-sales by 2026-12-20)", None),
        ("Go-live by 2027-03-31", "target number"),
        ("Response times improve within 3 months", "target number"),
        ("Faster discharges for every patient", "target number and no date or timeframe"),
        ("Discharge summaries in the EHR for 80% of patients", "date or timeframe"),
    ],
)
def test_success_criteria_need_a_number_and_a_timeframe(check: Check, criterion: str, missing: str | None) -> None:
    found = _at(check(CRITERION, f"- {criterion}"), CRITERION_LINE, "HO501")
    if missing is None:
        assert found == []
    else:
        assert len(found) == 1
        assert found[0].message.startswith(f"this success criterion has no {missing};")


def test_a_validation_tag_is_not_a_timeframe(check: Check) -> None:
    found = _at(check(CRITERION, "- 80% adoption (customer-validated)"), CRITERION_LINE, "HO501")
    assert [f.message.split(";")[0] for f in found] == ["this success criterion has no date or timeframe"]


# --- secrets --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("card 4111 1111 1111 1111 on file", "a payment card number"),
        ("card 5555-5555-5555-4444", "a payment card number"),
        ("key AKIAIOSFODNN7EXAMPLE", "an AWS access key"),
        ("token ghp_" + "a1B2" * 9, "a GitHub token"),
        ("password: Sup3rSecretValue!", "an API key or password assignment"),
        ("-----BEGIN RSA PRIVATE KEY-----", "a private key"),
    ],
)
def test_secrets_and_card_numbers_are_warned(check: Check, text: str, what: str) -> None:
    found = _at(check(REQUIREMENT, f"- Access: {text}"), REQUIREMENT_LINE, "HO505")
    assert [f.message.split(";")[0] for f in found] == [f"this looks like {what}"]


@pytest.mark.parametrize(
    "text",
    [
        "card 4111 1111 1111 1112 on file",  # fails the Luhn check
        "order 4000 1234 5678 9010 for 12 seats",  # Luhn-invalid number
        "phone +1 415 555 0100",
        "password: ask Priya",  # too short to be a secret
    ],
)
def test_numbers_that_are_not_secrets_pass(check: Check, text: str) -> None:
    assert _at(check(REQUIREMENT, f"- Access: {text}"), REQUIREMENT_LINE) == []


# --- open items -----------------------------------------------------------------------


def test_valid_open_item_is_listed_not_an_error(check: Check) -> None:
    result = check(REQUIREMENT, "- Production credentials (open: @raj-impl by 2026-12-10)")
    assert result.findings == ()
    (item,) = result.open_items
    assert (item.line, item.owner, item.due, item.text, item.section, item.overdue) == (
        REQUIREMENT_LINE,
        "@raj-impl",
        "2026-12-10",
        "Production credentials",
        "Implementation requirements",
        False,
    )


def test_an_open_item_counts_as_a_source(check: Check) -> None:
    result = check("(source: proposal p. 6)", "(open: @dana-sales by 2026-12-01)")
    assert _codes(result) == []
    assert [i.line for i in result.open_items] == [49]


def test_an_open_item_due_today_is_not_overdue_but_yesterday_is(check: Check) -> None:
    today = check(REQUIREMENT, "- Credentials (open: @raj-impl by 2026-11-23)")
    yesterday = check(REQUIREMENT, "- Credentials (open: @raj-impl by 2026-11-22)")
    assert today.findings == ()
    assert _codes(yesterday) == [("HO306", REQUIREMENT_LINE)]
    assert yesterday.open_items[0].overdue
    assert "@raj-impl was due 2026-11-22" in yesterday.findings[0].message


@pytest.mark.parametrize(
    "tag",
    [
        "(open: raj by 2026-12-10)",
        "(open: @raj-impl)",
        "(open: @raj-impl by next week)",
        "(open: @raj-impl by 10/12/2026)",
        "(open: @raj-impl by 2026-02-30)",
    ],
)
def test_malformed_open_items(check: Check, tag: str) -> None:
    result = check(REQUIREMENT, f"- Production credentials {tag}")
    assert _codes(result) == [("HO305", REQUIREMENT_LINE)]
    expected = "is not a real date" if "02-30" in tag else "is not a valid open item"
    assert expected in result.findings[0].message


def test_open_tags_in_code_are_ignored(check: Check) -> None:
    result = check(REQUIREMENT, "- Credentials, see\n\n  ```\n  (open: nobody by soon)\n  ```")
    assert result.findings == ()


# --- people and dates -----------------------------------------------------------------


def test_owners_compare_case_insensitively(check: Check) -> None:
    assert (
        check('owner: "@raj-impl"\n  team: implementation', 'owner: "@Raj-Impl"\n  team: implementation').findings == ()
    )


def test_milestone_owned_by_a_receiving_team_member(check: Check) -> None:
    result = check('  owner: "@raj-impl"\n  due:', '  owner: "@sofia-impl"\n  due:')
    assert result.findings == ()


def test_milestone_due_on_kickoff_day_is_fine(check: Check) -> None:
    assert check("  due: 2026-12-15", "  due: 2026-12-01").findings == ()


def test_advancing_deal_may_kick_off_before_its_close_date(check: Check) -> None:
    result = check("stage: closed-won", "stage: advancing")
    assert result.findings == ()
    assert _codes(check("kickoff: 2026-12-01", "kickoff: 2026-11-19")) == [("HO405", 16)]
    assert (
        check(
            "stage: closed-won\n", "stage: advancing\n", front=FRONT_MATTER.replace("2026-12-01", "2026-11-19")
        ).findings
        == ()
    )
