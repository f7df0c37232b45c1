"""QuickBooks' tax on a credit memo equals ours to the cent: random partial credits of random
invoices over several tax groups (mapped to the company's tax codes), each sent to the
emulator as the sync engine sends it, and QBO's TotalTax and TotalAmt compared to totals.py."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounting.qbo import credit_payloads
from accounting.qbo import sales_payloads as payloads
from accounting.qbo.sales import SalesApi
from accounting.services.connection import connection_get_access_token
from invoicing.totals import LineSpec, TaxGroupSpec, TaxRate, compute_totals

from .conftest import CA_REALM

# The groups, each mapped to one tax code; "TPS" and "TPS + TVQ" share QuickBooks' TPS rate
# (QBO rounds each code's part of a rate on its own TaxLine, as totals.py rounds per group).
QC = TaxGroupSpec(1, "TPS + TVQ", (TaxRate("TPS", Decimal("5")), TaxRate("TVQ", Decimal("9.975"))))
ON = TaxGroupSpec(2, "TVH", (TaxRate("TVH", Decimal("13")),))
ATL = TaxGroupSpec(3, "TVH 15", (TaxRate("TVH", Decimal("15")),))
GST = TaxGroupSpec(4, "TPS", (TaxRate("TPS", Decimal("5")),))
GROUPS = [QC, ON, ATL, GST, None]  # None: a line that is not taxable
CODE_NAMES = {1: "TPS/TVQ QC - 9,975", 2: "TVH ON 13 %", 3: "TVH 15 %", 4: "TPS"}

invoice_line = st.tuples(
    st.decimals(min_value=Decimal("0.001"), max_value=Decimal("500"), places=3),
    st.integers(min_value=0, max_value=5 * 10**7).map(lambda n: Decimal(n).scaleb(-4)),
    st.sampled_from(GROUPS),
    # the share of the line credited, in thousandths (0: the line is not credited)
    st.integers(min_value=0, max_value=1000),
)


def _credit_lines(lines):
    credited = []
    for quantity, price, group, share in lines:
        part = (quantity * share / 1000).quantize(Decimal("0.001"))
        if part > 0:
            credited.append((part, price, group))
    return credited


@pytest.fixture(autouse=True)
def _our_limit_as_wide_as_the_emulators(settings):
    # Every call takes its slot in our limiter too; told the emulator's window.
    settings.QBO_LIMIT_REQUESTS_PER_MINUTE = 10**9


@settings(
    max_examples=1500,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(lines=st.lists(invoice_line, min_size=1, max_size=12))
def test_credit_memo_tax_in_quickbooks_equals_ours(qbo, lines):
    qbo.emulator.set_settings(requests_per_window=10**9)
    credited = _credit_lines(lines)
    if not credited:
        return
    ours = compute_totals(
        [
            LineSpec(quantity=q, unit_price=p, is_taxable=g is not None, tax_group=g)
            for q, p, g in credited
        ],
        default_tax_group=None,
    )
    codes = {
        row["Name"]: row["Id"]
        for row in qbo.company.all("TaxCode")
        if row["Name"] in CODE_NAMES.values()
    }
    mapping = payloads.Mapping(
        is_us=False,
        taxable_tax_code=codes[CODE_NAMES[1]],
        non_taxable_tax_code=qbo.settings.non_taxable_tax_code_id,
        default_item=qbo.settings.default_item_id,
        tax_group_codes={key: codes[name] for key, name in CODE_NAMES.items()},
    )
    data = credit_payloads.CreditMemoData(
        credit_note_id=1,
        number="",
        date=datetime.date(2026, 11, 25),
        email="",
        reason="",
        lines=tuple(
            payloads.LineData(
                description="x",
                quantity=q,
                unit_price=p,
                amount=amount,
                is_taxable=g is not None,
                tax_group_id=g.key if g is not None else None,
                qbo_item_id="",
                label="x",
            )
            for (q, p, g), amount in zip(credited, ours.line_amounts, strict=True)
        ),
    )
    body = credit_payloads.credit_memo_body(data, customer_id=_customer(qbo), mapping=mapping)
    del body["DocNumber"]
    token = connection_get_access_token(connection_id=qbo.connection.pk)
    remote = SalesApi(access_token=token, realm_id=CA_REALM).document_create(
        "CreditMemo", body, request_id=""
    )
    assert (remote.tax_total, remote.total) == (ours.tax_total, ours.total)


def _customer(qbo) -> str:
    rows = qbo.company.all("Customer")
    return rows[0]["Id"]
