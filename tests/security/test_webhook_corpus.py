"""1,000 hostile deliveries to `POST /webhooks/quickbooks/`, generated from a fixed seed, each
category well represented: every one refused with its expected status, no row in the inbound
tables and no Celery task sent because of it; the valid signed deliveries interleaved with
them are all accepted, each stored once and queued once."""

import base64
import json
import random
from collections import Counter
from dataclasses import dataclass

import pytest
from celery.app.task import Task
from django.test import TestCase

from accounting.inbound.models import InboundEvent, WebhookDelivery
from accounting.inbound.services.receive import MAX_BODY_BYTES
from accounting.sync.models import SyncJob
from tests.accounting.inbound.conftest import CA_REALM, US_REALM, WEBHOOK, cloud_event, signed

pytestmark = pytest.mark.django_db

SEED = 14
BAD_PER_CATEGORY = 100
VALID_EVERY = 20  # one valid delivery after every 20 hostile ones
JSON = "application/json"


@dataclass(frozen=True)
class Attempt:
    category: str
    body: bytes
    signature: str | None  # None: no header at all
    content_type: str
    status: int


def _document(rng: random.Random, serial: int):
    """A delivery that would store rows if it got through: 1 to 4 followed events, in either
    of Intuit's formats."""
    events = [
        cloud_event(
            rng.choice(["Payment", "Invoice", "Customer", "Item"]),
            str(rng.randint(1, 9999)),
            rng.choice(["created", "updated", "deleted", "voided"]),
            realm=rng.choice([CA_REALM, US_REALM]),
            event_id=f"evt-{serial}-{n}",
        )
        for n in range(rng.randint(1, 4))
    ]
    if rng.random() < 0.5:
        return events
    entities = [
        {
            "name": event["type"].split(".")[1].capitalize(),
            "id": event["intuitentityid"],
            "operation": "Create",
            "lastUpdated": f"2026-11-30T15:{serial % 60:02d}:{n % 60:02d}.000Z",
        }
        for n, event in enumerate(events)
    ]
    return {
        "eventNotifications": [{"realmId": CA_REALM, "dataChangeEvent": {"entities": entities}}]
    }


