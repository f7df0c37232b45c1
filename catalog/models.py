from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from businesses.models import BusinessOwned

MAX_CATEGORY_DEPTH = 4


def name_key(name: str) -> str:
    """The form in which categories and items compare names: trimmed, inner spaces folded,
    case-insensitive (QuickBooks refuses an item named like a category: error 6240)."""
    return " ".join((name or "").split()).casefold()


class Category(BusinessOwned):
    name = models.CharField(_("name"), max_length=100)
    name_key = models.CharField(max_length=100, editable=False)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent category"),
    )
    depth = models.PositiveSmallIntegerField(_("level"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["business", "name_key"], name="uniq_category_name_per_business"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        names, node = [], self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return " › ".join(reversed(names))

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.name)
        self.depth = (self.parent.depth + 1) if self.parent_id else 1
        super().save(*args, **kwargs)


class UnitOfMeasure(models.TextChoices):
    UNIT = "unit", _("unit")
    HOUR = "hour", _("hour")
    DAY = "day", _("day")
    SQUARE_METRE = "m2", _("m²")
    SQUARE_FOOT = "ft2", _("ft²")
    CUBIC_METRE = "m3", _("m³")
    KILOMETRE = "km", _("km")
    VISIT = "visit", _("visit")


class ItemType(models.TextChoices):
    SERVICE = "service", _("Service")
    PRODUCT = "product", _("Product")


class Item(BusinessOwned):
    name = models.CharField(_("name"), max_length=100)
    name_key = models.CharField(max_length=100, editable=False)
    description = models.TextField(_("description"), blank=True)
    item_type = models.CharField(
        _("type"), max_length=10, choices=ItemType.choices, default=ItemType.SERVICE
    )
    # One of UnitOfMeasure's values, or free text typed by the owner ("bag", "load"...).
    unit = models.CharField(_("unit of measure"), max_length=30, default=UnitOfMeasure.UNIT)
    unit_price = models.DecimalField(
        _("unit price"),
        max_digits=14,
        decimal_places=4,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    is_taxable = models.BooleanField(_("taxable"), default=True)
    default_tax_group = models.ForeignKey(
        "invoicing.TaxGroup",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("default tax group"),
    )
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
        verbose_name=_("category"),
    )
    sku = models.CharField(_("SKU"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["business", "name_key"], name="uniq_item_name_per_business"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def unit_label(self) -> str:
        try:
            return str(UnitOfMeasure(self.unit).label)
        except ValueError:
            return self.unit

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.name)
        super().save(*args, **kwargs)
