"""The built-in extractor reads like a careful human: the traps of issue 12, in our own words.

Each test is a small document written for this file (not taken from the labelled
set), so the held-out cases stay unseen by the tests that shape the extractor.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from handoffs.config import Config, load_config
from handoffs.draft.backends import BuiltinExtractor
from handoffs.draft.crm import Contact, CrmDeal
from handoffs.draft.extract import (
    CUSTOM_TERMS,
    EXCLUSIONS,
    GOAL,
    KEY_DATES,
    PROMISES,
    REQUIREMENTS,
    RISKS,
    STAKEHOLDERS,
    SUCCESS,
    SourceDoc,
    heading_topic,
    sentences,
)
from handoffs.draft.people import decision_role
from handoffs.draft.pipeline import Prepared, prepare, restates

PROJECT = Path(__file__).resolve().parent.parent.parent
DEAL = CrmDeal(system="salesforce", shape="test", id="006TEST")


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config(PROJECT)


def doc(text: str, name: str = "notes.md") -> SourceDoc:
    return SourceDoc(name, tuple(text.splitlines()))


def drafted(config: Config, *docs: SourceDoc) -> Prepared:
    return prepare(DEAL, docs, config, BuiltinExtractor())


def sections_of(prepared: Prepared, start: str) -> set[str]:
    return {i.section for i in prepared.items if i.quote.startswith(start)}


def test_sentences_do_not_split_at_abbreviations() -> None:
    source = doc(
        "Kickoff at St. Brigid's clinic with Dr. Ruiz and Lt. Cole, e.g. the night shift. "
        "Acme Widgets Inc. hosts it on Dec. 3 in Bldg. 4. Second sentence here."
    )
    texts = [s.text for s in sentences(source)]
    assert texts == [
        "Kickoff at St. Brigid's clinic with Dr. Ruiz and Lt. Cole, e.g. the night shift.",
        "Acme Widgets Inc. hosts it on Dec. 3 in Bldg. 4.",
        "Second sentence here.",
    ]


@pytest.mark.parametrize(
    ("heading", "topic"),
    [
        ("Pricing / scope discussion", None),
        ("Commercials and scope", None),
        ("Call recap", None),
        ("Out of scope", EXCLUSIONS),
        ("Not included", EXCLUSIONS),
        ("Deliverables", PROMISES),
        ("Service levels", CUSTOM_TERMS),
        ("Who's who", STAKEHOLDERS),
    ],
)
def test_a_heading_sets_a_section_only_when_it_names_one_topic(heading: str, topic: str | None) -> None:
    assert heading_topic(heading) == topic


def test_a_mixed_heading_does_not_pull_a_whole_call_into_promised_scope(config: Config) -> None:
    prepared = drafted(
        config,
        doc(
            "## Pricing / scope discussion\n"
            "\n"
            "We went through the quote for an hour.\n"
            "We will configure the dispatch board for both depots.\n"
            "Their finance lead talked about last year's audit at length.\n"
        ),
    )
    assert sections_of(prepared, "We will configure") == {PROMISES}
    assert sections_of(prepared, "We went through") == set()
    assert sections_of(prepared, "Their finance lead") == set()


@pytest.mark.parametrize(
    "sentence",
    [
        "Asked whether we could sync invoices back into their Sage ledger, and I told them that is next phase.",
        "They wanted a bespoke rota export for the unions; we quoted it separately.",
        "Kim requested on-site support at every depot; declined, remote only.",
        "The CFO asked for a white-labelled app, which we said is not in this contract.",
    ],
)
def test_declined_or_deferred_asks_are_exclusions_never_promises(config: Config, sentence: str) -> None:
    prepared = drafted(config, doc(f"## What we agreed\n\n- {sentence}\n"))
    found = [i for i in prepared.items if i.quote == sentence]
    assert {i.section for i in found} == {EXCLUSIONS}
    assert found[0].declined
    assert found[0].citation == "notes.md:3"


def test_excluding_inside_a_service_level_keeps_it_a_custom_term(config: Config) -> None:
    sla = "We commit to 99.95% monthly uptime, excluding maintenance windows agreed in advance."
    prepared = drafted(config, doc(f"{sla}\nOn-site installation is excluded.\n"))
    assert EXCLUSIONS not in sections_of(prepared, "We commit to 99.95%")
    assert CUSTOM_TERMS in sections_of(prepared, "We commit to 99.95%")
    assert EXCLUSIONS in sections_of(prepared, "On-site installation is excluded")


@pytest.mark.parametrize(
    "sentence",
    [
        "We'll probably have the Leeds depot done too.",
        "We should be able to switch on route planning in the first month.",
        "We'll try to include the archive import.",
        "We aim to deliver the second site by spring.",
        "Ideally the tablet app is included from day one.",
    ],
)
def test_vague_commitments_are_never_unmarked_promises(config: Config, sentence: str) -> None:
    prepared = drafted(config, doc(f"## What we promised\n\n- {sentence}\n"))
    promises = [i for i in prepared.items if i.section == PROMISES]
    assert promises, sentence
    assert all(i.vague for i in promises)


def test_a_promise_stated_twice_is_one_item_citing_both(config: Config) -> None:
    notes = doc("## Scope\n\n- We will set up dispatch for the Leeds and York depots.\n", "call-notes.md")
    order = doc("1. Dispatch set up for the Leeds and York depots.\n", "order-form.md")
    prepared = drafted(config, notes, order)
    promises = [i for i in prepared.items if i.section == PROMISES]
    assert len(promises) == 1
    assert promises[0].citation == "order-form.md:1; call-notes.md:3"  # the formal document leads


def test_restatements_need_the_same_numbers() -> None:
    one = "Remote training sessions for up to 20 dispatchers at both depots."
    assert restates(one, "We include remote training sessions for up to 20 dispatchers at both depots.")
    assert not restates(one, "Remote training sessions for up to 40 dispatchers at both depots.")


def test_stakeholders_in_prose_tables_and_prose_roles(config: Config) -> None:
    prepared = drafted(
        config,
        doc(
            "Selection committee: Ana Ortiz (Chief Nursing Officer), Sgt. Paul Reed (Facilities Manager), "
            "Mei Lin (us).\n"
            "Ana signs the contract; Paul is our champion.\n"
            "\n"
            "| Name | Title | Decision |\n"
            "|---|---|---|\n"
            "| Omar Haddad | Head of IT | budget holder |\n"
            "\n"
            "Payment: net 45 after the CFO's written approval.\n"
        ),
    )
    people = {i.person.name: i.person for i in prepared.items if i.person is not None}
    assert set(people) == {"Ana Ortiz", "Sgt. Paul Reed", "Omar Haddad"}  # never our own people
    assert people["Ana Ortiz"].role == "signer"
    assert people["Sgt. Paul Reed"].role == "champion"
    assert people["Omar Haddad"].role == "economic buyer"
    assert STAKEHOLDERS not in sections_of(prepared, "Payment: net 45")


def test_decision_roles_are_written_in_the_words_check_accepts(config: Config) -> None:
    accepted = config.rules.decision_roles
    assert decision_role("Economic Buyer", accepted) == "economic buyer"
    assert decision_role("Budget Holder", accepted) == "economic buyer"
    assert decision_role("Signatory", accepted) == "signer"
    assert decision_role("Technical Evaluator", accepted) == "technical evaluator"


def test_a_go_live_date_is_an_implementation_requirement(config: Config) -> None:
    prepared = drafted(
        config, doc("Go-live for the first depot must be 2027-05-03.\nThe proposal went out on 2026-10-01.\n")
    )
    assert sections_of(prepared, "Go-live for the first") >= {KEY_DATES, REQUIREMENTS}
    assert REQUIREMENTS not in sections_of(prepared, "The proposal went out")


def test_the_crm_roles_table_and_notes_are_one_row_per_person(config: Config) -> None:
    from handoffs.draft.render import stakeholder_lines

    deal = CrmDeal(
        system="salesforce",
        shape="test",
        id="006TEST",
        contacts=(Contact("Ana Ortiz", "CNO", "Business User"), Contact("Omar Haddad", "", "Budget Holder")),
    )
    prepared = drafted(
        config, doc("Attendees: Ana Ortiz (Chief Nursing Officer), Omar Haddad (Head of IT).\nAna is our champion.\n")
    )
    lines = stakeholder_lines(
        [i for i in prepared.items if i.section == STAKEHOLDERS], deal, "crm.json", config.rules.decision_roles
    )
    rows = [line for line in lines if line.startswith("| ") and "Name" not in line]
    assert rows == [
        "| Ana Ortiz | CNO | champion | CRM: crm.json; notes.md:1 |",
        "| Omar Haddad | Head of IT | economic buyer | CRM: crm.json; notes.md:1 |",
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "We aim to have the Harrogate branch migrated before the audit.",
        "We should be able to turn on barcode scanning for the cold store in week two.",
        "We're hoping to connect the second warehouse by the end of the quarter.",
        "We'd expect to finish the data mapping within three weeks of getting the extract.",
        "Our implementation team will do its best to carry over five years of history.",
        "I've asked our team to see if we can add a night-shift training session, no promises.",
        "We'd like to have the pharmacy module on the same rollout.",
        "Hopefully we can reuse their existing label printers.",
        "In principle we can run a third workshop remotely if they want one.",
        "If time allows we'll also build a stock-ageing report.",
        "We're targeting a pilot on the Leeds line in the spring.",
        "We intend to deliver the supplier portal in the first release.",
        "Our onboarding lead should be able to run a refresher for the team leads in March.",
    ],
)
def test_hedged_promises_without_a_promise_heading_are_drafted_marked_vague(config: Config, sentence: str) -> None:
    # Not under a scope heading: the sentence's own words must make it a (vague) promise.
    prepared = drafted(config, doc(f"## Call notes\n\n- {sentence}\n"))
    promises = [i for i in prepared.items if i.section == PROMISES]
    assert [i.quote for i in promises] == [sentence]
    assert promises[0].vague, sentence


@pytest.mark.parametrize(
    "sentence",
    [
        "We might lose them to a competitor if the pilot slips.",
        "Maria asked whether we could add a Polish interface.",
        "We should talk to their IT lead about the firewall next week.",
        "We could not agree on the renewal cap yet.",
    ],
)
def test_hedges_that_promise_nothing_are_not_promises(config: Config, sentence: str) -> None:
    prepared = drafted(config, doc(f"## Call notes\n\n- {sentence}\n"))
    assert PROMISES not in sections_of(prepared, sentence[:20])


@pytest.mark.parametrize(
    ("item", "answer"),
    [
        ("Priya asked about a Welsh-language portal.", "I explained it is on our roadmap but not in this order."),
        ("Ben asked whether we could run the school booking form too.", "We told him that is out of scope."),
        ("Legal asked us to keep the logs for 10 years.", "We agreed to 7 years, not 10."),
        (
            "Ravi asked if we'd import ten years of history.",
            "I said we would import the open items only, not the history.",
        ),
    ],
)
def test_an_ask_and_the_answer_declining_it_are_one_exclusion(config: Config, item: str, answer: str) -> None:
    prepared = drafted(config, doc(f"## Notes\n\n- {item} {answer}\n"))
    exclusions = [i for i in prepared.items if i.section == EXCLUSIONS]
    assert [i.quote for i in exclusions] == [f"{item} {answer}"]
    assert exclusions[0].declined
    assert not [i for i in prepared.items if i.section == PROMISES]


@pytest.mark.parametrize(
    ("formal", "notes"),
    [
        (
            "Two on-site training days per depot for planners.",
            "We'll run 2 on-site training days at each depot for the planners.",
        ),
        (
            "Migration of customer records from Sage for all 9 branches.",
            "We'll migrate the customer records from Sage for all 9 branches.",
        ),
        (
            "One full day of on-site training at head office.",
            "Training: one full day on site at head office, as in the order.",
        ),
    ],
)
def test_restatements_in_other_words_are_one_item(formal: str, notes: str) -> None:
    assert restates(formal, notes)


def test_different_promises_with_the_same_words_stay_apart() -> None:
    assert not restates("Two on-site training days for planners.", "Three on-site training days for planners.")
    assert not restates("Dispatch set up for the Leeds depot.", "Payroll set up for the York depot.")


def test_a_question_agrees_to_nothing(config: Config) -> None:
    prepared = drafted(config, doc("## Notes\n\n- Could you also confirm the patient data stays in the EU?\n"))
    assert not sections_of(prepared, "Could you also confirm") & {CUSTOM_TERMS, REQUIREMENTS, PROMISES}


def test_a_hedged_go_live_is_a_vague_promise_not_a_requirement(config: Config) -> None:
    hedged = "We're hoping to have the first depot live by 2027-02-15."
    firm = "The first depot must be live by 2027-02-15."
    prepared = drafted(config, doc(f"## Notes\n\n- {hedged}\n- {firm}\n"))
    assert sections_of(prepared, hedged) == {PROMISES, KEY_DATES}
    assert REQUIREMENTS in sections_of(prepared, firm)


@pytest.mark.parametrize("heading", ["What we need from them", "Before kick-off they must provide", "Customer actions"])
def test_what_the_customer_must_provide_is_an_implementation_requirement(config: Config, heading: str) -> None:
    prepared = drafted(config, doc(f"## {heading}\n\n- A list of vehicles with registration numbers.\n"))
    assert sections_of(prepared, "A list of vehicles") == {REQUIREMENTS}


def test_document_dates_and_data_flows_are_not_misread(config: Config) -> None:
    prepared = drafted(
        config,
        doc(
            "Order date: 2026-11-27\n\n"
            "## Needs\n\n"
            "- We need a read-only export of the pharmacy database.\n"
            "- Integration with their Xero ledger for invoice export.\n"
        ),
    )
    assert not sections_of(prepared, "Order date")
    assert RISKS not in sections_of(prepared, "We need a read-only export")
    assert REQUIREMENTS in sections_of(prepared, "We need a read-only export")
    assert REQUIREMENTS in sections_of(prepared, "Integration with their Xero")


def test_only_a_special_terms_heading_makes_an_unrecognised_sentence_a_custom_term(config: Config) -> None:
    line = "Fees are invoiced annually in advance."
    plain = drafted(config, doc(f"## Commercial terms\n\n- {line}\n"))
    special = drafted(config, doc(f"## Special conditions\n\n- {line}\n"))
    assert CUSTOM_TERMS not in sections_of(plain, line)  # standard billing, not for a reviewer
    assert CUSTOM_TERMS in sections_of(special, line)  # the heading says it departs from the standard


@pytest.mark.parametrize(
    "sentence",
    [
        "The depot team spends about two hours a shift re-entering delivery notes.",
        "Hollis Farms runs 9 packing sheds across two counties.",
        "They handle roughly 600 warranty claims a month, all by e-mail.",
        "Marco wants drivers to stop phoning the office for their next drop.",
    ],
)
def test_the_customers_situation_and_pain_are_the_goal(config: Config, sentence: str) -> None:
    prepared = drafted(config, doc(f"## Call notes\n\n- {sentence}\n"))
    assert GOAL in sections_of(prepared, sentence[:25])


@pytest.mark.parametrize(
    "sentence",
    [
        "Target: 75% of repairs booked online within nine months of launch.",
        "They want quotes turned round within one day instead of four.",
        "Cut invoice disputes from 40 a month to under 10.",
        "We want wait times under 15 minutes by the autumn.",
    ],
)
def test_measured_targets_are_success_criteria(config: Config, sentence: str) -> None:
    prepared = drafted(config, doc(f"## Call notes\n\n- {sentence}\n"))
    assert SUCCESS in sections_of(prepared, sentence[:25])


def test_short_list_items_under_a_topic_are_items(config: Config) -> None:
    prepared = drafted(config, doc("**Not part of this quote**\n\n- Expense management.\n- Fleet tracking.\n"))
    assert [i.quote for i in prepared.items if i.section == EXCLUSIONS] == ["Expense management.", "Fleet tracking."]


def test_who_decides_is_a_stakeholder_sentence_not_a_promise(config: Config) -> None:
    line = "Ingrid has the final say and signs; Tomas will run the rollout day to day."
    prepared = drafted(config, doc(f"Notes from the call\n\n{line}\n"))
    assert sections_of(prepared, "Ingrid has the final say") == {STAKEHOLDERS}


def test_an_answer_that_defers_to_a_later_quote_is_a_boundary_not_a_promise(config: Config) -> None:
    prepared = drafted(
        config, doc("## Answers\n\n1. Connecting the WMS: not in this SOW. We can quote it as a follow-on next year.\n")
    )
    assert EXCLUSIONS in sections_of(prepared, "Connecting the WMS")
    assert PROMISES not in sections_of(prepared, "We can quote it")


def test_a_restatement_is_cited_in_every_section_its_item_is_drafted_in(config: Config) -> None:
    order = doc("## Services\n\n- Payroll export to their Datev account, monthly.\n", "order-form.md")
    notes = doc(
        "Call notes\n\n"
        "We will export payroll files to Datev every month, as in the order form.\n"
        "Can you export payroll to Datev?\n",
        "call-notes.md",
    )
    prepared = drafted(config, notes, order)
    drafted_export = [i for i in prepared.items if i.quote.startswith("Payroll export")]
    assert {i.section for i in drafted_export} >= {PROMISES, REQUIREMENTS}
    for item in drafted_export:
        assert item.citation == "order-form.md:3; call-notes.md:3"  # never the question on line 4


def test_an_undrafted_restatement_is_still_cited(config: Config) -> None:
    sow = doc("## Scope\n\n1. One full day of on-site staff training at the depot.\n", "sow.md")
    notes = doc("## Notes\n\n- Staff training: one full day on site at the depot, as in the SOW.\n", "notes.md")
    prepared = drafted(config, notes, sow)
    training = [i for i in prepared.items if i.section == PROMISES and "training" in i.quote]
    assert [i.citation for i in training] == ["sow.md:3; notes.md:3"]


TRANSCRIPT = """Call transcript, 3 Dec

