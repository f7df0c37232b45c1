import factory

from accounting.imports.models import ContactReview, ImportKind, ImportRun, ImportStatus
from accounting.sync.models import CustomerLink, ItemLink
from tests.factories.businesses import BusinessFactory

REALM_ID = "9130357766900456"


class ImportRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportRun

    business = factory.SubFactory(BusinessFactory)
    kind = ImportKind.CONTACTS
    status = ImportStatus.SUCCEEDED
    realm_id = REALM_ID


class ContactReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactReview

    business = factory.SubFactory(BusinessFactory)
    realm_id = REALM_ID
    qbo_id = factory.Sequence(lambda n: str(700 + n))
    display_name = factory.Sequence(lambda n: f"Client {n}")
    values = factory.LazyAttribute(lambda o: {"display_name": o.display_name})
    candidate_ids = factory.LazyFunction(list)
    reason = "Several existing contacts look like this customer."


class CustomerLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerLink

    business = factory.SubFactory(BusinessFactory)
    realm_id = REALM_ID
    qbo_id = factory.Sequence(lambda n: str(900 + n))


class ItemLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ItemLink

    business = factory.SubFactory(BusinessFactory)
    realm_id = REALM_ID
    qbo_id = factory.Sequence(lambda n: str(950 + n))
