"""The labelled custom-term sentences in this folder: `labels | sentence`, `-` for none."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class LabelledSentence:
    where: str  # file:line
    labels: frozenset[str]
    text: str


def read_labelled(path: Path, categories: Sequence[str]) -> list[LabelledSentence]:
    """Every case in ``path``; a label that is not a category is a mistake in the set, not a miss."""
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        labels_text, sep, text = line.partition(" | ")
        where = f"{path.name}:{number}"
        if not sep or not text.strip():
            raise ValueError(f"{where}: expected `labels | sentence`")
        labels = frozenset(x.strip() for x in labels_text.split(",")) - {"-"}
        unknown = labels - set(categories)
        if unknown:
            raise ValueError(f"{where}: unknown categories {sorted(unknown)}")
        cases.append(LabelledSentence(where, labels, text.strip()))
    return cases
