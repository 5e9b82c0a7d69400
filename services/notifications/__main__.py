"""``python -m services.notifications``: mails each task's registrant when the task is
returned, approved or evaluated (FastStream, consumer group ``notifications``); probes and
metrics on PORT (default 8004)."""

from shared.edge.runtime import serve

from .bootstrap import NAME, NotificationSettings, create_app


def main() -> None:
    settings = NotificationSettings()
    serve(lambda: create_app(settings), settings, NAME)


if __name__ == "__main__":
    main()
