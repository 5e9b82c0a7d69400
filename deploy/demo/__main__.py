"""``python -m deploy.demo``: load the demo data into running services and print a summary.

Options fall back to the environment (``REGISTRATION_URL``, ``APPROVAL_URL``,
``REPORTING_URL``, ``API_TOKEN``), then to the contract's default local ports.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence

from deploy.demo.dataset import YEARS
from deploy.demo.loader import load
from deploy.demo.summary import DemoLoadError


def _years(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"years must look like 2023,2024: {text!r}") from error


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    env = os.environ
    parser = argparse.ArgumentParser(
        prog="python -m deploy.demo",
        description="Load Hải Dương's breakthrough-tasks programme (2022-2024) through the "
        "HTTP APIs.",
    )
    parser.add_argument(
        "--registration", default=env.get("REGISTRATION_URL", "http://127.0.0.1:8001")
    )
    parser.add_argument("--approval", default=env.get("APPROVAL_URL", "http://127.0.0.1:8002"))
    parser.add_argument("--reporting", default=env.get("REPORTING_URL", "http://127.0.0.1:8003"))
    parser.add_argument(
        "--years",
        type=_years,
        default=YEARS,
        help="e.g. 2022,2023,2024 (every year a loaded task continues must be among them)",
    )
    parser.add_argument(
        "--token",
        default=env.get("API_TOKEN"),
        help="an admin's bearer token: it imports every record with its date (Recorded-At)",
    )
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per wait")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        summary = asyncio.run(
            load(
                args.registration,
                args.approval,
                args.reporting,
                years=args.years,
                concurrency=args.concurrency,
                token=args.token,
                wait_timeout=args.timeout,
            )
        )
    except (DemoLoadError, ValueError) as error:
        print(f"demo load failed: {error}", file=sys.stderr)
        return 1
    print(summary.text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
