"""The pure core of reporting: the projection of the log, the report, the task views."""

# shared.domain.programme and .lifecycle import each other: the latter first
import shared.domain.lifecycle  # noqa: F401
