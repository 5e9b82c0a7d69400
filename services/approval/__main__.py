"""``python -m services.approval``: the approval HTTP API on PORT (default 8002)."""

from shared.edge.runtime import serve

from .bootstrap import NAME, ApprovalSettings, create_app


def main() -> None:
    settings = ApprovalSettings()
    serve(lambda: create_app(settings), settings, NAME)


if __name__ == "__main__":
    main()
