"""Precision and recall of the built-in draft extractor over the labelled set.

    .venv/bin/python bench/draft_eval.py [CORPUS_DIR]

Each case under tests/corpus/draft/ holds a CRM export, source documents and an
``expected.yaml`` listing, per section, the sentences a careful person would
extract (by file and line).  A drafted item matches a label when it is in the same
section, starts on the same line of the same file and contains the label's first
words.  Held-out cases (``held_out: true``) were written after the cues were tuned;
their figures are printed separately because they are the honest ones.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from handoffs.config import load_config
from handoffs.draft.backends import BuiltinExtractor, verify
from handoffs.draft.crm import read_crm
from handoffs.draft.extract import SECTIONS, Candidate, SourceDoc

PROJECT = Path(__file__).resolve().parent.parent
CORPUS = PROJECT / "tests" / "corpus" / "draft"
TARGETS = {"Promised scope": 0.9, "Exclusions": 0.9, "Custom terms": 0.9}


@dataclass
class Tally:
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    misses: list[str] = field(default_factory=list)

    def precision(self) -> float:
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else 1.0

    def recall(self) -> float:
        wanted = self.true_positive + self.false_negative
        return self.true_positive / wanted if wanted else 1.0


def _squash(text: str) -> str:
    return " ".join(text.split()).casefold()


def evaluate(case: Path, tallies: dict[str, Tally]) -> None:
    expected = yaml.safe_load((case / "expected.yaml").read_text(encoding="utf-8"))
    read_crm(case / expected["crm"])  # the export must read cleanly too
    docs = [SourceDoc.read(case / name, name) for name in expected["notes"]]
    items = verify(BuiltinExtractor().extract(docs, load_config(PROJECT)), docs).items
    for section in SECTIONS:
        tally = tallies.setdefault(section, Tally())
        predicted: list[Candidate] = [i for i in items if i.section == section]
        labels = expected["sections"].get(section) or []
        matched: set[int] = set()
        for label in labels:
            name, line = label["at"].rsplit(":", 1)
            hit = next(
                (
                    n
                    for n, item in enumerate(predicted)
                    if n not in matched
                    and item.doc == name
                    and item.line == int(line)
                    and _squash(label["starts"]) in _squash(item.quote)
                ),
                None,
            )
            if hit is None:
                tally.false_negative += 1
                tally.misses.append(f"{case.name}/{label['at']} {label['starts']!r}")
            else:
                matched.add(hit)
                tally.true_positive += 1
        tally.false_positive += len(predicted) - len(matched)


def report(title: str, tallies: dict[str, Tally], verbose: bool) -> None:
    print(title)
    print(f"  {'section':<28} {'precision':>9} {'recall':>7} {'tp':>4} {'fp':>4} {'fn':>4}")
    total = Tally()
    for section in SECTIONS:
        t = tallies[section]
        target = TARGETS.get(section)
        note = f"  (target recall >= {target})" if target else ""
        print(
            f"  {section:<28} {t.precision():>9.2f} {t.recall():>7.2f} "
            f"{t.true_positive:>4} {t.false_positive:>4} {t.false_negative:>4}{note}"
        )
        total.true_positive += t.true_positive
        total.false_positive += t.false_positive
        total.false_negative += t.false_negative
    print(f"  {'all sections':<28} {total.precision():>9.2f} {total.recall():>7.2f}")
    if verbose:
        for section in SECTIONS:
            for miss in tallies[section].misses:
                print(f"    missed in {section}: {miss}")
    print()


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    paths = [a for a in argv if a != "-v"]
    corpus = Path(paths[0]) if paths else CORPUS
    groups: dict[bool, dict[str, Tally]] = {False: {}, True: {}}
    counts = {False: 0, True: 0}
    for case in sorted(p for p in corpus.iterdir() if (p / "expected.yaml").is_file()):
        held_out = bool(yaml.safe_load((case / "expected.yaml").read_text(encoding="utf-8")).get("held_out"))
        evaluate(case, groups[held_out])
        counts[held_out] += 1
    report(f"tuning set ({counts[False]} cases)", groups[False], verbose)
    if counts[True]:
        report(f"held-out set ({counts[True]} cases, written after tuning)", groups[True], verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
