"""The built-in extractor: source sentences, each with its exact file and line.

Deterministic and offline.  Documents are split into sentences (Markdown-aware:
headings, list items, wrapped lines, fenced code and tables), and each sentence is
classified into handoff sections by transparent keyword cues, by the heading it
sits under, and by the custom-term patterns of ``schema/``.  Nothing is rewritten:
an item *is* the sentence as written, so a vague remark stays visibly vague.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from handoffs.config import Config
from handoffs.errors import HandoffError

# The sections a draft fills, by ROLE: the field names of `sections:` in schema/types.yaml.
# A section's name (its heading) is read from there when the draft is written
# (``config.sections.name(role)``), so a team that renames a section still gets it filled.
GOAL = "goal"
STAKEHOLDERS = "stakeholders"
SUCCESS = "success_criteria"
PROMISES = "promised_scope"
EXCLUSIONS = "exclusions"
CUSTOM_TERMS = "custom_terms"
RISKS = "open_risks"
REQUIREMENTS = "requirements"
KEY_DATES = "key_dates"

SECTIONS = (GOAL, STAKEHOLDERS, SUCCESS, PROMISES, EXCLUSIONS, CUSTOM_TERMS, RISKS, REQUIREMENTS, KEY_DATES)


@dataclass(frozen=True)
class SourceDoc:
    """A source document: ``name`` is how citations refer to it."""

    name: str
    lines: tuple[str, ...]

    @classmethod
    def read(cls, path: Path, name: str) -> SourceDoc:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise HandoffError(f"{path}: no such file") from None
        except (UnicodeDecodeError, IsADirectoryError, PermissionError) as exc:
            raise HandoffError(f"{path}: cannot read it as UTF-8 text ({exc.__class__.__name__})") from None
        return cls(name, tuple(text.splitlines()))


@dataclass(frozen=True)
class Sentence:
    doc: str
    line: int
    end_line: int
    text: str
    heading: str


@dataclass(frozen=True)
class Place:
    """Another place a merged item is stated: cited too, and verified like the first."""

    doc: str
    line: int
    end_line: int
    quote: str

    @property
    def citation(self) -> str:
        return _cite(self.doc, self.line, self.end_line)


@dataclass(frozen=True)
class Person:
    """A stakeholder read from a list, a table or the CRM; ``role`` is a decision role as
    `schema/rules.yaml` spells it when one was recognised, else the source's own words."""

    name: str
    title: str = ""
    role: str = ""


@dataclass(frozen=True)
class Candidate:
    """One drafted item: a verbatim quote, where it is, and why it was picked."""

    section: str  # a role of SECTIONS (its heading comes from schema/types.yaml)
    quote: str
    doc: str
    line: int
    end_line: int
    vague: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    declined: bool = False  # an ask the customer made that was declined or deferred
    person: Person | None = None  # a stakeholder entry (the quote is the person's name)
    also: tuple[Place, ...] = ()  # the same item stated elsewhere

    @property
    def citation(self) -> str:
        return "; ".join([_cite(self.doc, self.line, self.end_line), *(p.citation for p in self.also)])


def _cite(doc: str, line: int, end_line: int) -> str:
    return f"{doc}:{line}" if end_line == line else f"{doc}:{line}-{end_line}"


# --- locating quotes (shared with every backend's verification) -----------------------

MAX_SPAN = 6  # a quoted sentence may wrap over at most this many lines


def passage(lines: Sequence[str], line: int, end_line: int) -> str:
    """Lines ``line``..``end_line`` (1-based) as one text: line breaks read as spaces, and
    the ``>`` marks of a quoted e-mail as nothing (they are the mail's layout, like a wrap)."""
    return " ".join(_MAIL_QUOTE.sub("", text).strip() for text in lines[line - 1 : end_line])


def locate(lines: Sequence[str], line: int, quote: str) -> int | None:
    """The last line of ``quote`` if it starts on ``line`` and appears there verbatim."""
    if not quote.strip() or line < 1 or line > len(lines):
        return None
    for end in range(line, min(line + MAX_SPAN, len(lines) + 1)):
        if quote in passage(lines, line, end):
            if end > line and quote in passage(lines, line + 1, end):
                return None  # it starts on a later line, so the citation is wrong
            return end
        if not lines[end - 1].strip():
            return None  # a blank line ends the paragraph
    return None


# --- splitting ---------------------------------------------------------------------------

_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_LIST = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")
# "Dr. Ruth Okafor (CMO): …", "Priya (AE): …": who speaks in a transcript, not what was said.
SPEAKER = re.compile(
    r"^\s*(?:\*\*|__)?((?:(?:Dr|Mr|Mrs|Ms|Mx|Prof|Capt)\.?\s+)?[A-Z][\w'\u2019-]+(?:\s+(?:[A-Z][\w'\u2019-]+|van|von|de|da|del|le|la)){0,3})"
    r"\s*\(([^()]{1,40})\)(?:\*\*|__)?\s*:\s+"
)
# A line that names what follows: "Risks:", "**Out of scope**", or a short title-like
# line without punctuation ("Watch-outs", "Not in the deal") as plain-text notes use.
_LABEL = re.compile(
    r"^\s*(?:\*\*|__)?([A-Z][^.!?:]{1,60}?)(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*$"
    r"|^\s*(?:\*\*|__)([A-Z][^.!?:*_]{1,60}?)(?:\*\*|__)\s*$"
    r"|^\s*([A-Z][A-Za-z&/' -]{1,50}?)\s*$"
)
_MAX_LABEL_WORDS = 6
# "Field: value" lines (order forms, plain-text notes) stand alone, never joined to the next line.
_FIELD = re.compile(r"^\s*(?:\*\*)?[A-Z][\w /&()-]{1,30}(?:\*\*)?:\s+\S")
_TABLE = re.compile(r"^\s*\|")
_RULE = re.compile(r"^\s*(?:-{3,}|={3,}|\*{3,})\s*$")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[\"'“(\[*_]*[A-Z0-9@])")
# A full stop after one of these does not end a sentence ("St. Anne's", "Dr. Marsh",
# "e.g. Salesforce", "Harbourline Inc. will", "Nov. 30", "No. 4471", "U.S. data").
_ABBREVIATION = re.compile(
    r"(?:\b(?:e\.g|i\.e|cf|etc|vs|viz|approx|appx|incl|excl|esp|est|min|max|no|nos|nr|tel|ext|ref|"
    r"mr|mrs|ms|mx|dr|prof|st|ste|mt|ft|jr|sr|capt|cpt|lt|col|gen|maj|sgt|cmdr|adm|rev|hon|gov|sen|rep|"
    r"inc|ltd|corp|co|llc|plc|bros|dept|div|assn|univ|ave|blvd|rd|bldg|fl|apt|"
    r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|"
    r"fig|vol|pp|para|sec|art|cl)|\b[A-Z]|\b(?:[A-Za-z]\.){1,3}[A-Za-z])\.$",
    re.IGNORECASE,
)
# The header lines of a pasted e-mail say who wrote when, not what was agreed.
_MAIL_HEADER = re.compile(
    r"^\s*>*\s*(?:(?:from|to|cc|bcc|subject|date|sent|reply-to)\s*:\s|on\s.{4,80}\bwrote:\s*$)", re.IGNORECASE
)
_MAIL_QUOTE = re.compile(r"^\s*(?:>\s*)+")
# The entry line of a CRM activity log ("2026-11-19 | Meeting | Owner: Tom Hale"): when and what
# kind of entry, like a mail header, not a sentence of the deal.
_LOG_HEADER = re.compile(
    r"^\s*(?:\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})(?:[ T]\d{1,2}:\d{2})?\s*(?:\||\u2013|\u2014|-)[^.!?]{0,80}$"
)
# The author-and-time line of a chat export ("Jordan Blake  10:04", "[10:04] Jordan Blake"):
# who wrote when, like a mail header.
_CHAT_HEADER = re.compile(
    r"^\s*(?:\[?\d{1,2}:\d{2}(?:\s*[AaPp][Mm])?\]?\s+)?[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3}"
    r"(?:\s+(?:[-\u2013\u2014]\s+)?\[?\d{1,2}:\d{2}(?:\s*[AaPp][Mm])?\]?)?\s*$"
)


