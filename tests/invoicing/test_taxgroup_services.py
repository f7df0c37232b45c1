from decimal import Decimal

import pytest

from core.exceptions import ApplicationError
from invoicing import selectors, services
from invoicing.models import TaxComponent, TaxGroup
from invoicing.services import ComponentInput
from tests.factories.businesses import BusinessFactory
from tests.factories.invoicing import TaxGroupFactory

pytestmark = pytest.mark.django_db
D = Decimal


def components(group):
    return list(
        TaxComponent.objects.filter(tax_group=group)
        .order_by("position")
        .values_list("position", "name", "rate")
    )


def groups(business):
    return [
        (g.name, g.is_default, g.is_active, [(c.name, c.rate) for c in g.components.all()])
        for g in TaxGroup.objects.filter(business=business).order_by("name")
    ]


def test_the_first_group_becomes_the_default(business):
    first = services.taxgroup_create(
        business=business,
        name="  TPS +   TVQ ",
        components=[ComponentInput("TPS", D("5")), ComponentInput("TVQ", D("9.975"))],
    )
    second = services.taxgroup_create(business=business, name="Exonéré")
    assert (first.name, first.is_default, second.is_default) == ("TPS + TVQ", True, False)
    assert components(first) == [(0, "TPS", D("5.000")), (1, "TVQ", D("9.975"))]
    assert components(second) == []
    assert selectors.taxgroup_exists_for_business(business=business) is True


def test_exists_for_business_counts_active_groups_of_that_business_only(business, other_business):
    assert selectors.taxgroup_exists_for_business(business=business) is False
    TaxGroupFactory(business=other_business)
    assert selectors.taxgroup_exists_for_business(business=business) is False
    TaxGroupFactory(business=business, is_active=False)
    assert selectors.taxgroup_exists_for_business(business=business) is False
    TaxGroupFactory(business=business)
    assert selectors.taxgroup_exists_for_business(business=business) is True


@pytest.mark.parametrize(
    "name, comps, field, message",
    [
        ("", [], "name", "Give the tax group a name."),
        ("tps + tvq", [], "name", "A tax group with this name already exists."),
        (
            "Autre",
            [ComponentInput("TPS", D("5")), ComponentInput("tps", D("6"))],
            "components",
            "Two taxes of this group have the same name.",
        ),
        (
            "Autre",
            [ComponentInput("TPS", D("100.5"))],
            "components",
            "Ensure this value is less than or equal to 100.",
        ),
        (
            "Autre",
            [ComponentInput("TPS", D("-1"))],
            "components",
            "Ensure this value is greater than or equal to 0.",
        ),
    ],
)
def test_create_refuses_bad_groups_and_saves_nothing(
    business, qc_group, name, comps, field, message
):
    with pytest.raises(ApplicationError) as error:
        services.taxgroup_create(business=business, name=name, components=comps)
    assert (error.value.field, error.value.message) == (field, message)
    assert groups(business) == [
        ("TPS + TVQ", True, True, [("TPS", D("5.000")), ("TVQ", D("9.975"))])
    ]


def test_update_renames_and_replaces_components_of_an_unused_group(business, qc_group):
    services.taxgroup_update(
        tax_group=qc_group, name="QC", components=[ComponentInput("TVQ", D("9.975"))]
    )
    assert groups(business) == [("QC", True, True, [("TVQ", D("9.975"))])]


def test_taxes_of_a_group_on_issued_invoices_are_frozen(business, qc_group, make_invoice):
    make_invoice(issue=True)
    with pytest.raises(ApplicationError) as error:
        services.taxgroup_update(
            tax_group=qc_group, name="QC", components=[ComponentInput("TPS", D("5"))]
        )
    assert error.value.message.startswith("This tax group is on issued invoices")
    assert groups(business)[0] == (
        "TPS + TVQ",
        True,
        True,
        [("TPS", D("5.000")), ("TVQ", D("9.975"))],
    )
    # a rename alone is fine
    services.taxgroup_update(
        tax_group=qc_group,
        name="QC",
        components=[ComponentInput("TPS", D("5")), ComponentInput("TVQ", D("9.975"))],
    )
    assert groups(business)[0][0] == "QC"


