"""Settings › Team (owners only) and the invitation link (anyone holding it)."""

from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.exceptions import ApplicationError

from . import team
from .forms import AcceptInvitationForm, InvitationForm, RoleForm
from .mixins import business_member_required
from .models import Invitation, Membership
from .scoping import get_for_business


@business_member_required(owner_only=True)
@require_http_methods(["GET", "POST"])
def team_page(request):
    business = request.business
    form = InvitationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = team.invitation_create(
                business=business,
                invited_by=request.user,
                base_url=request.build_absolute_uri("/"),
                **form.cleaned_data,
            )
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("businesses:team")
    members = Membership.objects.filter(business=business).select_related("user")
    return render(
        request,
        "businesses/team.html",
        {
            "form": form,
            "members": members.order_by("user__email"),
            "invitations": Invitation.objects.filter(
                business=business, accepted_at=None, revoked_at=None
            ),
            "roles": Membership.Role.choices,
        },
    )


def _member(request, pk: int) -> Membership:
    return get_for_business(Membership, business=request.business, pk=pk)


@business_member_required(owner_only=True)
@require_POST
def membership_role(request, pk: int):
    membership = _member(request, pk)
    form = RoleForm(request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError(_("Choose a role."))
        team.membership_change_role(membership=membership, role=form.cleaned_data["role"])
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(email)s is now %(role)s.")
            % {"email": membership.user.email, "role": membership.get_role_display()},
        )
    return redirect("businesses:team")


@business_member_required(owner_only=True)
@require_POST
def membership_remove(request, pk: int):
    membership = _member(request, pk)
    email = membership.user.email
    try:
        team.membership_remove(membership=membership)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("businesses:team")
    if membership.user_id == request.user.pk:
        logout(request)  # an owner who removed themself: their session has ended
        return redirect("login")
    messages.success(request, _("%(email)s was removed from the team.") % {"email": email})
    return redirect("businesses:team")


@business_member_required(owner_only=True)
@require_POST
def invitation_revoke(request, pk: int):
    invitation = get_for_business(Invitation, business=request.business, pk=pk)
    try:
        team.invitation_revoke(invitation=invitation)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Invitation cancelled."))
    return redirect("businesses:team")


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token: str):
    """The link of an invitation e-mail: join with a new password, or with the signed-in
    account of the invited address."""
    try:
        invitation = team.invitation_for_token(token=token)
    except ApplicationError as error:
        return render(request, "businesses/invitation.html", {"error": error.message}, status=410)
    user = request.user if request.user.is_authenticated else None
    has_account = (
        user is None and get_user_model().objects.filter(email__iexact=invitation.email).exists()
    )
    form = AcceptInvitationForm(request.POST if request.method == "POST" and user is None else None)
    error = None
    if request.method == "POST" and (user is not None or form.is_valid()):
        try:
            membership = team.invitation_accept(
                token=token,
                user=user,
                password=None if user is not None else form.cleaned_data["password1"],
            )
        except ApplicationError as failure:
            if failure.field and user is None:
                failure.add_to_form(form)
            else:
                error = failure.message
        else:
            if user is None:
                login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("Welcome to %(business)s!") % {"business": membership.business.name},
            )
            return redirect("home")
    return render(
        request,
        "businesses/invitation.html",
        {
            "invitation": invitation,
            "form": form,
            "error": error,
            "signed_in_as": user,
            "wrong_account": user is not None and user.email.lower() != invitation.email,
            "has_account": has_account,
            "login_url": f"{reverse('login')}?next={request.path}",
        },
    )
