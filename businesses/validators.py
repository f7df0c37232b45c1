"""Checks on what an owner types or uploads in the business settings."""

import io
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# CRA: a business number (9 digits) followed by the program account RT and its reference
# number (RT0001 for the first GST/HST account). Revenu Québec: a 10-digit identification
# number followed by TQ and its reference number (TQ0001).
GST_HST_NUMBER = re.compile(r"^\d{9}RT\d{4}$")
QST_NUMBER = re.compile(r"^\d{10}TQ\d{4}$")

LOGO_MAX_BYTES = 512 * 1024
LOGO_MAX_PIXELS = 4000
LOGO_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}


def normalize_registration_number(value: str) -> str:
    """What an owner types ("123 456 789 rt 0001", "1234567890-TQ-0001") as stored."""
    return re.sub(r"[\s\-.]", "", value or "").upper()


def validate_gst_hst_number(value: str) -> None:
    if value and not GST_HST_NUMBER.match(value):
        raise ValidationError(
            gettext_lazy(
                "A GST/HST registration number is 9 digits followed by RT and 4 digits, "
                "e.g. 123456789 RT0001."
            ),
            code="gst_hst_number",
        )


def validate_qst_number(value: str) -> None:
    if value and not QST_NUMBER.match(value):
        raise ValidationError(
            gettext_lazy(
                "A QST registration number is 10 digits followed by TQ and 4 digits, "
                "e.g. 1234567890 TQ0001."
            ),
            code="qst_number",
        )


def format_registration_number(value: str) -> str:
    """123456789RT0001 -> 123456789 RT0001 (how the agencies print it)."""
    match = re.match(r"^(\d+)([A-Z]{2}\d{4})$", value or "")
    return f"{match.group(1)} {match.group(2)}" if match else value


def read_logo(data: bytes) -> str:
    """The content type of an uploaded logo, or ValidationError when it is not a PNG or JPEG
    image of a reasonable size. The bytes are decoded, not trusted by their name or header."""
    from PIL import Image, UnidentifiedImageError

    if len(data) > LOGO_MAX_BYTES:
        raise ValidationError(
            _("The logo is too large (%(size)s KB). Use an image of at most %(max)s KB.")
            % {"size": (len(data) + 1023) // 1024, "max": LOGO_MAX_BYTES // 1024},
            code="logo_size",
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("The logo must be a PNG or JPEG image."), code="logo_type"
        ) from None
    if image_format not in LOGO_FORMATS:
        raise ValidationError(_("The logo must be a PNG or JPEG image."), code="logo_type")
    if width > LOGO_MAX_PIXELS or height > LOGO_MAX_PIXELS:
        raise ValidationError(
            _(
                "The logo is too large (%(width)s × %(height)s pixels). Use at most %(max)s pixels a side."
            )
            % {"width": width, "height": height, "max": LOGO_MAX_PIXELS},
            code="logo_dimensions",
        )
    return LOGO_FORMATS[image_format]
