"""Demo data for the breakthrough-tasks services and a loader that sends it through their APIs.

``python -m deploy.demo`` loads it; ``build_dataset()`` is the data, ``load()`` the loader.
Nothing here is imported by the services, and nothing runs at import time.
"""

from deploy.demo.dataset import DEFAULT_SEED, PLANS, YEARS, build_dataset
from deploy.demo.loader import load
from deploy.demo.models import Dataset, DecisionBody, DemoTask, ProgressBody, RegistrationBody
from deploy.demo.summary import DemoLoadError, LoadSummary, YearSummary

__all__ = [
    "DEFAULT_SEED",
    "PLANS",
    "YEARS",
    "Dataset",
    "DecisionBody",
    "DemoLoadError",
    "DemoTask",
    "LoadSummary",
    "ProgressBody",
    "RegistrationBody",
    "YearSummary",
    "build_dataset",
    "load",
]
