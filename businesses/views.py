from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.client_ip import client_ip
from core.exceptions import ApplicationError
from core.redirects import local_next

from . import selectors, services
from .forms import BusinessForm, SignUpForm
from .mixins import business_member_required
from .throttle import throttle_allow


class LocalNextMixin:
    """Sign-in and sign-out follow `next=` only to a page of ours (core.redirects)."""

    def get_redirect_url(self):
        return local_next(self.request, super().get_redirect_url())


class LoginView(LocalNextMixin, auth_views.LoginView):
    pass


class LogoutView(LocalNextMixin, auth_views.LogoutView):
    pass


@require_http_methods(["GET", "POST"])
def signup(request):
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.business_sign_up_request(
                business_name=form.cleaned_data["business_name"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                province=form.cleaned_data["province"],
                language=form.cleaned_data["language"],
                base_url=request.build_absolute_uri("/"),
            )
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            # The same answer whether or not the address already had an account.
            return render(
                request, "businesses/signup_sent.html", {"email": form.cleaned_data["email"]}
            )
    return render(request, "businesses/signup.html", {"form": form})


@require_http_methods(["GET"])
def signup_confirm(request, uidb64: str, token: str):
    user = services.user_confirm_sign_up(uidb64=uidb64, token=token)
    if user is None:
        return render(request, "businesses/signup_invalid.html", status=400)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, _("Welcome to Plannit! Start by creating your tax groups."))
    response = redirect("home")
    membership = request.membership
    if membership:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, membership.business.language)
    return response


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, refused (429, nothing sent) past a few requests per e-mail
    address and per client address within an hour. The answer says nothing about accounts."""

    def form_valid(self, form):
        window = settings.PASSWORD_RESET_WINDOW
        allowed_for_address = throttle_allow(
            scope="password-reset-ip",
            key=client_ip(self.request),
            limit=settings.PASSWORD_RESET_LIMIT_PER_ADDRESS,
            window=window,
        )
        allowed_for_email = throttle_allow(
            scope="password-reset-email",
            key=form.cleaned_data["email"],
            limit=settings.PASSWORD_RESET_LIMIT_PER_EMAIL,
            window=window,
        )
        if not (allowed_for_address and allowed_for_email):
            form.add_error(
                None,
                _("Too many password reset requests. Please try again in an hour."),
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)


@business_member_required(owner_only=True)
@require_http_methods(["GET", "POST"])
def business_settings(request):
    business = request.business
    logo = selectors.business_logo_get(business=business)
    form = BusinessForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        instance=business,
        has_logo=logo is not None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.business_update(business=business, **form.cleaned_data)
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("Business settings saved."))
            return redirect("businesses:settings")
    return render(
        request,
        "businesses/settings.html",
        {"form": form, "logo": logo},
    )
