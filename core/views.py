from urllib.parse import urlsplit, urlunsplit

from django.db import DatabaseError, connection
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.i18n import set_language as django_set_language

from .redirects import local_next


@never_cache
@require_GET
def healthz(request):
    """For the container's healthcheck: 200 when the database answers, else 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (error pages, files)."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


def set_language(request):
    """Django's language switch, sent back only to a page of ours (else home): its own check
    also follows the Referer and relative values."""
    response = django_set_language(request)
    if response.has_header("Location"):
        target = urlsplit(response["Location"])
        if target.netloc == request.get_host():  # a browser's Referer is absolute
            target = target._replace(scheme="", netloc="")
        response["Location"] = local_next(request, urlunsplit(target)) or "/"
    return response
