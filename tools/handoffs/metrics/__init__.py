"""Measurement: the event log, one pass over git history, and the metrics computed from it."""
