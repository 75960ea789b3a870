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

GOAL = "Customer goal"
STAKEHOLDERS = "Stakeholders"
SUCCESS = "Success criteria"
PROMISES = "Promised scope"
EXCLUSIONS = "Exclusions"
CUSTOM_TERMS = "Custom terms"
RISKS = "Open risks"
REQUIREMENTS = "Implementation requirements"
KEY_DATES = "Key dates"

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
class Candidate:
    """One drafted item: a verbatim quote, where it is, and why it was picked."""

    section: str
    quote: str
    doc: str
    line: int
    end_line: int
    vague: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()

    @property
    def citation(self) -> str:
        where = f"{self.line}" if self.end_line == self.line else f"{self.line}-{self.end_line}"
        return f"{self.doc}:{where}"


# --- locating quotes (shared with every backend's verification) -----------------------

MAX_SPAN = 6  # a quoted sentence may wrap over at most this many lines


def passage(lines: Sequence[str], line: int, end_line: int) -> str:
    """Lines ``line``..``end_line`` (1-based) as one text: line breaks read as spaces."""
    return " ".join(text.strip() for text in lines[line - 1 : end_line])


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
_ABBREVIATION = re.compile(
    r"(?:\b(?:e\.g|i\.e|etc|vs|approx|incl|no|mr|mrs|ms|dr|st|jr|inc|ltd|corp|co)|\b[A-Z])\.$", re.I
)


def sentences(doc: SourceDoc) -> Iterator[Sentence]:
    heading = ""  # the last Markdown heading
    label = ""  # the last "Label:" line; it covers the list or paragraph right after it
    block: list[tuple[int, str]] = []
    in_fence = False
    for number, raw in enumerate(doc.lines, start=1):
        context = f"{heading} / {label}" if label else heading
        if _FENCE.match(raw):
            in_fence = not in_fence
            yield from _split_block(doc.name, block, context)
            block = []
            continue
        if in_fence:
            continue
        heading_match = _HEADING.match(raw)
        label_match = _label(raw)
        if heading_match or label_match or not raw.strip() or _TABLE.match(raw) or _RULE.match(raw):
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
        if block and (_LIST.match(raw) or _FIELD.match(raw) or _FIELD.match(block[-1][1])):
            yield from _split_block(doc.name, block, context)
            block = []
        block.append((number, raw.strip()))
    yield from _split_block(doc.name, block, f"{heading} / {label}" if label else heading)


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
    for piece_start, piece_end in _pieces(text, begin):
        quote = text[piece_start:piece_end].strip()
        if len(quote.split()) < 3 or not re.search(r"[A-Za-z]", quote):
            continue
        offset = piece_start + (len(text[piece_start:piece_end]) - len(text[piece_start:piece_end].lstrip()))
        line = max(n for o, n in starts if o <= offset)
        end_line = max(n for o, n in starts if o < offset + len(quote))
        yield Sentence(doc, line, end_line, quote, heading)


def _pieces(text: str, begin: int) -> Iterator[tuple[int, int]]:
    start = begin
    for match in _SENTENCE_END.finditer(text, begin):
        if _ABBREVIATION.search(text[start : match.start() + 1].rstrip("\"')]")):
            continue
        yield start, match.start()
        start = match.end()
    yield start, len(text)


# --- classifying ---------------------------------------------------------------------------