Dana (AE): Thanks all, here is where we landed.
Dr. Mei Lin Zhou (Chief Nursing Officer): Our wards still chart on paper and handover takes about 40 minutes.
Tomas Berg (IT Manager): We'd also like a pager integration.
Dana (AE): That's a separate product; I said we'd send a quote next month.
Dana (AE): We should be able to add the Finnish forms later, but that's not committed.
"""


def test_a_transcript_quotes_what_was_said_and_lists_the_customers_speakers(config: Config) -> None:
    prepared = drafted(config, doc(TRANSCRIPT, "transcript.txt"))
    quotes = [i.quote for i in prepared.items if i.person is None]
    assert not any(
        q.startswith(("Dana (AE)", "Dr. Mei", "Tomas Berg (")) for q in quotes
    )  # the speaker is not the quote
    people = {i.person.name: i.person.title for i in prepared.items if i.person is not None}
    assert people == {"Dr. Mei Lin Zhou": "Chief Nursing Officer", "Tomas Berg": "IT Manager"}  # not our AE
    assert GOAL in sections_of(prepared, "Our wards still chart on paper")


def test_an_ask_refused_on_the_next_line_is_one_declined_exclusion(config: Config) -> None:
    prepared = drafted(config, doc(TRANSCRIPT, "transcript.txt"))
    exclusions = [i for i in prepared.items if i.section == EXCLUSIONS]
    assert [(i.quote, i.citation, i.declined) for i in exclusions] == [
        ("We'd also like a pager integration.", "transcript.txt:5; transcript.txt:6", True)
    ]


def test_a_hedge_said_to_be_uncommitted_is_a_vague_promise_not_a_boundary(config: Config) -> None:
    prepared = drafted(config, doc(TRANSCRIPT, "transcript.txt"))
    assert sections_of(prepared, "We should be able to add the Finnish") == {PROMISES}


def test_our_signature_and_patient_insurance_data_are_not_misread(config: Config) -> None:
    prepared = drafted(
        config,
        doc(
            "## Terms\n\n- Vendor will sign the customer's Business Associate Agreement.\n\n"
            "## Scope\n\n- Integration with their EHR for demographics and insurance details.\n"
        ),
    )
    assert STAKEHOLDERS not in sections_of(prepared, "Vendor will sign")
    assert PROMISES in sections_of(prepared, "Vendor will sign")
    assert REQUIREMENTS in sections_of(prepared, "Integration with their EHR")


def test_a_chat_export_reads_past_its_author_and_time_lines(config: Config) -> None:
    chat = doc(
        "#deal-harlow (Slack export)\n\nJordan Blake  10:04\n"
        "Grace Hill (COO) is the exec sponsor and signed.\n\n"
        "[10:07] Jordan Blake\nThey want wait times down to 3 days and 70% of bookings online within a year.\n",
        "slack.txt",
    )
    prepared = drafted(config, chat)
    assert not [i for i in prepared.items if "10:0" in i.quote]
    assert STAKEHOLDERS in sections_of(prepared, "Grace Hill (COO) is the exec sponsor")
    assert SUCCESS in sections_of(prepared, "They want wait times down to 3 days")


def test_a_feature_that_takes_payments_is_not_a_payment_clause(config: Config) -> None:
    prepared = drafted(config, doc("## Scope\n\n- Online rent payment through their existing Yardi ledger.\n"))
    assert REQUIREMENTS in sections_of(prepared, "Online rent payment")


MAIL = """From: Ines Duarte <ines.duarte@halvorsen-foods.example>
To: Sam Okoye
Subject: Re: next steps

