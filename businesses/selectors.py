from .models import Business, BusinessLogo, Membership


def membership_for_user(*, user) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Membership.objects.select_related("business")
        .filter(user=user)
        .order_by("created_at", "id")
        .first()
    )


def business_logo_get(*, business: Business) -> BusinessLogo | None:
    return BusinessLogo.objects.filter(business=business).first()
