"""The pages' buttons: a person records, voids and deletes a payment, merges customers and
makes a customer or an item inactive as in QuickBooks, each with its webhooks; an app's
webhook format is chosen on the index."""

import json

import requests

from .conftest import CA_REALM


def _invoice(qbo_emulator, amount="100.00", tax_code="Exonéré"):
    company = qbo_emulator.company(CA_REALM)
    item = next(i["Id"] for i in company.all("Item") if i["Type"] == "Service")
    exempt = next(c["Id"] for c in company.all("TaxCode") if c["Name"] == tax_code)
    return company.save(
        "Invoice",
        {
            "CustomerRef": {"value": "1"},
            "Line": [
                {
                    "DetailType": "SalesItemLineDetail",
                    "Amount": amount,
                    "SalesItemLineDetail": {
                        "ItemRef": {"value": item},
                        "TaxCodeRef": {"value": exempt},
                    },
                }
            ],
        },
    )


def _post(base_url, action, **form):
    return requests.post(
        f"{base_url}/companies/{CA_REALM}/actions/{action}",
        data=form,
        allow_redirects=False,
        timeout=5,
    )


def _events(qbo_emulator):
    qbo_emulator.issue_tokens(realm_id=CA_REALM)  # the app is connected: webhooks are queued
    return [
        (e["entity"], e["id"], e["operation"], e["deleted_id"])
        for e in qbo_emulator.webhooks.pending_events()
    ]


def test_record_void_and_delete_a_payment_from_the_pages(qbo_emulator, base_url):
    qbo_emulator.issue_tokens(realm_id=CA_REALM)
    invoice = _invoice(qbo_emulator)
    company = qbo_emulator.company(CA_REALM)
    page = requests.get(f"{base_url}/companies/{CA_REALM}/invoices", timeout=5).text
    assert "Record payment" in page
    response = _post(
        base_url, "record_payment", invoice=invoice["Id"], amount="40.00", reference="CHK 7"
    )
    assert (response.status_code, response.headers["Location"]) == (
        302,
        f"/companies/{CA_REALM}/payments",
    )
    payment = company.all("Payment")[-1]
    assert (payment["TotalAmt"], payment["PaymentRefNum"]) == (40.0, "CHK 7")
    assert (
        float(company.get("Invoice", invoice["Id"])["Balance"]) == float(invoice["TotalAmt"]) - 40
    )
    assert ("Payment", payment["Id"], "Create", "") in _events(qbo_emulator)
    assert _post(base_url, "void_payment", id=payment["Id"]).status_code == 302
    assert float(company.get("Invoice", invoice["Id"])["Balance"]) == float(invoice["TotalAmt"])
    assert ("Payment", payment["Id"], "Void", "") in _events(qbo_emulator)
    assert _post(base_url, "delete_payment", id=payment["Id"]).status_code == 302
    assert company.get("Payment", payment["Id"]) is None
    assert payment["Id"] in company.deleted("Payment")


def test_a_refused_payment_says_why_and_changes_nothing(qbo_emulator, base_url):
    invoice = _invoice(qbo_emulator)
    company = qbo_emulator.company(CA_REALM)
    before = len(company.all("Payment"))
    response = _post(base_url, "record_payment", invoice=invoice["Id"], amount="-3")
    assert response.status_code == 400
    assert "refused" in response.text
    assert len(company.all("Payment")) == before


