"""Benchmark: the custom-term detector's precision and recall per category.

Run: `.venv/bin/python bench/terms_bench.py [--set dev|heldout|both] [--show-errors dev|heldout|all] [--root DIR]`.

Scores `Config.term_detector` (the detector `handoff check` and `handoff draft` use)
on the labelled sentences in tests/terms/: `dev.txt`, which the patterns in
schema/custom-terms.yaml are tuned on, and `heldout.txt`, written before any tuning
and never tuned on.  The two are reported apart.  Targets (issue 12): recall >= 0.95
and precision >= 0.9.  `--show-errors heldout` is for reading the report, not for tuning.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from tests.terms.labelled import LabelledSentence, read_labelled  # noqa: E402

from handoffs.config import load_config  # noqa: E402 - after the path is set

SETS = {"dev": "dev.txt", "heldout": "heldout.txt"}
RECALL_TARGET, PRECISION_TARGET = 0.95, 0.9


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def score(
    cases: Sequence[LabelledSentence], detect: Callable[[str], tuple[str, ...]], names: Sequence[str]
) -> tuple[dict[str, Tally], list[str]]:
    tallies = {name: Tally() for name in names}
    errors = []
    for case in cases:
        found = set(detect(case.text))
        for name in names:
            tally = tallies[name]
            if name in case.labels and name in found:
                tally.tp += 1
            elif name in found:
                tally.fp += 1
            elif name in case.labels:
                tally.fn += 1
        if found != case.labels:
            missed, extra = sorted(case.labels - found), sorted(found - case.labels)
            errors.append(f"  {case.where}: missed {missed or '-'}, extra {extra or '-'}: {case.text}")
    return tallies, errors


def report(title: str, cases: Sequence[LabelledSentence], tallies: dict[str, Tally]) -> None:
    positives = sum(1 for c in cases if c.labels)
    print(f"{title}: {len(cases)} sentences ({positives} with a term, {len(cases) - positives} without)")
    print(f"  {'category':<15} {'support':>7} {'precision':>9} {'recall':>7}")
    for name, tally in tallies.items():
        support = tally.tp + tally.fn
        print(f"  {name:<15} {support:>7} {tally.precision:>9.3f} {tally.recall:>7.3f}")
    total = Tally(*(sum(getattr(t, f) for t in tallies.values()) for f in ("tp", "fp", "fn")))
    met = total.recall >= RECALL_TARGET and total.precision >= PRECISION_TARGET
    print(
        f"  {'all (micro)':<15} {total.tp + total.fn:>7} {total.precision:>9.3f} {total.recall:>7.3f}"
        f"   targets: recall >= {RECALL_TARGET}, precision >= {PRECISION_TARGET}: {'MET' if met else 'NOT MET'}"
    )
    clean = sum(1 for c in cases if not c.labels)
    false_alarms = sum(t.fp for t in tallies.values())
    print(f"  sentences without a term: {clean}; categories flagged on any sentence wrongly: {false_alarms}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=PROJECT, help="repository whose schema/ to score")
    parser.add_argument("--show-errors", choices=["dev", "heldout", "all"], help="list every wrong sentence")
    parser.add_argument("--set", choices=["dev", "heldout", "both"], default="both", help="which set to score")
    args = parser.parse_args()
    config = load_config(args.root)
    detector = config.term_detector
    names = [c.name for c in config.named_categories]
    for key, file in SETS.items():
        if args.set not in (key, "both"):
            continue
        cases = read_labelled(PROJECT / "tests" / "terms" / file, names)
        start = time.process_time()
        tallies, errors = score(cases, detector.categories, names)
        elapsed = time.process_time() - start
        title = "DEV (tuned on)" if key == "dev" else "HELD-OUT (never tuned on)"
        report(title, cases, tallies)
        print(f"  detector CPU time: {elapsed * 1e6 / len(cases):.0f} µs per sentence\n")
        if args.show_errors in (key, "all") and errors:
            print("\n".join(errors), end="\n\n")


if __name__ == "__main__":
    main()