def _cue(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


# Words in a heading (or a "Label:" line) that put every sentence under it in a section.
HEADING_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (EXCLUSIONS, _cue(r"out\s+of\s+scope", r"exclu", r"not\s+included", r"not\s+in\s+scope", r"boundar")),
    (RISKS, _cue(r"\brisks?\b", r"concern", r"blocker", r"watch[- ]outs?", r"red\s+flags?")),
    (SUCCESS, _cue(r"success", r"\bkpis?\b", r"metrics", r"acceptance\s+criteria")),
    (GOAL, _cue(r"\bgoals?\b", r"objectives?", r"\bwhy\b", r"business\s+case", r"pain\s+points?")),
    (STAKEHOLDERS, _cue(r"stakeholders?", r"attendees", r"participants", r"contacts", r"buying\s+committee")),
    (REQUIREMENTS, _cue(r"requirements?", r"technical", r"implementation", r"integrations?", r"prerequisites")),
    (
        CUSTOM_TERMS,
        _cue(
            r"commercial",
            r"pricing",
            r"payment",
            r"contract\s+(?:specifics|terms)",
            r"special\s+conditions",
            r"\bterms\b",
            r"agreements",
        ),
    ),
    (
        PROMISES,
        _cue(
            r"\bscope\b",
            r"deliverables?",
            r"included",
            r"what\s+(?:we|they|\w+)\s+(?:sold|offer\w*|promised|gets?|receives?|bought)",
            r"services",
            r"commitments?",
            r"subscription",
        ),
    ),
    (KEY_DATES, _cue(r"timeline", r"key\s+dates", r"milestones", r"schedule")),
)

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = _cue(
    r"\b\d{4}-\d{2}-\d{2}\b",
    rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b",
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\b",
    rf"\b{_MONTH}\s+\d{{4}}\b",
    r"\bq[1-4]\s*(?:fy)?\s*\d{2,4}\b",
    r"\b\d{1,2}/\d{1,2}/\d{2,4}\b",
    rf"\b(?:end|start|beginning|middle)\s+of\s+(?:q[1-4]\s+)?(?:\d{{4}}|{_MONTH})",
)

