"""``python -m services.registration``: the registration HTTP API on PORT (default 8001)."""

from shared.edge.runtime import serve

from .bootstrap import NAME, RegistrationSettings, create_app


def main() -> None:
    settings = RegistrationSettings()
    serve(lambda: create_app(settings), settings, NAME)


if __name__ == "__main__":
    main()
