from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from core import events
from core.exceptions import ApplicationError

from .models import Business, Country, Currency, Language, Membership


@transaction.atomic
def business_sign_up(
    *,
    business_name: str,
    email: str,
    password: str,
    province: str = "QC",
    country: str = Country.CA,
    language: str = Language.FRENCH,
    currency: str | None = None,
) -> Membership:
    """Create a business and its owner account in one step."""
    User = get_user_model()
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ApplicationError(_("An account already uses this email address."), field="email")
    business = Business(
        name=business_name.strip(),
        country=country,
        province=province,
        language=language,
        currency=currency or (Currency.USD if country == Country.US else Currency.CAD),
    )
    business.full_clean()
    business.save()
    user = User.objects.create_user(email=email, password=password)
    membership = Membership(business=business, user=user, role=Membership.Role.OWNER)
    membership.full_clean()
    membership.save()
    events.business_created.send(business=business)
    return membership


@transaction.atomic
def business_update(*, business: Business, name: str, province: str, language: str) -> Business:
    business.name = name.strip()
    business.province = province
    business.language = language
    business.full_clean()
    business.save(update_fields=["name", "province", "language"])
    return business