# Sentence-level cues, one pattern per section (a sentence may match several).
CUES: dict[str, re.Pattern[str]] = {
    EXCLUSIONS: _cue(
        r"\bout\s+of\s+scope\b",
        r"\bnot\s+(?:in\s+scope|included|part\s+of|covered|sold|offered|committed|provided|supported)\b",
        r"\bexclud\w*|\bexclusions?\b",
        r"\b(?:does|do|will|did|would|can)\s*(?:not|n't)\s+(?:include|cover|provide|deliver|build|support|migrate|offer|be\s+(?:included|provided|delivered|supported|responsible))\b",
        r"\b(?:won't|cannot|can't)\s+(?:include|cover|provide|deliver|build|support|migrate|offer|be\s+(?:included|provided|delivered|supported))\b",
        r"\bwe\s+(?:did\s+not|didn't|never)\s+(?:promise|commit|agree|sell|offer)\b",
        r"\b(?:billed|priced|quoted|sold)\s+separately\b|\bseparate\s+(?:sow|statement\s+of\s+work|order\s+form|contract|engagement)\b",
        r"\bat\s+(?:additional|extra)\s+(?:cost|charge)\b|\bchange\s+request\b",
        r"\b(?!we\b)\w+\s+(?:is|are|remains?|will\s+be)\s+(?:solely\s+)?responsible\s+for\b|\bcustomer'?s\s+responsibility\b",
        r"\b\w+'s\s+(?:it|team|staff|\w+\s+team)\s+(?:will|does|do)\s+(?:handle|own|do|manage|take\s+care)\b",
        r"^(?:[-*]\s*)?no\s+(?!\w+\s+(?:increase|uplift))\w+(?:\s+\w+){0,4}\s+(?:is|are|will\s+be|was|were)?\s*(?:included|provided|planned|offered|committed|promised)\b",
    ),
    PROMISES: _cue(
        r"\bwe(?:'ll|\s+will|\s+are\s+going\s+to|\s+can|\s+commit\s+to|\s+agreed\s+to|\s+promised|\s+offered|\s+include|\s+provide|\s+deliver)\b",
        r"\b(?:vendor|supplier|provider)\s+(?:will|shall)\b",
        r"\b(?:includes?|included|including)\b",
        r"\bpromis\w*|\bcommit(?:ted|ment)?\b|\bguarantee\w*",
        r"\b(?:will|shall)\s+(?:be\s+)?(?:provide|provided|deliver|delivered|set\s+up|configure|configured|build|built|migrate|migrated|train|trained|run|host|hosted|support|supported|given|available)\b",
        r"\b(?:told|assured|offered)\s+(?:them|the\s+customer|him|her)\b",
        r"\bthrow\s+in\b|\bon\s+us\b",
        r"\bcovers?\b",
        r"\b\d+\s+(?:[\w-]+\s+){0,2}(?:seats|licen[cs]es|users|sites|locations|schools|stores|workshops|sessions)\b",
    ),
    GOAL: _cue(
        r"\bgoals?\b|\bobjectives?\b|\bpriority\b",
        r"\b(?:want|wants|wanted|need|needs|looking|hoping|trying)\s+to\s+(?:cut|reduce|replace|improve|increase|get|move|consolidate|stop|speed|automate|eliminate|retire|scale|standardi[sz]e|give)\b",
        r"\bwhy\s+they\s+bought\b|\bbought\s+(?:us|this|it)\s+(?:to|because|for)\b|\bthe\s+reason\s+they\b",
        r"\bpain\s+point\b|\boutcome\b|\bbusiness\s+case\b",
        r"\bso\s+that\s+(?:their|the|they)\b",
        r"\b(?:want|wants|wanted)\s+(?:a|an|one|every|all|the|their)\b",
        r"\b(?:currently|today|on\s+paper|by\s+hand|manually)\b.*\b(?:lose|loses|losing|wait|waits|spend|spends|run|runs|get|gets)\b"
        r"|\b(?:lose|loses|losing|wait|waits|spend|spends|run|runs)\b.*\b(?:currently|on\s+paper|by\s+hand|manually|by\s+phone)\b",
    ),
    STAKEHOLDERS: _cue(
        r"\beconomic\s+buyer\b|\bdecision[- ]maker\b|\bexecutive\s+sponsor\b|\bchampion\b",
        r"\bsigner\b|\bsigns?\s+(?:off|the)\b|\bapprover\b",
        r"\btechnical\s+(?:lead|contact|owner|buyer)\b|\bproject\s+(?:lead|manager|owner)\b|\bprocurement\b|\blegal\s+(?:counsel|contact)\b",
        r"\b(?:ceo|cfo|cio|cto|coo|ciso|cmo|cro|vp|svp|evp|head\s+of|director\s+of)\b",
        r"\b(?:day-to-day|main|primary|key)\s+(?:admin|contact|owner|user)\b|\bproject\s+owner\b",
    ),
    SUCCESS: _cue(
        r"\bsuccess\b|\bkpis?\b|\bmeasured\s+(?:by|on|as)\b|\bacceptance\s+criteri\w*",
        r"\b(?:target|goal)\s+(?:is|of)\b.*\d",
        r"\d+(?:\.\d+)?\s*%.*\b(?:within|by|in|after)\s+(?:\d|the\s+first|q[1-4]|" + _MONTH + r")",
        r"\b(?:from|reduce|cut|increase|grow|raise|lower|improve)\w*\b.*\b(?:to|by)\s+(?:under\s+|below\s+|at\s+least\s+)?\d",
        r"\b(?:drop|fall|rise|reach|grow)\w*\s+(?:by|to|below|above)\b",
    ),
    RISKS: _cue(
        r"\brisks?\b|\brisky\b|\bconcern(?:s|ed)?\b|\bworr(?:y|ied|ies)\b|\bblock(?:er|ers|ed|ing)\b",
        r"\bdepend(?:s|ent|ency|encies)\s+on\b|\bdependency\b|\bnot\s+(?:yet|confirmed|signed)\b|\bunclear\b|\bunknown\b",
        r"\b(?:may|might|could)\s+(?:slip|delay|collide|block|churn|push|not\s+be)\b|\bdelay(?:ed|s)?\b|\bbudget\s+(?:freeze|cut)s?\b",
        r"\bcompetitor\b|\bskeptic\w*|\bsceptic\w*|\bpushback\b|\bresist\w*|\bunhappy\b|\bescalat\w*",
        r"\bfreeze\b|\bturnover\b|\bleaving\b|\bno\s+(?:owner|budget|sponsor)\b",
        r"\bunreliable\b|\bhard\s+to\b|\b(?:may|might|could)\s+(?:make|cause|affect|prevent|hurt|break|revisit|not\s+support)\b",
    ),
    REQUIREMENTS: _cue(
        r"\b(?:sso|saml|scim|okta|azure\s+ad|entra|ldap|vpn|firewall|allow[- ]?list|ip\s+whitelist)\b",
        r"\bsandbox\b|\bservice\s+account\b|\bapi\s+(?:access|keys?|credentials|endpoint)\b|\b(?:test|staging|production)\s+environment\b",
        r"\bintegrat\w*|\bconnector\b|\bdata\s+migration\b|\bmigrat\w*|\bimport\b|\bcsv\s+export\b|\bdata\s+feed\b",
        r"\brequire(?:s|d|ment|ments)?\b|\bprerequisite\w*|\bneed\s+(?:access|admin|credentials)\b",
        r"\bmust\s+(?:provide|supply|give|grant|share)\b|\bmust\s+be\s+(?:hosted|stored|encrypted|processed|shared)\b",
        r"\bbefore\s+(?:go[- ]live|we\s+can\s+start)\b",
    ),
}