def sentences(doc: SourceDoc) -> Iterator[Sentence]:
    heading = ""  # the last Markdown heading
    label = ""  # the last "Label:" line; it covers the list or paragraph right after it
    block: list[tuple[int, str]] = []
    in_fence = False
    title = _title_line(doc.lines)
    for number, raw in enumerate(doc.lines, start=1):
        context = f"{heading} / {label}" if label else heading
        if number == title:
            continue
        if _FENCE.match(raw):
            in_fence = not in_fence
            yield from _split_block(doc.name, block, context)
            block = []
            continue
        if in_fence:
            continue
        raw = _MAIL_QUOTE.sub("", raw)  # noqa: PLW2901 - a quoted reply has lists, labels and paragraphs too
        heading_match = _HEADING.match(raw)
        label_match = _label(raw)
        mail_header = (
            _MAIL_HEADER.match(raw) is not None
            or _LOG_HEADER.match(raw) is not None
            or (_CHAT_HEADER.match(raw) is not None and re.search(r"\d{1,2}:\d{2}", raw) is not None)
        )
        if heading_match or label_match or not raw.strip() or _TABLE.match(raw) or _RULE.match(raw) or mail_header:
            yield from _split_block(doc.name, block, context)
            block = []
            if heading_match:
                # A level-1 heading is the document's title, not a topic.
                heading = heading_match.group(2) if len(heading_match.group(1)) > 1 else ""
                label = ""
            elif label_match:
                label = label_match
            elif not raw.strip() and block_ended_label(doc.lines, number):
                label = ""
            continue
        if block and (_LIST.match(raw) or _FIELD.match(raw) or SPEAKER.match(raw) or _field_ends(block[-1][1], raw)):
            yield from _split_block(doc.name, block, context)
            block = []
        block.append((number, raw.strip()))
    yield from _split_block(doc.name, block, f"{heading} / {label}" if label else heading)


def _field_ends(previous: str, raw: str) -> bool:
    """A "Field: value" line stands alone, unless its sentence plainly wraps onto this
    line (no closing punctuation there, a lower-case start here)."""
    if not _FIELD.match(previous):
        return False
    wraps = not previous.rstrip().endswith((".", "!", "?", ":", ";")) and raw.strip()[:1].islower()
    return not wraps


def _title_line(lines: Sequence[str]) -> int | None:
    """The line number of a plain-text document's title: its first line, when that line
    is not a sentence ("Oakridge County Schools - sales notes", "ORDER FORM - LARCH")."""
    first = next((n for n, text in enumerate(lines, start=1) if text.strip()), None)
    if first is None:
        return None
    text = lines[first - 1].strip()
    if _HEADING.match(text) or _LIST.match(text) or _FIELD.match(text) or text.endswith((".", "!", "?", ":")):
        return None
    if text.startswith(("**", "__")):
        return None  # a bold label ("**Not part of this quote**") names what follows, like a heading
    return first


def _label(raw: str) -> str | None:
    match = _LABEL.match(_LIST.sub("", raw, count=1))
    if match is None:
        return None
    text = next(g for g in match.groups() if g)
    return text if len(text.split()) <= _MAX_LABEL_WORDS else None


def block_ended_label(lines: Sequence[str], blank: int) -> bool:
    """After a blank line, a label still applies only if a list continues below it."""
    following = next((text for text in lines[blank:] if text.strip()), "")
    return not _LIST.match(following)


def _split_block(doc: str, block: list[tuple[int, str]], heading: str) -> Iterator[Sentence]:
    """Split one paragraph or list item into sentences, each mapped back to its lines."""
    if not block:
        return
    text = ""
    starts: list[tuple[int, int]] = []  # (offset in text, line number)
    for number, content in block:
        if text:
            text += " "
        starts.append((len(text), number))
        text += content
    marker = _LIST.match(text)
    begin = marker.end() if marker else 0
    speaker = SPEAKER.match(text, begin)
    if speaker:
        begin = speaker.end()  # the sentence is what was said; the speaker is a stakeholder (people.py)
    for piece_start, piece_end in _pieces(text, begin):
        quote = text[piece_start:piece_end].strip()
        # A two-word list item ("- Expense management.") is an item; two words of prose are not.
        if len(quote.split()) < (2 if marker else 3) or not re.search(r"[A-Za-z]", quote):
            continue
        offset = piece_start + (len(text[piece_start:piece_end]) - len(text[piece_start:piece_end].lstrip()))
        line = max(n for o, n in starts if o <= offset)
        end_line = max(n for o, n in starts if o < offset + len(quote))
        yield Sentence(doc, line, end_line, quote, heading)


def _pieces(text: str, begin: int) -> Iterator[tuple[int, int]]:
    """Sentence spans; an ask and the answer that declines it stay one piece."""
    spans = list(_sentence_spans(text, begin))
    n = 0
    while n < len(spans):
        start, end = spans[n]
        if n + 1 < len(spans) and _ask_then_answer(text[start:end], text[spans[n + 1][0] : spans[n + 1][1]]):
            # "Rhys asked about WhatsApp. I explained it is not part of this order." is one
            # declined ask: the answer alone would lose what was asked.
            end = spans[n + 1][1]
            n += 1
        yield start, end
        n += 1


def _sentence_spans(text: str, begin: int) -> Iterator[tuple[int, int]]:
    start = begin
    for match in _SENTENCE_END.finditer(text, begin):
        if _ABBREVIATION.search(text[start : match.start()].rstrip("\"')]")):
            continue
        yield start, match.start()
        start = match.end()
    yield start, len(text)


def _ask_then_answer(first: str, second: str) -> bool:
    return bool(_ASK.search(first) and not _DECLINED.search(first) and _DECLINED.search(second))


# --- classifying ---------------------------------------------------------------------------


