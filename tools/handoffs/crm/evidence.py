"""Write what the CRM says about a deal as evidence files the draft cites by file and line.

One folder per handoff, ``evidence/<customer>/<date>-<type>/``: ``deal.md`` (the deal's facts
and the custom fields a team maps in ``schema/crm.yaml``), ``notes.md`` (the deal's notes,
oldest first) and ``quote.md`` (the latest quote's line items).  Fields marked sensitive
are never written, whatever else names them.  Files are created, never overwritten.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from handoffs.crm.mapping import CrmMapping
from handoffs.crm.records import DealRecord, Details, Quote, iso_utc
from handoffs.errors import HandoffError

EVIDENCE_DIR = "evidence"


@dataclass(frozen=True)
class EvidenceFiles:
    folder: Path
    deal: Path
    documents: tuple[Path, ...]  # every file written, deal.md first: the draft's sources

    def remove(self) -> None:
        """Undo a draft that could not become a pull request (no half-made evidence stays behind)."""
        for path in self.documents:
            path.unlink(missing_ok=True)
        if self.folder.is_dir() and not any(self.folder.iterdir()):
            self.folder.rmdir()


def write_evidence(folder: Path, record: DealRecord, details: Details, mapping: CrmMapping) -> EvidenceFiles:
    if folder.exists() and any(folder.iterdir()):
        raise HandoffError(f"{folder}: evidence for this handoff already exists; nothing was overwritten")
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    try:
        written.append(_create(folder / "deal.md", deal_text(record, mapping)))
        if details.notes and mapping.spec.evidence.notes:
            written.append(_create(folder / "notes.md", notes_text(record, details)))
        if details.quote is not None and details.quote.items and mapping.spec.evidence.line_items:
            written.append(_create(folder / "quote.md", quote_text(details.quote)))
    except BaseException:
        EvidenceFiles(folder, folder / "deal.md", tuple(written)).remove()
        raise
    return EvidenceFiles(folder, written[0], tuple(written))


def _create(path: Path, text: str) -> Path:
    with path.open("x", encoding="utf-8") as handle:
        handle.write(text)
    return path


def deal_text(record: DealRecord, mapping: CrmMapping) -> str:
    deal = record.deal
    what = "Opportunity" if deal.system == "salesforce" else "Deal"
    lines = [
        f"# {what} {deal.id}: {deal.name or '(unnamed)'}",
        "",
        f"Read from {deal.system} by `handoff crm sync`. Do not edit: this is the record as the CRM had it.",
        "",
        f"- Customer: {deal.customer or '(not named in the CRM)'}",
        f"- Stage: {deal.stage or '(none)'}",
    ]
    if record.stage_changed_at:
        lines.append(f"- Stage changed: {iso_utc(record.stage_changed_at)}")
    if deal.close_date:
        lines.append(f"- Close date: {deal.close_date.isoformat()}")
    if deal.owner:
        lines.append(f"- Deal owner: {deal.owner}")
    if deal.url:
        lines.append(f"- Link: {deal.url}")
    for contact in deal.contacts:
        parts = [p for p in (contact.title, contact.role) if p]
        lines.append(f"- Contact: {contact.name}" + (f" ({', '.join(parts)})" if parts else ""))
    for name, label in mapping.evidence_fields().items():
        value = (record.fields.get(name) or "").strip()
        if value:
            lines += ["", f"## {label}", "", *_plain(value)]
    return "\n".join(lines) + "\n"


def notes_text(record: DealRecord, details: Details) -> str:
    lines = [f"# Notes on {record.deal.name or record.deal.id}", ""]
    for note in details.notes:
        heading = note.title or "Note"
        lines += [f"## {heading} ({note.created})" if note.created else f"## {heading}", "", *_plain(note.body), ""]
    return "\n".join(lines).rstrip() + "\n"


def quote_text(quote: Quote) -> str:
    lines = [f"# Quote: {quote.name}" + (f" ({quote.created})" if quote.created else ""), "", "Line items:", ""]
    for item in quote.items:
        facts = [
            f"quantity {item.quantity}" if item.quantity else "",
            f"unit price {item.unit_price}" if item.unit_price else "",
            f"total {item.total}" if item.total else "",
        ]
        described = f"; {' '.join(_plain(item.description))}" if item.description else ""
        lines.append(f"- {item.name}: {', '.join(f for f in facts if f)}{described}")
    return "\n".join(lines) + "\n"


def _plain(text: str) -> Sequence[str]:
    """CRM text as Markdown lines: no raw headings or HTML that would change the document's shape."""
    lines = []
    for line in text.replace("\r\n", "\n").split("\n"):
        stripped = line.rstrip()
        if stripped.lstrip().startswith("#"):
            stripped = "\\" + stripped.lstrip()
        lines.append(stripped.replace("<", "&lt;"))
    while lines and not lines[-1]:
        lines.pop()
    return lines or [""]
