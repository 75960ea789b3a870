"""``--format json``: a documented, versioned document (see README, "JSON output")."""

from __future__ import annotations

from typing import TextIO

from handoffs.findings import CheckResult, OpenItem, Severity

FORMAT_VERSION = 1


def as_dict(result: CheckResult) -> dict[str, object]:
    counts = result.counts()
    return {
        "version": FORMAT_VERSION,
        "summary": {
            "files": len(result.files),
            "failing_files": sum(1 for r in result.files if r.has_errors),
            "errors": counts[Severity.ERROR],
            "warnings": counts[Severity.WARNING],
            "flags": counts[Severity.FLAG],
        },
        "files": [{"path": r.path, "id": r.handoff_id, "ok": not r.has_errors} for r in result.files],
        "findings": [f.to_dict() for f in result.findings],
        "open_items": [
            {
                "path": i.path,
                "line": i.line,
                "owner": i.owner,
                "due": i.due,
                "text": i.text,
                "section": i.section,
                "overdue": i.overdue,
            }
            for i in result.open_items()
        ],
    }


def _open_item(item: OpenItem) -> dict[str, object]:
    return {
        "path": item.path,
        "line": item.line,
        "owner": item.owner,
        "due": item.due,
        "text": item.text,
        "section": item.section,
        "overdue": item.overdue,
    }


def render(result: CheckResult, out: TextIO) -> None:
    import json  # here, not at the top: the default text report (pre-commit's) never pays for it

    json.dump(as_dict(result), out, indent=2, ensure_ascii=False)
    out.write("\n")
