from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from govhall.core.models import Center


def site_name_for(user: Any) -> str:
    """The name a page is headed with: the user's centre; for anyone else the centre this
    installation runs when it runs one, else the configured name."""
    center = getattr(user, "center", None) if getattr(user, "is_authenticated", False) else None
    if center is not None:
        return center.name
    names = list(Center.objects.order_by("pk").values_list("name", flat=True)[:2])
    return names[0] if len(names) == 1 else str(settings.GOVHALL_SITE_NAME)


def govhall(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    center = getattr(user, "center", None) if user is not None and user.is_authenticated else None
    return {"site_name": SimpleLazyObject(lambda: site_name_for(user)), "center": center}