def _flip_a_bit(rng: random.Random, signature: str) -> str:
    digest = bytearray(base64.b64decode(signature))
    position = rng.randrange(len(digest) * 8)
    digest[position // 8] ^= 1 << (position % 8)
    return base64.b64encode(bytes(digest)).decode()


def _not_base64(rng: random.Random, signature: str) -> str:
    position = rng.randrange(len(signature))
    junk = rng.choice("!#$%&*()~?<>[]{}|,;:\"'\\é€\x00")
    return signature[:position] + junk + signature[position + 1 :]


def _re_serialised(rng: random.Random, body: bytes) -> bytes:
    document = json.loads(body)
    shapes = [
        lambda: json.dumps(document, indent=rng.choice([1, 2, 4])).encode(),
        lambda: json.dumps(document, separators=(",", ":")).encode(),
        lambda: json.dumps(document, sort_keys=True).encode(),
        lambda: body + b"\n",
        lambda: b" " + body,
        lambda: b"\xef\xbb\xbf" + body,  # a UTF-8 byte-order mark
        lambda: json.dumps(document, ensure_ascii=False).encode().replace(b"Z", b"+00:00"),
    ]
    while True:
        other = rng.choice(shapes)()
        if other != body:
            return other


def _oversized(rng: random.Random, serial: int) -> bytes:
    filler = "x" * rng.randint(MAX_BODY_BYTES - 4_000, MAX_BODY_BYTES + 200_000)
    body = json.dumps([cloud_event("Payment", "1", event_id=f"big-{serial}-{filler}")]).encode()
    return body if len(body) > MAX_BODY_BYTES else body + b" " * (MAX_BODY_BYTES + 1 - len(body))


WRONG_TYPES = [
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=plannit",
    "application/xml",
    "text/json",
    "application/jsonp",
    "application/octet-stream",
    "",
]


def _hostile(category: str, rng: random.Random, serial: int) -> Attempt:
    body = json.dumps(_document(rng, serial)).encode()
    good = signed(body)
    if category == "flipped signature bit":
        return Attempt(category, body, _flip_a_bit(rng, good), JSON, 401)
    if category == "wrong key":
        key = rng.choice(["", "plannit-dev-verifier ", "PLANNIT-DEV-VERIFIER", f"k{serial}"])
        return Attempt(category, body, signed(body, token=key) if key else "x", JSON, 401)
    if category == "truncated signature":
        return Attempt(category, body, good[: rng.randrange(len(good) - 1)], JSON, 401)
    if category == "non-base64 signature":
        return Attempt(category, body, _not_base64(rng, good), JSON, 401)
    if category == "missing signature":
        return Attempt(category, body, None, JSON, 401)
    if category == "signature of another body":
        other = json.dumps(_document(rng, serial + 10_000)).encode()
        return Attempt(category, body, signed(other), JSON, 401)
    if category == "re-serialised body":
        return Attempt(category, _re_serialised(rng, body), good, JSON, 401)
    if category == "empty body":
        signature = [None, "", good, signed(b"")][serial % 4]
        status = 400 if signature == signed(b"") else 401
        return Attempt(category, b"", signature, JSON, status)
    if category == "oversized body":
        big = _oversized(rng, serial)
        return Attempt(category, big, signed(big), JSON, 413)
    if category == "wrong content type":
        return Attempt(category, body, good, rng.choice(WRONG_TYPES), 415)
    raise AssertionError(category)


CATEGORIES = [
    "flipped signature bit",
    "wrong key",
    "truncated signature",
    "non-base64 signature",
    "missing signature",
    "signature of another body",
    "re-serialised body",
    "empty body",
    "oversized body",
    "wrong content type",
]


def corpus() -> list[Attempt]:
    """The hostile requests in a shuffled but fixed order, a valid one every VALID_EVERY."""
    rng = random.Random(SEED)
    hostile = [
        _hostile(category, rng, serial)
        for serial, category in enumerate(
            category for category in CATEGORIES for _ in range(BAD_PER_CATEGORY)
        )
    ]
    rng.shuffle(hostile)
    attempts = []
    for position, attempt in enumerate(hostile, start=1):
        attempts.append(attempt)
        if position % VALID_EVERY == 0:
            body = json.dumps(
                [cloud_event("Payment", str(position), event_id=f"valid-{position}")]
            ).encode()
            attempts.append(Attempt("valid", body, signed(body), JSON, 200))
    return attempts


@pytest.fixture
def tasks_sent(monkeypatch):
    """Every Celery task sent by anything (name, args), instead of a broker."""
    sent: list[tuple[str, list]] = []
    monkeypatch.setattr(
        Task, "apply_async", lambda task, args=None, **_: sent.append((task.name, list(args)))
    )
    return sent


def _post(client, attempt: Attempt):
    headers = {} if attempt.signature is None else {"HTTP_INTUIT_SIGNATURE": attempt.signature}
    # given again: the test client drops the Content-Type of an empty body
    headers["CONTENT_TYPE"] = attempt.content_type
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(WEBHOOK, data=attempt.body, content_type=attempt.content_type, **headers)


def _rows() -> tuple[int, int, int]:
    return WebhookDelivery.objects.count(), InboundEvent.objects.count(), SyncJob.objects.count()


def test_the_corpus_holds_every_category_a_hundred_times():
    attempts = corpus()
    assert Counter(attempt.category for attempt in attempts) == {
        **{category: BAD_PER_CATEGORY for category in CATEGORIES},
        "valid": 50,
    }
    # an empty body signed as such is Intuit's, but empty: 400; the other empties are 401
    signed_empty = sum(1 for a in attempts if a.body == b"" and a.signature == signed(b""))
    assert signed_empty == 25
    assert Counter(attempt.status for attempt in attempts) == {
        401: 800 - signed_empty,
        400: signed_empty,
        413: 100,
        415: 100,
        200: 50,
    }
    assert len({attempt.body for attempt in attempts if attempt.category == "valid"}) == 50


def test_every_hostile_delivery_is_refused_and_every_valid_one_accepted(client, tasks_sent):
    refused_wrongly, stored_or_queued = [], []
    valid_event_ids = []
    for number, attempt in enumerate(corpus()):
        before, sent_before = _rows(), len(tasks_sent)
        response = _post(client, attempt)
        if response.status_code != attempt.status:
            refused_wrongly.append((number, attempt.category, response.status_code))
        if attempt.category == "valid":
            valid_event_ids.append(InboundEvent.objects.latest("pk").pk)
        elif _rows() != before or len(tasks_sent) != sent_before:
            stored_or_queued.append((number, attempt.category))
    assert refused_wrongly == []
    assert stored_or_queued == []
    assert _rows() == (50, 50, 0)
    assert (
        sorted(WebhookDelivery.objects.values_list("payload_format", flat=True))
        == ["cloudevents"] * 50
    )
    assert tasks_sent == [("accounting_inbound.apply_events", [[pk]]) for pk in valid_event_ids]


@pytest.mark.parametrize(
    "content_type",
    [
        JSON,
        "application/json; charset=utf-8",
        "Application/JSON",
        "application/cloudevents-batch+json",
    ],
)
def test_json_content_types_are_accepted(client, tasks_sent, content_type):
    body = json.dumps([cloud_event("Payment", "7")]).encode()
    response = _post(client, Attempt("valid", body, signed(body), content_type, 200))
    assert response.status_code == 200
    assert _rows() == (1, 1, 0)
    assert [name for name, _ in tasks_sent] == ["accounting_inbound.apply_events"]
