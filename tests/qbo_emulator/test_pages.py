"""Pages for people."""

import pytest
import requests

from .conftest import CA_REALM, US_REALM


def test_index_lists_companies(base_url):
    response = requests.get(f"{base_url}/", timeout=5)

    assert response.status_code == 200
    assert "Compagnie ABC" in response.text and "Sandbox Company US" in response.text
    assert f"/companies/{CA_REALM}" in response.text


@pytest.mark.parametrize(
    "tab,expected",
    [
        ("customers", "Marie Tremblay"),
        ("items", "Déplacement"),
        ("accounts", "Fonds non déposés"),
        ("taxcodes", "TVQ 9.975 %"),
        ("invoices", "Nothing yet"),
        ("payments", "Nothing yet"),
        ("requests", "Nothing yet"),
    ],
)
def test_company_tabs(base_url, tab, expected):
    response = requests.get(f"{base_url}/companies/{CA_REALM}/{tab}", timeout=5)

    assert response.status_code == 200
    assert expected in response.text


def test_invoice_payment_and_log_pages_show_what_was_sent(api, base_url):
    invoice = api(
        "POST",
        "invoice",
        realm_id=US_REALM,
        json={
            "CustomerRef": {"value": "1"},
            "DocNumber": "FS-1",
            "Line": [
                {
                    "Amount": 45.5,
                    "DetailType": "SalesItemLineDetail",
                    "Description": "Valve",
                    "SalesItemLineDetail": {
                        "ItemRef": {"value": "6"},
                        "TaxCodeRef": {"value": "TAX"},
                        "Qty": 1,
                        "UnitPrice": 45.5,
                    },
                }
            ],
        },
    ).json()["Invoice"]
    api(
        "POST",
        "payment",
        realm_id=US_REALM,
        json={
            "CustomerRef": {"value": "1"},
            "TotalAmt": 10,
            "DepositToAccountRef": {"value": "2"},
            "Line": [{"Amount": 10, "LinkedTxn": [{"TxnId": invoice["Id"], "TxnType": "Invoice"}]}],
        },
    )

    detail = requests.get(f"{base_url}/companies/{US_REALM}/invoices/{invoice['Id']}", timeout=5)
    payments = requests.get(f"{base_url}/companies/{US_REALM}/payments", timeout=5)
    log = requests.get(f"{base_url}/companies/{US_REALM}/requests", timeout=5)

    assert "Valve" in detail.text and "49.14" in detail.text and "3.64" in detail.text
    assert "39.14" in detail.text  # balance after the payment
    assert "Checking" in payments.text
    assert f"/v3/company/{US_REALM}/payment" in log.text


def test_unknown_pages_are_404(base_url):
    assert requests.get(f"{base_url}/companies/nope", timeout=5).status_code == 404
    assert (
        requests.get(f"{base_url}/companies/{CA_REALM}/invoices/999", timeout=5).status_code == 404
    )
    assert requests.get(f"{base_url}/companies/{CA_REALM}/secret", timeout=5).status_code == 404
