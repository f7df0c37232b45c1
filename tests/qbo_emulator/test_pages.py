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
    assert f"Invoice {invoice['Id']}: 10.00" in payments.text
    assert f"/v3/company/{US_REALM}/payment" in log.text


def test_unknown_pages_are_404(base_url):
    assert requests.get(f"{base_url}/companies/nope", timeout=5).status_code == 404
    assert (
        requests.get(f"{base_url}/companies/{CA_REALM}/invoices/999", timeout=5).status_code == 404
    )
    assert requests.get(f"{base_url}/companies/{CA_REALM}/secret", timeout=5).status_code == 404


def _sales_line(amount, tax_code="2"):
    return {
        "Amount": amount,
        "DetailType": "SalesItemLineDetail",
        "Description": "Déneigement",
        "SalesItemLineDetail": {"ItemRef": {"value": "4"}, "TaxCodeRef": {"value": tax_code}},
    }


def test_the_new_documents_have_their_pages(api, base_url):
    estimate = api(
        "POST",
        "estimate",
        json={"CustomerRef": {"value": "1"}, "Line": [_sales_line(200)], "TxnStatus": "Accepted"},
    ).json()["Estimate"]
    memo = api(
        "POST", "creditmemo", json={"CustomerRef": {"value": "2"}, "Line": [_sales_line(40)]}
    ).json()["CreditMemo"]
    receipt = api("POST", "salesreceipt", json={"Line": [_sales_line(10)]}).json()["SalesReceipt"]
    refund = api(
        "POST",
        "refundreceipt",
        json={
            "CustomerRef": {"value": "3"},
            "DepositToAccountRef": {"value": "2"},
            "Line": [_sales_line(5, "7")],
        },
    ).json()["RefundReceipt"]
    api(
        "POST",
        "deposit",
        json={
            "DepositToAccountRef": {"value": "2"},
            "Line": [
                {"Amount": 11.5, "LinkedTxn": [{"TxnId": receipt["Id"], "TxnType": "SalesReceipt"}]}
            ],
        },
    )
    company = f"{base_url}/companies/{CA_REALM}"

    pages = {
        tab: requests.get(f"{company}/{tab}", timeout=5).text
        for tab in ("estimates", "creditmemos", "salesreceipts", "refunds", "deposits")
    }
    memo_page = requests.get(f"{company}/creditmemos/{memo['Id']}", timeout=5)
    estimate_page = requests.get(f"{company}/estimates/{estimate['Id']}", timeout=5)
    missing = requests.get(f"{company}/refunds/999", timeout=5)

    assert f"/companies/{CA_REALM}/estimates/{estimate['Id']}'>1001</a>" in pages["estimates"]
    assert "Accepted" in pages["estimates"] and "229.95" in pages["estimates"]
    assert "Jean Lavoie" in pages["creditmemos"] and "45.99" in pages["creditmemos"]
    assert "Fonds non déposés" in pages["salesreceipts"] and "11.50" in pages["salesreceipts"]
    assert "Chèques" in pages["refunds"] and "5.00" in pages["refunds"]
    assert f"SalesReceipt {receipt['Id']}: 11.50" in pages["deposits"]
    assert memo_page.status_code == 200
    assert "Credit memo 1002" in memo_page.text and "Credit left <b>45.99</b>" in memo_page.text
    assert "TVQ" in memo_page.text and "3.99" in memo_page.text
    assert "<td>TPS/TVQ QC - 9,975</td>" in memo_page.text  # the line's tax code, by name
    assert "Status <b>Accepted</b>" in estimate_page.text
    assert refund["DocNumber"] == "1004"
    assert missing.status_code == 404


def test_the_attachments_page_links_the_file(api, base_url, qbo_emulator):
    body = (
        '--B\r\nContent-Disposition: form-data; name="file_metadata_01"\r\n'
        "Content-Type: application/json\r\n\r\n"
        '{"FileName": "photo.png", "ContentType": "image/png", '
        '"AttachableRef": [{"EntityRef": {"type": "Customer", "value": "1"}}]}\r\n'
        '--B\r\nContent-Disposition: form-data; name="file_content_01"; filename="photo.png"\r\n'
        "Content-Type: image/png\r\n\r\n\x89PNG-bytes\r\n--B--\r\n"
    ).encode("latin-1")
    uploaded = api(
        "POST",
        "upload",
        data=body,
        headers={"Content-Type": "multipart/form-data; boundary=B"},
    )
    api("POST", "attachable", json={"Note": "Appeler avant de passer"})

    page = requests.get(f"{base_url}/companies/{CA_REALM}/attachments", timeout=5).text

    attachable = uploaded.json()["AttachableResponse"][0]["Attachable"]
    assert attachable["Size"] == 10
    assert "Customer 1" in page and "Appeler avant de passer" in page
    href = page.split("<td><a href='", 1)[1].split("'", 1)[0].replace("&amp;", "&")
    assert href.startswith(f"{base_url}/attachments/{CA_REALM}/{attachable['Id']}?expires=")
    assert requests.get(href, timeout=5).content == b"\x89PNG-bytes"
