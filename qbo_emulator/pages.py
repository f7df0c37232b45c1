"""Placeholder replaced by the people pages."""

from .http import html_response


def handle(emu, req):
    return html_response(404, "<h1>Not found</h1>")
