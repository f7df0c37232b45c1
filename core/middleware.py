from django.utils.cache import add_never_cache_headers


class PrivatePagesMiddleware:
    """A page served to a signed-in user is never kept by the browser or a proxy: after
    signing out, Back must not show the invoices again (Cache-Control: no-store)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
