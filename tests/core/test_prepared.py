"""A read compiled once and run with new values gives what its queryset gives, and refuses a
marker that does not reach the SQL."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from contacts.models import Contact
from core.prepared import PreparedRead
from tests.factories.businesses import BusinessFactory
from tests.factories.contacts import ContactFactory

pytestmark = pytest.mark.django_db


def _contacts(business_id, email):
    return (
        Contact.objects.filter(business_id=business_id, email=email)
        .annotate(owner_name=F("business__name"))
        .order_by("display_name")
    )


def test_each_run_gives_the_rows_its_queryset_gives_with_one_query_and_one_compile():
    # given two businesses with contacts sharing an e-mail
    first, second = BusinessFactory(name="Déneigement Roy"), BusinessFactory(name="Paysagiste B")
    a = ContactFactory(business=first, display_name="Bé", email="x@example.com")
    b = ContactFactory(business=first, display_name="Al", email="x@example.com")
    ContactFactory(business=first, display_name="Cy", email="y@example.com")
    c = ContactFactory(business=second, display_name="Di", email="x@example.com")
    built = []

    def build(business_id, email):
        built.append((business_id, email))
        return _contacts(business_id, email)

    read = PreparedRead(build, business_id=9_000_000_000_000_000_002, email="\x1femail\x1f")
    # when it runs for each business
    with CaptureQueriesContext(connection) as queries:
        mine = read.run(business_id=first.pk, email="x@example.com")
        theirs = read.run(business_id=second.pk, email="x@example.com")
        none = read.run(business_id=first.pk, email="nobody@example.com")
    # then: the same rows, order and annotation as the queryset, one query per run, built once
    assert [(row.pk, row.owner_name) for row in mine] == [
        (b.pk, "Déneigement Roy"),
        (a.pk, "Déneigement Roy"),
    ]
    assert [row.pk for row in mine] == [row.pk for row in _contacts(first.pk, "x@example.com")]
    assert [(row.pk, row.owner_name) for row in theirs] == [(c.pk, "Paysagiste B")]
    assert none == []
    assert len(queries.captured_queries) == 3
    assert built == [(9_000_000_000_000_000_002, "\x1femail\x1f")]


def test_a_marker_that_does_not_reach_the_sql_is_refused():
    read = PreparedRead(
        lambda business_id, email: Contact.objects.filter(business_id=business_id),
        business_id=9_000_000_000_000_000_002,
        email="\x1femail\x1f",
    )
    with pytest.raises(ImproperlyConfigured, match="email did not reach the SQL"):
        read.run(business_id=1, email="x@example.com")


def test_the_values_must_be_exactly_the_markers():
    read = PreparedRead(_contacts, business_id=9_000_000_000_000_000_002, email="\x1femail\x1f")
    with pytest.raises(TypeError):
        read.run(business_id=1)
    with pytest.raises(ImproperlyConfigured, match="distinct"):
        PreparedRead(_contacts, business_id=7, email=7).run(business_id=1, email="e")


def test_a_marker_outside_its_fields_range_is_refused_clearly():
    # a negative marker for a positive field: Django decides the condition alone (no row can
    # match), so the value would never be a parameter of the SQL
    from invoicing.models import InvoiceLine

    read = PreparedRead(
        lambda position: InvoiceLine.objects.filter(position=position), position=-9_000_001
    )
    with pytest.raises(ImproperlyConfigured, match="outside its field's range"):
        read.run(position=1)