def test_set_default_moves_the_flag(business, qc_group):
    on = TaxGroupFactory(business=business, name="TVH")
    services.taxgroup_set_default(tax_group=on)
    assert TaxGroup.objects.get(is_default=True, business=business) == on
    qc_group.refresh_from_db()
    assert qc_group.is_default is False


def test_archive_restore_and_the_default_rule(business, qc_group):
    other = TaxGroupFactory(business=business, name="TVH")
    with pytest.raises(ApplicationError) as error:
        services.taxgroup_archive(tax_group=qc_group)
    assert error.value.message == (
        "This is the default tax group. Make another group the default first."
    )
    services.taxgroup_archive(tax_group=other)
    other.refresh_from_db()
    assert other.is_active is False
    with pytest.raises(ApplicationError) as error:
        services.taxgroup_set_default(tax_group=other)
    assert error.value.message == ("An archived tax group cannot be the default. Restore it first.")
    services.taxgroup_restore(tax_group=other)
    other.refresh_from_db()
    assert (other.is_active, other.is_default) == (True, False)


def test_a_used_group_cannot_be_deleted_only_archived(business, qc_group, make_invoice):
    unused = TaxGroupFactory(business=business, name="Vide")
    services.taxgroup_delete(tax_group=unused)
    assert not TaxGroup.objects.filter(pk=unused.pk).exists()
    make_invoice()  # even a draft uses it
    services.taxgroup_set_default(tax_group=TaxGroupFactory(business=business, name="Autre"))
    with pytest.raises(ApplicationError) as error:
        services.taxgroup_delete(tax_group=qc_group)
    assert error.value.message == (
        "This tax group is used on invoices, so it cannot be deleted. Archive it instead."
    )
    assert TaxGroup.objects.filter(pk=qc_group.pk).exists()


@pytest.mark.parametrize(
    "province, language, expected",
    [
        (
            "QC",
            "fr-ca",
            [
                ("Exonéré", False, True, []),
                ("TPS + TVQ", True, True, [("TPS", D("5.000")), ("TVQ", D("9.975"))]),
            ],
        ),
        (
            "QC",
            "en",
            [
                ("Exempt", False, True, []),
                ("GST + QST", True, True, [("GST", D("5.000")), ("QST", D("9.975"))]),
            ],
        ),
        (
            "ON",
            "fr-ca",
            [("Exonéré", False, True, []), ("TVH 13 %", True, True, [("TVH", D("13.000"))])],
        ),
        (
            "AB",
            "fr-ca",
            [("Exonéré", False, True, []), ("TPS 5 %", True, True, [("TPS", D("5.000"))])],
        ),
        (
            "NS",
            "en",
            [("Exempt", False, True, []), ("HST 15%", True, True, [("HST", D("15.000"))])],
        ),
        (
            "PE",
            "fr-ca",
            [("Exonéré", False, True, []), ("TVH 15 %", True, True, [("TVH", D("15.000"))])],
        ),
    ],
)
def test_ready_made_groups_by_province_are_created_once(province, language, expected):
    business = BusinessFactory(province=province, language=language)
    created = services.taxgroup_create_presets(business=business)
    assert len(created) == 2
    assert groups(business) == expected
    # idempotent
    assert services.taxgroup_create_presets(business=business) == []
    assert groups(business) == expected


def test_presets_keep_an_existing_default(business, qc_group):
    qc_group.name = "Mon groupe"
    qc_group.save()
    services.taxgroup_create_presets(business=business)
    assert [(name, default) for name, default, _a, _c in groups(business)] == [
        ("Exonéré", False),
        ("Mon groupe", True),
        ("TPS + TVQ", False),
    ]