We should be able to send you the SAP sandbox login by Friday.
We'd like to go live before the spring menu change.

On 26 Nov 2026, Sam Okoye wrote:
> - We should be able to add the Porto kitchen later in the year.
"""


def test_we_in_the_customers_own_email_is_the_customer(config: Config) -> None:
    deal = CrmDeal(system="hubspot", shape="test", id="1", customer="Halvorsen Foods Ltd.")
    prepared = prepare(deal, [doc(MAIL, "email.txt")], config, BuiltinExtractor())
    assert sections_of(prepared, "We should be able to send you the SAP") == {REQUIREMENTS}  # their task
    assert PROMISES not in sections_of(prepared, "We'd like to go live")
    assert PROMISES in sections_of(prepared, "We should be able to add the Porto")  # our rep, quoted
    unknown = prepare(DEAL, [doc(MAIL, "email.txt")], config, BuiltinExtractor())  # no customer name: read as ours
    assert PROMISES in sections_of(unknown, "We should be able to send you the SAP")


def test_action_item_tables_are_requirements_with_their_due_dates(config: Config) -> None:
    minutes = doc(
        "## Action items\n\n| Owner | Action | Due |\n|---|---|---|\n"
        "| Ravi Shah | Send the GIS layer URL | 2026-12-05 |\n| Ana Lima | Confirm the go-live window | |\n",
        "minutes.md",
    )
    prepared = drafted(config, minutes)
    assert sections_of(prepared, "Send the GIS layer URL") == {REQUIREMENTS, KEY_DATES}
    assert sections_of(prepared, "Confirm the go-live window") == {REQUIREMENTS}
    assert [i.citation for i in prepared.items if i.quote == "Send the GIS layer URL"] == ["minutes.md:5"] * 2


def test_a_vendor_naming_itself_can_hedge_and_a_deferral_to_year_two_is_declined(config: Config) -> None:
    prepared = drafted(
        config,
        doc(
            "## Decisions\n\n- Tallow will aim to connect the parcel map in the first release.\n"
            "- Variance workflows stay on paper; Jo asked for them and we agreed to revisit them in year two.\n"
        ),
    )
    assert PROMISES in sections_of(prepared, "Tallow will aim to connect")
    assert all(i.vague for i in prepared.items if i.quote.startswith("Tallow will aim"))
    assert sections_of(prepared, "Variance workflows stay on paper") == {EXCLUSIONS}


def test_a_crm_activity_log_reads_past_its_entry_lines(config: Config) -> None:
    log = doc(
        "Activity log (exported)\n\n2026-11-19 | Meeting | Owner: Tom Hale\n"
        "Priti and their finance lead Owen Marsh joined. Owen signs anything over GBP 50k.\n"
        "Nurses currently chart each visit twice.\n",
        "activity-log.txt",
    )
    prepared = drafted(config, log)
    assert not [i for i in prepared.items if "Owner: Tom Hale" in i.quote]
    assert STAKEHOLDERS in sections_of(prepared, "Priti and their finance lead")
    assert STAKEHOLDERS in sections_of(prepared, "Owen signs anything")
    assert GOAL in sections_of(prepared, "Nurses currently chart")
