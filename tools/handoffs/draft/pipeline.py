"""From a CRM record and evidence files to the items of a draft: the one drafting pipeline.

``handoff draft``, ``handoff crm sync`` and ``bench/draft_eval.py`` all call
:func:`prepare`, so what a rep sees, what the CRM sync opens and what the benchmark
scores are the same thing:

1. a backend proposes candidates (the built-in extractor, or a language model that
   classifies the sentences we split);
2. every proposal is verified: quoted verbatim at the line it cites, in a file given;
3. what a careful reader would merge is merged: a promise stated in the proposal and
   again in the notes becomes one item citing both, a person named twice is one
   stakeholder, and a decision role stated in prose ("Ingrid is the economic buyer")
   is written beside that person in the words HO503 accepts.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from handoffs.config import Config
from handoffs.draft.backends import Extractor, Rejected, verify
from handoffs.draft.crm import CrmDeal
from handoffs.draft.extract import (
    KEY_DATES,
    PROMISES,
    REQUIREMENTS,
    STAKEHOLDERS,
    Candidate,
    Place,
    SourceDoc,
    sentences,
)
from handoffs.draft.people import name_key, roles_from_sentences
from handoffs.errors import UsageError


@dataclass(frozen=True)
class Prepared:
    """The verified, merged items of one draft, and what was dropped on the way."""

    items: tuple[Candidate, ...]
    rejected: tuple[Rejected, ...]
    proposed: int  # how many candidates the backend proposed, before verification


def prepare(deal: CrmDeal, docs: Sequence[SourceDoc], config: Config, extractor: Extractor) -> Prepared:
    """The items a draft of ``deal`` holds, from ``docs``, proposed by ``extractor``.

    The CRM record fills the front matter and the stakeholder table (see render.py); here
    it only says who the customer is, so that "we" in an e-mail the customer wrote is read
    as the customer, not as us.
    """
    proposed = extractor.extract(docs, config)
    verified = verify(proposed, docs)
    items = in_the_customers_voice(verified.items, customer_lines(docs, deal))
    items = merge_restatements(items, docs)
    items = cite_undrafted_restatements(items, docs)
    items = merge_people(items, config.rules.decision_roles)
    return Prepared(tuple(items), tuple(verified.rejected), len(proposed))


# --- who is speaking ------------------------------------------------------------------

_FROM = re.compile(r"^\s*>*\s*from\s*:\s*(?P<who>.+)$", re.IGNORECASE)
_WROTE = re.compile(r"^\s*>*\s*on\s.{4,80}?,\s*(?P<who>[^,]+?)\s+(?:<[^>]*>\s+)?wrote:\s*$", re.IGNORECASE)
_ORIGINAL = re.compile(r"^\s*-{2,}\s*(?:original|forwarded)\s+message\s*-{2,}\s*$", re.IGNORECASE)
_COMPANY_WORDS = frozenset(
    re.findall(
        r"\w+",
        "ltd limited inc incorporated llc corp corporation co company group gmbh bv plc sa ag the and of for "
        "services solutions partners holdings supply international",
    )
)
_FIRST_PERSON = re.compile(r"\b(?:we|we'll|we're|we'd|we've|our|us|i|i'll|i'd|i've)\b", re.IGNORECASE)
# "We should be able to send you the sandbox login": the customer gives us something.
_GIVES_US = re.compile(
    r"\b(?:send|give|provide|share|get|grant|supply|forward)\w*\s+(?:\w+\s+){0,2}?(?:you|your\s+team)\b"
    r"|\b(?:send|give|provide|share|grant|supply|forward)\w*\s+[^.;]{0,60}\bto\s+(?:you|your\s+team)\b",
    re.IGNORECASE,
)


def customer_lines(docs: Sequence[SourceDoc], deal: CrmDeal) -> set[tuple[str, int]]:
    """The lines of pasted e-mails the customer wrote: after a ``From:`` (or an "On …, X
    wrote:") naming the customer's company or one of the CRM's contacts."""
    names = {c.name.casefold() for c in deal.contacts if c.name}
    words = {w for w in re.findall(r"[a-z0-9]+", (deal.customer or "").casefold()) if len(w) > 3} - _COMPANY_WORDS

    def customer(who: str) -> bool:
        who = who.casefold()
        return any(n in who for n in names) or any(re.search(rf"\b{re.escape(w)}\b", who) for w in words)

    out: set[tuple[str, int]] = set()
    for doc in docs:
        theirs = False
        for number, line in enumerate(doc.lines, start=1):
            header = _FROM.match(line) or _WROTE.match(line)
            if header:
                theirs = customer(header["who"])
            elif _ORIGINAL.match(line):
                theirs = False  # whose it is comes with the next From: line
            elif theirs:
                out.add((doc.name, number))
    return out


def in_the_customers_voice(items: Sequence[Candidate], theirs: set[tuple[str, int]]) -> list[Candidate]:
    """In the customer's own e-mail, "we should be able to send you the login" is their
    task (an implementation requirement), and "we" never promises anything of ours."""
    out: list[Candidate] = []
    kept = {(i.section, i.doc, i.line, i.quote) for i in items}
    for item in items:
        if item.section != PROMISES or (item.doc, item.line) not in theirs or not _FIRST_PERSON.search(item.quote):
            out.append(item)
            continue
        if _GIVES_US.search(item.quote) and (REQUIREMENTS, item.doc, item.line, item.quote) not in kept:
            out.append(replace(item, section=REQUIREMENTS))
            kept.add((REQUIREMENTS, item.doc, item.line, item.quote))
    return out


# --- from a request to a written draft --------------------------------------------------


@dataclass(frozen=True)
class DraftRequest:
    """What to draft and where: filled by `handoff draft` from its flags, by `handoff crm sync` from the CRM."""

    root: Path
    crm: Path
    notes: tuple[Path, ...]
    handoff_type: str
    customer: str | None
    sales_owner: str | None
    sales_team: str | None
    receiving_owner: str | None
    receiving_team: str | None
    kickoff: dt.date | None
    milestone_title: str | None
    milestone_due: dt.date | None
    opened: dt.date
    out: Path | None
    backend: str
    gaps: str
    model_url: str | None = None  # the openai-compatible backend's server (else the environment)
    model_name: str | None = None


def draft_deal(
    request: DraftRequest, config: Config, deal: CrmDeal, crm_name: str, *, stage_changed_at: str | None = None
) -> Path:
    """Draft ``deal`` (already read: from an export, or live by `handoff crm sync`), write the file and
    print the review summary; returns the new file.  The one place a draft is written."""
    from handoffs.draft.backends import backend
    from handoffs.draft.render import Draft, DraftOptions, summary, write_draft

    docs = [SourceDoc.read(path, citation_name(path, request.root)) for path in request.notes]
    _no_duplicate_names([d.name for d in docs])
    extractor = backend(request.backend, url=request.model_url, model=request.model_name)
    prepared = prepare(deal, docs, config, extractor)
    options = DraftOptions(
        handoff_type=request.handoff_type,
        customer=request.customer,
        sales_owner=request.sales_owner,
        sales_team=request.sales_team,
        receiving_owner=request.receiving_owner,
        receiving_team=request.receiving_team,
        kickoff=request.kickoff,
        milestone_title=request.milestone_title,
        milestone_due=request.milestone_due,
        gaps=request.gaps,
        stage_changed_at=stage_changed_at,
    )
    path, gaps = write_draft(
        request.root,
        config,
        deal=deal,
        crm_name=crm_name,
        doc_names=[d.name for d in docs],
        items=prepared.items,
        options=options,
        opened=request.opened,
        out=request.out.resolve() if request.out else None,
    )
    draft = Draft(
        path=path,
        deal=deal,
        crm_name=crm_name,
        doc_names=tuple(d.name for d in docs),
        items=prepared.items,
        rejected=prepared.rejected,
        gaps=gaps,
        backend=extractor.name,
    )
    print(summary(draft, config, request.root))
    outside = [p for p in (request.crm, *request.notes) if not p.resolve().is_relative_to(request.root)]
    if outside:
        names = ", ".join(citation_name(p, request.root) for p in outside)
        print(
            f"\nnote: {names} lie(s) outside the repository, so the draft cites them by file name only; "
            "commit them under evidence/ so reviewers can open them"
        )
    return path


def citation_name(path: Path, root: Path) -> str:
    """How a draft names a file: its path in the repository, else its bare file name.

    Never an absolute local path: a handoff is shared, and "/home/dana/Downloads/…"
    means nothing to a reviewer (and tells them about Dana's machine).
    """
    resolved = path.resolve()
    return resolved.relative_to(root.resolve()).as_posix() if resolved.is_relative_to(root.resolve()) else path.name


def _no_duplicate_names(names: Sequence[str]) -> None:
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise UsageError(f"--notes names the same file twice: {', '.join(duplicates)}")


# --- one item per promise ---------------------------------------------------------------

# Words that say nothing about what was promised.
_STOP = frozenset(
    re.findall(
        r"[\w']+",
        "a an the and or of to for in on at by with from as is are be will shall we our us they their them it its "
        "this that these those all any up into per also can may would should just both each "
        # who says it and how it is listed say nothing about what was promised either
        "we'll we're we'd we've i i'll i'd i've you your run include includes including included "
        "well there here than then",
    )
)
# Number words, so "Two training days" and "2 training days" state the same number.
_NUMBER_WORDS = {
    word: str(n)
    for n, word in enumerate(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
    )
}
_FORMAL = re.compile(r"order|contract|proposal|sow|statement|agreement|quote|msa|schedule", re.IGNORECASE)
_SAME_ENOUGH = 0.75  # share of the shorter statement's words the other one repeats
_MIN_WORDS = 3  # shorter statements are too generic to call two of them one


def _stem(word: str) -> str:
    """A crude stem: "migration" and "migrate", "automatic" and "automatically" agree."""
    return _NUMBER_WORDS.get(word, word[:5])


# "1.2 Integration with …", "3.1 Vendor will …": a clause number says where, not what.
_CLAUSE_NUMBER = re.compile(r"^\s*\d{1,3}(?:\.\d{1,3})+\.?\s+")


def _words(text: str) -> frozenset[str]:
    # "on-site" and "on site" are the same words; so are "re-key" and "re key".
    words = re.findall(r"[\w']+", _CLAUSE_NUMBER.sub("", text).casefold().replace("\u2019", "'"))
    return frozenset(_stem(w) for w in words if w not in _STOP)


def _numbers(text: str) -> frozenset[str]:
    text = _CLAUSE_NUMBER.sub("", text)
    words = re.findall(r"[a-z]+", text.casefold())
    return frozenset(re.findall(r"\d+(?:[.,]\d+)?", text)) | {_NUMBER_WORDS[w] for w in words if w in _NUMBER_WORDS}


# "…, as in the quote", "as agreed in the SOW": the writer says it is a restatement.
_BACK_REFERENCE = re.compile(
    r"\b(?:as\s+(?:in|per|agreed\s+in|stated\s+in|listed\s+in|set\s+out\s+in)|see)\s+(?:the\s+)?"
    r"(?:quote|sow|order(?:\s+form)?|proposal|contract|agreement|statement\s+of\s+work|msa)\b",
    re.IGNORECASE,
)
_SAME_WHEN_SAID = 0.5  # share of words enough when one sentence says it restates the formal document


def restates(first: str, second: str) -> bool:
    """Whether two sentences state the same thing: no number in one that the other contradicts,
    and mostly the same words (half of them, when one says "as in the quote")."""
    a, b = _words(first), _words(second)
    shorter = min(len(a), len(b))
    if shorter < _MIN_WORDS or not _numbers_agree(first, second):
        return False
    said = _BACK_REFERENCE.search(first) or _BACK_REFERENCE.search(second)
    return len(a & b) / shorter >= (_SAME_WHEN_SAID if said else _SAME_ENOUGH)


def _numbers_agree(first: str, second: str) -> bool:
    """The same numbers, or numbers in only one of them ("Four training sessions" and
    "the training sessions we include"); two different counts are two things."""
    one, two = _numbers(first), _numbers(second)
    return one == two or not one or not two


def merge_restatements(items: Sequence[Candidate], docs: Sequence[SourceDoc]) -> list[Candidate]:
    """Merge items of one section that restate each other; the formal document's wording leads."""
    order = {doc.name: (0 if _FORMAL.search(doc.name) else 1, n) for n, doc in enumerate(docs)}
    ranked = sorted(range(len(items)), key=lambda n: (order.get(items[n].doc, (2, 0)), n))
    merged: dict[int, Candidate] = {}
    absorbed: set[int] = set()
    for n in ranked:
        if n in absorbed:
            continue
        item = items[n]
        if item.person is None and item.section != KEY_DATES:
            for m in ranked:
                other = items[m]
                if (
                    m == n
                    or m in absorbed
                    or m in merged
                    or other.section != item.section
                    or other.person is not None
                    or (other.doc, other.line) == (item.doc, item.line)
                    or not restates(item.quote, other.quote)
                ):
                    continue
                absorbed.add(m)
                item = replace(
                    item,
                    also=(*item.also, Place(other.doc, other.line, other.end_line, other.quote), *other.also),
                    vague=tuple(dict.fromkeys(item.vague + other.vague)),
                    categories=tuple(dict.fromkeys(item.categories + other.categories)),
                    declined=item.declined or other.declined,
                )
        merged[n] = item
    return [merged[n] for n in range(len(items)) if n in merged]


def cite_undrafted_restatements(items: Sequence[Candidate], docs: Sequence[SourceDoc]) -> list[Candidate]:
    """Cite every place a drafted item is restated, in every section it is drafted in.

    A restatement may be drafted in fewer sections than the item it repeats ("Payroll
    export to their Nmbrs account" is a promise and a requirement; "we will export payroll
    files to Nmbrs, as in the quote" only a promise), or in none ("Staff training: one full
    day on site, as in the SOW").  A careful reader still cites it beside the item, so
    each item gets the places that restate its sentence wherever they sit.
    """
    drafted = {(i.doc, i.line) for i in items}
    cited = {(p.doc, p.line) for i in items for p in i.also}
    # A question ("Can the tablets show Czech?") asks for what the item answers; it restates nothing.
    loose = [
        s
        for doc in docs
        for s in sentences(doc)
        if (s.doc, s.line) not in drafted | cited and not s.text.rstrip("\"')*_ ").endswith("?")
    ]
    places: dict[tuple[str, int, str], tuple[Place, ...]] = {}
    for item in items:
        if item.person is None and item.section != KEY_DATES:
            key = (item.doc, item.line, item.quote)
            places[key] = tuple(dict.fromkeys((*places.get(key, ()), *item.also)))
    for (doc, line, quote), known in places.items():
        found = [Place(s.doc, s.line, s.end_line, s.text) for s in loose if s.doc != doc and restates(quote, s.text)]
        places[(doc, line, quote)] = tuple(dict.fromkeys((*known, *found)))
    return [
        replace(item, also=places[(item.doc, item.line, item.quote)])
        if (item.doc, item.line, item.quote) in places
        else item
        for item in items
    ]


# --- one entry per person ---------------------------------------------------------------


def merge_people(items: Sequence[Candidate], accepted: Sequence[str]) -> list[Candidate]:
    """One stakeholder per person (the fullest mention leads); roles from prose filled in.

    A sentence that only lists people already drafted one by one (an attendee line) is
    dropped: its people are in the table.
    """
    persons = [i for i in items if i.person is not None]
    lines_with_people = {(p.doc, p.line) for p in persons}
    sentences = [
        i for i in items if i.person is None and i.section == STAKEHOLDERS and (i.doc, i.line) not in lines_with_people
    ]
    roles = roles_from_sentences([p.person.name if p.person else "" for p in persons], sentences, accepted)
    persons = [
        replace(p, person=replace(p.person, role=roles[n]))
        if n in roles and p.person is not None and p.person.role not in accepted
        else p
        for n, p in enumerate(persons)
    ]
    by_name: dict[str, Candidate] = {}
    for person in sorted(persons, key=_fullness, reverse=True):
        key = _key(person)
        kept = by_name.get(key)
        if kept is None:
            by_name[key] = person
        elif (person.doc, person.line) != (kept.doc, kept.line):
            by_name[key] = replace(
                kept, also=(*kept.also, Place(person.doc, person.line, person.end_line, person.quote))
            )
    out: list[Candidate] = []
    emitted: set[str] = set()
    for item in items:
        if item.person is not None:
            key = _key(item)
            if key not in emitted:
                emitted.add(key)
                out.append(by_name[key])
        elif item.section != STAKEHOLDERS or item in sentences:
            out.append(item)
    return out


def _key(item: Candidate) -> str:
    return name_key(item.person.name) if item.person is not None else ""


def _fullness(item: Candidate) -> tuple[int, int]:
    person = item.person
    known = (bool(person.role) + bool(person.title)) if person is not None else 0
    return (known, -item.line)
