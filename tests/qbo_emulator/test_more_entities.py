"""Estimate (and the invoice that closes it), Deposit (out of Undeposited Funds), Class and
Department on documents and lines, Attachable with /upload and its download link, TaxAgency,
and the invoice's online link, through python-quickbooks (raw requests where it has no call)."""

from decimal import Decimal

import pytest
import requests
from quickbooks.exceptions import QuickbooksException, ValidationException
from quickbooks.objects import (
    Attachable,
    Department,
    Deposit,
    Estimate,
    Invoice,
    Payment,
    SalesReceipt,
    TaxAgency,
)
from quickbooks.objects.base import AttachableRef, LinkedTxn, Ref
from quickbooks.objects.deposit import DepositLine, DepositLineDetail
from quickbooks.objects.detailline import SalesItemLine, SalesItemLineDetail
from quickbooks.objects.trackingclass import Class

from .conftest import CA_REALM, US_REALM


def _ref(value):
    ref = Ref()
    ref.value = value
    return ref


def _line(amount, tax_code="2", class_id=None):
    line = SalesItemLine()
    line.Amount = Decimal(amount)
    line.SalesItemLineDetail = SalesItemLineDetail()
    line.SalesItemLineDetail.ItemRef = _ref("4")
    line.SalesItemLineDetail.TaxCodeRef = _ref(tax_code)
    if class_id:
        line.SalesItemLineDetail.ClassRef = _ref(class_id)
    return line


def _estimate(qb, customer="1", amount="200.00", **fields):
    estimate = Estimate()
    estimate.CustomerRef = _ref(customer)
    estimate.Line = [_line(amount)]
    for key, value in fields.items():
        setattr(estimate, key, value)
    return estimate.save(qb=qb)


def _linked(txn_type, txn_id):
    link = LinkedTxn()
    link.TxnId, link.TxnType = txn_id, txn_type
    return link


def test_estimate_is_pending_with_taxes_like_an_invoice(qb):
    estimate = _estimate(qb, ExpirationDate="2027-01-31")

    assert estimate.TxnStatus == "Pending"
    assert estimate.TotalAmt == Decimal("229.95")
    assert estimate.TxnTaxDetail.TotalTax == Decimal("29.95")
    assert estimate.ExpirationDate == "2027-01-31"
    assert estimate.DocNumber == "1001"
    assert estimate.LinkedTxn == []


def test_an_estimate_is_accepted_then_closed_by_the_invoice_that_links_it(qb, qbo_emulator):
    estimate = _estimate(qb)
    estimate.TxnStatus = "Accepted"
    estimate.AcceptedBy = "Marie Tremblay"
    estimate.AcceptedDate = "2026-12-01"
    estimate = estimate.save(qb=qb)
    invoice = Invoice()
    invoice.CustomerRef = _ref("1")
    invoice.Line = [_line("200.00")]
    invoice.LinkedTxn = [_linked("Estimate", estimate.Id)]

    invoice = invoice.save(qb=qb)

    stored = qbo_emulator.company(CA_REALM).get("Estimate", estimate.Id)
    assert (stored["TxnStatus"], stored["AcceptedBy"], stored["SyncToken"]) == (
        "Closed",
        "Marie Tremblay",
        "2",
    )
    assert stored["LinkedTxn"] == [{"TxnId": invoice.Id, "TxnType": "Invoice"}]
    assert [(x.TxnId, x.TxnType) for x in invoice.LinkedTxn] == [(estimate.Id, "Estimate")]
    # A closed estimate is not invoiced twice; deleting the invoice opens it again.
    second = Invoice()
    second.CustomerRef = _ref("1")
    second.Line = [_line("1.00")]
    second.LinkedTxn = [_linked("Estimate", estimate.Id)]
    with pytest.raises(QuickbooksException) as error:
        second.save(qb=qb)
    assert error.value.detail == "Business Validation Error: Estimate 1001 is closed."
    invoice.delete(qb=qb)
    reopened = qbo_emulator.company(CA_REALM).get("Estimate", estimate.Id)
    assert (reopened["TxnStatus"], reopened["LinkedTxn"]) == ("Pending", [])


