"""What the emulator's pages share: the style, escaping, money, tables, the page frame."""

from __future__ import annotations

import html

from .http import html_response

STYLE = """body{font-family:system-ui,Helvetica,Arial,sans-serif;margin:0;color:#393a3d;background:#f4f5f8}
header{background:#2ca01c;color:#fff;padding:12px 24px}header a{color:#fff;text-decoration:none;font-weight:700}
main{padding:16px 24px}nav a{margin-right:12px}table{border-collapse:collapse;background:#fff;width:100%}
th,td{border-bottom:1px solid #e3e5e8;padding:6px 8px;text-align:left;vertical-align:top;font-size:14px}
th{background:#eceef1}.num{text-align:right;font-variant-numeric:tabular-nums}.muted{color:#8d9096}
.card{background:#fff;padding:12px 16px;border-radius:6px;margin-bottom:12px}.bad{color:#d52b1e}"""


def e(value) -> str:
    return html.escape("" if value is None else str(value))


def money(value) -> str:
    try:
        return f"{float(value):,.2f}"
    except (TypeError, ValueError):
        return ""


def ref(value) -> str:
    if not isinstance(value, dict):
        return ""
    return e(value.get("name") or value.get("value"))


def page(title: str, body: str, status: int = 200):
    text = (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{e(title)} – QBO "
        f"emulator</title><style>{STYLE}</style></head><body><header><a href='/'>QuickBooks "
        f"Online emulator</a></header><main>{body}</main></body></html>"
    )
    return html_response(status, text)


def table(headers: list[str], rows: list[list[str]], numeric: set[int] = frozenset()) -> str:
    if not rows:
        return "<p class='muted'>Nothing yet.</p>"
    head = "".join(
        f"<th{' class=num' if i in numeric else ''}>{e(h)}</th>" for i, h in enumerate(headers)
    )
    body = "".join(
        "<tr>"
        + "".join(f"<td{' class=num' if i in numeric else ''}>{c}</td>" for i, c in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def sorted_records(company, entity):
    return sorted(
        company.table(entity).values(),
        key=lambda r: (not r["Id"].isdigit(), int(r["Id"]) if r["Id"].isdigit() else 0),
    )
