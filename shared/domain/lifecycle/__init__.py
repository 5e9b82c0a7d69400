"""A task's lifecycle, defined once and used by every service:

- ``state``: ``TaskState``, ``evolve`` (one more event), ``order`` and ``fold`` (by
  ``taskversion``);
- ``progress``: progress reports merged in any order, and what "on time" means;
- ``commands``: what people ask of a task;
- ``rules``: who may do what with a task (``refusal``, ``allowed``) and read it (``may_read``);
- ``registration``: who may register, and what a registration may say;
- ``decide``: a command and a small read model (``Situation``) -> the event, or a refusal.
"""

from .commands import (
    Amend,
    Approve,
    Command,
    Decision,
    Evaluate,
    LogProgress,
    Register,
    Registration,
    Reject,
    Return,
    SelfAssess,
    Withdraw,
)
from .decide import Situation, decide, refused_batch
from .progress import Completion, Progress, Reading, Report, merge, on_time
from .registration import FIRST_YEAR, Holdings, YearAction, in_range, last_year, year_allowed
from .rules import Action, allowed, committee_of, in_scope, may_read, reading_scope
from .state import (
    EDITABLE,
    LIVE,
    STAGES,
    Assessment,
    Place,
    TaskState,
    TaskStatus,
    Verdict,
    evolve,
    fold,
    order,
)

__all__ = [
    "EDITABLE",
    "FIRST_YEAR",
    "LIVE",
    "STAGES",
    "Action",
    "Amend",
    "Approve",
    "Assessment",
    "Command",
    "Completion",
    "Decision",
    "Evaluate",
    "Holdings",
    "LogProgress",
    "Place",
    "Progress",
    "Reading",
    "Register",
    "Registration",
    "Reject",
    "Report",
    "Return",
    "SelfAssess",
    "Situation",
    "TaskState",
    "TaskStatus",
    "Verdict",
    "Withdraw",
    "YearAction",
    "allowed",
    "committee_of",
    "decide",
    "evolve",
    "fold",
    "in_range",
    "in_scope",
    "last_year",
    "may_read",
    "merge",
    "on_time",
    "order",
    "reading_scope",
    "refused_batch",
    "year_allowed",
]