def test_estimate_status_and_links_are_checked(qb, api, qbo_emulator):
    estimate = _estimate(qb)
    other = _estimate(qb, customer="2")

    bad_status = api(
        "POST",
        "estimate",
        json={"Id": estimate.Id, "SyncToken": "0", "sparse": True, "TxnStatus": "Signed"},
    )
    wrong_customer = api(
        "POST",
        "invoice",
        json={
            "CustomerRef": {"value": "1"},
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
            "LinkedTxn": [{"TxnId": other.Id, "TxnType": "Estimate"}],
        },
    )

    assert bad_status.json()["Fault"]["Error"][0]["code"] == "2010"
    assert wrong_customer.json()["Fault"]["Error"][0]["Detail"] == (
        "Business Validation Error: Estimate 1002 belongs to another customer."
    )
    company = qbo_emulator.company(CA_REALM)
    assert company.get("Estimate", estimate.Id)["TxnStatus"] == "Pending"
    assert company.all("Invoice") == []


def test_class_and_department_nest_and_are_validated_on_documents_and_lines(qb, qbo_emulator):
    residential = Class()
    residential.Name = "Résidentiel"
    residential = residential.save(qb=qb)
    snow = Class()
    snow.Name = "Déneigement"
    snow.ParentRef = _ref(residential.Id)
    snow = snow.save(qb=qb)
    montreal = Department()
    montreal.Name = "Montréal"
    montreal = montreal.save(qb=qb)

    invoice = Invoice()
    invoice.CustomerRef = _ref("1")
    invoice.ClassRef = _ref(residential.Id)
    invoice.DepartmentRef = _ref(montreal.Id)
    invoice.Line = [_line("50.00", class_id=snow.Id)]
    invoice = invoice.save(qb=qb)

    assert (snow.SubClass, snow.FullyQualifiedName) == (True, "Résidentiel:Déneigement")
    assert (invoice.ClassRef.value, invoice.ClassRef.name) == (residential.Id, "Résidentiel")
    assert invoice.DepartmentRef.name == "Montréal"
    assert invoice.Line[0].SalesItemLineDetail.ClassRef.name == "Résidentiel:Déneigement"
    assert Class.count(qb=qb) == 2

    unknown = Invoice()
    unknown.CustomerRef = _ref("1")
    unknown.Line = [_line("50.00", class_id="99")]
    with pytest.raises(ValidationException) as error:
        unknown.save(qb=qb)
    assert (error.value.error_code, error.value.detail) == (
        2500,
        "Invalid Reference Id : Class element id 99 not found",
    )
    assert len(qbo_emulator.company(CA_REALM).all("Invoice")) == 1


def test_class_names_are_unique_and_a_parent_with_children_stays_active(qb):
    parent = Class()
    parent.Name = "Commercial"
    parent = parent.save(qb=qb)
    child = Class()
    child.Name = "Entretien"
    child.ParentRef = _ref(parent.Id)
    child.save(qb=qb)
    duplicate = Class()
    duplicate.Name = "commercial"

    with pytest.raises(QuickbooksException) as taken:
        duplicate.save(qb=qb)
    parent.Active = False
    with pytest.raises(QuickbooksException) as busy:
        parent.save(qb=qb)

    assert taken.value.error_code == 6240
    assert busy.value.error_code == 6000
    assert Class.get(parent.Id, qb=qb).Active is True


def _payment(qb, amount, **fields):
    payment = Payment()
    payment.CustomerRef = _ref("1")
    payment.TotalAmt = Decimal(amount)
    for key, value in fields.items():
        setattr(payment, key, value)
    return payment.save(qb=qb)


def _deposit_line(amount, txn_type=None, txn_id=None, account=None):
    line = DepositLine()
    line.Amount = Decimal(amount)
    if txn_type:
        line.LinkedTxn = [_linked(txn_type, txn_id)]
    else:
        line.DepositLineDetail = DepositLineDetail()
        line.DepositLineDetail.AccountRef = _ref(account)
    return line


