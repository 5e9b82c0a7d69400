"""``python -m services.reporting``: the reporting HTTP API on PORT (default 8003).

``python -m services.reporting rebuild [--service URL]``: rebuild the projection from the
start of the log and compare its reports with a running service's (see ``verify``).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from shared.edge.runtime import serve
from shared.ops.logging import configure_logging

from .bootstrap import NAME, ReportingSettings, create_app


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m services.reporting",
        description="The reporting service; settings come from the environment.",
    )
    commands = parser.add_subparsers(dest="command")
    rebuild = commands.add_parser(
        "rebuild",
        help="rebuild from the start of the log and compare with a running service",
        description="Rebuild the projection from the start of the log and compare every "
        "year's report with a running service's (a viewer token in API_TOKEN). Exit 0: "
        "equal; 1: different; 2: nothing to compare with, or an error.",
    )
    rebuild.add_argument("--service", metavar="URL", help="the running service to compare")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        settings = ReportingSettings()
    except ValueError as error:
        sys.stderr.write(f"{error}\n")
        return 2
    if args.command == "rebuild":
        from .verify import rebuild_and_compare  # not imported to serve (httpx)

        configure_logging(NAME, level=settings.log_level, fmt=settings.log_format)
        return asyncio.run(
            rebuild_and_compare(
                settings.redis_url, settings.stream_prefix, settings.timezone, args.service
            )
        )
    serve(lambda: create_app(settings), settings, NAME)
    return 0


if __name__ == "__main__":
    sys.exit(main())