def _cue(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


# What a heading (or a "Label:" line) is about.  A heading names ONE topic only when
# exactly one section reads from it: "Pricing / scope discussion" names two and so
# puts nothing anywhere (its sentences are read on their own words), and a heading
# about a conversation ("recap", "debrief", "discussion") is a log, not a list.
HEADING_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        EXCLUSIONS,
        _cue(
            r"out\s+of\s+scope",
            r"exclu",
            r"not\s+(?:included|in\s+scope|in\s+the\s+deal|covered|sold|part\s+of)",
            r"boundar",
            r"\bdeclined\b",
            r"\bparked\b",
        ),
    ),
    (RISKS, _cue(r"\brisks?\b", r"concern", r"blocker", r"watch[- ]outs?", r"red\s+flags?", r"worr(?:y|ies)")),
    (SUCCESS, _cue(r"success", r"\bkpis?\b", r"metrics", r"acceptance\s+criteria")),
    (
        GOAL,
        _cue(
            r"\bgoals?\b",
            r"\bpurpose\b",
            r"objectives?",
            r"\bwhy\b",
            r"business\s+case",
            r"pain\s+points?",
            r"\bproblem\b",
            r"\bbackground\b",
            r"\bchallenges?\b",
            r"\bsituation\b",
            r"\bcurrent\s+state\b",
        ),
    ),
    (
        STAKEHOLDERS,
        _cue(
            r"stakeholders?",
            r"attendees",
            r"participants",
            r"contacts",
            r"buying\s+committee",
            r"\bpeople\b",
            r"who'?s\s+who",
            r"steering\s+(?:group|committee)",
            r"evaluation\s+(?:panel|team|committee)",
        ),
    ),
    (
        REQUIREMENTS,
        _cue(
            r"requirements?",
            r"technical",
            r"implementation",
            r"integrations?",
            r"prerequisites",
            # "What we need from them", "Before kick-off they must provide", "Customer actions"
            r"\bneeds?\s+from\s+(?:them|the\s+customer|the\s+client|\w+)\b",
            r"\b(?:they|customer|client)\s+(?:must|need\s+to|needs\s+to|has\s+to|have\s+to)\s+(?:provide|do|send|supply|give)\b",
            r"\bwhat\s+they\s+(?:need|must|have)\s+to\s+(?:do|provide|send|supply|give)\b",
            r"\b(?:customer|client)\s+(?:tasks|actions|responsibilities|to-?dos?|inputs)\b",
        ),
    ),
    (
        CUSTOM_TERMS,
        _cue(
            r"commercial",
            r"pricing",
            r"payment",
            r"contract\s+(?:specifics|terms)",
            r"special\s+(?:conditions|terms)",
            r"\bterms\b",
            r"agreements",
            r"service\s+levels?",
            r"\bsla\b",
        ),
    ),
    (
        PROMISES,
        _cue(
            r"\bscope\b",
            r"deliverables?",
            r"included",
            r"what\s+(?:we|they|\w+)\s+(?:is\s+|are\s+)?(?:sold|offer\w*|promised|gets?|receives?|bought|buying|buys|agreed)",
            r"services",
            r"commitments?",
            r"subscription",
            r"\bproducts?\b",
            r"\b(?:order|line)\s+(?:lines|items)\b",
            r"\bwhat'?s\s+included\b",
            r"\bpackage\b",
        ),
    ),
    (
        KEY_DATES,
        _cue(r"timeline", r"key\s+dates", r"\bdates?\b", r"milestones", r"schedule", r"\bterm\b", r"\bdeadlines?\b"),
    ),
)
# A heading about a conversation is a log of everything said, not a list of one kind.
_NARRATIVE_HEADING = _cue(
    r"\bdiscussion\b",
    r"\bdiscussed\b",
    r"\bconversation\b",
    r"\brecap\b",
    r"\bdebrief\b",
    r"\bchat\b",
    r"\bnotes\b",
    r"\bq\s*&\s*a\b",
    r"\bquestions\b",
    r"\bpoints\s+raised\b",
    r"\bmisc",
)


def heading_topic(heading: str) -> str | None:
    """The one section a heading is about, or None when it names none, several, or a conversation."""
    if _NARRATIVE_HEADING.search(heading):
        return None
    found = [section for section, cue in HEADING_CUES if cue.search(heading)]
    if EXCLUSIONS in found:
        # "Not included", "Out of scope": the negation is the topic, not the scope word in it.
        found = [s for s in found if s != PROMISES]
    distinct = list(dict.fromkeys(found))
    return distinct[0] if len(distinct) == 1 else None


_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = _cue(
    r"\b\d{4}-\d{2}-\d{2}\b",
    rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b",
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\b",
    rf"\b{_MONTH}\s+\d{{4}}\b",
    r"\bq[1-4]\s*(?:fy)?\s*\d{2,4}\b",
    r"\b\d{1,2}/\d{1,2}/\d{2,4}\b",
    rf"\b(?:end|start|beginning|middle)\s+of\s+(?:q[1-4]\s+)?(?:\d{{4}}|{_MONTH})",
    r"\b(?:end|start|beginning|middle)\s+of\s+(?:the\s+)?q[1-4]\b",
)
# A date the receiving team must meet: a go-live, launch or cut-over, or one that "must" hold.
_BINDING_DATE = _cue(
    r"\bgo[- ]?live\b",
    r"\blaunch\b",
    r"\bcut[- ]?over\b",
    r"\brollout\b",
    r"\blive\s+(?:by|on|before)\b",
    r"\bmust\s+(?:be\s+)?(?:live|done|complete|ready|happen|delivered|in\s+place)\b",
    r"\bdeadline\b",
    r"\bno\s+later\s+than\b",
    r"\bhard\s+date\b",
)
# A sentence only about when a document was written is not a key date.
_DOCUMENT_DATE = _cue(
    r"^(?:order|quote|proposal|document|form|issue)\s+date\b",
    r"^(?:prepared|issued|drafted|written|sent|dated|updated|last\s+updated)\b",
    r"\b(?:written|prepared|compiled)\s+by\b",
)
# "Risk: …", "Payment: …", "Not included: …": a field name is the sentence's own heading.
_FIELD_NAME = re.compile(r"^\s*(?:\*\*|__)?([A-Za-z][\w /&'-]{1,30}?)(?:\*\*|__)?\s*:(?:\*\*|__)?\s+\S")
# "Chris Doyle is the technical contact for the integration" is about a person, not a requirement.
_PERSON_ROLE = _cue(
    r"\b(?:is|are|as)\s+(?:the|our|their|its)\s+(?:\w+\s+){0,3}"
    r"(?:lead|contact|owner|buyer|sponsor|champion|admin|signer|approver|decision[- ]maker)\b",
    # "Joost has the final say and signs; Anouk will run the rollout day to day" is about who decides
    r"\bfinal\s+(?:say|decision|call|sign[- ]?off)\b|\b(?:holds|owns)\s+the\s+budget\b|\bday[- ]to[- ]day\b",
)
# "Alder maintains 4,000 km", "The district has 31 schools": what the customer has, not what we sell.
_PROFILE = _cue(
    r"\b(?:has|have|runs|run|operates|operate|maintains|maintain|employs|employ|buys\s+from|serves|owns|"
    r"gets?|receives?|handles?|processes)\s+(?:about\s+|over\s+|around\s+|some\s+|roughly\s+|nearly\s+)?\d"
)

