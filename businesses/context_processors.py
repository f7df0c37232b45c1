def current_business(request):
    business = getattr(request, "business", None)
    membership = getattr(request, "membership", None)
    return {
        "current_business": business if business else None,
        "current_membership": membership if membership else None,
    }
