"""A task's lifecycle, defined once: ``decide(state, command) -> event`` and
``evolve(state, event) -> state`` over frozen structs, used by every service.

- ``state``: ``TaskState`` and ``evolve`` (and ``fold``, the state from a task's events);
- ``commands``: what people ask of a task;
- ``decide``: the rules, which answer a command with an event or a refusal;
- ``registration``: the rules of a registration's content.
"""

from .commands import (
    Amend,
    Approve,
    Command,
    Context,
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
from .decide import decide
from .progress import Progress, Reading, Report, merge
from .state import (
    LIVE,
    Assessment,
    Occurrence,
    TaskState,
    TaskStatus,
    Verdict,
    canonical,
    evolve,
    fold,
)

__all__ = [
    "LIVE",
    "Amend",
    "Approve",
    "Assessment",
    "Command",
    "Context",
    "Decision",
    "Evaluate",
    "LogProgress",
    "Occurrence",
    "Progress",
    "Reading",
    "Register",
    "Registration",
    "Reject",
    "Report",
    "Return",
    "SelfAssess",
    "TaskState",
    "TaskStatus",
    "Verdict",
    "Withdraw",
    "canonical",
    "decide",
    "evolve",
    "fold",
    "merge",
]