# An ask the customer made ...
_ASK = _cue(
    r"\b(?:asked|asks|asking)\b",
    r"\b(?:wanted|wants|requested|requests|pushed\s+for|raised|would\s+(?:like|love)|hoped\s+for)\b",
    r"'d\s+(?:also\s+)?(?:like|love)\b|\b(?:can|could|will)\s+you\s+(?:also\s+)?(?:do|add|build|include|connect|support|provide)\b",
    r"\bwanted\s+us\s+to\b",
)
# ... and the answer that declined or deferred it.
_DECLINED = _cue(
    r"\b(?:told|said|explained|confirmed|answered)\b[^.;]{0,40}?\b(?:not|next\s+phase|phase\s+(?:2|two|ii)|later|"
    r"future|roadmap|outside|separate|separately|no\b)",
    r"\bnot\s+(?:in|for|part\s+of|within)\s+(?:this|the\s+current|the\s+first|phase\s+(?:1|one))\b",
    r"\b(?:next|second|later|future)\s+phase\b|\bphase\s+(?:2|two|ii)\b",
    r"\bquoted\s+(?:it\s+|that\s+|this\s+)?(?:separately|as\s+a\s+separate)\b",
    r"\bseparate\s+(?:sow|quote|statement\s+of\s+work|order|contract|engagement|project|product|module|add-?on|purchase|licen[cs]e)\b",
    r"\b(?:send|sending|send\s+them|send\s+him|send\s+her)\s+(?:a|an)\s+(?:separate\s+)?quote\b",
    r"\b(?:its|their)\s+own\s+(?:quote|sow|contract|order)\b",
    r"\bdeclined\b|\bturned\s+(?:it\s+|that\s+)?down\b|\bparked\b|\bdeferred\b|\bpushed\s+(?:it\s+)?to\b",
    # "we agreed to revisit them in year two", "they stay on paper for now"
    r"\brevisit\w*\b|\b(?:in|from)\s+year\s+(?:two|three|2|3)\b|\bstays?\s+(?:on\s+paper|manual|as\s+is)\b",
    r"\b(?:we|i)\s+(?:can't|cannot|can\s+not|won't|will\s+not|don't|do\s+not)\b",
    r"\bnot\s+(?:possible|something\s+we\s+(?:do|offer))\b",
    r"\boutside\s+(?:this|the)\s+(?:award|scope|contract|deal|order|project)\b",
    r"\bout\s+of\s+(?:scope|this\s+(?:award|contract|deal|order|project|engagement|release|phase))\b",
    r"\bchange\s+(?:order|request)\b|\bon\s+(?:our|the)\s+roadmap\b",
    # a counter-offer declines what was asked: "we agreed to 7 years, not 10"; "we offered X instead"
    r"\bonly\b[^.;]{0,60},\s*not\s+(?:the\s+|all\s+|any\s+)?\w+|"
    r"\b(?:agreed|offered|settled|committed)\s+(?:to|on)\b[^.;]*,\s*not\b|\b(?:we|i)\b[^.;]{0,60}\binstead\b",
)
# "excluding scheduled maintenance" qualifies a service level; it is not a boundary of scope.
_QUALIFYING_EXCLUDING = _cue(r"\bexcluding\b", r"\bexcl\.")
_SERVICE_LEVEL = _cue(
    r"\b(?:availability|uptime|up\s*time|response\s+time|resolution\s+time|service\s+level|sla|rpo|rto)\b",
    r"\bsupport\s+response\b",
    r"\d+(?:\.\d+)?\s*%",
)
# Money owed, invoices, notice: a clause about payment names an office, never a stakeholder.
_PAYMENT_CLAUSE = _cue(
    # "invoice export" is a data flow to build, not a clause about money owed
    r"\binvoic(?:e|es|ed|ing)\b(?!\s+(?:export|exports|data|sync|feed|file|files|import|matching|scanning|ocr)\b)",
    # a clause about being paid, not a feature that takes payments ("online rent payment through Yardi")
    r"(?<!rent\s)(?<!online\s)(?<!card\s)(?<!mobile\s)\bpayments?\b"
    r"(?!\s+(?:processing|gateway|portal|page|module|feature|integration|through|via|app|sync|data|reminders?)\b)",
    r"\bpaid\b|\bpays?\b",
    r"\bnet\s*\d{1,3}\b",
    r"\bfees?\b",
    r"\bpurchase\s+order\b|\bpo\b",
    r"\bnotice\b",
    r"\bliabilit",
    r"\binsur\w*\b(?!\s+(?:details|data|information|info|cards?|eligibility|claims?|verification|fields?|plans?))",
)

# "120 seats", "two training days": a quantity is a promise only when nothing says it is a target.
_QUANTITY_SOLD = (
    r"\b\d+\s+(?:[A-Za-z-]+\s+){0,3}"
    r"(?:seats|licen[cs]es|users|sites|locations|schools|stores|workshops|sessions|days|accounts)\b"
)
_QUANTITY = re.compile(_QUANTITY_SOLD, re.IGNORECASE)

# Work that runs through the customer's own systems ("… through the county's existing Paymentus account").
_SYSTEM_LINK = _cue(
    r"\b(?:through|via|into|with|from|to)\s+(?:their|the\s+\w+'s|the\s+customer'?s)\s+existing\b",
    r"\b(?:through|via|over|using)\s+(?:\w+\s+){0,2}apis?\b",
)
# "… before go-live": a requirement when said firmly.
_GO_LIVE_BOUND = _cue(r"\bbefore\s+(?:go[- ]live|we\s+can\s+start)\b")

