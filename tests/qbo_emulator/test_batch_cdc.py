"""Batch and change data capture."""

import datetime as dt

from quickbooks.batch import batch_create, batch_delete
from quickbooks.cdc import change_data_capture
from quickbooks.objects import Customer, Invoice

from .conftest import CA_REALM


def _customer(name):
    customer = Customer()
    customer.DisplayName = name
    return customer


def test_batch_create_mixes_successes_and_faults(qb):
    result = batch_create(
        [_customer("Lot A"), _customer("Marie Tremblay"), _customer("Lot B")], qb=qb
    )

    assert sorted(c.DisplayName for c in result.successes) == ["Lot A", "Lot B"]
    assert len(result.faults) == 1
    assert result.faults[0].Error[0].code == "6240"
    assert result.faults[0].original_object.DisplayName == "Marie Tremblay"
    assert Customer.count(qb=qb) == 32


def test_batch_echoes_bids_and_runs_queries_updates_voids(api, qb):
    invoice = api(
        "POST",
        "invoice",
        json={
            "CustomerRef": {"value": "1"},
            "Line": [
                {
                    "Amount": 10,
                    "DetailType": "SalesItemLineDetail",
                    "SalesItemLineDetail": {
                        "ItemRef": {"value": "4"},
                        "TaxCodeRef": {"value": "2"},
                    },
                }
            ],
        },
    ).json()["Invoice"]

    response = api(
        "POST",
        "batch",
        json={
            "BatchItemRequest": [
                {"bId": "q1", "Query": "select * from Item where Type = 'Category'"},
                {
                    "bId": "u1",
                    "operation": "update",
                    "Customer": {"Id": "2", "SyncToken": "0", "sparse": True, "Notes": "lot"},
                },
                {
                    "bId": "u2",
                    "operation": "update",
                    "Customer": {"Id": "3", "SyncToken": "7", "sparse": True, "Notes": "périmé"},
                },
                {
                    "bId": "v1",
                    "operation": "update",
                    "optionsData": "void",
                    "Invoice": {"Id": invoice["Id"], "SyncToken": "0"},
                },
            ]
        },
    )

    items = {item["bId"]: item for item in response.json()["BatchItemResponse"]}
    assert response.status_code == 200
    assert [i["Name"] for i in items["q1"]["QueryResponse"]["Item"]] == ["Main-d'œuvre", "Pièces"]
    assert items["u1"]["Customer"]["SyncToken"] == "1"
    assert items["u2"]["Fault"]["Error"][0]["code"] == "5010"
    assert items["v1"]["Invoice"]["TotalAmt"] == 0
    assert Customer.get(3, qb=qb).SyncToken == "0"


def test_batch_delete(qb, api):
    created = api("POST", "payment", json={"CustomerRef": {"value": "1"}, "TotalAmt": 25}).json()[
        "Payment"
    ]
    from quickbooks.objects import Payment

    payment = Payment.get(created["Id"], qb=qb)

    result = batch_delete([payment], qb=qb)

    assert result.faults == []
    assert Payment.count(qb=qb) == 0


def test_batch_of_more_than_30_is_1040(api, qbo_emulator):
    items = [
        {"bId": str(n), "operation": "create", "Customer": {"DisplayName": f"C{n}"}}
        for n in range(31)
    ]

    response = api("POST", "batch", json={"BatchItemRequest": items})

    assert response.status_code == 400
    assert response.json()["Fault"]["Error"][0]["code"] == "1040"
    assert qbo_emulator.company(CA_REALM).counts()["Customer"] == 30


def test_cdc_returns_changes_and_deleted_markers(qb, qbo_emulator, api):
    qbo_emulator.clock.advance(60)
    since = dt.datetime.fromtimestamp(qbo_emulator.clock.now(), dt.timezone.utc)
    qbo_emulator.clock.advance(1)
    changed = Customer.get(4, qb=qb)
    changed.Notes = "changé"
    changed.save(qb=qb)
    kept = api(
        "POST",
        "invoice",
        json={
            "CustomerRef": {"value": "4"},
            "Line": [
                {
                    "Amount": 5,
                    "DetailType": "SalesItemLineDetail",
                    "SalesItemLineDetail": {
                        "ItemRef": {"value": "4"},
                        "TaxCodeRef": {"value": "2"},
                    },
                }
            ],
        },
    ).json()
    gone = Invoice.get(kept["Invoice"]["Id"], qb=qb)
    gone.delete(qb=qb)

    result = change_data_capture([Customer, Invoice], since.isoformat(timespec="seconds"), qb=qb)

    assert [c.Id for c in result.Customer] == ["4"]
    assert [(i.Id, i.status) for i in result.Invoice] == [(gone.Id, "Deleted")]


def test_cdc_with_no_changes_and_the_window(api, qbo_emulator):
    qbo_emulator.clock.advance(10)
    now = dt.datetime.fromtimestamp(qbo_emulator.clock.now(), dt.timezone.utc)
    old = now - dt.timedelta(days=31)

    empty = api(
        "GET",
        "cdc",
        params={"entities": "Customer", "changedSince": now.isoformat(timespec="seconds")},
    )
    too_old = api(
        "GET",
        "cdc",
        params={"entities": "Customer", "changedSince": old.isoformat(timespec="seconds")},
    )

    assert empty.json()["CDCResponse"] == [{"QueryResponse": [{}]}]
    assert too_old.status_code == 400
    assert too_old.json()["Fault"]["Error"][0]["code"] == "4001"


def test_cdc_caps_the_total_number_of_objects(api, qbo_emulator):
    qbo_emulator.set_settings(cdc_max_objects=7)
    since = dt.datetime.fromtimestamp(qbo_emulator.clock.now() - 60, dt.timezone.utc)

    response = api(
        "GET",
        "cdc",
        params={"entities": "Customer,Item", "changedSince": since.isoformat(timespec="seconds")},
    )

    groups = response.json()["CDCResponse"][0]["QueryResponse"]
    assert [(list(g)[0], g["maxResults"]) for g in groups] == [("Customer", 7)]
