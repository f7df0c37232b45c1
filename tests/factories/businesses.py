import factory

from businesses.models import Business, Membership, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    password = factory.django.Password("correct-horse-battery")


class BusinessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Business

    name = factory.Sequence(lambda n: f"Paysagement {n}")
    country = "CA"
    province = "QC"
    currency = "CAD"
    language = "fr-ca"
    # Valid registration numbers: a Québec business cannot issue a taxed invoice of $30 or
    # more without them (tests of that rule clear them).
    gst_hst_number = "123456789RT0001"
    qst_number = "1234567890TQ0001"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    business = factory.SubFactory(BusinessFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.OWNER