# Sentence-level cues, one pattern per section (a sentence may match several).
CUES: dict[str, re.Pattern[str]] = {
    EXCLUSIONS: _cue(
        r"\bout\s+of\s+scope\b",
        r"\bnot\s+(?:in\s+scope|included|part\s+of|covered|sold|offered|committed|provided|supported)\b",
        r"\bnot\s+in\s+(?:this|the|our)\s+(?:sow|order|quote|contract|proposal|deal|phase|release|agreement|project|award)\b",
        r"\bseparate\s+(?:product|module|add-?on|purchase|licen[cs]e|sku)\b",
        r"\bexclud(?:e|es|ed)\b|\bexclusions?\b|^excluding\b",
        r"\b(?:does|do|will|did|would|can)\s*(?:not|n't)\s+(?:include|cover|provide|deliver|build|support|migrate|offer|be\s+(?:included|provided|delivered|supported|responsible))\b",
        r"\b(?:won't|cannot|can't)\s+(?:include|cover|provide|deliver|build|support|migrate|offer|be\s+(?:included|provided|delivered|supported))\b",
        r"\bwe\s+(?:did\s+not|didn't|never)\s+(?:promise|commit|agree|sell|offer)\b",
        r"\b(?:billed|priced|quoted|sold)\s+separately\b|\bseparate\s+(?:sow|statement\s+of\s+work|order\s+form|contract|engagement)\b",
        r"\bat\s+(?:additional|extra)\s+(?:cost|charge)\b|\bchange\s+request\b",
        r"\b(?!we\b)\w+\s+(?:is|are|remains?|will\s+be)\s+(?:solely\s+)?responsible\s+for\b|\bcustomer'?s\s+responsibility\b",
        r"\b\w+'s\s+(?:it|team|staff|\w+\s+team)\s+(?:will|does|do|keeps?)\s+(?:handle|own|do|manage|take\s+care|it)\b",
        r"\b(?:supplied|provided|purchased|procured)\s+by\s+(?!us\b|our\b|we\b)(?:the\s+customer|them|[A-Z]\w+)\b",
        r"^(?:[-*]\s*)?no\s+(?!\w+\s+(?:increase|uplift))\w+(?:\s+\w+){0,4}\s+(?:is|are|will\s+be|was|were)?\s*(?:included|provided|planned|offered|committed|promised)\b",
    ),
    PROMISES: _cue(
        r"\bwe(?:'ll|\s+will|\s+are\s+going\s+to|\s+can|\s+commit\s+to|\s+agreed\s+to|\s+promised|\s+offered|\s+include|\s+provide|\s+deliver)\b",
        r"\b(?:vendor|supplier|provider)\s+(?:will|shall)\b",
        r"\b(?:includes?|included)\b",
        r"\bpart\s+of\s+(?:the|our)\s+(?:\w+\s+)?(?:package|deal|subscription|order|offer|setup|set-up|service|plan|rollout|scope|bundle|licen[cs]e)\b",
        r"\bpromis(?:e|es|ed|ing)\b(?![-\w])|\bcommit(?:ted|ment)?\b|\bguarantee\w*",
        r"\b(?:will|shall)\s+(?:be\s+)?(?:provide|provided|deliver|delivered|set\s+up|configure|configured|build|built|migrate|migrated|train|trained|run|host|hosted|support|supported|given|available)\b",
        r"\b(?:portal|app|platform|system|dashboard|workspace|module|solution|service)s?\s+will\s+(?!not\b)\w+",
        r"\bwill\s+(?:go|run|flow|sync|post)\s+(?:through|via|into)\s+(?:their|the\s+\w+'s)\s+existing\b",
        r"\b(?:assured|offered)\s+(?:them|the\s+customer|him|her)\b",
        r"\bthrow\s+in\b|\bon\s+us\b",
        r"\bcovers?\b",
        r"\b(?:rolled\s+out|configured|set\s+up|delivered|deployed)\s+(?:to|for|across|on)\b",
        _QUANTITY_SOLD,
    ),
    GOAL: _cue(
        r"\bgoals?\b|\bobjectives?\b|\b(?:top|main|first|biggest|key|number\s+one)\s+priority\b",
        r"\bwants?\b.*\b(?:down|up|under|below|above)\b.*\d+(?:\.\d+)?\s*%",
        r"\b(?:we|they)\s+want\b.*\d+(?:\.\d+)?\s*%|\bstuck\s+at\b",
        r"\b(?:want|wants|wanted|need|needs|looking|hoping|trying)\s+to\s+(?:cut|reduce|replace|improve|increase|get|move|consolidate|stop|speed|automate|eliminate|retire|scale|standardi[sz]e|give|take|hold)\b",
        r"\bwhy\s+they\s+bought\b|\bbought\s+(?:us|this|it)\s+(?:to|because|for)\b|\bthe\s+reason\s+they\b",
        r"\bpain\s+point\b|\boutcome\b|\bbusiness\s+case\b",
        r"\bso\s+that\s+(?:their|the|they)\b",
        r"\b(?:want|wants|wanted)\s+(?:a|an|one|every|all|the|their|visit|live)\b",
        r"\b(?:currently|today|on\s+paper|by\s+hand|manually|still)\b.*\b(?:lose|loses|losing|wait|waits|spend|spends|run|runs|get|gets|kept|emailed|pulled|plan)\b"
        r"|\b(?:lose|loses|losing|wait|waits|spend|spends|run|runs|kept|emailed|pulled|plan|get|gets|keeps|sells|re-?key\w*|typed|written|printed)\b"
        r".*\b(?:currently|on\s+paper|by\s+hand|manually|by\s+phone|whiteboard|spreadsheets?|binders?|cash\s+register)\b",
        # The cost of today's way, in time or money: "reception spends three hours a day on calls".
        r"\b(?:spend|spends|lose|loses|losing|waste|wastes|wasting)\s+(?:roughly\s+|about\s+|around\s+|over\s+|up\s+to\s+|nearly\s+)?"
        r"(?:\d|one|two|three|four|five|six|eight|ten|half|a\s+day|hours|days)",
        # "Lucia wants members to stop queuing", "Helen wants acknowledgement … down from five"
        r"\b(?:wants?|wanted|needs?)\s+(?:\w+\s+){1,3}to\s+(?:stop|cut|reduce|get|be|move|see|have|book|pay|renew)\b",
        r"\bwants?\b[^.;]*\b(?:down|up)\s+from\b",
        r"\btakes?\s+(?:\w+\s+){0,3}?(?:about\s+|around\s+|roughly\s+|over\s+|up\s+to\s+|nearly\s+)?\d+\s*"
        r"(?:working\s+|business\s+)?(?:minutes?|mins?|hours?|days?|weeks?)\b",
        r"\b(?:i|we|they|\w+)\s+wants?\b.*\b(?:under|below|above|over|less\s+than|more\s+than|at\s+least)\s+\d",
        # what they do today, said by a third party: "Teachers currently build courses twice"
        r"^(?!(?:we|our|i)\b)(?:[\w'-]+\s+){1,4}currently\s+\w+",
    ),
    STAKEHOLDERS: _cue(
        r"\beconomic\s+buyer\b|\bdecision[- ]maker\b|\bexec(?:utive)?\s+sponsor\b|\bchampion\b",
        r"\bday[- ]to[- ]day\s*,?\s*(?:it's|it\s+is|the\s+contact\s+is|contact\s+is|owner\s+is|will\s+be)\b",
        r"\bsigner\b|\bsigns?\s+(?:off|the|for)\b|\bapprover\b",
        r"\btechnical\s+(?:lead|contact|owner|buyer)\b|\bproject\s+(?:lead|manager|owner)\b|\bprocurement\b|\blegal\s+(?:counsel|contact)\b",
        r"\b(?:ceo|cfo|cio|cto|coo|ciso|cmo|cro|vp|svp|evp|head\s+of|director\s+of)\b",
        r"\b(?:day-to-day|main|primary|key)\s+(?:admin|contact|owner|user)\b|\bproject\s+owner\b",
        r"\bfinal\s+(?:say|decision|call)\b|\b(?:holds|owns)\s+the\s+budget\b|\bbudget\s+holder\b",
        r"\bapproves?\s+(?:the\s+)?budget\b|\bwill\s+own\s+the\s+project\b",
        # a named lead ("their finance lead Owen Marsh"); the title alone talks about nobody in particular
        r"\b(?:finance|it|procurement|hr|operations|project|technical|legal|clinical|data)\s+lead,?\s+"
        r"(?-i:[A-Z][a-z]+\s+[A-Z][a-z]+)",
        r"\bsigns\s+(?:anything|everything|all|contracts?|orders?|purchase\s+orders?|pos?)\b",
    ),
    SUCCESS: _cue(
        r"\bsuccess\b|\bkpis?\b|\bmeasured\s+(?:by|on|as)\b|\bacceptance\s+criteri\w*",
        r"\b(?:target|goal)\s+(?:is|of)\b.*\d",
        r"\d+(?:\.\d+)?\s*%.*\b(?:within|by|in|after)\s+(?:\d|the\s+first|the\s+end|q[1-4]|year[- ]end|"
        + _MONTH
        + r"|easter|christmas|(?:the\s+)?(?:spring|summer|autumn|fall|winter)(?:\s+term)?|half[- ]term|semester)",
        r"\b(?:from|reduce|cut|increase|grow|raise|lower|improve)\w*\b.*\b(?:to|by)\s+(?:under\s+|below\s+|at\s+least\s+)?\d",
        r"\b(?:drop|fall|rise|reach|grow)\w*\s+(?:by|to|below|above)\b",
        r"^\s*(?:target|goal|kpi|metric|measure\s+of\s+success)s?\s*:",
        # A measured change: "within one business day instead of five", "from 9 days to same day"
        r"\b(?:instead\s+of|down\s+from|up\s+from|rather\s+than)\s+(?:about\s+|around\s+|roughly\s+)?"
        r"(?:\d|one|two|three|four|five|six|seven|eight|nine|ten)",
        r"\bfrom\s+(?:about\s+|around\s+|roughly\s+)?\d+(?:\.\d+)?\s*(?:%|[a-z]+)\s+(?:down\s+|up\s+)?to\s+"
        r"(?:the\s+)?(?:same|next|under|below|zero|none|\d)",
        # "under 30 minutes by the summer", "60% … within six months of launch"
        r"\b(?:under|below|less\s+than|at\s+most)\s+\d+(?:\.\d+)?\s*(?:%|minutes?|mins?|hours?|days?|seconds?)\b"
        r"[^.;]*\b(?:by|within|before|after)\b",
        r"\d+(?:\.\d+)?\s*%.*\bwithin\s+(?:a|an|one|two|three|four|six|nine|twelve)\s+(?:weeks?|months?|years?)\b",
        r"\bwant\w*\b[^.;]{0,30}\b(?:done|finished|closed|completed)\s+in\s+(?:under\s+)?\d",
        # "they want repair time down to 2 days" ("up to 40 seats" is a cap, not a target)
        r"\b(?:want|wants|get|gets|bring|brings|cut|cuts|reduce|reduces)\b[^.;]{0,40}\bdown\s+to\s+(?:under\s+|below\s+)?\d",
    ),
    RISKS: _cue(
        r"\brisks?\b|\brisky\b|\bconcern(?:s|ed)?\b|\bworr(?:y|ied|ies)\b|\bblock(?:er|ers|ed|ing)\b",
        r"\bheads[- ]up\b|\bstill\s+(?:pending|waiting|open|outstanding|unresolved)\b",
        r"\bdepend(?:s|ent|ency|encies)\s+on\b|\bdependency\b|\bnot\s+(?:yet|confirmed|signed)\b|\bunclear\b|\bunknown\b",
        r"\b(?:may|might|could)\s+(?:slip|delay|collide|block|churn|push|not\s+be)\b|\bdelay(?:ed|s)?\b|\bbudget\s+(?:freeze|cut)s?\b",
        r"\bcompetitor\b|\bskeptic\w*|\bsceptic\w*|\bpushback\b|\bresist\w*|\bunhappy\b|\bescalat\w*",
        r"\bfreeze\b|\bturnover\b|\bleaving\b|\bno\s+(?:owner|budget|sponsor|replacement)\b",
        r"\b(?:nobody|no[- ]one)\s+(?:may|might|will|would|can|could)\b",
        # the customer's people or suppliers changing mid-project
        r"\b(?:contractor|vendor|partner|supplier|provider|lead|manager|owner|champion|sponsor|admin)\s+"
        r"(?:changes|is\s+changing|will\s+change|leaves|is\s+leaving|moves\s+on|retires|is\s+retiring)\b",
        r"\bunreliable\b|\bhard\s+to\b|\b(?:may|might|could)\s+(?:make|cause|affect|prevent|hurt|break|revisit|not\s+support)\b",
        r"\bdrops?\s+(?:for|out)\b|\bcannot\s+be\s+trained\b|(?<![-\w])only\s+exports?\b",
    ),
    REQUIREMENTS: _cue(
        r"\b(?:sso|saml|scim|okta|azure\s+ad|entra|ldap|vpn|firewall|allow[- ]?list|ip\s+whitelist|sftp|mfa)\b",
        r"\bsandbox\b|\bservice\s+account\b|\bapi\s+(?:access|keys?|credentials|endpoint)\b|\b(?:test|staging|production)\s+environment\b",
        r"\bconnect(?:s|ed|ing)?\s+(?:[\w-]+\s+){0,4}(?:to|with)\b",
        r"\bintegrat\w*|\bconnector\b|\bdata\s+migration\b|\bmigrat\w*|\bimport\b|\bcsv\s+export\b|\bdata\s+feed\b|\bnightly\s+export\b",
        r"\brequire(?:s|d|ment|ments)?\b|\bprerequisite\w*|\bneed\s+(?:access|admin|credentials)\b",
        r"\bmust\s+(?:provide|supply|give|grant|share)\b|\bmust\s+be\s+(?:hosted|stored|encrypted|processed|shared)\b",
        r"\b(?:stored|stays?|hosted|kept|resides?)\s+in\s+(?:the\s+)?(?:[A-Z]{2,3}|eu|uk|us|canada|canadian|european|\w+an)\b[^.]*\bdata\s+cent(?:re|er)s?\b|\bdata\s+residency\b",
        r"\b(?:data|records)\b[^.]{0,40}\b(?:stored|hosted|kept|held|processed|stays?|remains?|resides?)\s+(?:only\s+)?in\s+(?:the\s+)?[A-Z]",
        _GO_LIVE_BOUND.pattern,
        r"\b(?:through|via|over|using)\s+(?:\w+\s+){0,2}apis?\b",
        r"\b(?:through|via|into|with|from|to)\s+(?:their|the\s+\w+'s|the\s+customer'?s)\s+existing\b",
        # machine and system protocols are integration work: "connectivity … via OPC UA", HL7 feeds
        r"\bconnectivity\b|\b(?:opc[- ]?ua|modbus|mqtt|edi|hl7|fhir|odbc|jdbc|webhooks?)\b",
        # a data flow into their systems: "payroll export to their Nmbrs account"
        r"\b(?:export|exports|sync|syncs|feed|feeds|push|pushes)\s+(?:\w+\s+){0,2}(?:to|into|with)\s+(?:their|the\s+customer'?s)\b",
        r"\bsingle\s+sign[- ]on\b|\badmin(?:istrator)?\s+(?:access|rights|account)\b",
        r"\b(?:we|we'll)\s+(?:need|require)\s+(?:a|an|the|their|its|access|admin|read|write|credentials)\b",
    ),
}

