"""The totals rule (invoicing/totals.py): fixed examples, then thousands of random invoices
checked against an independent recomputation in exact fractions."""

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from invoicing.totals import (
    DiscountSpec,
    LineSpec,
    MissingTaxGroupError,
    TaxGroupSpec,
    TaxRate,
    compute_totals,
    line_amount,
    round_money,
)

QC = TaxGroupSpec(
    key=1,
    name="TPS + TVQ",
    components=(TaxRate("TPS", Decimal("5")), TaxRate("TVQ", Decimal("9.975"))),
)
ON = TaxGroupSpec(key=2, name="TVH 13 %", components=(TaxRate("TVH", Decimal("13")),))
EXEMPT = TaxGroupSpec(key=3, name="Exonéré", components=())
ZERO_RATED = TaxGroupSpec(key=4, name="Détaxé", components=(TaxRate("TPS", Decimal("0")),))


def D(value: str) -> Decimal:
    return Decimal(value)


def taxes_of(totals):
    return [(tax.group.name, tax.name, tax.taxable_amount, tax.amount) for tax in totals.taxes]


def test_quebec_100_dollars():
    totals = compute_totals([LineSpec(D("1"), D("100.00"))], default_tax_group=QC)
    assert totals.subtotal == D("100.00")
    assert taxes_of(totals) == [
        ("TPS + TVQ", "TPS", D("100.00"), D("5.00")),
        ("TPS + TVQ", "TVQ", D("100.00"), D("9.98")),
    ]
    assert totals.tax_total == D("14.98")
    assert totals.total == D("114.98")


def test_quebec_4495_16_matches_quickbooks():
    totals = compute_totals([LineSpec(D("1"), D("4495.16"))], default_tax_group=QC)
    assert taxes_of(totals) == [
        ("TPS + TVQ", "TPS", D("4495.16"), D("224.76")),
        ("TPS + TVQ", "TVQ", D("4495.16"), D("448.39")),
    ]
    assert totals.total == D("5168.31")


def test_line_amount_rounds_half_up_to_the_cent():
    assert line_amount(D("3"), D("0.335")) == D("1.01")  # 1.005 → 1.01 (half-up, not even)
    assert line_amount(D("1.5"), D("0.0333")) == D("0.05")  # 0.04995
    assert line_amount(D("2.125"), D("45.50")) == D("96.69")  # 96.6875
    assert round_money(D("0.125")) == D("0.13")
    assert round_money(D("2.675")) == D("2.68")


def test_taxes_are_rounded_once_per_group_and_component_not_per_line():
    # given three lines of 0.10: per line, TVQ would be 0.01 × 3 = 0.03
    lines = [LineSpec(D("1"), D("0.10"))] * 3
    # when
    totals = compute_totals(lines, default_tax_group=QC)
    # then 0.30 × 9.975 % = 0.029925 → 0.03, 0.30 × 5 % = 0.015 → 0.02
    assert taxes_of(totals) == [
        ("TPS + TVQ", "TPS", D("0.30"), D("0.02")),
        ("TPS + TVQ", "TVQ", D("0.30"), D("0.03")),
    ]
    # and with 0.07 lines, per-line rounding would give 0.00 + 0.00 + 0.00 + 0.00 of TPS
    totals = compute_totals([LineSpec(D("1"), D("0.07"))] * 4, default_tax_group=QC)
    assert taxes_of(totals) == [
        ("TPS + TVQ", "TPS", D("0.28"), D("0.01")),
        ("TPS + TVQ", "TVQ", D("0.28"), D("0.03")),
    ]


def test_mix_of_taxable_and_non_taxable_lines():
    lines = [
        LineSpec(D("2"), D("45.00")),  # 90.00, taxable, default group
        LineSpec(D("1"), D("250.00"), is_taxable=False),
        LineSpec(D("1.5"), D("33.333"), is_taxable=True),  # 49.9995 → 50.00
        LineSpec(D("3"), D("10.00"), is_taxable=False, tax_group=ON),  # not taxed, group ignored
    ]
    totals = compute_totals(lines, default_tax_group=QC)
    assert totals.line_amounts == (D("90.00"), D("250.00"), D("50.00"), D("30.00"))
    assert totals.subtotal == D("420.00")
    assert taxes_of(totals) == [
        ("TPS + TVQ", "TPS", D("140.00"), D("7.00")),
        ("TPS + TVQ", "TVQ", D("140.00"), D("13.97")),
    ]
    assert totals.tax_total == D("20.97")
    assert totals.total == D("440.97")


def test_several_groups_each_with_its_own_base():
    lines = [
        LineSpec(D("1"), D("100.00"), tax_group=ON),
        LineSpec(D("1"), D("200.00")),  # default (QC)
        LineSpec(D("1"), D("55.55"), tax_group=ON),
        LineSpec(D("1"), D("80.00"), tax_group=EXEMPT),
        LineSpec(D("1"), D("19.99"), tax_group=ZERO_RATED),
    ]
    totals = compute_totals(lines, default_tax_group=QC)
    assert totals.subtotal == D("455.54")
    assert taxes_of(totals) == [
        ("TVH 13 %", "TVH", D("155.55"), D("20.22")),  # 20.2215
        ("TPS + TVQ", "TPS", D("200.00"), D("10.00")),
        ("TPS + TVQ", "TVQ", D("200.00"), D("19.95")),
        ("Détaxé", "TPS", D("19.99"), D("0.00")),
    ]
    assert totals.tax_total == D("50.17")
    assert totals.total == D("505.71")


def test_no_lines_gives_zero_everywhere():
    totals = compute_totals([], default_tax_group=None)
    assert (totals.subtotal, totals.taxes, totals.tax_total, totals.total) == (
        D("0.00"),
        (),
        D("0.00"),
        D("0.00"),
    )


