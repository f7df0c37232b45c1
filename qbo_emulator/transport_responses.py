"""The in-process transport: the emulator behind ``responses``, for the configured base URL and
Intuit's real host names, so code under test talks to it through ``requests`` with no socket."""

from __future__ import annotations

import re

import requests
import responses

from .http import ConnectionDropped, RequestHung

INTUIT_HOSTS = (
    "developer.intuit.com",
    "appcenter.intuit.com",
    "oauth.platform.intuit.com",
    "developer.api.intuit.com",
    "quickbooks.api.intuit.com",
    "sandbox-quickbooks.api.intuit.com",
    "accounts.platform.intuit.com",
    "sandbox-accounts.platform.intuit.com",
)
METHODS = (
    responses.GET,
    responses.POST,
    responses.PUT,
    responses.DELETE,
    responses.PATCH,
    responses.HEAD,
)


def base_urls(configured: list[str]) -> list[str]:
    urls = [u.rstrip("/") for u in configured]
    return urls + [f"https://{host}" for host in INTUIT_HOSTS if f"https://{host}" not in urls]


def callback_for(emulator):
    def callback(request):
        try:
            status, headers, body = emulator.handle(
                request.method, request.url, dict(request.headers), request.body or b""
            )
        except ConnectionDropped as exc:
            raise requests.exceptions.ConnectionError(
                f"Connection aborted: RemoteDisconnected ({exc})", request=request
            ) from None
        except RequestHung:
            raise requests.exceptions.ReadTimeout(
                "Read timed out (the emulator is hanging on purpose)", request=request
            ) from None
        return status, headers, body

    return callback


def install(emulator, mock: responses.RequestsMock, configured_urls: list[str]) -> None:
    callback = callback_for(emulator)
    # One pattern for every base keeps the registry small: responses scans it on each request.
    bases = "|".join(re.escape(base) for base in base_urls(configured_urls))
    pattern = re.compile(f"(?:{bases})(?:[/?].*)?$")
    for method in METHODS:
        mock.add_callback(method, pattern, callback=callback, content_type=None)
