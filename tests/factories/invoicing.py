from decimal import Decimal

import factory

from invoicing.models import InvoiceSequence, TaxComponent, TaxGroup
from tests.factories.businesses import BusinessFactory


class TaxGroupFactory(factory.django.DjangoModelFactory):
    """Saved through the model. `components=[("TPS", "5"), ("TVQ", "9.975")]` adds taxes."""

    class Meta:
        model = TaxGroup
        skip_postgeneration_save = True

    business = factory.SubFactory(BusinessFactory)
    name = factory.Sequence(lambda n: f"Groupe {n}")
    is_default = False
    is_active = True

    @factory.post_generation
    def components(self, create, extracted, **kwargs):
        if create and extracted:
            for position, (name, rate) in enumerate(extracted):
                TaxComponent.objects.create(
                    tax_group=self, name=name, rate=Decimal(rate), position=position
                )


class InvoiceSequenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InvoiceSequence
        django_get_or_create = ("business",)

    business = factory.SubFactory(BusinessFactory)
    prefix = ""
    next_number = 1001
