import factory

from accounting.sync.models import SyncJob, SyncKind, SyncOperation, SyncStatus
from tests.factories.businesses import BusinessFactory


class SyncJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SyncJob

    business = factory.SubFactory(BusinessFactory)
    realm_id = "9130357766900456"
    kind = SyncKind.INVOICE
    operation = SyncOperation.CREATE
    object_id = factory.Sequence(lambda n: 10_000 + n)
    status = SyncStatus.PENDING
