"""Stakeholders as a careful reader finds them: in prose lists, in tables, in CRM roles.

"Evaluation panel: Maria Lopez (Operations Director), Capt. Dave Orr (Safety Officer)"
names two people; a table with a Name column names one per row.  Each person becomes
one candidate whose quote is the name exactly as written (so it is verified like any
other quote), with the title and decision role beside it.  Decision roles are written
in the words `schema/rules.yaml` lists (``decision_roles``), so a drafted "Budget
Holder" reads "economic buyer" and satisfies HO503 as a person would expect.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from handoffs.draft.extract import (
    SPEAKER,
    STAKEHOLDERS,
    Candidate,
    Person,
    SourceDoc,
    heading_topic,
)

_HONORIFIC = (
    r"(?:(?:Dr|Mr|Mrs|Ms|Mx|Prof|Capt|Cpt|Lt|Col|Gen|Maj|Sgt|Cmdr|Rev|Hon|Supt|Insp)\.?"
    r"|Captain|Chief|Commander|Lieutenant|Sergeant|Professor|Sister|Judge|Councillor|Councilor|Sheriff|Deputy)"
)
_PARTICLE = r"(?:van|von|de|da|del|der|den|la|le|di|du|bin|al|ter|ten)"
_APOSTROPHES = "'\u2019"  # O'Brien, O\u2019Brien
_NAME = rf"(?:{_HONORIFIC}\s+)?[A-Z][\w{_APOSTROPHES}-]+(?:\s+(?:{_PARTICLE}\s+)?[A-Z][\w{_APOSTROPHES}-]+){{1,3}}"
_PERSON_WITH_TITLE = re.compile(rf"(?<![\w.])({_NAME})\s*\(([^()]{{2,80}})\)")
_TITLE_WORDS = re.compile(
    r"\b(?:director|manager|officer|lead|head|chief|president|vp|svp|evp|ceo|cfo|coo|cio|cto|ciso|cmo|cro|cpo|"
    r"controller|administrator|admin|architect|engineer|coordinator|specialist|analyst|counsel|lawyer|attorney|"
    r"nurse|physician|doctor|clinician|superintendent|principal|dean|registrar|supervisor|owner|buyer|"
    r"procurement|purchasing|finance|operations|ops|it|hr|legal|security|sponsor|champion|founder|partner|"
    r"treasurer|clerk|secretary|chair|commissioner|captain|ashore|accountant|auditor|consultant|official|inspector|"
    r"technician|"
    r"planner|dispatcher|scientist|editor|producer|teacher|matron|pharmacist|trustee|governor|mayor)\b",
    re.IGNORECASE,
)
# Who is on our side, not the customer's: "Dana (us)", "Jonas and Aylin for us".
_OUR_SIDE = re.compile(r"^\s*(?:us|we|our\s+side|ours|sales|ae|se)\s*$", re.IGNORECASE)
# A line that introduces people: "Attendees:", "Evaluation panel:", "**Steering group:**".
_PEOPLE_LABEL = re.compile(
    r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?(?:attendees|present|participants|people|contacts|stakeholders|"
    r"evaluation\s+(?:panel|team|committee)|steering\s+(?:group|committee)|buying\s+(?:committee|group)|"
    r"project\s+(?:team|board)|panel|committee|board|their\s+side|customer\s+side|who'?s\s+who|on\s+the\s+call)\b",
    re.IGNORECASE,
)
_HEADING = re.compile(r"^\s{0,3}#{2,6}\s+(.*?)\s*#*\s*$")
_TABLE = re.compile(r"^\s*\|")
_DIVIDER = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_NAME_COLUMN = re.compile(r"^(?:name|full\s+name|contact|person|who|stakeholder)s?$", re.IGNORECASE)
_TITLE_COLUMN = re.compile(r"^(?:title|job\s+title|role|position|job|function)$", re.IGNORECASE)
_ROLE_COLUMN = re.compile(r"decision|say|influence|buying\s+role|deal\s+role|authority", re.IGNORECASE)

# Phrases that mean one of the decision roles of `schema/rules.yaml`, in its words.
ROLE_SYNONYMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "economic buyer",
        re.compile(
            r"economic\s+buyer|budget\s+(?:holder|owner)|holds?\s+the\s+budget|owns?\s+the\s+budget", re.IGNORECASE
        ),
    ),
    ("decision maker", re.compile(r"decision[- ]?maker|\bdecides\b|final\s+(?:say|decision|call)", re.IGNORECASE)),
    ("executive sponsor", re.compile(r"(?:executive\s+)?sponsor\b", re.IGNORECASE)),
    ("signer", re.compile(r"\bsign(?:s|er|atory|ing\s+authority)\b|\bsigns?\s+(?:off|for|the)\b", re.IGNORECASE)),
    ("approver", re.compile(r"\bapprover\b|\bapproves\b", re.IGNORECASE)),
    ("champion", re.compile(r"\bchampion\b", re.IGNORECASE)),
)


def decision_role(text: str, accepted: Sequence[str]) -> str:
    """The decision role ``text`` states, in the accepted words; else ``text`` as written, lower-cased."""
    for role, pattern in ROLE_SYNONYMS:
        if role in accepted and pattern.search(text):
            return role
    return " ".join(text.split()).lower()


def name_key(name: str) -> str:
    """How two mentions of one person compare: without honorifics, case or punctuation."""
    bare = re.sub(rf"^{_HONORIFIC}\s+", "", name.strip())
    return " ".join(re.sub(r"[^\w\s]", "", bare).casefold().split())


def people(doc: SourceDoc, accepted: Sequence[str] = ()) -> Iterator[Candidate]:
    """Every person ``doc`` names in a people list or a people table, once per mention."""
    yield from _listed(doc, accepted)
    yield from _tabled(doc, accepted)
    yield from _speakers(doc, accepted)


def _listed(doc: SourceDoc, accepted: Sequence[str]) -> Iterator[Candidate]:
    topic: str | None = None
    for number, raw in enumerate(doc.lines, start=1):
        heading = _HEADING.match(raw)
        if heading:
            topic = heading_topic(heading.group(1))
            continue
        if _TABLE.match(raw):
            continue
        found = [m for m in _PERSON_WITH_TITLE.finditer(raw) if _is_title(m.group(2))]
        if not found:
            continue
        if not (_PEOPLE_LABEL.match(raw) or topic == STAKEHOLDERS or len(found) >= 2):
            continue  # one "Name (Title)" in passing is a mention, not a list of stakeholders
        for match in found:
            yield _stakeholder(doc, number, match.group(1), match.group(2).strip(), accepted)


def _speakers(doc: SourceDoc, accepted: Sequence[str]) -> Iterator[Candidate]:
    """The customer's people who speak in a transcript ("Dr. Ruth Okafor (CMO): …"), at
    their first line; our own side ("Priya (AE)") and first names alone are not listed."""
    seen: set[str] = set()
    for number, raw in enumerate(doc.lines, start=1):
        match = SPEAKER.match(_LIST_MARK.sub("", raw, count=1))
        if match is None or not _is_title(match.group(2)) or not _FULL_NAME.fullmatch(match.group(1)):
            continue
        name, title = match.group(1), match.group(2).strip()
        if name_key(name) in seen:
            continue
        seen.add(name_key(name))
        yield _stakeholder(doc, number, name, title, accepted)


def _stakeholder(doc: SourceDoc, number: int, name: str, title: str, accepted: Sequence[str]) -> Candidate:
    """A person named with a title on one line: the title is their role when it is a decision role."""
    role = decision_role(title, accepted) if _is_role(title, accepted) else ""
    return Candidate(
        section=STAKEHOLDERS,
        quote=name,
        doc=doc.name,
        line=number,
        end_line=number,
        person=Person(name, "" if role == title.lower() else title, role),
    )


_LIST_MARK = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")
_FULL_NAME = re.compile(_NAME)


def _is_title(text: str) -> bool:
    return not _OUR_SIDE.match(text) and bool(_TITLE_WORDS.search(text)) and not re.search(r"\d{3}", text)


def _is_role(text: str, accepted: Sequence[str]) -> bool:
    return any(role in accepted and pattern.search(text) for role, pattern in ROLE_SYNONYMS)


def _tabled(doc: SourceDoc, accepted: Sequence[str]) -> Iterator[Candidate]:
    number = 0
    lines = doc.lines
    while number < len(lines):
        if not _TABLE.match(lines[number]):
            number += 1
            continue
        start = number
        while number < len(lines) and _TABLE.match(lines[number]):
            number += 1
        yield from _table_people(doc, start, number, accepted)


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _table_people(doc: SourceDoc, start: int, end: int, accepted: Sequence[str]) -> Iterator[Candidate]:
    header = _cells(doc.lines[start])
    if end - start < 3 or not _DIVIDER.match(doc.lines[start + 1]):
        return
    name_at = next((n for n, h in enumerate(header) if _NAME_COLUMN.match(h)), None)
    if name_at is None:
        return
    title_at = next((n for n, h in enumerate(header) if _TITLE_COLUMN.match(h)), None)
    role_at = next((n for n, h in enumerate(header) if n != title_at and _ROLE_COLUMN.search(h)), None)
    for index in range(start + 2, end):
        cells = _cells(doc.lines[index])
        if name_at >= len(cells) or len(cells[name_at].split()) < 2:
            continue
        title = cells[title_at] if title_at is not None and title_at < len(cells) else ""
        role_text = cells[role_at] if role_at is not None and role_at < len(cells) else ""
        yield Candidate(
            section=STAKEHOLDERS,
            quote=cells[name_at],
            doc=doc.name,
            line=index + 1,
            end_line=index + 1,
            person=Person(cells[name_at], title, decision_role(role_text, accepted) if role_text else ""),
        )


def roles_from_sentences(
    names: Sequence[str], sentences: Sequence[Candidate], accepted: Sequence[str]
) -> dict[int, str]:
    """Decision roles stated in prose ("Ingrid is the economic buyer; Rory is our champion").

    Returns, by index into ``names``, the role a clause gives that person: a clause
    counts when it names the person (first or last name) and states one decision role.
    """
    found: dict[int, str] = {}
    for sentence in sentences:
        for clause in re.split(r"[;.]|\bwhile\b|\bwhereas\b", sentence.quote):
            roles = [role for role, pattern in ROLE_SYNONYMS if role in accepted and pattern.search(clause)]
            if not roles:
                continue
            for index, name in enumerate(names):
                words = [w for w in name_key(name).split() if len(w) > 2]
                if index in found or not words:
                    continue
                if re.search(rf"\b(?:{'|'.join(map(re.escape, words))})\b", clause, re.IGNORECASE):
                    found[index] = roles[0]
    return found
