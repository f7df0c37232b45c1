"""The checks every sales document shares (invoice, sales receipt, credit note, refund): it
exists once in QuickBooks, voided on both sides or on neither, with the same customer, number,
date, total and tax per component. Each difference is found once: a total that differs is not
reported again as a tax difference."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ..models import DifferenceKind, Repair, SnapshotDoc
from .books import ZERO, Books, money_text


@dataclass(frozen=True)
class Ours:
    """One Plannit document as QuickBooks should hold it."""

    entity: str  # QuickBooks' entity
    qbo_id: str  # the linked QuickBooks id
    number: str
    contact_id: int
    date: date
    total: Decimal
    tax_total: Decimal
    components: dict
    voided: bool
    refs: dict  # the difference's links to Plannit's objects


def check_document(books: Books, ours: Ours, *, fix: str = "") -> SnapshotDoc | None:
    """The shared checks; returns QuickBooks' document when both sides hold it, not voided
    (the caller compares what is left: balance, remaining credit)."""
    doc = books.docs[ours.entity].get(ours.qbo_id)
    refs = {**ours.refs, "qbo_id": ours.qbo_id}
    number = {"number": ours.number}
    if doc is None:
        if not ours.voided:
            missing = DifferenceKind.MISSING_IN_QBO
            books.add(missing, ours.entity, repair=Repair.SEND_AGAIN, params=number, **refs)
        return None
    others = [d for d in books.numbers(ours.entity).get(ours.number, []) if d.qbo_id != ours.qbo_id]
    if others and not ours.voided:
        void = ours.entity == "Invoice" and len(others) == 1
        books.add(
            DifferenceKind.DUPLICATE,
            ours.entity,
            repair=Repair.VOID_DUPLICATE if void else "",
            params={**number, "count": len(others) + 1, "others": [d.qbo_id for d in others]},
            **refs,
        )
    if ours.voided:
        if not doc.is_voided and doc.total != ZERO:
            books.add(DifferenceKind.NOT_VOIDED_IN_QBO, ours.entity, params=number, **refs)
        return None
    if doc.is_voided:
        books.add(DifferenceKind.VOIDED_IN_QBO, ours.entity, params=number, **refs)
        return None
    return _compare_fields(books, ours, doc, {"repair": fix, **refs})


def _compare_fields(books: Books, ours: Ours, doc: SnapshotDoc, fix: dict) -> SnapshotDoc:
    entity, number = ours.entity, {"number": ours.number}
    if books.customer_of.get(ours.contact_id, "") != doc.customer_id:
        books.add(DifferenceKind.CUSTOMER, entity, params=number, **fix)
    if ours.number != doc.doc_number:
        params = {"here": ours.number, "there": doc.doc_number}
        books.add(DifferenceKind.NUMBER, entity, params=params, **fix)
    if ours.date != doc.txn_date:
        there = doc.txn_date.isoformat() if doc.txn_date else ""
        params = {**number, "here": ours.date.isoformat(), "there": there}
        books.add(DifferenceKind.DATE, entity, params=params, **fix)
    if ours.total != doc.total:
        params = {**number, "here": money_text(ours.total), "there": money_text(doc.total)}
        books.add(DifferenceKind.AMOUNT, entity, params=params, **fix)
    elif ours.tax_total != doc.tax:
        params = {**number, "here": money_text(ours.tax_total), "there": money_text(doc.tax)}
        books.add(DifferenceKind.TAX, entity, params=params, **fix)
    else:
        _compare_components(books, ours, doc, fix)
    return doc


def _compare_components(books: Books, ours: Ours, doc: SnapshotDoc, fix: dict) -> None:
    """Same total tax, split otherwise (5 % and 9,975 % swapped, a component missing)."""
    here = ours.components
    there = {rate: Decimal(amount) for rate, amount in doc.tax_lines}
    for rate in sorted(set(here) | set(there), key=Decimal):
        if here.get(rate, ZERO) != there.get(rate, ZERO):
            params = {
                "number": ours.number,
                "rate": rate,
                "here": money_text(here.get(rate, ZERO)),
                "there": money_text(there.get(rate, ZERO)),
            }
            books.add(DifferenceKind.TAX, ours.entity, params=params, **fix)
            return
