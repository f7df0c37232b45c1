"""Helpers to walk every URL pattern of the project (tenancy and bad-input tests)."""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

ID_CONVERTER = re.compile(r"<int:(\w+)>")


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    route: str  # "contacts/<int:pk>/edit/"
    id_kwargs: tuple[str, ...]


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}{entry.namespace}:"
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield Route(
                name=f"{namespace}{entry.name}",
                route=prefix + str(entry.pattern),
                id_kwargs=tuple(ID_CONVERTER.findall(prefix + str(entry.pattern))),
            )


def project_routes() -> list[Route]:
    """Every named route of the app itself (the Django admin and i18n views excluded)."""
    return [
        route
        for route in _walk(get_resolver().url_patterns)
        if not route.name.startswith("admin:") and not route.route.startswith("admin/")
    ]
