from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from businesses.models import Business
from core.collation import natural
from core.forms import NonNegativeDecimalField
from invoicing.forms import TaxGroupChoiceField
from invoicing.models import TaxGroup

from . import selectors
from .models import Category, Item, ItemType, UnitOfMeasure

OTHER_UNIT = "other"
_INDENT = "\u00a0\u00a0\u00a0\u00a0"


class CategoryChoiceField(forms.TypedChoiceField):
    """The business's categories, printed as an indented tree; cleans to a Category or None.
    An id that is not one of the business's is refused like any invalid choice."""

    def __init__(self, *, business: Business, empty_label, exclude_pk: int | None = None, **kwargs):
        self.categories = {}
        choices = [("", empty_label)]
        for node in selectors.flatten_tree(selectors.category_tree(business=business)):
            if node.category.pk == exclude_pk:
                continue
            self.categories[node.category.pk] = node.category
            choices.append((node.category.pk, _INDENT * (node.depth - 1) + node.category.name))
        super().__init__(choices=choices, coerce=self._to_category, empty_value=None, **kwargs)

    def _to_category(self, value) -> Category:
        return self.categories[int(value)]

    def valid_value(self, value) -> bool:
        try:
            return int(value) in self.categories
        except (TypeError, ValueError):
            return False


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    parent = forms.Field(label=_("Parent category"), required=False)

    def __init__(self, *args, business: Business, category: Category | None = None, **kwargs):
        if category is not None:
            kwargs.setdefault(
                "initial", {"name": category.name, "parent": category.parent_id or ""}
            )
        super().__init__(*args, **kwargs)
        self.fields["parent"] = CategoryChoiceField(
            business=business,
            label=_("Parent category"),
            required=False,
            empty_label=_("None (top level)"),
            exclude_pk=category.pk if category is not None else None,
            help_text=_("Categories may be nested up to four levels deep."),
        )


class ItemForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    item_type = forms.ChoiceField(
        label=_("Type"), choices=ItemType.choices, initial=ItemType.SERVICE
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    unit_choice = forms.ChoiceField(
        label=_("Unit of measure"),
        choices=[*UnitOfMeasure.choices, (OTHER_UNIT, _("Other…"))],
        initial=UnitOfMeasure.UNIT,
    )
    unit_other = forms.CharField(
        label=_("Other unit of measure"),
        required=False,
        max_length=30,
        help_text=_("For example: bag, load, tree."),
    )
    unit_price = NonNegativeDecimalField(
        label=_("Unit price"),
        min_value=Decimal("0"),
        max_digits=14,
        decimal_places=4,
        localize=True,
        initial=Decimal("0.00"),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    is_taxable = forms.BooleanField(label=_("Taxable"), required=False, initial=True)
    default_tax_group = TaxGroupChoiceField(
        label=_("Taxes"),
        queryset=TaxGroup.objects.none(),
        required=False,
        empty_label=_("The business default"),
        default_label=_("The business default: %(group)s"),
        help_text=_("The taxes proposed on invoice lines for this item when it is taxable."),
    )
    category = forms.Field(label=_("Category"), required=False)
    sku = forms.CharField(label=_("SKU"), max_length=100, required=False)

    def __init__(self, *args, business: Business, item: Item | None = None, **kwargs):
        if item is not None:
            kwargs.setdefault("initial", self.initial_for(item))
        super().__init__(*args, **kwargs)
        self.business = business
        self.item = item
        # An archived tax group stays selectable on an item that already uses it.
        current = item.default_tax_group_id if item is not None else None
        self.fields["default_tax_group"].queryset = TaxGroup.objects.filter(
            Q(is_active=True) | Q(pk=current), business=business
        ).order_by(natural("name"))
        self.fields["default_tax_group"].name_default_of(business)
        self.fields["category"] = CategoryChoiceField(
            business=business,
            label=_("Category"),
            required=False,
            empty_label=_("Uncategorised"),
        )
        # Reordered so that the category sits next to the name, as on the list page.
        self.order_fields(
            [
                "name",
                "item_type",
                "category",
                "description",
                "unit_choice",
                "unit_other",
                "unit_price",
                "is_taxable",
                "default_tax_group",
                "sku",
            ]
        )

    @staticmethod
    def initial_for(item: Item) -> dict:
        is_listed_unit = item.unit in UnitOfMeasure.values
        return {
            "name": item.name,
            "item_type": item.item_type,
            "description": item.description,
            "unit_choice": item.unit if is_listed_unit else OTHER_UNIT,
            "unit_other": "" if is_listed_unit else item.unit,
            # Trailing zeros trimmed to the cents, then shown in the reader's number format.
            "unit_price": Decimal(selectors.price_text(item.unit_price)),
            "is_taxable": item.is_taxable,
            "default_tax_group": item.default_tax_group_id,
            "category": item.category_id or "",
            "sku": item.sku,
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("unit_choice") == OTHER_UNIT and not cleaned.get("unit_other", "").strip():
            if "unit_other" not in self.errors:
                self.add_error("unit_other", _("Type the unit of measure."))
        return cleaned

    def service_arguments(self) -> dict:
        """cleaned_data as the keyword arguments of item_create / item_update."""
        data = self.cleaned_data
        unit = data["unit_other"] if data["unit_choice"] == OTHER_UNIT else data["unit_choice"]
        return {
            "name": data["name"],
            "item_type": data["item_type"],
            "description": data["description"],
            "unit": unit,
            "unit_price": data["unit_price"],
            "is_taxable": data["is_taxable"],
            "default_tax_group": data["default_tax_group"],
            "category": data["category"],
            "sku": data["sku"],
        }

    def add_service_error(self, field: str | None, message: str) -> None:
        """Shows an ApplicationError next to the field the user filled in."""
        if field == "unit":
            field = (
                "unit_other"
                if self.cleaned_data.get("unit_choice") == OTHER_UNIT
                else "unit_choice"
            )
        if field is not None and field not in self.fields:
            field = None
        self.add_error(field, message)


class ItemFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name, SKU, description")}
        ),
    )
    category = forms.Field(label=_("Category"), required=False)
    archived = forms.BooleanField(label=_("Show archived items"), required=False)

    def __init__(self, *args, business: Business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"] = CategoryChoiceField(
            business=business,
            label=_("Category"),
            required=False,
            empty_label=_("All categories"),
        )

    def filters(self) -> dict:
        """The selector's arguments; a malformed value is ignored rather than refused."""
        self.is_valid()
        data = self.cleaned_data
        category = data.get("category")
        return {
            "search": data.get("q") or None,
            "category_id": category.pk if category is not None else None,
            "include_archived": bool(data.get("archived")),
        }
