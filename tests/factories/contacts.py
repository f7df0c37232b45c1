import factory

from contacts.models import Contact, Tag
from tests.factories.businesses import BusinessFactory


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    business = factory.SubFactory(BusinessFactory)
    name = factory.Sequence(lambda n: f"Étiquette {n}")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact
        skip_postgeneration_save = True

    business = factory.SubFactory(BusinessFactory)
    first_name = factory.Sequence(lambda n: f"Marie{n}")
    last_name = "Tremblay"
    display_name = factory.LazyAttribute(lambda o: f"{o.first_name} {o.last_name}")
    email = factory.LazyAttribute(lambda o: f"{o.first_name.lower()}@example.com")
    phone = "514-555-0100"
    city = "Montréal"
    province = "QC"
    country = "Canada"

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)
