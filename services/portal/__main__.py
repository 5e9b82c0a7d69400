"""``python -m services.portal``: the portal on PORT (default 8000)."""

from __future__ import annotations

import logging

from shared.edge.runtime import serve

from .bootstrap import NAME, create_app
from .settings import PortalSettings


def main() -> None:
    settings = PortalSettings()
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per page is enough
    serve(
        lambda: create_app(settings),
        settings,
        NAME,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
    )


if __name__ == "__main__":
    main()