# A hedged promise: we (or our team) say we will *try* to do something.  It is drafted in
# Promised scope with a vague mark, so a person decides; it never vanishes and never reads
# as firm.  The subject must be on our side and the hedge must govern an action, so
# "we might lose them to a competitor" is left to the risk cues and "we can't" is no promise.
_OUR_SIDE = (
    r"(?:we|i|our\s+(?:\w+\s+)?(?:team|side|lead|manager|engineers?|consultants?|trainers?|specialists?|"
    r"staff|people|crew|folks|csm|pm|architect|support|services)|"
    r"(?:the\s+)?(?:vendor|supplier|provider))"
)
_HEDGE = (
    r"(?:should|might|may|could|would|aim|aims|aiming|hope|hopes|hoping|expect|expects|intend|intends|intending|"
    r"target|targets|targeting|try|tries|trying|endeavou?r|like\s+to|love\s+to|want\s+to\s+try|"
    r"do\s+(?:our|its|my|their)\s+(?:very\s+)?best|see\s+(?:if|whether)|look\s+(?:at|into)\s+whether|"
    r"(?:can|will)\s+(?:probably|likely|possibly|hopefully|maybe))"
)
_LEADING_HEDGE = (
    r"ideally|hopefully|in\s+principle|if\s+(?:time\s+allows|possible|all\s+goes\s+well|we\s+can)|"
    r"with\s+(?:any\s+)?luck|all\s+being\s+well|tentatively|fingers\s+crossed"
)
_HEDGE_WORDS = _cue(_HEDGE, _LEADING_HEDGE)
_HEDGED_PROMISE = _cue(
    # "we should be able to", "we're hoping to", "we'd expect to", "our team will do its best to"
    rf"\b{_OUR_SIDE}(?:'d|'re|'ll|'m|'ve|\s+would|\s+will|\s+are|\s+am|\s+have|\s+had)?"
    rf"(?:\s+(?:also|still|really|then|certainly|definitely|asked\s+\w+\s+(?:team\s+)?to))?\s+{_HEDGE}\b"
    r"(?!\s+(?:not|never)\b)(?!n't)",
    # "Ideally we'd…", "Hopefully we can…", "In principle we can…", "If time allows we'll…"
    rf"^(?:{_LEADING_HEDGE})\b[^.;]{{0,40}}?\b{_OUR_SIDE}\b",
    # A party named at the start of the sentence, as a vendor writes of itself: "Permitly will
    # aim to connect …" (when it is the customer, the pipeline reads it as theirs).
    r"^(?-i:[A-Z][\w-]+)\s+(?:will|would|should|'ll)\s+(?:aim|try|endeavou?r|seek|look\s+into|do\s+its\s+best)\b",
)
# "We should be able to" but not "we could not agree", "we might lose", "we would need them to…".
_NOT_A_PROMISE = _cue(
    # "Ben asked whether we could also…" is their ask, not our promise
    r"\b(?:asked|asks|asking|wondered|wanted\s+to\s+know|checked)\s+(?:\w+\s+){0,2}(?:whether|if)\b",
    r"\b(?:might|may|could|would)\s+(?:lose|need|have\s+to|be\s+(?:late|blocked|forced)|miss|struggle)\b",
    r"\b(?:should|could|might)\s+(?:talk|meet|ask|check|discuss|follow\s+up|schedule|chat|sync)\b",
)


def hedged_promise(text: str) -> str | None:
    """The hedge of a first-person promise ("should" in "we should be able to"), or None."""
    found = _HEDGED_PROMISE.search(text)
    if found is None or _NOT_A_PROMISE.search(text):
        return None
    hedge = _HEDGE_WORDS.search(found.group(0))
    return " ".join((hedge or found).group(0).lower().split())


