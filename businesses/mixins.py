from functools import wraps

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect


class BusinessMemberMixin(LoginRequiredMixin):
    """Class-based views: signed in and member of a business; self.business is set."""

    owner_only = False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.membership:
            return redirect("businesses:signup")
        if self.owner_only and not request.membership.is_owner:
            raise PermissionDenied
        self.business = request.business
        return super().dispatch(request, *args, **kwargs)


def business_member_required(view=None, *, owner_only: bool = False):
    """Function-based views: same contract as BusinessMemberMixin; passes request.business."""

    def decorator(func):
        @wraps(func)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            if not request.membership:
                return redirect("businesses:signup")
            if owner_only and not request.membership.is_owner:
                raise PermissionDenied
            return func(request, *args, **kwargs)

        return wrapped

    return decorator(view) if view is not None else decorator
