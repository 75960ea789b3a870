"""Handoff text carrying every XSS trick we know: each payload sets ``window.__xss`` if it runs."""

from __future__ import annotations

from tests.factories import BODY, FRONT_MATTER, handoff_text

XSS_ID = "evil-corp/2026-11-23-implementation"

# Each payload would set window.__xss if it ever ran (the browser test checks that too).
PAYLOADS = (
    "<script>window.__xss=1</script>",
    '<img src="x" onerror="window.__xss=1">',
    '<svg onload="window.__xss=1"><circle r="1"/></svg>',
    '<iframe src="javascript:window.__xss=1"></iframe>',
    '<object data="data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg=="></object>',
    '<embed src="javascript:window.__xss=1">',
    "<style>body{background:url(javascript:window.__xss=1)}</style>",
    '<div style="width:expression(window.__xss=1)">styled</div>',
    '<a href="jAvAsCrIpT:window.__xss=1">mixed-case link</a>',
    "[markdown link](javascript:window.__xss=1)",
    "[data link](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==)",
    "![image](javascript:window.__xss=1)",
    "<javascript:window.__xss=1>",
    '<details open ontoggle="window.__xss=1">details</details>',
    '<math><mtext><table><mglyph><style><img src=x onerror="window.__xss=1"></style></mglyph></table></mtext></math>',
    '<form action="javascript:window.__xss=1"><button>go</button></form>',
    '<a href="#" onclick="window.__xss=1">click me</a>',
    '<meta http-equiv="refresh" content="0;url=javascript:window.__xss=1">',
)
ATTR_LIST = '{ onclick="window.__xss=1" onmouseover="window.__xss=1" style="x" }'


def evil_text() -> str:
    front = (
        FRONT_MATTER.replace(
            '"Northwind Health: EHR integration and go-live"', '"<script>window.__xss=1</script> Evil title"'
        )
        .replace('"Northwind Health"', '"Evil <img src=x onerror=window.__xss=1> Corp"')
        .replace('"Technical kickoff and integration plan signed off"', '"<svg onload=window.__xss=1> kickoff"')
    )
    payload_items = "\n".join(f"- {p} (source: {p})" for p in PAYLOADS)
    body = (
        BODY.replace(
            "the EHR workflow, so that patients leave with one consistent summary.\n",
            "the EHR workflow, so that patients leave with one consistent summary.\n"
            + "\n".join(PAYLOADS)
            + f"\n\nA paragraph with attributes.\n{ATTR_LIST}\n",
        )
        .replace("(source: order form §2.1)", f"(source: order form §2.1) {ATTR_LIST}")
        .replace("## Custom terms\n", f"## Custom terms\n\n{payload_items}\n")
        .replace(
            "## Evidence\n",
            '## <img src=x onerror=window.__xss=1> Extra {: onclick="window.__xss=1" }\n\n'
            + "\n\n".join(PAYLOADS)
            + "\n\n## Evidence\n",
        )
        .replace("| Maria Lopez |", '| <b onmouseover="window.__xss=1">Maria</b> |')
    )
    return handoff_text(front, body)