# Words that make a sentence a promise even when it also describes the customer.
_FIRM_PROMISE = _cue(r"\bwe(?:'ll|\s+will)\b", r"\binclud", r"\bpromis", r"\bcommit")
# "We will sign a BAA", "annual subscription for 14 locations": work or goods we deliver, even in a term.
_DELIVERABLE = _cue(
    r"\bwe(?:'ll|\s+will)\s+(?!not\b)",
    r"\b(?:vendor|supplier|provider)\s+(?:will|shall)\s+(?!not\b)",
    r"\bsubscription\s+for\b",
    r"\bincluded\b",
)
# "Vendor will sign the BAA": our signature, not a stakeholder's.
_WE_SIGN = _cue(r"\b(?:we|vendor|supplier|provider)\s+(?:will|shall|'ll|can|agreed\s+to)\s+(?:also\s+)?sign\b")
# "…, but that's not committed": the hedge says it is not firm; it is a vague promise, not a boundary.
_UNCOMMITTED = _cue(
    r"\b(?:not|n't|never)\s+(?:yet\s+)?(?:committed|promised|guaranteed|confirmed|firm)\b",
    r"\bno\s+promises?\b|\b(?:didn't|did\s+not|don't|do\s+not)\s+commit\b",
)
# "Before we can start, the district must provide …": a prerequisite on the customer's side.
_CUSTOMER_PROVIDES = _cue(
    r"\b(?:they|the\s+customer|the\s+client|the\s+district|the\s+county|their\s+(?:it|team))\s+(?:must|need\s+to|has\s+to|have\s+to|will\s+need\s+to)\s+(?:provide|supply|give|grant|share|send)\b"
)
# A heading saying its terms depart from the standard ones ("Special conditions", "Terms
# specific to this award"), unlike "Commercial terms" or "Pricing", which hold standard ones too.
_SPECIAL_TERMS = _cue(
    r"\bspecial\b",
    r"\bcustom\b",
    r"\bnon[- ]?standard\b",
    r"\bbespoke\b",
    r"\bexceptions?\b",
    r"\bdeviations?\b",
    r"\bspecific\s+to\b",
    r"\bnegotiated\b",
    r"\bside\s+letter\b",
    r"\baddend",
    r"\bredlines?\b",
    r"\bagreed\s+changes\b",
)
# An offer to price something later: a deferral, never a promise.
_QUOTE_OFFER = _cue(
    r"\b(?:can|could|will|'ll|would|happy\s+to)\s+(?:re-?)?quote\s+(?:it|that|this|them|for\s+it)\b",
    r"\bas\s+a\s+(?:follow[- ]on|separate|later)\b",
)
# "customer success manager" is a role, not a success criterion.
_NOT_SUCCESS = _cue(r"\bcustomer\s+success\b")
_SERVICE_LEVEL_TERM = _cue(r"\b(?:uptime|availability|response\s+time|resolution|sla|service\s+level)\b")

# Headings that only set context (a risk list is not a list of promises, even if it says "will").
_EXCLUSIVE_HEADINGS = (EXCLUSIONS, RISKS)
# Sections where a vague word must be shown to the reviewer as vague.
_VAGUE_SECTIONS = (PROMISES, SUCCESS, CUSTOM_TERMS, GOAL, REQUIREMENTS)


def term_categories(text: str, config: Config) -> tuple[str, ...]:
    """The custom-term categories of ``text``, by the detector ``handoff check`` flags with.

    The one call site for the detector in drafting, so the draft and the check can
    never disagree on what a custom term is.
    """
    return config.term_detector.categories(text)


def said_standard(text: str, config: Config) -> bool:
    """The detector read contract words in ``text`` and every one is standard, negated or refused."""
    found = config.term_detector.explain(text)
    return bool(found) and all(not d.is_custom for d in found)


def declined_ask(text: str) -> bool:
    """An ask the customer made that we declined or deferred ("asked for X — told them next phase")."""
    return bool(_ASK.search(text) and _DECLINED.search(text))


def _topic(sentence: Sentence) -> str | None:
    """The nearest context that names one topic: the sentence's own "Field:" name, then a
    "Label:" line, then the heading above it."""
    field = _FIELD_NAME.match(sentence.text)
    contexts = [*sentence.heading.split(" / "), field.group(1) if field else ""]
    for context in reversed(contexts):
        if not context.strip():
            continue
        topic = heading_topic(context)
        if topic is not None or _NARRATIVE_HEADING.search(context) or any(q.search(context) for _, q in HEADING_CUES):
            return topic  # the nearest heading that says anything decides, even "several topics"
    return None


def classify(sentence: Sentence, config: Config) -> list[Candidate]:
    """Every section ``sentence`` belongs in, as candidates quoting it verbatim."""
    text = sentence.text
    home = _topic(sentence)
    declined = declined_ask(text)
    hedge = None if declined else hedged_promise(text)
    sections = _with_context(_cued(text), home, declined=declined)
    sections = _as_a_reader_would(sections, text, home, hedged=hedge is not None)
    question = text.rstrip("\"')*_ ").endswith("?")
    if question:
        # "Could you confirm the data stays in the UK?" asks; it agrees, promises and binds nothing.
        sections = [s for s in sections if s not in _NOT_FROM_A_QUESTION]
        hedge = None
    if hedge is not None and home not in _EXCLUSIVE_HEADINGS and PROMISES not in sections:
        sections.insert(0, PROMISES)  # a hedged promise reaches the draft, marked vague below
    if hedge is not None and home != GOAL:
        sections = [s for s in sections if s != GOAL]  # "we're hoping to get …" is our hope, not their goal
    if hedge is not None and home != EXCLUSIONS and _UNCOMMITTED.search(text):
        sections = [s for s in sections if s != EXCLUSIONS]
    categories = () if question else term_categories(text, config)
    if (
        not categories
        and CUSTOM_TERMS in sections
        and (said_standard(text, config) or not _SPECIAL_TERMS.search(sentence.heading))
    ):
        # "net 30 (standard)" or "invoiced annually in advance" under "Commercial terms" is
        # not custom: only a heading that says its terms are special ("Special conditions")
        # sends a sentence no category recognises to a reviewer (as `other`).
        sections.remove(CUSTOM_TERMS)
    if categories and EXCLUSIONS not in sections:
        # Mirrors `skip_sections` in custom-terms.yaml: a boundary is not a custom term.
        sections.append(CUSTOM_TERMS)
    if CUSTOM_TERMS in sections:
        # A contract term is reviewed as a term; it is not also a promise of work.
        sections = [s for s in sections if s != PROMISES or home == PROMISES or hedge or _DELIVERABLE.search(text)]
    vague = tuple(dict.fromkeys(m.group(0).lower() for m in config.vague_pattern.finditer(text)))
    if hedge is not None and not vague:
        # The schema's vague list does not name this hedge; it is still not a firm promise.
        vague = (hedge,)
    return [
        Candidate(
            section=section,
            quote=text,
            doc=sentence.doc,
            line=sentence.line,
            end_line=sentence.end_line,
            vague=vague if section in _VAGUE_SECTIONS else (),
            categories=categories if section == CUSTOM_TERMS else (),
            declined=declined and section == EXCLUSIONS,
        )
        for section in dict.fromkeys(sections)
    ]


def _cued(text: str) -> list[str]:
    """The sections whose sentence cues ``text`` matches."""
    sections = [s for s, cue in CUES.items() if cue.search(text)]
    qualifying = _QUALIFYING_EXCLUDING.search(text) and _SERVICE_LEVEL.search(text)
    if EXCLUSIONS in sections and qualifying and not CUES[EXCLUSIONS].search(_QUALIFYING_EXCLUDING.sub("", text)):
        sections.remove(EXCLUSIONS)  # "99.9% … excluding maintenance" is a service level, not a boundary
    return sections


