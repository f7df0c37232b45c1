"""`POST /webhooks/quickbooks/`: Intuit's webhook endpoint. No login, no CSRF (Intuit signs the
body instead), nothing else on the path. The signature is checked on the raw bytes before
anything is parsed; the answer comes as soon as the events are stored (the worker applies
them)."""

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .services.receive import (
    MAX_BODY_BYTES,
    ContentTypeInvalid,
    PayloadInvalid,
    SignatureInvalid,
    delivery_receive,
)


def _plain(status: int, text: str) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


@csrf_exempt
@require_POST
def quickbooks_webhook(request):
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES:
        return _plain(413, "Payload too large")
    body = request.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        return _plain(413, "Payload too large")
    try:
        delivery_receive(
            body=body,
            signature=request.headers.get("intuit-signature", ""),
            content_type=request.content_type or "",
        )
    except SignatureInvalid:
        return _plain(401, "Invalid signature")
    except ContentTypeInvalid:
        return _plain(415, "Unsupported media type")
    except PayloadInvalid:
        return _plain(400, "Unreadable payload")
    return _plain(200, "OK")
