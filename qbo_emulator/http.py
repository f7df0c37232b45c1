"""Request and response values shared by the core and its two transports."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from .util import dumps

JSON_TYPE = "application/json;charset=UTF-8"


class ConnectionDropped(Exception):
    """A fault: the transport closes the connection without an answer."""

    def __init__(self, committed: bool) -> None:
        super().__init__("connection dropped " + ("after" if committed else "before") + " commit")
        self.committed = committed


class RequestHung(Exception):
    """A fault: the server never answers; the transport waits until the client gives up."""


@dataclass
class Request:
    method: str
    url: str
    headers: dict
    body: bytes = b""
    base: str = ""
    path: str = ""
    query: dict = field(default_factory=dict)
    query_lists: dict = field(default_factory=dict)

    @classmethod
    def build(cls, method: str, url: str, headers, body) -> "Request":
        parts = urlsplit(url)
        lists = parse_qs(parts.query, keep_blank_values=True)
        if isinstance(body, str):
            body = body.encode("utf-8")
        return cls(
            method=method.upper(),
            url=url,
            headers={str(k).lower(): str(v) for k, v in dict(headers or {}).items()},
            body=body or b"",
            base=f"{parts.scheme}://{parts.netloc}",
            path=parts.path or "/",
            query={k: v[0] for k, v in lists.items()},
            query_lists=lists,
        )

    def json(self):
        return json.loads(self.body.decode("utf-8") or "null")

    def form(self) -> dict:
        return {
            k: v[0]
            for k, v in parse_qs(
                self.body.decode("utf-8", "replace"), keep_blank_values=True
            ).items()
        }

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def json_response(status: int, obj, headers: dict | None = None):
    return status, {"Content-Type": JSON_TYPE, **(headers or {})}, dumps(obj)


def html_response(status: int, text: str, headers: dict | None = None):
    return status, {"Content-Type": "text/html; charset=utf-8", **(headers or {})}, text.encode()


def redirect(location: str):
    return 302, {"Location": location, "Content-Type": "text/plain"}, b""
