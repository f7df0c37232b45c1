from django.conf import settings


def client_ip(request) -> str:
    """The address of the client. Behind `settings.PROXY_COUNT` reverse proxies, each of which
    appends the address it saw to X-Forwarded-For, the entry the outermost one appended (what
    a client writes itself comes before it and is ignored); else REMOTE_ADDR."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = int(getattr(settings, "PROXY_COUNT", 0) or 0)
    if count <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < count:
        return remote
    return forwarded[-count]
