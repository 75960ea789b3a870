"""Pull-request decisions as pure functions: who must approve, is it approved, the brief, the labels.

The commands in ``handoffs.commands`` fetch data (git, the GitHub API) and hand
it here; nothing in this package talks to the network or to git.
"""
