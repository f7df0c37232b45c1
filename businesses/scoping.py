"""Business-scoped lookups: an object of another business is indistinguishable from a missing
one (404), so ids leak nothing across tenants."""

from django.db.models import Model, QuerySet
from django.http import Http404

from .models import Business


def get_for_business(queryset: QuerySet | type[Model], *, business: Business, **lookup) -> Model:
    if not isinstance(queryset, QuerySet):
        queryset = queryset._default_manager.all()
    try:
        return queryset.get(business=business, **lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
