from datetime import timedelta

import factory
from django.utils import timezone

from accounting import crypto
from accounting.models import (
    AccountingSettings,
    ConnectionStatus,
    QboAccount,
    QboConnection,
    QboItem,
    QboTaxCode,
)
from tests.factories.businesses import BusinessFactory


class QboConnectionFactory(factory.django.DjangoModelFactory):
    """A connected company. Pass `access_token=` / `refresh_token=` in clear; they are stored
    encrypted like the service does."""

    class Meta:
        model = QboConnection
        exclude = ("access_token", "refresh_token")

    business = factory.SubFactory(BusinessFactory)
    realm_id = factory.Sequence(lambda n: f"{9130357766901000 + n}")
    company_name = "Compagnie ABC"
    company_country = "CA"
    company_currency = "CAD"
    status = ConnectionStatus.CONNECTED
    access_token = factory.Sequence(lambda n: f"test-access-token-{n:04d}-xxxxxxxxxxxx")
    refresh_token = factory.Sequence(lambda n: f"AB11test-refresh-token-{n:04d}")
    access_token_encrypted = factory.LazyAttribute(lambda o: crypto.encrypt(o.access_token))
    refresh_token_encrypted = factory.LazyAttribute(lambda o: crypto.encrypt(o.refresh_token))
    access_token_expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=1))
    refresh_token_expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=100))
    connected_at = factory.LazyFunction(timezone.now)


class AccountingSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccountingSettings
        django_get_or_create = ("business",)

    business = factory.SubFactory(BusinessFactory)


class QboTaxCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QboTaxCode

    business = factory.SubFactory(BusinessFactory)
    realm_id = "9130357766900456"
    qbo_id = factory.Sequence(lambda n: str(100 + n))
    name = factory.Sequence(lambda n: f"Code {n}")


class QboItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QboItem

    business = factory.SubFactory(BusinessFactory)
    realm_id = "9130357766900456"
    qbo_id = factory.Sequence(lambda n: str(1000 + n))
    name = factory.Sequence(lambda n: f"Article {n}")
    fully_qualified_name = factory.LazyAttribute(lambda o: o.name)
    item_type = "Service"


class QboAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QboAccount

    business = factory.SubFactory(BusinessFactory)
    realm_id = "9130357766900456"
    qbo_id = factory.Sequence(lambda n: str(500 + n))
    name = factory.Sequence(lambda n: f"Compte {n}")
    fully_qualified_name = factory.LazyAttribute(lambda o: o.name)
    account_type = "Bank"
    account_subtype = "Checking"
