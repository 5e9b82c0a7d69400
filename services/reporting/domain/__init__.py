"""The pure core of reporting: the projection of the log, the report, the task views."""

# shared.programme and shared.lifecycle import each other; importing the latter first works
import shared.lifecycle  # noqa: F401