def test_merge_customers_sends_one_merge_event_naming_both(qbo_emulator, base_url):
    qbo_emulator.issue_tokens(realm_id=CA_REALM)
    company = qbo_emulator.company(CA_REALM)
    invoice = _invoice(qbo_emulator)
    survivor = company.save("Customer", {"DisplayName": "Survivant inc."})
    qbo_emulator.webhooks.reset()
    assert (
        _post(base_url, "merge_customers", merged="1", surviving=survivor["Id"]).status_code == 302
    )
    assert company.get("Customer", "1") is None
    assert company.get("Invoice", invoice["Id"])["CustomerRef"]["value"] == survivor["Id"]
    events = _events(qbo_emulator)
    assert ("Customer", survivor["Id"], "Merge", "1") in events
    assert [e for e in events if e[0] == "Customer"] == [("Customer", survivor["Id"], "Merge", "1")]
    body = json.loads(qbo_emulator.webhooks._body(qbo_emulator.webhooks.pending_events()))
    merge = next(e for e in body if e["type"] == "qbo.customer.merged.v1")
    assert merge["data"] == {"deletedid": "1"}
    legacy = json.loads(
        qbo_emulator.webhooks._body(qbo_emulator.webhooks.pending_events(), "legacy")
    )
    entities = legacy["eventNotifications"][0]["dataChangeEvent"]["entities"]
    assert next(e for e in entities if e["operation"] == "Merge")["deletedId"] == "1"


def test_make_a_customer_and_an_item_inactive(qbo_emulator, base_url):
    company = qbo_emulator.company(CA_REALM)
    item = next(i for i in company.all("Item") if i["Type"] == "Service")
    assert _post(base_url, "customer_inactive", id="2").status_code == 302
    assert _post(base_url, "item_inactive", id=item["Id"]).status_code == 302
    assert company.get("Customer", "2")["Active"] is False
    assert company.get("Item", item["Id"])["Active"] is False


def test_the_webhook_format_is_chosen_per_app_cloudevents_by_default(qbo_emulator, base_url):
    assert qbo_emulator.settings.webhook_format == "cloudevents"
    page = requests.get(f"{base_url}/", timeout=5).text
    assert "cloudevents (default)" in page
    response = requests.post(
        f"{base_url}/apps/plannit-dev-client/webhook_format",
        data={"format": "legacy"},
        allow_redirects=False,
        timeout=5,
    )
    assert response.status_code == 302
    assert qbo_emulator.state.apps["plannit-dev-client"]["webhook_format"] == "legacy"
    assert qbo_emulator.state.apps["plannit-dev-client"]["webhook_url"].endswith(
        "/webhooks/quickbooks/"
    )


def test_a_person_changes_an_invoice_amount_on_the_page(qbo_emulator):
    invoice = _invoice(qbo_emulator, amount="100.00")
    page = requests.get(f"{qbo_emulator.base_url}/companies/{CA_REALM}/invoices", timeout=5).text
    assert "Change amount" in page
    answer = _post(qbo_emulator.base_url, "line_amount", id=invoice["Id"], amount="100.01")
    assert answer.status_code == 302
    changed = qbo_emulator.company(CA_REALM).get("Invoice", invoice["Id"])
    assert (changed["TotalAmt"], changed["Balance"], changed["SyncToken"]) == (100.01, 100.01, "1")
    refused = _post(qbo_emulator.base_url, "line_amount", id=invoice["Id"], amount="-1")
    assert refused.status_code == 400
    assert qbo_emulator.company(CA_REALM).get("Invoice", invoice["Id"])["TotalAmt"] == 100.01


def test_a_changed_amount_recomputes_the_taxes_as_quickbooks_does(qbo_emulator):
    # 90.00 with TPS + TVQ: 4.50 + 8.98; edited to 80.00 by a person: 4.00 + 7.98
    invoice = _invoice(qbo_emulator, amount="90.00", tax_code="TPS/TVQ QC - 9,975")
    assert invoice["TxnTaxDetail"]["TotalTax"] == 13.48
    answer = _post(qbo_emulator.base_url, "line_amount", id=invoice["Id"], amount="80.00")
    assert answer.status_code == 302
    changed = qbo_emulator.company(CA_REALM).get("Invoice", invoice["Id"])
    assert [line["Amount"] for line in changed["TxnTaxDetail"]["TaxLine"]] == [4.0, 7.98]
    assert (changed["TxnTaxDetail"]["TotalTax"], changed["TotalAmt"]) == (11.98, 91.98)
