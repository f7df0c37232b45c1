"""Invoice totals: the one place where money is rounded.

The rule is the one QuickBooks Online applies to non-US companies (QBO API reference, "How QBO
computes totals and taxes"), so that the totals we show are the totals QBO computes when the
invoice reaches it, to the cent:

1. Line amount = quantity × unit price, rounded to the cent, half-up. (QBO checks that
   round(Qty × UnitPrice, 2) equals the line Amount and refuses the line otherwise: fault 6070.)
1b. A discount on one line comes off that line before tax: round_half_up(line amount × % /
   100, 2) or the amount given (at most the line amount). QBO gets it as a negative line of
   the same item and tax code right under the line, so the line's group base is its net.
2. Subtotal = Σ net line amounts (line amount − its discount), QBO's SubTotal.
3. Lines are grouped by tax group. A taxable line without a group uses the business's default
   group; a non-taxable line carries no tax.
4. For each group, taxable base = Σ net line amounts of the lines in that group; for each component
   of the group, tax = round_half_up(base × rate / 100, 2). There is one rounding per
   (group, component), never one per line: QBO computes one TaxLine per rate over the sum of the
   lines carrying the tax code, so rounding per line would drift by a cent or more on invoices
   with many lines.
5. Tax total = Σ component taxes; total = subtotal + tax total.

A discount on the whole document (QBO's discount line, sent with ApplyTaxAfterDiscount: the
discount comes off before tax, qbo-api-reference §10 step 3):

6. Discount = round_half_up(subtotal × percent / 100, 2) for a percentage, else the amount
   given (at most the subtotal).
7. The tax bases shrink pro rata, as QBO spreads it (§13.8, unconfirmed, the emulator's rule):
   factor = (subtotal − discount) / subtotal; each line's amount × factor is added to its
   group's base, and the base is rounded to the cent (half-up) before its taxes are computed
   from it as in 4. The factor and the products are computed at 28 significant digits, like
   QBO's engine as the emulator reproduces it.
8. Total = subtotal − discount + tax total. A 100 % discount gives 0 tax and a total of 0.

Half-up is what QBO does on the case that has been checked against it
(4495.16 × 9.975 % = 448.392… → 448.39, quickbooks-ruby issue 547). How QBO rounds an exact tie
(x.xx5) is not confirmed; half-up is the assumption, and it lives here only.

Everything here works on plain values (no ORM), so the rule can be tested on its own.
"""

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


class MissingTaxGroupError(ValueError):
    """A taxable line has no tax group and there is no default group to fall back on."""


def round_money(value: Decimal) -> Decimal:
    """Round to the cent, half-up (see the module docstring for why)."""
    with localcontext() as context:
        context.prec = 50
        return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class TaxRate:
    name: str
    rate: Decimal  # percent, e.g. Decimal("9.975")


@dataclass(frozen=True)
class TaxGroupSpec:
    key: Hashable  # identifies the group (its id); two lines with the same key share a base
    name: str
    components: tuple[TaxRate, ...] = ()


@dataclass(frozen=True)
class DiscountSpec:
    """A discount: `percent` (0-100) or `amount` (≥ 0), not both."""

    percent: Decimal | None = None
    amount: Decimal | None = None


@dataclass(frozen=True)
class LineSpec:
    quantity: Decimal
    unit_price: Decimal
    is_taxable: bool = True
    tax_group: TaxGroupSpec | None = None
    discount: DiscountSpec | None = None  # on this line only (rule 1b)


@dataclass(frozen=True)
class TaxAmount:
    group: TaxGroupSpec
    name: str
    rate: Decimal
    taxable_amount: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Totals:
    line_amounts: tuple[Decimal, ...]
    subtotal: Decimal
    taxes: tuple[TaxAmount, ...]
    tax_total: Decimal
    total: Decimal
    discount: Decimal = ZERO
    line_discounts: tuple[Decimal, ...] = ()


def discount_amount(subtotal: Decimal, discount: DiscountSpec | None) -> Decimal:
    """Rule 6: what the discount takes off the subtotal."""
    if discount is None:
        return ZERO
    if discount.percent is not None:
        with localcontext() as context:
            context.prec = 50
            return round_money(subtotal * Decimal(discount.percent) / 100)
    return min(round_money(Decimal(discount.amount or 0)), subtotal)


def line_amount(quantity: Decimal, unit_price: Decimal) -> Decimal:
    with localcontext() as context:
        context.prec = 50
        return round_money(Decimal(quantity) * Decimal(unit_price))


def effective_tax_group(
    line: LineSpec, default_tax_group: TaxGroupSpec | None
) -> TaxGroupSpec | None:
    """The group whose taxes apply to the line: none when the line is not taxable."""
    if not line.is_taxable:
        return None
    group = line.tax_group or default_tax_group
    if group is None:
        raise MissingTaxGroupError("A taxable line needs a tax group or a default tax group.")
    return group


def compute_totals(
    lines: Iterable[LineSpec],
    *,
    default_tax_group: TaxGroupSpec | None,
    discount: DiscountSpec | None = None,
) -> Totals:
    """Totals of an invoice, as QBO computes them. Groups and their taxes come out in the order
    in which the groups first appear on the lines, components in their own order."""
    lines = list(lines)
    amounts = tuple(line_amount(line.quantity, line.unit_price) for line in lines)
    line_discounts = tuple(
        discount_amount(amount, line.discount) for line, amount in zip(lines, amounts, strict=True)
    )
    nets = tuple(amount - off for amount, off in zip(amounts, line_discounts, strict=True))
    subtotal = sum(nets, ZERO)
    discounted = discount_amount(subtotal, discount)
    bases: dict[Hashable, Decimal] = {}
    groups: dict[Hashable, TaxGroupSpec] = {}
    with localcontext() as context:
        context.prec = 28  # rule 7: the precision of QBO's engine
        factor = (subtotal - discounted) / subtotal if discounted and subtotal else Decimal(1)
        for line, amount in zip(lines, nets, strict=True):
            group = effective_tax_group(line, default_tax_group)
            if group is None:
                continue
            groups.setdefault(group.key, group)
            bases[group.key] = bases.get(group.key, ZERO) + (
                amount * factor if discounted else amount
            )
    bases = {key: round_money(base) for key, base in bases.items()}
    taxes = []
    with localcontext() as context:
        context.prec = 50
        for key, group in groups.items():
            base = bases[key]
            for component in group.components:
                taxes.append(
                    TaxAmount(
                        group=group,
                        name=component.name,
                        rate=Decimal(component.rate),
                        taxable_amount=base,
                        amount=round_money(base * Decimal(component.rate) / 100),
                    )
                )
    tax_total = sum((tax.amount for tax in taxes), ZERO)
    return Totals(
        line_amounts=amounts,
        subtotal=subtotal,
        taxes=tuple(taxes),
        tax_total=tax_total,
        total=subtotal - discounted + tax_total,
        discount=discounted,
        line_discounts=line_discounts,
    )
