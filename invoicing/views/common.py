from django.http import Http404

from .. import selectors
from ..models import Invoice


def posted(request):
    # Bound on any POST, even an empty one, so that a POST without fields shows errors.
    return request.POST if request.method == "POST" else None


def invoice_or_404(request, pk: int) -> Invoice:
    try:
        return selectors.invoice_get(business=request.business, pk=pk)
    except Invoice.DoesNotExist:
        raise Http404 from None