def test_a_taxable_line_without_any_group_is_refused():
    with pytest.raises(MissingTaxGroupError):
        compute_totals([LineSpec(D("1"), D("10"))], default_tax_group=None)


def test_non_taxable_lines_need_no_group():
    totals = compute_totals([LineSpec(D("1"), D("10"), is_taxable=False)], default_tax_group=None)
    assert (totals.subtotal, totals.taxes, totals.total) == (D("10.00"), (), D("10.00"))


# --- property-based: an independent recomputation in exact fractions ----------------------


def half_up_cents(value: Fraction) -> Fraction:
    """Round a non-negative fraction to the cent, half-up, with integer arithmetic only."""
    return Fraction(math.floor(value * 100 + Fraction(1, 2)), 100)


def reference_totals(lines, default):
    amounts = [half_up_cents(Fraction(line.quantity) * Fraction(line.unit_price)) for line in lines]
    subtotal = sum(amounts, Fraction(0))
    bases: dict = {}
    order: list = []
    for line, amount in zip(lines, amounts, strict=True):
        if not line.is_taxable:
            continue
        group = line.tax_group or default
        if group.key not in bases:
            order.append(group)
            bases[group.key] = Fraction(0)
        bases[group.key] += amount
    taxes = [
        half_up_cents(bases[group.key] * Fraction(component.rate) / 100)
        for group in order
        for component in group.components
    ]
    return amounts, subtotal, taxes


GROUPS = [
    QC,
    ON,
    EXEMPT,
    ZERO_RATED,
    TaxGroupSpec(
        key=5,
        name="Trois taxes",
        components=(
            TaxRate("A", Decimal("0.001")),
            TaxRate("B", Decimal("7.125")),
            TaxRate("C", Decimal("99.999")),
        ),
    ),
]
quantities = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("10000"), places=3)
prices = st.integers(min_value=0, max_value=10**9).map(lambda n: Decimal(n).scaleb(-4))
lines_strategy = st.lists(
    st.builds(
        LineSpec,
        quantity=quantities,
        unit_price=prices,
        is_taxable=st.booleans(),
        tax_group=st.one_of(st.none(), st.sampled_from(GROUPS)),
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=2000, deadline=None)
@given(lines=lines_strategy, default=st.sampled_from(GROUPS))
def test_totals_match_an_independent_recomputation(lines, default):
    totals = compute_totals(lines, default_tax_group=default)
    amounts, subtotal, taxes = reference_totals(lines, default)

    assert [Fraction(amount) for amount in totals.line_amounts] == amounts
    assert Fraction(totals.subtotal) == subtotal
    assert [Fraction(tax.amount) for tax in totals.taxes] == taxes
    assert totals.tax_total == sum((tax.amount for tax in totals.taxes), Decimal("0"))
    assert totals.total == totals.subtotal + totals.tax_total
    for amount in (
        *totals.line_amounts,
        totals.subtotal,
        totals.tax_total,
        totals.total,
        *(tax.amount for tax in totals.taxes),
        *(tax.taxable_amount for tax in totals.taxes),
    ):
        assert amount.as_tuple().exponent == -2


# --- Discounts (rules 6 to 8) ---------------------------------------------------------------

discount_strategy = st.one_of(
    st.integers(min_value=1, max_value=10000).map(
        lambda n: DiscountSpec(percent=Decimal(n).scaleb(-2))
    ),
    st.integers(min_value=1, max_value=10**9).map(
        lambda n: DiscountSpec(amount=Decimal(n).scaleb(-2))
    ),
)


@settings(max_examples=2000, deadline=None)
@given(lines=lines_strategy, default=st.sampled_from(GROUPS), discount=discount_strategy)
def test_a_discount_comes_off_before_tax_and_never_adds_tax(lines, default, discount):
    plain = compute_totals(lines, default_tax_group=default)
    discounted = compute_totals(lines, default_tax_group=default, discount=discount)
    # rule 6: the discount, to the cent, at most the subtotal
    if discount.percent is not None:
        expected = half_up_cents(Fraction(plain.subtotal) * Fraction(discount.percent) / 100)
        assert Fraction(discounted.discount) == expected
    else:
        assert discounted.discount == min(discount.amount, plain.subtotal)
    assert Decimal("0") <= discounted.discount <= discounted.subtotal == plain.subtotal
    assert discounted.line_amounts == plain.line_amounts
    # rule 7: each base shrinks, so each tax can only go down
    assert len(discounted.taxes) == len(plain.taxes)
    for before, after in zip(plain.taxes, discounted.taxes, strict=True):
        assert after.taxable_amount <= before.taxable_amount
        assert after.amount <= before.amount
        assert after.amount.as_tuple().exponent == -2
    # rule 8
    assert discounted.total == discounted.subtotal - discounted.discount + discounted.tax_total
    if discount.percent == 100:
        assert (discounted.tax_total, discounted.total) == (Decimal("0.00"), Decimal("0.00"))


def test_a_discount_of_ten_percent_on_quebec_lines():
    lines = [
        LineSpec(quantity=Decimal("2"), unit_price=Decimal("75")),
        LineSpec(quantity=Decimal("1"), unit_price=Decimal("50")),
    ]
    totals = compute_totals(
        lines, default_tax_group=QC, discount=DiscountSpec(percent=Decimal("10"))
    )
    assert (totals.subtotal, totals.discount) == (Decimal("200.00"), Decimal("20.00"))
    assert [(tax.taxable_amount, tax.amount) for tax in totals.taxes] == [
        (Decimal("180.00"), Decimal("9.00")),
        (Decimal("180.00"), Decimal("17.96")),
    ]
    assert totals.total == Decimal("206.96")
