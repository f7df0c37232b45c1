from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import events
from core.exceptions import ApplicationError, full_clean_or_raise

from .models import Business, BusinessLogo, Country, Currency, Language, Membership
from .validators import normalize_registration_number, read_logo

# The business details an owner edits in Settings › Business, besides name, province and
# language (they are printed on invoices).
DETAIL_FIELDS = (
    "legal_name",
    "address_line1",
    "address_line2",
    "city",
    "postal_code",
    "phone",
    "email",
    "website",
    "gst_hst_number",
    "qst_number",
    "invoice_footer",
    "payment_instructions",
)


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
def business_update(
    *,
    business: Business,
    name: str,
    province: str,
    language: str,
    logo: bytes | None = None,
    remove_logo: bool = False,
    **details: str,
) -> Business:
    """Save the business settings. `details` are DETAIL_FIELDS (those not given keep their
    value); `logo` replaces the logo (a PNG or JPEG of at most LOGO_MAX_BYTES), `remove_logo`
    deletes it."""
    unknown = set(details) - set(DETAIL_FIELDS)
    if unknown:
        raise TypeError(f"business_update() got unexpected fields: {sorted(unknown)}")
    business.name = name.strip()
    business.province = province
    business.language = language
    for field, value in details.items():
        value = (value or "").strip()
        if field in ("gst_hst_number", "qst_number"):
            value = normalize_registration_number(value)
        setattr(business, field, value)
    full_clean_or_raise(business, field_map={"name": "name"})
    business.save(update_fields=["name", "province", "language", *details])
    if logo is not None:
        try:
            content_type = read_logo(logo)
        except ValidationError as error:
            raise ApplicationError(" ".join(error.messages), field="logo") from None
        BusinessLogo.objects.update_or_create(
            business=business, defaults={"data": logo, "content_type": content_type}
        )
    elif remove_logo:
        BusinessLogo.objects.filter(business=business).delete()
    return business
