"""``python -m services.reporting``: the reporting HTTP API on PORT (default 8003)."""

from shared.runtime import serve

from .bootstrap import NAME, ReportingSettings, create_app


def main() -> None:
    settings = ReportingSettings()
    serve(lambda: create_app(settings), settings, NAME)


if __name__ == "__main__":
    main()
