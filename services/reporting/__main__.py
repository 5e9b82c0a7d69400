"""``python -m services.reporting``: the reporting HTTP API on PORT (default 8003).

``python -m services.reporting rebuild [--service URL] [--save]``: rebuild the projection
from the start of the log beside the live one and compare them (see ``verify``).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from shared.logging import configure_logging
from shared.runtime import serve

from .bootstrap import NAME, ReportingSettings, create_app


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m services.reporting",
        description="The reporting service; settings come from the environment.",
    )
    commands = parser.add_subparsers(dest="command")
    rebuild = commands.add_parser(
        "rebuild",
        help="rebuild from the start of the log and compare with the live projection",
        description="Rebuild the projection from the start of the log, beside the snapshot "
        "caught up with the log (and a running service), and compare. Exit 0: equal; "
        "1: different; 2: nothing to compare with, or an error.",
    )
    rebuild.add_argument("--service", metavar="URL", help="also compare this running service")
    rebuild.add_argument("--save", action="store_true", help="store the rebuild as the snapshot")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    settings = ReportingSettings()
    if args.command == "rebuild":
        from .verify import rebuild_and_compare  # not imported to serve (httpx)

        configure_logging(NAME, level=settings.log_level, fmt=settings.log_format)
        return asyncio.run(rebuild_and_compare(settings, service=args.service, save=args.save))
    serve(lambda: create_app(settings), settings, NAME)
    return 0


if __name__ == "__main__":
    sys.exit(main())
