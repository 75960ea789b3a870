"""``handoff draft``: a cited handoff draft from a CRM deal export and source documents.

The tool prepares, people approve: every drafted item is a source sentence quoted
as written with ``(source: FILE:LINE)``, and gaps stay visible placeholders.
"""

# Kept here, not in backends.py, so building the CLI parser never imports urllib.
BACKENDS = ("builtin", "openai-compatible", "openai")
