"""Tax groups: create, edit, default, archive, ready-made groups by province."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from businesses.models import Business
from core.exceptions import ApplicationError, full_clean_or_raise

from ..models import TaxComponent, TaxGroup
from ..selectors import taxgroup_is_used, taxgroup_is_used_on_issued_invoices

MAX_COMPONENTS = 10


@dataclass(frozen=True)
class ComponentInput:
    name: str
    rate: Decimal


def _clean_components(components: Sequence[ComponentInput]) -> list[ComponentInput]:
    cleaned = [
        ComponentInput(name=" ".join(c.name.split()), rate=Decimal(c.rate)) for c in components
    ]
    if len(cleaned) > MAX_COMPONENTS:
        raise ApplicationError(
            _("A tax group can have at most %(count)d taxes.") % {"count": MAX_COMPONENTS},
            field="components",
        )
    names = [c.name.casefold() for c in cleaned]
    if len(set(names)) != len(names):
        raise ApplicationError(_("Two taxes of this group have the same name."), field="components")
    return cleaned


def _check_name(*, business: Business, name: str, exclude_pk: int | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ApplicationError(_("Give the tax group a name."), field="name")
    others = TaxGroup.objects.filter(business=business, name__iexact=name)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise ApplicationError(_("A tax group with this name already exists."), field="name")
    return name


def _replace_components(tax_group: TaxGroup, components: list[ComponentInput]) -> None:
    tax_group.components.all().delete()
    for position, component in enumerate(components):
        row = TaxComponent(
            tax_group=tax_group, name=component.name, rate=component.rate, position=position
        )
        full_clean_or_raise(row, field_map={"name": "components", "rate": "components"})
        row.save()


@transaction.atomic
def taxgroup_create(
    *,
    business: Business,
    name: str,
    components: Sequence[ComponentInput] = (),
    is_default: bool = False,
) -> TaxGroup:
    """A new tax group. The business's first group becomes its default."""
    name = _check_name(business=business, name=name)
    components = _clean_components(components)
    has_default = TaxGroup.objects.filter(business=business, is_default=True).exists()
    if is_default and has_default:
        TaxGroup.objects.filter(business=business, is_default=True).update(is_default=False)
    tax_group = TaxGroup(business=business, name=name, is_default=is_default or not has_default)
    full_clean_or_raise(tax_group)
    tax_group.save()
    _replace_components(tax_group, components)
    return tax_group


@transaction.atomic
def taxgroup_update(
    *, tax_group: TaxGroup, name: str, components: Sequence[ComponentInput]
) -> TaxGroup:
    """Rename a group and replace its taxes. Once a group is on an issued invoice its taxes are
    frozen: the invoice's stored taxes and what QuickBooks holds were computed from them."""
    tax_group = TaxGroup.objects.select_for_update().get(pk=tax_group.pk)
    name = _check_name(business=tax_group.business, name=name, exclude_pk=tax_group.pk)
    components = _clean_components(components)
    before = [(c.name, c.rate) for c in tax_group.components.all()]
    after = [(c.name, c.rate) for c in components]
    if before != after:
        if taxgroup_is_used_on_issued_invoices(tax_group=tax_group):
            raise ApplicationError(
                _(
                    "This tax group is on issued invoices, so its taxes can no longer change. "
                    "Create a new tax group and archive this one."
                ),
                field="components",
            )
        _replace_components(tax_group, components)
    tax_group.name = name
    full_clean_or_raise(tax_group)
    tax_group.save(update_fields=["name"])
    return tax_group


@transaction.atomic
def taxgroup_set_default(*, tax_group: TaxGroup) -> TaxGroup:
    tax_group = TaxGroup.objects.select_for_update().get(pk=tax_group.pk)
    if not tax_group.is_active:
        raise ApplicationError(_("An archived tax group cannot be the default. Restore it first."))
    TaxGroup.objects.filter(business_id=tax_group.business_id, is_default=True).exclude(
        pk=tax_group.pk
    ).update(is_default=False)
    tax_group.is_default = True
    tax_group.save(update_fields=["is_default"])
    return tax_group


@transaction.atomic
def taxgroup_archive(*, tax_group: TaxGroup) -> TaxGroup:
    """Hide a group from new invoice lines; invoices that use it keep it."""
    tax_group = TaxGroup.objects.select_for_update().get(pk=tax_group.pk)
    if tax_group.is_default:
        raise ApplicationError(
            _("This is the default tax group. Make another group the default first.")
        )
    tax_group.is_active = False
    tax_group.save(update_fields=["is_active"])
    return tax_group


@transaction.atomic
def taxgroup_restore(*, tax_group: TaxGroup) -> TaxGroup:
    tax_group = TaxGroup.objects.select_for_update().get(pk=tax_group.pk)
    tax_group.is_active = True
    tax_group.save(update_fields=["is_active"])
    return tax_group


@transaction.atomic
def taxgroup_delete(*, tax_group: TaxGroup) -> None:
    tax_group = TaxGroup.objects.select_for_update().get(pk=tax_group.pk)
    if taxgroup_is_used(tax_group=tax_group):
        raise ApplicationError(
            _("This tax group is used on invoices, so it cannot be deleted. Archive it instead.")
        )
    if tax_group.is_default:
        raise ApplicationError(
            _("This is the default tax group. Make another group the default first.")
        )
    tax_group.delete()


# Names are marked for translation and created in the business's own language, so that a
# French business gets "TPS + TVQ" and an English one "GST + QST".
_GST_QST = gettext_noop("GST + QST")
_GST_5 = gettext_noop("GST 5%")
_HST_13 = gettext_noop("HST 13%")
_HST_15 = gettext_noop("HST 15%")
_EXEMPT = gettext_noop("Exempt")
_GST = gettext_noop("GST")
_QST = gettext_noop("QST")
_HST = gettext_noop("HST")

PRESETS_BY_PROVINCE: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "QC": (_GST_QST, ((_GST, "5"), (_QST, "9.975"))),
    "ON": (_HST_13, ((_HST, "13"),)),
    "NB": (_HST_15, ((_HST, "15"),)),
    "NS": (_HST_15, ((_HST, "15"),)),
    "NL": (_HST_15, ((_HST, "15"),)),
    "PE": (_HST_15, ((_HST, "15"),)),
}
# Elsewhere in Canada only the federal GST appears on the invoice through these presets.
DEFAULT_PRESET = (_GST_5, ((_GST, "5"),))


def taxgroup_presets_for(*, province: str) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    """Untranslated (name, ((component, rate), ...)) of the ready-made groups of a province."""
    return [PRESETS_BY_PROVINCE.get(province, DEFAULT_PRESET), (_EXEMPT, ())]


@transaction.atomic
def taxgroup_create_presets(*, business: Business) -> list[TaxGroup]:
    """Create the ready-made groups of the business's province plus an exempt group. Running it
    again creates nothing: a group whose name already exists is left as it is."""
    created = []
    with translation.override(business.language):
        for name, components in taxgroup_presets_for(province=business.province):
            translated = _(name)
            if TaxGroup.objects.filter(business=business, name__iexact=translated).exists():
                continue
            created.append(
                taxgroup_create(
                    business=business,
                    name=translated,
                    components=[
                        ComponentInput(name=_(component), rate=Decimal(rate))
                        for component, rate in components
                    ],
                )
            )
    return created
