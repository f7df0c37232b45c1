"""Where a `next=` may send the user back: a path of this app only. Django's own check
(`url_has_allowed_host_and_scheme`) lets through relative and oddly spelled values (
`%2F%2Fevil.example`, `/%2F/evil.example`, `/ /evil.example`) that are harmless on their own but
are not pages of ours, and whose meaning depends on what a proxy or browser makes of them; a
value that is not plainly one of our paths is dropped and the view's default is used."""

import unicodedata
from urllib.parse import urlsplit

from django.http import HttpRequest
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme


def local_next(request: HttpRequest, value: str | None) -> str:
    """`value` when it is a path of this app ("/…", resolvable, nothing encoded or spaced
    that a browser or proxy could read as another host), else ""."""
    if not value or not value.startswith("/") or value.startswith("//"):
        return ""
    if "\\" in value or any(unicodedata.category(c)[0] in "CZ" for c in value):
        return ""
    if not url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    path = urlsplit(value).path
    if "%2f" in path.lower() or "%5c" in path.lower():
        return ""
    try:
        resolve(path)
    except Resolver404:
        return ""
    return value
