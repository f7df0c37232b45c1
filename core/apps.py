from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The kernel every app may import: events, application errors, formatting, shared
    templates' strings. It imports no other app of the project."""

    name = "core"
    verbose_name = "Plannit"

    def ready(self) -> None:
        from . import collation, dates, search

        collation.connect()
        search.connect()
        dates.install()