def test_a_deposit_moves_payments_out_of_undeposited_funds(qb, qbo_emulator):
    payment = _payment(qb, "50.00")
    receipt = SalesReceipt()
    receipt.Line = [_line("10.00")]
    receipt = receipt.save(qb=qb)
    deposit = Deposit()
    deposit.DepositToAccountRef = _ref("2")
    deposit.Line = [
        _deposit_line("50.00", "Payment", payment.Id),
        _deposit_line("11.50", "SalesReceipt", receipt.Id),
        _deposit_line("20.00", account="8"),
    ]

    deposit = deposit.save(qb=qb)

    company = qbo_emulator.company(CA_REALM)
    assert deposit.TotalAmt == Decimal("81.50")
    assert (deposit.DepositToAccountRef.value, deposit.DepositToAccountRef.name) == (
        "2",
        "Chèques",
    )
    assert company.get("Payment", payment.Id)["LinkedTxn"] == [
        {"TxnId": deposit.Id, "TxnType": "Deposit"}
    ]
    assert company.get("SalesReceipt", receipt.Id)["SyncToken"] == "1"

    with pytest.raises(QuickbooksException) as in_deposit:
        Payment.get(payment.Id, qb=qb).delete(qb=qb)
    again = Deposit()
    again.DepositToAccountRef = _ref("3")
    again.Line = [_deposit_line("50.00", "Payment", payment.Id)]
    with pytest.raises(QuickbooksException) as twice:
        again.save(qb=qb)

    assert in_deposit.value.detail == (
        f"Business Validation Error: This transaction is in deposit {deposit.Id}. Remove it "
        "from the deposit before you delete it."
    )
    assert twice.value.detail == (
        f"Business Validation Error: Payment {payment.Id} is already in deposit {deposit.Id}."
    )
    assert len(company.all("Deposit")) == 1

    Deposit.get(deposit.Id, qb=qb).delete(qb=qb)

    assert company.get("Payment", payment.Id)["LinkedTxn"] == []
    Payment.get(payment.Id, qb=qb).delete(qb=qb)
    assert company.all("Payment") == []


@pytest.mark.parametrize(
    ("case", "detail"),
    [
        ("partial", "A deposit line takes the whole Payment {id}: 50.0, not 20.0."),
        ("bank", "Payment {id} is not in Undeposited Funds."),
    ],
)
def test_a_deposit_takes_whole_payments_from_undeposited_funds(qb, qbo_emulator, case, detail):
    payment = _payment(qb, "50.00", DepositToAccountRef=_ref("2") if case == "bank" else None)
    deposit = Deposit()
    deposit.DepositToAccountRef = _ref("3")
    deposit.Line = [_deposit_line("20.00" if case == "partial" else "50.00", "Payment", payment.Id)]

    with pytest.raises(QuickbooksException) as error:
        deposit.save(qb=qb)

    assert error.value.detail == "Business Validation Error: " + detail.format(id=payment.Id)
    assert qbo_emulator.company(CA_REALM).all("Deposit") == []
    assert qbo_emulator.company(CA_REALM).get("Payment", payment.Id)["SyncToken"] == "0"


def test_a_deposit_into_undeposited_funds_is_refused(qb):
    deposit = Deposit()
    deposit.DepositToAccountRef = _ref("4")
    deposit.Line = [_deposit_line("20.00", account="8")]

    with pytest.raises(ValidationException) as error:
        deposit.save(qb=qb)

    assert error.value.error_code == 2500


def _invoice(qb, customer="1"):
    invoice = Invoice()
    invoice.CustomerRef = _ref(customer)
    invoice.Line = [_line("10.00")]
    return invoice.save(qb=qb)


def test_a_file_is_uploaded_attached_to_an_invoice_and_downloaded(qb, api, base_url):
    invoice = _invoice(qb)
    attachment = Attachable()
    ref = AttachableRef()
    ref.EntityRef = _ref(invoice.Id)
    ref.EntityRef.type = "Invoice"
    attachment.AttachableRef = [ref]
    attachment.FileName = "bon-de-travail.pdf"
    attachment.ContentType = "application/pdf"
    attachment._FileBytes = b"%PDF-1.4 bon de travail"

    saved = attachment.save(qb=qb)

    assert (saved.FileName, saved.ContentType, saved.Size) == (
        "bon-de-travail.pdf",
        "application/pdf",
        23,
    )
    assert saved.FileAccessUri == f"/v3/company/{CA_REALM}/download/{saved.Id}"
    assert [(r.EntityRef.type, r.EntityRef.value) for r in saved.AttachableRef] == [
        ("Invoice", invoice.Id)
    ]
    link = api("GET", f"download/{saved.Id}")
    assert link.headers["Content-Type"] == "text/plain"
    assert link.text.startswith(f"{base_url}/attachments/{CA_REALM}/{saved.Id}?expires=")
    file = requests.get(link.text, timeout=5)
    assert (file.status_code, file.content) == (200, b"%PDF-1.4 bon de travail")
    assert file.headers["Content-Type"] == "application/pdf"
    again = Attachable.get(saved.Id, qb=qb)
    assert requests.get(again.TempDownloadUri, timeout=5).content == b"%PDF-1.4 bon de travail"


