"""Content that must not travel: live markup, script links, secrets and card numbers."""

from __future__ import annotations

import re
from functools import lru_cache

from handoffs.document.handoff import Handoff
from handoffs.document.markup import is_html_markup
from handoffs.findings import FindingSink
from handoffs.matching import Pattern, any_of
from handoffs.rules.context import RuleContext

_SCRIPT_LINK = re.compile(r"(?:javascript|vbscript)\s*:|data\s*:\s*[a-z]+/[a-z0-9.+-]+", re.IGNORECASE)
_EVENT_ATTRIBUTE = re.compile(r"\{[^{}\n]*\bon[a-z]+\s*=", re.IGNORECASE)
# One scan of the document finds the lines either pattern can match.
_SCRIPT_OR_EVENT = any_of((_SCRIPT_LINK.pattern, _EVENT_ATTRIBUTE.pattern))
_FIRST_TAG = re.compile(r"<[^<>]*>")


def check_safety(doc: Handoff, ctx: RuleContext, sink: FindingSink) -> None:
    # Nearly no document has a script link, an event attribute or a secret: one scan for
    # all of them says so, where each would otherwise read the whole document.
    unsafe = doc.matches_anywhere(_script_event_or_secret(ctx.config.any_secret_pattern.pattern), original=True)
    _check_markup(doc, sink, links=unsafe)
    if unsafe:
        _check_secrets(doc, ctx, sink)


@lru_cache(maxsize=4)  # compiled once per configuration's secret patterns, not per document
def _script_event_or_secret(secrets: str) -> Pattern:
    return any_of((_SCRIPT_OR_EVENT.pattern, secrets))


def _check_markup(doc: Handoff, sink: FindingSink, *, links: bool) -> None:
    """Raw HTML blocks, then script links and event attributes (``links``: the document may have some)."""
    reported: set[int] = set()
    for html in doc.body.html:
        # An HTML block holds a whole run of markup (`<script>…</script>`); its first
        # tag tells markup from a `<placeholder>` on a line of its own.
        first = _FIRST_TAG.search(html.html)
        if first and is_html_markup(first.group(0)) and html.line not in reported:
            reported.add(html.line)
            sink.add(
                "HO504",
                html.line,
                f"raw HTML `{_short(html.html)}` is not published; write it as Markdown",
            )
    for number in doc.lines_matching(_SCRIPT_OR_EVENT, original=True) if links else ():
        if number < doc.body_line or number in doc.body.code_lines or number in reported:
            continue
        line = doc.source.lines[number - 1]
        for pattern, what in (
            (_SCRIPT_LINK, "a script or data: link"),
            (_EVENT_ATTRIBUTE, "an event-handler attribute"),
        ):
            match = pattern.search(line)
            if match:
                sink.add(
                    "HO504",
                    number,
                    f"{what} (`{_short(match.group(0))}`) is removed from the site; use a plain https link",
                    column=match.start() + 1,
                )
                break


def _check_secrets(doc: Handoff, ctx: RuleContext, sink: FindingSink) -> None:
    for number in doc.lines_matching(ctx.config.any_secret_pattern, original=True):
        line = doc.source.lines[number - 1]
        for spec, pattern in ctx.config.secret_patterns:
            match = pattern.search(line)
            if match and (not spec.luhn or _luhn_valid(match.group(0))):
                sink.add(
                    "HO505",
                    number,
                    f"this looks like {spec.name}; never put secrets or payment data in a handoff — "
                    "remove it and rotate it if it was real",
                    column=match.start() + 1,
                )


def _luhn_valid(candidate: str) -> bool:
    digits = [int(c) for c in candidate if c.isdigit()]
    if not 13 <= len(digits) <= 19:
        return False
    total = 0
    for index, digit in enumerate(reversed(digits)):
        doubled = digit * 2 - 9 if digit > 4 else digit * 2
        total += doubled if index % 2 else digit
    return total % 10 == 0


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
