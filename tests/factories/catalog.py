from decimal import Decimal

import factory

from catalog.models import Category, Item, ItemType, UnitOfMeasure
from tests.factories.businesses import BusinessFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    """Saved through the model (not the services), so tests can build any starting state."""

    class Meta:
        model = Category

    business = factory.SubFactory(BusinessFactory)
    name = factory.Sequence(lambda n: f"Catégorie {n}")
    parent = None


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item

    business = factory.SubFactory(BusinessFactory)
    name = factory.Sequence(lambda n: f"Service {n}")
    description = ""
    item_type = ItemType.SERVICE
    unit = UnitOfMeasure.HOUR
    unit_price = Decimal("85.00")
    is_taxable = True
    default_tax_group = None
    category = None
    sku = ""
    is_active = True
