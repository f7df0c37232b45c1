"""POST /webhooks/quickbooks/: signature before anything, both of Intuit's formats, each
event stored once with the raw body, 401 / 413 storing nothing, the work queued."""

import json

from django.test import override_settings

from accounting.inbound.models import InboundEvent, WebhookDelivery
from accounting.qbo.inbound import signature_is_valid

from .conftest import CA_REALM, US_REALM, WEBHOOK, cloud_event, post_webhook, signed

LEGACY = {
    "eventNotifications": [
        {
            "realmId": CA_REALM,
            "dataChangeEvent": {
                "entities": [
                    {
                        "name": "Payment",
                        "id": "131",
                        "operation": "Create",
                        "lastUpdated": "2026-11-30T10:42:19-0500",
                    },
                    {
                        "name": "Customer",
                        "id": "5",
                        "operation": "Merge",
                        "lastUpdated": "2026-11-30T15:42:19.000Z",
                        "deletedId": "7",
                    },
                ]
            },
        }
    ]
}


def test_intuit_test_vector_verifies():
    # qbo-api-reference §7.3 (Java SDK's vector)
    body = (
        b'{"eventNotifications":[{"realmId":"1185883450","dataChangeEvent":{"entities":'
        b'[{"name":"Customer","id":"1","operation":"Create","lastUpdated":"2015-10-05T14:42:19-0700"}]}}]}'
    )
    token = "b5771f19b12ddb4bcdb9f08bdc50bc63878a"
    assert signature_is_valid(
        body=body, signature="JC2GUwciPmRBwEO7WvrRmKqu9tGOKL8FFallocTFi8Q=", verifier_token=token
    )
    assert not signature_is_valid(
        body=body + b" ",
        signature="JC2GUwciPmRBwEO7WvrRmKqu9tGOKL8FFallocTFi8Q=",
        verifier_token=token,
    )


def test_cloudevents_delivery_is_stored_once_per_event_and_queued(db, client, inbound_sent):
    body = [cloud_event("Payment", "131"), cloud_event("Invoice", "130", "voided")]
    response = post_webhook(client, body)
    assert (response.status_code, response.content) == (200, b"OK")
    delivery = WebhookDelivery.objects.get()
    assert (delivery.payload_format, delivery.event_count, delivery.new_event_count) == (
        "cloudevents",
        2,
        2,
    )
    assert delivery.body == json.dumps(body)
    events = list(InboundEvent.objects.order_by("id"))
    assert [(e.key, e.realm_id, e.entity, e.entity_id, e.operation, e.status) for e in events] == [
        ("ce:evt-Payment-131-created", CA_REALM, "Payment", "131", "Create", "received"),
        ("ce:evt-Invoice-130-voided", CA_REALM, "Invoice", "130", "Void", "received"),
    ]
    assert events[0].occurred_at.isoformat() == "2026-11-30T15:00:00+00:00"
    assert inbound_sent == [[events[0].pk, events[1].pk]]


def test_legacy_delivery_with_a_merge(db, client, inbound_sent):
    response = post_webhook(client, LEGACY)
    assert response.status_code == 200
    assert WebhookDelivery.objects.get().payload_format == "legacy"
    rows = list(
        InboundEvent.objects.order_by("id").values_list("key", "entity", "operation", "deleted_id")
    )
    assert rows == [
        (
            f"legacy:{CA_REALM}:Payment:131:Create:2026-11-30T15:42:19.000+00:00",
            "Payment",
            "Create",
            "",
        ),
        (
            f"legacy:{CA_REALM}:Customer:5:Merge:2026-11-30T15:42:19.000+00:00",
            "Customer",
            "Merge",
            "7",
        ),
    ]
    assert len(inbound_sent) == 1


def test_duplicated_delivery_stores_nothing_new_and_queues_nothing(db, client, inbound_sent):
    body = [cloud_event("Payment", "131"), cloud_event("Payment", "131")]
    assert post_webhook(client, body).status_code == 200
    assert post_webhook(client, body).status_code == 200
    assert post_webhook(client, LEGACY).status_code == 200
    assert post_webhook(client, LEGACY).status_code == 200
    assert InboundEvent.objects.count() == 3
    assert list(
        WebhookDelivery.objects.order_by("id").values_list("event_count", "new_event_count")
    ) == [
        (2, 1),
        (2, 0),
        (2, 2),
        (2, 0),
    ]
    assert [len(ids) for ids in inbound_sent] == [1, 2]


def test_mixed_realm_delivery_keeps_each_event_with_its_realm(db, client):
    body = [
        cloud_event("Payment", "1", realm=CA_REALM),
        cloud_event("Payment", "1", realm=US_REALM, event_id="other"),
    ]
    assert post_webhook(client, body).status_code == 200
    assert sorted(InboundEvent.objects.values_list("realm_id", "entity_id")) == [
        (CA_REALM, "1"),
        (US_REALM, "1"),
    ]


def _refused(client, body: bytes, signature: str, status: int, inbound_sent) -> None:
    response = post_webhook(client, body, signature=signature)
    assert response.status_code == status
    assert WebhookDelivery.objects.count() == 0
    assert InboundEvent.objects.count() == 0
    assert inbound_sent == []


def test_missing_signature_is_refused_and_nothing_stored(db, client, inbound_sent):
    _refused(client, json.dumps([cloud_event("Payment", "1")]).encode(), "", 401, inbound_sent)


def test_forged_signature_is_refused(db, client, inbound_sent):
    body = json.dumps([cloud_event("Payment", "1")]).encode()
    _refused(client, body, signed(body, token="not-the-verifier"), 401, inbound_sent)


def test_truncated_and_garbled_signatures_are_refused(db, client, inbound_sent):
    body = json.dumps([cloud_event("Payment", "1")]).encode()
    good = signed(body)
    _refused(client, body, good[:-4], 401, inbound_sent)
    _refused(client, body, "%%%not-base64%%%", 401, inbound_sent)


def test_re_serialised_body_does_not_match_its_signature(db, client, inbound_sent):
    body = json.dumps([cloud_event("Payment", "1")]).encode()
    pretty = json.dumps(json.loads(body), indent=2).encode()  # same JSON, other bytes
    _refused(client, pretty, signed(body), 401, inbound_sent)


@override_settings(QBO_WEBHOOK_VERIFIER_TOKEN="rotated-token")
def test_signature_uses_the_configured_verifier(db, client, inbound_sent):
    body = json.dumps([cloud_event("Payment", "1")]).encode()
    _refused(client, body, signed(body, token="plannit-dev-verifier"), 401, inbound_sent)
    assert (
        post_webhook(client, body, signature=signed(body, token="rotated-token")).status_code == 200
    )


def test_body_over_one_megabyte_is_refused_unread(db, client, inbound_sent):
    events = [cloud_event("Payment", str(n), event_id="x" * 200 + str(n)) for n in range(3000)]
    body = json.dumps(events).encode()
    assert len(body) > 1024 * 1024
    _refused(client, body, signed(body), 413, inbound_sent)


def test_signed_but_unreadable_body_is_kept_raw_and_refused(db, client, inbound_sent):
    body = b'{"something": "else"}'
    response = post_webhook(client, body)
    assert response.status_code == 400
    assert list(WebhookDelivery.objects.values_list("payload_format", "body")) == [
        ("invalid", '{"something": "else"}')
    ]
    assert InboundEvent.objects.count() == 0
    assert inbound_sent == []


def test_only_post_and_no_login_needed(db, client):
    assert client.get(WEBHOOK).status_code == 405
    assert post_webhook(client, []).status_code == 200
