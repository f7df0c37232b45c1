from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.exceptions import ApplicationError

from . import services
from .forms import BusinessForm, SignUpForm
from .mixins import business_member_required


@require_http_methods(["GET", "POST"])
def signup(request):
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.business_sign_up(
                business_name=form.cleaned_data["business_name"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                province=form.cleaned_data["province"],
                language=form.cleaned_data["language"],
            )
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to Plannit! Start by creating your tax groups."))
            response = redirect("home")
            from django.conf import settings

            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, membership.business.language)
            return response
    return render(request, "businesses/signup.html", {"form": form})


@business_member_required(owner_only=True)
@require_http_methods(["GET", "POST"])
def business_settings(request):
    form = BusinessForm(request.POST or None, instance=request.business)
    if request.method == "POST" and form.is_valid():
        try:
            services.business_update(business=request.business, **form.cleaned_data)
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("Business settings saved."))
            return redirect("businesses:settings")
    return render(request, "businesses/settings.html", {"form": form})