# Headings that only set context (a risk list is not a list of promises, even if it says "will").
_EXCLUSIVE_HEADINGS = (EXCLUSIONS, RISKS)


def classify(sentence: Sentence, config: Config) -> list[Candidate]:
    """Every section ``sentence`` belongs in, as candidates quoting it verbatim."""
    text = sentence.text
    sections = [s for s, cue in CUES.items() if cue.search(text)]
    # The nearest context wins: a "Label:" line over the Markdown heading above it.
    contexts = reversed(sentence.heading.split(" / "))
    from_heading = next(
        (
            [s for s, cue in HEADING_CUES if cue.search(c)]
            for c in contexts
            if any(q.search(c) for _, q in HEADING_CUES)
        ),
        [],
    )
    if from_heading:
        home = from_heading[0]
        if home in _EXCLUSIVE_HEADINGS:
            # Under "Out of scope" a sentence saying "we will" is still an exclusion.
            sections = [s for s in sections if s not in (PROMISES, EXCLUSIONS, RISKS)]
        if home not in sections:
            sections.append(home)
    if EXCLUSIONS in sections:
        # "we will not build…" is a boundary, not a promise or a requirement
        sections = [s for s in sections if s not in (PROMISES, REQUIREMENTS)]
    if _DATE.search(text):
        sections.append(KEY_DATES)
    categories = config.term_detector.categories(text)
    if categories and EXCLUSIONS not in sections:
        # Mirrors `skip_sections` in custom-terms.yaml: a boundary is not a custom term.
        sections.append(CUSTOM_TERMS)
    vague = tuple(dict.fromkeys(m.group(0).lower() for m in config.vague_pattern.finditer(text)))
    return [
        Candidate(
            section=section,
            quote=text,
            doc=sentence.doc,
            line=sentence.line,
            end_line=sentence.end_line,
            vague=vague if section in (PROMISES, SUCCESS, CUSTOM_TERMS, GOAL) else (),
            categories=categories if section == CUSTOM_TERMS else (),
        )
        for section in dict.fromkeys(sections)
    ]


def extract(docs: Sequence[SourceDoc], config: Config) -> list[Candidate]:
    return [c for doc in docs for sentence in sentences(doc) for c in classify(sentence, config)]
