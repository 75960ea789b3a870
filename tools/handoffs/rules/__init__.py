"""The rules: each module checks one concern of a loaded handoff and reports findings."""