def test_a_download_link_expires_and_cannot_be_forged(qb, api, qbo_emulator):
    invoice = _invoice(qb)
    attachment = Attachable()
    ref = AttachableRef()
    ref.EntityRef = _ref(invoice.Id)
    ref.EntityRef.type = "Invoice"
    attachment.AttachableRef = [ref]
    attachment.FileName = "photo.jpg"
    attachment.ContentType = "image/jpeg"
    attachment._FileBytes = b"\xff\xd8\xff photo"
    saved = attachment.save(qb=qb)
    url = api("GET", f"download/{saved.Id}").text

    forged = requests.get(url[:-4] + "0000", timeout=5)
    qbo_emulator.clock.advance(901)
    expired = requests.get(url, timeout=5)

    assert (forged.status_code, expired.status_code) == (403, 403)
    assert expired.content == b"Request has expired or is not signed"


def test_an_attachment_to_nothing_real_is_refused_and_a_note_needs_no_file(qb, qbo_emulator):
    attachment = Attachable()
    ref = AttachableRef()
    ref.EntityRef = _ref("999")
    ref.EntityRef.type = "Invoice"
    attachment.AttachableRef = [ref]
    attachment.FileName = "x.txt"
    attachment.ContentType = "text/plain"
    attachment._FileBytes = b"x"
    with pytest.raises(ValidationException) as error:
        attachment.save(qb=qb)
    note = Attachable()
    note.Note = "Client absent, repasser jeudi"
    note = note.save(qb=qb)

    assert error.value.error_code == 2500
    assert note.Note == "Client absent, repasser jeudi"
    assert [a["Note"] for a in qbo_emulator.company(CA_REALM).all("Attachable")] == [
        "Client absent, repasser jeudi"
    ]


def test_tax_agencies_are_read(qb, qb_us):
    agencies = TaxAgency.all(qb=qb)

    assert [(a.Id, a.DisplayName) for a in agencies] == [
        ("1", "Agence du revenu du Canada"),
        ("2", "Revenu Québec"),
    ]
    assert [a.DisplayName for a in TaxAgency.all(qb=qb_us)] == [
        "California Department of Tax and Fee Administration"
    ]
    agency = TaxAgency.get(2, qb=qb)
    agency.DisplayName = "Autre"
    with pytest.raises(QuickbooksException) as error:
        agency.save(qb=qb)
    assert error.value.error_code == 500


def test_the_invoice_link_needs_online_payments_and_a_bill_email(qb, api, qbo_emulator):
    with_email = _invoice(qb)  # the customer's e-mail becomes the bill e-mail
    silent = api("POST", "customer", json={"DisplayName": "Sans courriel"}).json()["Customer"]
    without_email = _invoice(qb, customer=silent["Id"])
    before = api("GET", f"invoice/{with_email.Id}", params={"include": "invoiceLink"})
    qbo_emulator.company(CA_REALM).save(
        "Preferences",
        {
            "Id": "1",
            "SyncToken": "0",
            "sparse": True,
            "SalesFormsPrefs": {"ETransactionPaymentEnabled": True},
        },
    )

    linked = api("GET", f"invoice/{with_email.Id}", params={"include": "invoiceLink"})
    plain = api("GET", f"invoice/{with_email.Id}")
    no_email = api("GET", f"invoice/{without_email.Id}", params={"include": "invoiceLink"})

    assert "InvoiceLink" not in before.json()["Invoice"]
    link = linked.json()["Invoice"]["InvoiceLink"]
    assert link.startswith("https://connect.intuit.com/portal/app/CommerceNetwork/view/scs-v1-")
    assert link.endswith("?locale=fr_CA")
    assert "InvoiceLink" not in plain.json()["Invoice"]
    assert "InvoiceLink" not in no_email.json()["Invoice"]
    assert (
        qbo_emulator.company(US_REALM).get("Preferences", "1")["SalesFormsPrefs"][
            "ETransactionPaymentEnabled"
        ]
        is False
    )


