"""Settings › Business: the details printed on invoices, the registration numbers' formats and
the logo's checks."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from businesses import services
from businesses.models import Business, BusinessLogo
from businesses.validators import LOGO_MAX_BYTES
from core.exceptions import ApplicationError

pytestmark = pytest.mark.django_db


def image_bytes(image_format="PNG", size=(120, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (31, 111, 80)).save(buffer, format=image_format)
    return buffer.getvalue()


def update(business, **values):
    base = {"name": business.name, "province": business.province, "language": business.language}
    return services.business_update(business=business, **{**base, **values})


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("123456789RT0001", "123456789RT0001"),
        ("123 456 789 rt 0001", "123456789RT0001"),
        ("123456789-RT-0002", "123456789RT0002"),
    ],
)
def test_a_gst_hst_number_is_stored_without_spaces_in_capitals(business, typed, stored):
    update(business, gst_hst_number=typed)
    business.refresh_from_db()
    assert business.gst_hst_number == stored
    assert business.gst_hst_number_display == stored[:9] + " " + stored[9:]


@pytest.mark.parametrize(
    "typed",
    ["12345678RT0001", "1234567890RT0001", "123456789RP0001", "123456789RT001", "123456789"],
)
def test_a_malformed_gst_hst_number_is_refused_and_nothing_changes(business, typed):
    before = business.gst_hst_number
    with pytest.raises(ApplicationError) as caught:
        update(business, gst_hst_number=typed, legal_name="Nouveau nom légal")
    assert caught.value.field == "gst_hst_number"
    assert caught.value.message == (
        "A GST/HST registration number is 9 digits followed by RT and 4 digits, "
        "e.g. 123456789 RT0001."
    )
    business = Business.objects.get(pk=business.pk)
    assert (business.gst_hst_number, business.legal_name) == (before, "")


@pytest.mark.parametrize(
    "typed", ["123456789TQ0001", "12345678901TQ0001", "1234567890RT0001", "1234567890TQ01"]
)
def test_a_malformed_qst_number_is_refused(business, typed):
    with pytest.raises(ApplicationError) as caught:
        update(business, qst_number=typed)
    assert caught.value.field == "qst_number"
    assert caught.value.message == (
        "A QST registration number is 10 digits followed by TQ and 4 digits, "
        "e.g. 1234567890 TQ0001."
    )
    assert Business.objects.get(pk=business.pk).qst_number == "1234567890TQ0001"


def test_the_qst_number_is_stored_normalized_and_shown_spaced(business):
    update(business, qst_number="1234567890 tq 0001")
    business.refresh_from_db()
    assert (business.qst_number, business.qst_number_display) == (
        "1234567890TQ0001",
        "1234567890 TQ0001",
    )


def test_every_detail_is_saved(business):
    details = {
        "legal_name": "Paysagement ABC inc.",
        "address_line1": "1200, boul. Charest Ouest",
        "address_line2": "Bureau 4",
        "city": "Québec",
        "postal_code": "G1N 2E2",
        "phone": "418-555-0199",
        "email": "facturation@abc.ca",
        "website": "https://abc.ca",
        "invoice_footer": "Merci !",
        "payment_instructions": "Virement Interac à facturation@abc.ca",
    }
    update(business, **details)
    business = Business.objects.get(pk=business.pk)
    assert {field: getattr(business, field) for field in details} == details


def test_an_unknown_field_is_a_programming_error(business):
    with pytest.raises(TypeError):
        update(business, is_staff="1")


@pytest.mark.parametrize(
    ("image_format", "content_type"), [("PNG", "image/png"), ("JPEG", "image/jpeg")]
)
def test_a_png_or_jpeg_logo_is_stored_with_its_type(business, image_format, content_type):
    data = image_bytes(image_format)
    update(business, logo=data)
    logo = BusinessLogo.objects.get(business=business)
    assert (bytes(logo.data), logo.content_type) == (data, content_type)
    assert logo.data_uri.startswith(f"data:{content_type};base64,")


@pytest.mark.parametrize(
    "data",
    [
        image_bytes("GIF"),
        b"<svg xmlns='http://www.w3.org/2000/svg'></svg>",
        b"\x89PNG\r\n\x1a\n not really a png",
        b"",
    ],
    ids=["gif", "svg", "fake-png", "empty"],
)
def test_a_logo_that_is_not_a_png_or_jpeg_image_is_refused(business, data):
    with pytest.raises(ApplicationError) as caught:
        update(business, logo=data, legal_name="Ne doit pas changer")
    assert (caught.value.field, caught.value.message) == (
        "logo",
        "The logo must be a PNG or JPEG image.",
    )
    assert not BusinessLogo.objects.filter(business=business).exists()
    assert Business.objects.get(pk=business.pk).legal_name == ""


def test_a_logo_over_the_size_limit_is_refused(business):
    data = image_bytes() + b"\0" * LOGO_MAX_BYTES
    with pytest.raises(ApplicationError) as caught:
        update(business, logo=data)
    assert caught.value.message == (
        f"The logo is too large ({(len(data) + 1023) // 1024} KB). Use an image of at most 512 KB."
    )
    assert not BusinessLogo.objects.filter(business=business).exists()


def test_a_logo_with_too_many_pixels_is_refused(business):
    with pytest.raises(ApplicationError) as caught:
        update(business, logo=image_bytes(size=(4001, 10)))
    assert caught.value.message == (
        "The logo is too large (4001 × 10 pixels). Use at most 4000 pixels a side."
    )


def test_the_logo_is_replaced_then_removed(business):
    update(business, logo=image_bytes("PNG"))
    update(business, logo=image_bytes("JPEG"))
    assert BusinessLogo.objects.get(business=business).content_type == "image/jpeg"
    update(business, remove_logo=True)
    assert BusinessLogo.objects.filter(business=business).count() == 0


def test_the_owner_saves_the_details_and_a_logo_from_the_page(owner_client, business):
    # when
    response = owner_client.post(
        reverse("businesses:settings"),
        {
            "name": "Paysagement ABC",
            "province": "QC",
            "language": "fr-ca",
            "legal_name": "Paysagement ABC inc.",
            "gst_hst_number": "111 222 333 RT0001",
            "qst_number": "1112223334 TQ0001",
            "website": "abc.ca",
            "logo": SimpleUploadedFile("logo.png", image_bytes(), content_type="image/png"),
        },
    )
    # then
    assert response.status_code == 302
    business.refresh_from_db()
    assert (business.legal_name, business.gst_hst_number, business.qst_number) == (
        "Paysagement ABC inc.",
        "111222333RT0001",
        "1112223334TQ0001",
    )
    assert business.website == "https://abc.ca"
    assert BusinessLogo.objects.get(business=business).content_type == "image/png"
    page = owner_client.get(reverse("businesses:settings")).content.decode()
    assert 'src="data:image/png;base64,' in page
    assert "Remove the logo" in page


def test_the_page_shows_a_wrong_number_on_its_field_and_keeps_the_old_one(owner_client, business):
    response = owner_client.post(
        reverse("businesses:settings"),
        {"name": business.name, "province": "QC", "language": "fr-ca", "qst_number": "12345"},
    )
    assert response.status_code == 200
    assert "A QST registration number is 10 digits followed by TQ" in response.content.decode()
    assert Business.objects.get(pk=business.pk).qst_number == "1234567890TQ0001"


def test_an_oversized_upload_is_refused_by_the_form(owner_client, business):
    big = SimpleUploadedFile("logo.png", b"\0" * (LOGO_MAX_BYTES + 1), content_type="image/png")
    response = owner_client.post(
        reverse("businesses:settings"),
        {"name": business.name, "province": "QC", "language": "fr-ca", "logo": big},
    )
    assert response.status_code == 200
    assert "The logo is too large (513 KB). Use an image of at most 512 KB." in (
        response.content.decode()
    )
    assert not BusinessLogo.objects.exists()


def test_staff_cannot_open_the_business_settings(client, staff_user, business):
    client.force_login(staff_user)
    assert client.get(reverse("businesses:settings")).status_code == 403
    response = client.post(
        reverse("businesses:settings"),
        {"name": "Piraté", "province": "QC", "language": "en"},
    )
    assert response.status_code == 403
    assert Business.objects.get(pk=business.pk).name == business.name
