"""Reporting service: provincial totals folded from the event log."""