def test_batch_and_cdc_carry_the_new_entities(qb, api):
    import datetime as dt

    from quickbooks.batch import batch_create
    from quickbooks.cdc import change_data_capture

    since = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)
    north = Class()
    north.Name = "Nord"
    east = Department()
    east.Name = "Est"
    estimate = Estimate()
    estimate.CustomerRef = _ref("1")
    estimate.Line = [_line("10.00")]
    broken = Estimate()
    broken.Line = [_line("10.00")]  # no customer
    note = Attachable()
    note.Note = "Photo à venir"

    result = batch_create([north, east, estimate, broken, note], qb=qb)
    payment = _payment(qb, "5.00")
    deposit = Deposit()
    deposit.DepositToAccountRef = _ref("2")
    deposit.Line = [_deposit_line("5.00", "Payment", payment.Id)]
    deposit.save(qb=qb)
    changes = change_data_capture(
        [Class, Department, Estimate, Deposit, Attachable], since.isoformat(), qb=qb
    )

    assert sorted(type(o).__name__ for o in result.successes) == [
        "Attachable",
        "Class",
        "Department",
        "Estimate",
    ]
    assert [f.Error[0].code for f in result.faults] == ["2020"]
    assert [c.Name for c in changes.Class] == ["Nord"]
    assert [d.Name for d in changes.Department] == ["Est"]
    assert [x.TotalAmt for x in changes.Estimate] == [Decimal("11.50")]
    assert [x.TotalAmt for x in changes.Deposit] == [Decimal("5.00")]
    assert [x.Note for x in changes.Attachable] == ["Photo à venir"]


def _create_each(api):
    line = {
        "Amount": 100,
        "DetailType": "SalesItemLineDetail",
        "SalesItemLineDetail": {"ItemRef": {"value": "4"}, "TaxCodeRef": {"value": "2"}},
    }
    payment = api("POST", "payment", json={"CustomerRef": {"value": "1"}, "TotalAmt": 10})
    return {
        "CreditMemo": {"CustomerRef": {"value": "1"}, "Line": [line]},
        "SalesReceipt": {"Line": [line]},
        "RefundReceipt": {"DepositToAccountRef": {"value": "2"}, "Line": [line]},
        "Estimate": {"CustomerRef": {"value": "1"}, "Line": [line]},
        "Deposit": {
            "DepositToAccountRef": {"value": "2"},
            "Line": [
                {
                    "Amount": 10,
                    "LinkedTxn": [{"TxnId": payment.json()["Payment"]["Id"], "TxnType": "Payment"}],
                }
            ],
        },
    }


@pytest.mark.parametrize(
    "entity", ["CreditMemo", "SalesReceipt", "RefundReceipt", "Estimate", "Deposit"]
)
def test_sparse_update_keeps_the_rest_and_full_update_clears_it(api, qbo_emulator, entity):
    body = _create_each(api)[entity]
    created = api("POST", entity.lower(), json={**body, "PrivateNote": "première"}).json()[entity]

    sparse = api(
        "POST",
        entity.lower(),
        json={"Id": created["Id"], "SyncToken": "0", "sparse": True, "DocNumber": "X-9"},
    ).json()[entity]
    full = api("POST", entity.lower(), json={**body, "Id": created["Id"], "SyncToken": "1"}).json()[
        entity
    ]
    stale = api("POST", entity.lower(), json={**body, "Id": created["Id"], "SyncToken": "0"})

    assert (sparse["DocNumber"], sparse["PrivateNote"], sparse["SyncToken"]) == (
        "X-9",
        "première",
        "1",
    )
    assert sparse["TotalAmt"] == created["TotalAmt"]
    assert "PrivateNote" not in full
    assert full["SyncToken"] == "2"
    assert stale.json()["Fault"]["Error"][0]["code"] == "5010"
    assert qbo_emulator.company(CA_REALM).get(entity, created["Id"])["SyncToken"] == "2"
