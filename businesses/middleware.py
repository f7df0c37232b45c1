from django.utils.functional import SimpleLazyObject

from . import selectors


class CurrentBusinessMiddleware:
    """Sets request.business (and request.membership) for a signed-in member."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = SimpleLazyObject(
            lambda: selectors.membership_for_user(user=request.user)
        )
        request.business = SimpleLazyObject(
            lambda: request.membership.business if request.membership else None
        )
        return self.get_response(request)
