"""Headers every page carries (CSP, no-store once signed in) and secrets kept out of logs."""

import io
import logging
import re
from pathlib import Path

import pytest
from django.urls import reverse

from core.logging import RedactSecretsFilter, redact

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_every_page_gets_a_policy_without_inline_script_or_style(client):
    response = client.get(reverse("login"))
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'", "http://qbo-emulator.test"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_signed_in_pages_are_never_stored(owner_client):
    response = owner_client.get(reverse("invoicing:invoice_list"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "Content-Security-Policy" in response


def test_anonymous_pages_are_not_forced_to_no_store(client):
    response = client.get(reverse("businesses:signup"))
    assert "no-store" not in response.get("Cache-Control", "")


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


# Rendered only by WeasyPrint into a PDF (invoicing/documents.py), never served to a browser:
# no CSP applies, and WeasyPrint fetches no style sheet.
PDF_ONLY_TEMPLATES = {"templates/invoicing/document_pdf.html"}


@pytest.mark.parametrize(
    "template",
    sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if str(path.relative_to(ROOT)) not in PDF_ONLY_TEMPLATES
    ),
)
def test_no_template_has_inline_script_style_or_handler(template):
    text = (ROOT / template).read_text()
    assert INLINE_SCRIPT.findall(text) == []
    assert INLINE_STYLE.findall(text) == []
    assert INLINE_HANDLER.findall(text) == []


def test_the_callback_s_code_and_state_are_redacted():
    line = (
        '"GET /settings/accounting/callback/?code=AB11-secret-code&state=s3cr3t-state'
        '&realmId=9130357766900456 HTTP/1.1" 302 0'
    )
    assert redact(line) == (
        '"GET /settings/accounting/callback/?code=[redacted]&state=[redacted]'
        '&realmId=[redacted] HTTP/1.1" 302 0'
    )
    # a word that merely ends in "code" is left alone
    assert redact("GET /?postal_code=H2X1Y4") == "GET /?postal_code=H2X1Y4"


def test_the_access_log_line_of_the_callback_leaves_no_secret():
    (console,) = [handler for handler in logging.getLogger().handlers if handler.name == "console"]
    buffer = io.StringIO()
    previous = console.setStream(buffer)
    try:
        # when: the development server's access log line, through the project's logging
        logging.getLogger("django.server").warning(
            '"%s" %s %s',
            "GET /settings/accounting/callback/?code=AB11-secret-code&state=s3cr3t-state HTTP/1.1",
            302,
            0,
        )
    finally:
        console.setStream(previous)
    # then
    err = buffer.getvalue()
    assert "callback/?code=[redacted]&state=[redacted]" in err
    assert "AB11-secret-code" not in err
    assert "s3cr3t-state" not in err
    assert err.count("\n") == 1  # one line: django.server has no second handler


def test_the_filter_keeps_records_without_secrets_as_they_are():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "job %s done", (42,), None)
    assert RedactSecretsFilter().filter(record) is True
    assert (record.msg, record.args) == ("job %s done", (42,))
