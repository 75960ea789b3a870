"""Handoffs: sales handoffs as code."""

# The release. Bump it with a CHANGELOG.md entry; the wheel, `handoff --version` and the
# setup action's `version` output all read it from here.
__version__ = "0.2.0"
