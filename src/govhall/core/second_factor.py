"""Who must log in with a second factor (等保 2.0 8.1.4.1: 两种或两种以上组合的鉴别技术 for
administrators): superusers, centre administrators and anyone who may open the admin site,
when ``GOVHALL_ADMIN_OTP`` is on. The factor is a TOTP code (django-otp)."""

from typing import Any

from django.conf import settings

from govhall.core.roles import Role, roles_of


def needs_second_factor(user: Any) -> bool:
    if not settings.GOVHALL_ADMIN_OTP or not user.is_authenticated:
        return False
    return user.is_superuser or user.is_staff or Role.CENTER_ADMIN in roles_of(user)
