"""The pure core of the reporting service: the projection and the report (no I/O)."""

from .projection import EMPTY, apply_batch, apply_facts, evolve, fold, gather
from .report import build_report, tasks_in_scope
from .report_models import Report
from .state import ProjectionState, TaskFacts
from .task_view import TaskView, task_view

__all__ = [
    "EMPTY",
    "ProjectionState",
    "Report",
    "TaskFacts",
    "TaskView",
    "apply_batch",
    "apply_facts",
    "build_report",
    "evolve",
    "fold",
    "gather",
    "task_view",
    "tasks_in_scope",
]
