"""``python -m services.portal``: the portal on PORT (default 8000)."""

from __future__ import annotations

import logging

import structlog
import uvicorn

from shared.logging import configure_logging

from .bootstrap import NAME, create_app
from .settings import PortalSettings

logger = structlog.get_logger()


def main() -> None:
    settings = PortalSettings()
    configure_logging(NAME, level=settings.log_level, fmt=settings.log_format)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per page is enough
    try:
        app = create_app(settings)
    except (ValueError, OSError) as error:
        logger.critical("refusing to start", reason=str(error))
        raise SystemExit(2) from error
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        timeout_graceful_shutdown=5,
    )


if __name__ == "__main__":
    main()
