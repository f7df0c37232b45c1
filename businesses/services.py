from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from core import events
from core.exceptions import ApplicationError, full_clean_or_raise

from .models import Business, BusinessLogo, Country, Currency, Language, Membership, Province
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


def _check_province(*, country: str, province: str) -> None:
    """A Canadian business is in one of the provinces and territories (its taxes follow);
    elsewhere a two-letter state or region code."""
    if country == Country.CA:
        valid = province in Province.values
    else:
        valid = len(province) == 2 and province.isascii() and province.isalpha()
    if not valid:
        raise ApplicationError(_("Choose a province from the list."), field="province")


@dataclass(frozen=True)
class SignUpOutcome:
    """What the sign-up did. The page shown is the same in every case ("check your e-mail"),
    so that it never tells whether an account uses the address."""

    membership: Membership | None  # created and waiting for confirmation
    existing_account_told: bool  # the address already had an account: its owner was told


def _confirmation_link(*, base_url: str, user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("businesses:signup_confirm", kwargs={"uidb64": uid, "token": token})
    return base_url.rstrip("/") + path


def _send_in(language: str, *, template: str, to: str, context: dict) -> None:
    with translation.override(language):
        subject = render_to_string(f"businesses/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"businesses/email/{template}.txt", context)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
    except OSError:  # smtplib's errors included: the caller's transaction rolls back
        raise ApplicationError(
            _("The e-mail could not be sent. Nothing was created; please try again later.")
        ) from None


@transaction.atomic
def business_sign_up_request(
    *,
    business_name: str,
    email: str,
    password: str,
    base_url: str,
    province: str = "QC",
    language: str = Language.FRENCH,
) -> SignUpOutcome:
    """Sign-up without telling whether the address has an account. A new address gets its
    business and an inactive owner account, and an e-mail with a link that activates it
    (proving the address is theirs). An address that has an account gets an e-mail saying
    so, with the sign-in and password-reset links; a never-confirmed one gets its link again."""
    User = get_user_model()
    normalized = User.objects.normalize_email(email).strip().lower()
    existing = User.objects.filter(email__iexact=normalized).first()
    if existing is not None:
        membership = existing.memberships.select_related("business").first()
        mail_language = membership.business.language if membership else language
        if not existing.is_active and existing.last_login is None and membership is not None:
            # Never confirmed: this sign-up replaces the earlier one (its password and its
            # business details), so that only the newest link works (the token covers the
            # password) and whoever typed the address first cannot keep a way in.
            existing.set_password(password)
            existing.save(update_fields=["password"])
            business_update(
                business=membership.business,
                name=business_name,
                province=province,
                language=language,
            )
            mail_language = language
            _send_in(
                mail_language,
                template="signup_confirm",
                to=existing.email,
                context={
                    "business": membership.business,
                    "link": _confirmation_link(base_url=base_url, user=existing),
                },
            )
        else:
            _send_in(
                mail_language,
                template="signup_existing",
                to=existing.email,
                context={
                    "login_link": base_url.rstrip("/") + reverse("login"),
                    "reset_link": base_url.rstrip("/") + reverse("password_reset"),
                },
            )
        return SignUpOutcome(membership=None, existing_account_told=True)
    membership = business_sign_up(
        business_name=business_name,
        email=normalized,
        password=password,
        province=province,
        language=language,
        is_active=False,
    )
    link = _confirmation_link(base_url=base_url, user=membership.user)
    business = membership.business
    # Sent inside the transaction: when the mail server refuses it, no account is left
    # waiting for a link that never came.
    _send_in(
        business.language,
        template="signup_confirm",
        to=normalized,
        context={"business": business, "link": link},
    )
    return SignUpOutcome(membership=membership, existing_account_told=False)


@transaction.atomic
def user_confirm_sign_up(*, uidb64: str, token: str):
    """Activate the account whose confirmation link this is; None when the link is not valid
    (tampered, already used: signing in changes what the token is computed from)."""
    User = get_user_model()
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    user = User.objects.select_for_update().filter(pk=pk).first()
    if user is None or user.last_login is not None:
        return None
    if not default_token_generator.check_token(user, token):
        return None
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    return user


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
    is_active: bool = True,
) -> Membership:
    """Create a business and its owner account in one step."""
    User = get_user_model()
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ApplicationError(_("An account already uses this email address."), field="email")
    _check_province(country=country, province=province)
    business = Business(
        name=business_name.strip(),
        country=country,
        province=province,
        language=language,
        currency=currency or (Currency.USD if country == Country.US else Currency.CAD),
    )
    business.full_clean()
    business.save()
    user = User.objects.create_user(email=email, password=password, is_active=is_active)
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
    _check_province(country=business.country, province=province)
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