_NOT_FROM_A_QUESTION = (PROMISES, CUSTOM_TERMS, REQUIREMENTS, EXCLUSIONS, KEY_DATES, SUCCESS)
_NOT_UNDER_EXCLUSIVE = (PROMISES, EXCLUSIONS, RISKS, REQUIREMENTS, SUCCESS, GOAL, STAKEHOLDERS)


def _with_context(sections: list[str], home: str | None, *, declined: bool) -> list[str]:
    """Add the heading's topic, and let a declined ask be a boundary and nothing else."""
    if home is not None:
        if home in _EXCLUSIVE_HEADINGS:
            # Under "Out of scope" a sentence saying "we will" is still an exclusion.
            sections = [s for s in sections if s not in _NOT_UNDER_EXCLUSIVE]
        if home not in sections:
            sections.append(home)
    if declined:
        # "asked for X — told them next phase": a boundary with its source, never a promise.
        sections = [s for s in sections if s not in (PROMISES, REQUIREMENTS, CUSTOM_TERMS, STAKEHOLDERS, GOAL)]
        sections.insert(0, EXCLUSIONS)
    if EXCLUSIONS in sections:
        # "we will not build…" is a boundary, not a promise, a requirement or a person
        sections = [s for s in sections if s not in (PROMISES, REQUIREMENTS, STAKEHOLDERS)]
    return sections


def _only_a_quantity(text: str) -> bool:
    """The sentence reads as a promise only because it counts something."""
    return bool(_QUANTITY.search(text)) and not CUES[PROMISES].search(_QUANTITY.sub(" ", text))


def _as_a_reader_would(sections: list[str], text: str, home: str | None, *, hedged: bool = False) -> list[str]:
    """Drop what a careful reader would not take from the words alone; add binding dates."""
    drop = _not_meant(sections, text, home) | _not_promised(sections, text)
    go_live_date = _BINDING_DATE.search(text) and _DATE.search(text) and not re.search(r"\d\s*%", text)
    not_success = _NOT_SUCCESS.search(text) or go_live_date or _SERVICE_LEVEL_TERM.search(text)
    if not_success and home != SUCCESS:
        drop.add(SUCCESS)  # a go-live date or an SLA is not a success criterion
    if hedged and home != REQUIREMENTS and not CUES[REQUIREMENTS].search(_GO_LIVE_BOUND.sub(" ", text)):
        drop.add(REQUIREMENTS)  # "we should have it ready before go-live" hopes; it binds nobody yet
    sections = [s for s in sections if s not in drop]
    if not sections and _PROFILE.search(text) and home in (None, GOAL):
        sections.append(GOAL)  # "Brightline runs 14 practices": the customer's situation, the why
    if _DOCUMENT_DATE.search(text):
        sections = [s for s in sections if s != KEY_DATES]  # "Order date: 2026-11-27" dates the paper, not the work
    elif _DATE.search(text):
        sections.append(KEY_DATES)
        if _BINDING_DATE.search(text) and EXCLUSIONS not in sections and not hedged:
            sections.append(REQUIREMENTS)  # a go-live date binds the receiving team
    return sections


def _not_meant(sections: Sequence[str], text: str, home: str | None) -> set[str]:
    """Sections the words touch but do not mean: an office in a payment clause, our own signature."""
    drop: set[str] = set()
    if _PAYMENT_CLAUSE.search(text) and home != STAKEHOLDERS:
        drop.add(STAKEHOLDERS)  # "payment on the CFO's approval" names an office
        if not _SYSTEM_LINK.search(text):
            drop.add(REQUIREMENTS)  # … and binds no work, unless it runs through their systems
    if STAKEHOLDERS in sections and _PERSON_ROLE.search(text):
        # "Chris is the technical contact for the integration; he will run testing" is about Chris
        drop |= {REQUIREMENTS, PROMISES}
    if _WE_SIGN.search(text):
        drop.add(STAKEHOLDERS)  # "Vendor will sign the BAA" is our signature, not a decision-maker
    return drop


def _not_promised(sections: Sequence[str], text: str) -> set[str]:
    """Promise cues that promise nothing: their task, their profile, a target, a later quote."""
    drop: set[str] = set()
    if _QUOTE_OFFER.search(text):
        drop.add(PROMISES)  # "we can quote it as a follow-on" offers a price later, promises nothing now
    if _CUSTOMER_PROVIDES.search(text):
        drop.add(PROMISES)  # "the district must provide a client ID" is their task, not ours
    if _PROFILE.search(text) and not _FIRM_PROMISE.search(text):
        drop.add(PROMISES)  # "the district has 31 schools" is what they have, not what we sell
    if {GOAL, SUCCESS} & set(sections) and _only_a_quantity(text):
        drop.add(PROMISES)  # "roll rates down within 90 days" is a target, not something sold
    return drop


def extract(docs: Sequence[SourceDoc], config: Config) -> list[Candidate]:
    """Sentences classified into sections, and the stakeholders named in lists and tables."""
    from handoffs.draft.people import people

    found = [c for doc in docs for c in _classified(doc, config)]
    found += [c for doc in docs for c in action_items(doc)]
    return found + [c for doc in docs for c in people(doc, config.rules.decision_roles)]


_ACTION_COLUMN = re.compile(r"^(?:action|actions|task|tasks|to-?do|next\s+steps?|what)$", re.IGNORECASE)
_DUE_COLUMN = re.compile(r"^(?:due|due\s+date|deadline|by|when|date|target\s+date)$", re.IGNORECASE)


def action_items(doc: SourceDoc) -> Iterator[Candidate]:
    """The rows of an action-item table ("Owner | Action | Due"): each action is work that must
    happen for the implementation, and with a due date a key date too.  The quote is the action
    cell as written, cited at its row."""
    number = 0
    while number < len(doc.lines):
        if not _TABLE.match(doc.lines[number]):
            number += 1
            continue
        start = number
        while number < len(doc.lines) and _TABLE.match(doc.lines[number]):
            number += 1
        header = _cells(doc.lines[start])
        action_at = next((n for n, h in enumerate(header) if _ACTION_COLUMN.match(h)), None)
        if action_at is None or number - start < 3:
            continue
        due_at = next((n for n, h in enumerate(header) if _DUE_COLUMN.match(h)), None)
        for row in range(start + 2, number):
            cells = _cells(doc.lines[row])
            action = cells[action_at] if action_at < len(cells) else ""
            if len(action.split()) < 2:
                continue
            due = cells[due_at] if due_at is not None and due_at < len(cells) else ""
            sections = [REQUIREMENTS, KEY_DATES] if _DATE.search(due) else [REQUIREMENTS]
            for section in sections:
                yield Candidate(section, action, doc.name, row + 1, row + 1)


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _classified(doc: SourceDoc, config: Config) -> Iterator[Candidate]:
    """Each sentence's candidates; an ask refused on the next line is one declined ask.

    In a transcript or a Q&A the customer asks on one line and we answer on the next
    ("We'd also like text reminders." / "That's a separate product."): the exclusion
    is what was asked, quoted as said, with the refusal cited beside it.
    """
    previous: Sentence | None = None
    for sentence in sentences(doc):
        candidates = classify(sentence, config)
        ask = previous if previous is not None and previous.end_line + 1 == sentence.line else None
        if ask is not None and _answers_an_ask(ask.text, sentence.text):
            answer = Place(sentence.doc, sentence.line, sentence.end_line, sentence.text)
            candidates = [
                Candidate(EXCLUSIONS, ask.text, ask.doc, ask.line, ask.end_line, declined=True, also=(answer,))
                if c.section == EXCLUSIONS
                else c
                for c in candidates
            ]
        yield from candidates
        previous = sentence


def _answers_an_ask(ask: str, answer: str) -> bool:
    return bool(_ASK.search(ask) and not _DECLINED.search(ask) and _DECLINED.search(answer) and not _ASK.search(answer))
