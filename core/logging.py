import logging
import re

# A URL's query parameters that carry a secret: the OAuth callback's authorization `code` and
# `state`, and any token a client may put in a link.
SECRET_PARAMETER = re.compile(
    r"(?P<name>(?<![\w-])(?:code|state|access_token|refresh_token|token|realmId)=)[^&\s\"']+",
    re.IGNORECASE,
)
REDACTED = "[redacted]"


def redact(text: str) -> str:
    return SECRET_PARAMETER.sub(lambda match: match.group("name") + REDACTED, text)


class RedactSecretsFilter(logging.Filter):
    """Rewrites a record whose text carries a secret query parameter (the development server's
    access log prints every request line, the OAuth callback's included)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
