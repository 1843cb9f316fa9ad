from typing import Any

from django.conf import settings
from django.http import HttpRequest


def govhall(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    center = getattr(user, "center", None) if user is not None and user.is_authenticated else None
    return {"site_name": center.name if center else settings.GOVHALL_SITE_NAME, "center": center}
