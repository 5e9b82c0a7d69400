"""Hải Dương's breakthrough-tasks programme as demo data, and a loader that sends it through
the services' HTTP APIs.

``python -m deploy.demo`` loads it; ``build_dataset()`` is the data (places.py, people.py,
seeded.py, templates.py, generated.py, calendar.py, dataset.py), ``year_plan()`` the requests
that load a year (plan.py), ``load()`` the loader. Nothing here is imported by the services,
and nothing runs at import time.
"""

from deploy.demo.dataset import CLOSED, DEFAULT_SEED, PLANS, YEARS, build_dataset
from deploy.demo.loader import load
from deploy.demo.models import Dataset, DemoTask, Year
from deploy.demo.plan import CONTRACT_1_1, CONTRACT_1_2, Features, Request, year_plan
from deploy.demo.summary import DemoLoadError, LoadSummary, YearSummary

__all__ = [
    "CLOSED",
    "CONTRACT_1_1",
    "CONTRACT_1_2",
    "DEFAULT_SEED",
    "PLANS",
    "YEARS",
    "Dataset",
    "DemoLoadError",
    "DemoTask",
    "Features",
    "LoadSummary",
    "Request",
    "Year",
    "YearSummary",
    "build_dataset",
    "load",
    "year_plan",
]
