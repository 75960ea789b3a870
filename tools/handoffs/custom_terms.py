"""The custom-term detector: which categories a sentence needs a reviewer for.

Every consumer asks this one module (through ``Config.term_detector``): ``handoff
check`` (rule HO600/HO304), the site, the PR approval and ``handoff draft``.  Its
language is data in ``schema/custom-terms.yaml``; this module only decides how the
parts combine:

1. Each category's patterns find its terms ("capped at 2x fees", "data stays in the EU").
   A match overlapping one of the category's ``ignore`` phrases ("discount code") is dropped.
2. A match is *not custom* when a cue says so (``not_custom``): a negation or refusal
   at most ``before_window`` words before it in the same clause ("No discount given",
   "we can't do MFN"), or a refusal or standard marker at most ``after_window`` words
   after it in the same sentence ("net 30 (std)", "…; we declined"), with no other
   other category's term in between.  A cue inside a ``contrast`` phrase ("instead of our standard",
   "non-standard") does not count.  A cue that is part of the match itself does not
   count either: that is how "no auto-renewal" and "must never leave Canada" stay terms.
3. A category is flagged when at least one of its matches is custom; with
   ``flag_anyway`` (globally or per category) a match that is not custom is flagged too,
   carrying the reason.

Everything is RE2 (linear time, whatever a team writes) plus a constant amount of work
per match, so a line costs time in proportion to its length.

API (stable; ``handoff draft`` relies on it)::

    detector = config.term_detector
    detector.detect(text)      -> tuple[Detection, ...]   # flagged categories, one each
    detector.categories(text)  -> tuple[str, ...]         # their names, in schema order
    detector.explain(text)     -> tuple[Detection, ...]   # every category that matched, flagged or not
    detector.prefilter         -> Pattern                 # any term word at all (cheap first scan)
    detector.is_nothing_custom(text) -> bool              # "None.", "Standard terms apply."
    detector.unmatched         -> Category                # the `other` fallback for unrecognised items

Offsets in a ``Detection`` are character offsets in ``for_matching(text)``, which for
ASCII text are the offsets in ``text`` itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from handoffs.document.source import for_matching
from handoffs.matching import Match, Pattern, PatternSet, any_of

if TYPE_CHECKING:
    from handoffs.config import Category, Config

# Where a clause ends for a cue before a term ("No discount, but the price is locked").
_CLAUSE_END = frozenset(".;!?")
# Where a sentence ends for a cue after a term ("MFN requested; we declined" reaches across `;`).
_SENTENCE_END = frozenset(".!?")


@dataclass(frozen=True, slots=True)
class Detection:
    """One category found in a sentence."""

    category: Category
    start: int  # in for_matching(text)
    end: int
    text: str  # the matched words, in matching form
    not_custom: str | None = None  # why it is not custom ("negated by `no`"); None when it is

    @property
    def is_custom(self) -> bool:
        return self.not_custom is None

    @property
    def flagged(self) -> bool:
        """Custom, or not custom in a category that flags such terms anyway."""
        return self.not_custom is None or self.category.flag_not_custom


@dataclass(frozen=True, slots=True)
class _Span:
    start: int
    end: int
    text: str


class TermDetector:
    """Custom-term categories of a sentence, as ``schema/custom-terms.yaml`` defines them."""

    def __init__(self, config: Config) -> None:
        spec = config.terms.not_custom
        self._categories = config.named_categories
        self.unmatched = config.unmatched_category
        self.prefilter: Pattern = config.any_term_pattern
        self._before = any_of(spec.before)
        self._after = any_of(spec.after)
        self._contrast = any_of(spec.contrast)
        self._any_cue = any_of([*spec.before, *spec.after])  # most term lines have none: one search says so
        self._before_window = spec.before_window
        self._after_window = spec.after_window
        self._nothing_custom = any_of(config.terms.unmatched.nothing_custom)
        # One Set pass over a line says which categories' words occur (index = category),
        # whether any not-custom cue does, and which categories' ignore phrases do: most lines
        # need no search for cues or ignored phrases at all.
        patterns = [category.pattern.pattern for category in self._categories]
        self._cue_index = len(patterns)
        patterns.append(self._any_cue.pattern)
        self._ignore_index: dict[int, int] = {}
        for index, category in enumerate(self._categories):
            if category.ignore is not None:
                self._ignore_index[index] = len(patterns)
                patterns.append(category.ignore.pattern)
        self._set = PatternSet(patterns)

    def detect(self, text: str) -> tuple[Detection, ...]:
        """The categories ``text`` must be reviewed for, one detection each, in schema order."""
        return tuple(d for d in self.explain(text) if d.flagged)

    def categories(self, text: str) -> tuple[str, ...]:
        return tuple(d.category.name for d in self.detect(text))

    def explain(self, text: str) -> tuple[Detection, ...]:
        """Every category whose words occur in ``text``: its first custom match, else why none is."""
        line = for_matching(text)
        seen = self._set.which(line)
        if seen:
            candidates = [index for index in seen if index < self._cue_index]
            if not candidates:
                return ()
            has_cue = self._cue_index in seen
            ignores = {index for index, ignore in self._ignore_index.items() if ignore in seen}
        else:
            # Nothing, or RE2's Set ran out of DFA memory: the prefilter (which falls back to
            # the NFA rather than fail) decides, and if it sees a term every category is asked.
            if self.prefilter.search(line) is None:
                return ()
            candidates = list(range(len(self._categories)))
            has_cue = self._any_cue.search(line) is not None
            ignores = set(self._ignore_index)
        if not has_cue:
            return self._uncued(candidates, line, ignores)
        found = [(self._categories[index], self._matches(index, line, ignores)) for index in candidates]
        found = [(category, matches) for category, matches in found if matches]
        if not found:
            return ()
        cues = _Cues(line, self)
        detections = []
        for category, matches in found:
            others = [m.start() for other, ms in found if other is not category for m in ms]
            verdicts = [(m, cues.not_custom(m, others)) for m in matches]
            match, why = next(((m, w) for m, w in verdicts if w is None), verdicts[0])
            detections.append(Detection(category, match.start(), match.end(), str(match.group(0)), why))
        return tuple(detections)

    def _uncued(self, candidates: list[int], line: str, ignores: set[int]) -> tuple[Detection, ...]:
        """``explain`` for a line without any not-custom cue (most term lines).

        Every match is then custom, so a category's detection is its first match: one
        search finds it, where collecting every match would search on to the line's end.
        Only a category whose ignore phrases occur needs all its matches, to drop those.
        """
        detections = []
        for index in candidates:
            category = self._categories[index]
            if index in ignores:
                matches = self._matches(index, line, ignores)
                match = matches[0] if matches else None
            else:
                match = category.pattern.search(line)
            if match is not None:
                detections.append(Detection(category, match.start(), match.end(), str(match.group(0))))
        return tuple(detections)

    def is_nothing_custom(self, text: str) -> bool:
        """``text`` says there is nothing custom ("None.", "Standard terms apply.")."""
        return self._nothing_custom.search(for_matching(text)) is not None

    def _matches(self, index: int, line: str, ignores: set[int]) -> list[Match]:
        """The matches of category ``index``; those overlapping its ignore phrases (if ``index in ignores``) dropped."""
        category = self._categories[index]
        matches = list(category.pattern.finditer(line))
        if matches and category.ignore is not None and index in ignores:
            ignored = [_span(m) for m in category.ignore.finditer(line)]
            matches = [m for m in matches if not any(_overlaps(m, s) for s in ignored)]
        return matches


class _Cues:
    """The not-custom cues of one line, found once and asked about each match."""

    __slots__ = ("_after", "_after_window", "_before", "_before_window", "_line")

    def __init__(self, line: str, detector: TermDetector) -> None:
        contrast = [_span(m) for m in detector._contrast.finditer(line)]
        self._line = line
        self._before = _outside(detector._before.finditer(line), contrast)
        self._after = _outside(detector._after.finditer(line), contrast)
        self._before_window = detector._before_window
        self._after_window = detector._after_window

    def not_custom(self, match: Match, other_terms: list[int]) -> str | None:
        """Why ``match`` is not custom, or None; ``other_terms`` are where other categories' matches start."""
        start, end = match.start(), match.end()
        for cue in self._before:
            if cue.end <= start and self._within(cue.end, start, self._before_window, _CLAUSE_END):
                return f"negated by `{cue.text}`"
        for cue in self._after:
            if (
                cue.start >= end
                and self._within(end, cue.start, self._after_window, _SENTENCE_END)
                and not any(end <= s < cue.start for s in other_terms)  # else it is about a later term
            ):
                return f"marked `{cue.text}`"
        return None

    def _within(self, start: int, end: int, words: int, stops: frozenset[str]) -> bool:
        gap = self._line[start:end]
        return not _ends_in(gap, stops) and len(gap.split()) <= words


def _ends_in(gap: str, stops: frozenset[str]) -> bool:
    """A stop followed by a space ends a clause; one inside a word ("a.m", "sam.gov", "2.5") does not."""
    last = len(gap) - 1
    return any(c in stops and (i == last or gap[i + 1].isspace()) for i, c in enumerate(gap))


def _span(match: Match) -> _Span:
    return _Span(match.start(), match.end(), str(match.group(0)))


def _overlaps(match: Match, span: _Span) -> bool:
    return span.start < match.end() and match.start() < span.end


def _outside(matches: Iterable[Match], contrast: list[_Span]) -> list[_Span]:
    spans = [_span(m) for m in matches]
    return [s for s in spans if not any(c.start < s.end and s.start < c.end for c in contrast)]
