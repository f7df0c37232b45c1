"""Discounts before tax, on lines and on the whole document: QuickBooks' tax and total equal
ours to the cent over random invoices, groups and discounts (a percentage up to 100 %, or an
amount), sent to the emulator as the sync engine sends them (a negative line under a
discounted line, a discount line for the document)."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounting.qbo import sales_payloads as payloads
from accounting.qbo.sales import SalesApi
from accounting.services.connection import connection_get_access_token
from invoicing.totals import DiscountSpec, LineSpec, compute_totals

from .conftest import CA_REALM
from .test_credit_tax_property import CODE_NAMES, GROUPS

discounts = st.one_of(
    st.integers(min_value=1, max_value=10000).map(
        lambda n: DiscountSpec(percent=Decimal(n).scaleb(-2))
    ),
    st.integers(min_value=1, max_value=10**7).map(
        lambda n: DiscountSpec(amount=Decimal(n).scaleb(-2))
    ),
)


# Each line: quantity, unit price, group, and its own discount (none, a % or an amount).
lines_strategy = st.lists(
    st.tuples(
        st.decimals(min_value=Decimal("0.001"), max_value=Decimal("500"), places=3),
        st.integers(min_value=0, max_value=5 * 10**7).map(lambda n: Decimal(n).scaleb(-4)),
        st.sampled_from(GROUPS),
        st.one_of(st.none(), discounts),
    ),
    min_size=1,
    max_size=10,
)


def _mapping(qbo) -> payloads.Mapping:
    codes = {
        row["Name"]: row["Id"]
        for row in qbo.company.all("TaxCode")
        if row["Name"] in CODE_NAMES.values()
    }
    return payloads.Mapping(
        is_us=False,
        taxable_tax_code=codes[CODE_NAMES[1]],
        non_taxable_tax_code=qbo.settings.non_taxable_tax_code_id,
        default_item=qbo.settings.default_item_id,
        tax_group_codes={key: codes[name] for key, name in CODE_NAMES.items()},
    )


@pytest.fixture(autouse=True)
def _our_limit_as_wide_as_the_emulators(settings):
    # Every call takes its slot in our limiter too; told the emulator's window.
    settings.QBO_LIMIT_REQUESTS_PER_MINUTE = 10**9


@settings(
    max_examples=1500,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(lines=lines_strategy, discount=discounts)
def test_discounted_invoice_in_quickbooks_equals_ours(qbo, lines, discount):
    qbo.emulator.set_settings(requests_per_window=10**9)
    ours = compute_totals(
        [
            LineSpec(quantity=q, unit_price=p, is_taxable=g is not None, tax_group=g, discount=d)
            for q, p, g, d in lines
        ],
        default_tax_group=None,
        discount=discount,
    )
    assert ours.discount <= ours.subtotal
    assert ours.total == ours.subtotal - ours.discount + ours.tax_total
    if ours.subtotal == 0:
        return  # QBO needs a line with an amount to take a discount from
    data = payloads.InvoiceData(
        invoice_id=1,
        number="",
        issue_date=datetime.date(2026, 11, 25),
        due_date=datetime.date(2026, 12, 25),
        email="",
        notes="",
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
                discount=off,
            )
            for (q, p, g, _d), amount, off in zip(
                lines, ours.line_amounts, ours.line_discounts, strict=True
            )
        ),
        discount_percent=discount.percent,
        discount_amount=ours.discount if discount.percent is None else Decimal("0"),
    )
    customer_id = qbo.company.all("Customer")[0]["Id"]
    body = payloads.invoice_body(data, customer_id=customer_id, mapping=_mapping(qbo))
    del body["DocNumber"]
    token = connection_get_access_token(connection_id=qbo.connection.pk)
    remote = SalesApi(access_token=token, realm_id=CA_REALM).invoice_create(body, request_id="")
    assert (remote.tax_total, remote.total) == (ours.tax_total, ours.total)
    if discount.percent == 100:
        assert (ours.tax_total, ours.total) == (0, 0)
