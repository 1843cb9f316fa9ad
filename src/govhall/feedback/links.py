"""Signed rating links (一次一评): the token names the invitation and cannot be forged.

The token is ``django.core.signing`` of the invitation id with a salt of its own; the expiry and
the single use are kept on the invitation row, so the centre can change the validity and a used
link stays refused for ever.
"""

import hashlib
import secrets

import segno
from django.conf import settings
from django.core import signing
from django.urls import reverse

INVITATION_SALT = "govhall.feedback.invitation"


def sign_invitation(invitation_id: int) -> str:
    return signing.dumps(invitation_id, salt=INVITATION_SALT)


def unsign_invitation(token: str) -> int | None:
    """The invitation id inside `token`, or None when the token was not signed by us."""
    try:
        value = signing.loads(token, salt=INVITATION_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def rating_path(invitation_id: int) -> str:
    return reverse("feedback:rate", args=[sign_invitation(invitation_id)])


def rating_url(invitation_id: int) -> str:
    return settings.GOVHALL_SITE_URL.rstrip("/") + rating_path(invitation_id)


def rating_qr_svg(invitation_id: int, *, scale: int = 4) -> str:
    """The QR code of the rating link, as inline SVG (printed on the ticket or receipt)."""
    qr = segno.make(rating_url(invitation_id), error="m")
    return qr.svg_inline(scale=scale)


def new_device_token() -> tuple[str, str]:
    """A random pad token and the digest stored in place of it."""
    token = secrets.token_urlsafe(32)
    return token, hash_device_token(token)


def hash_device_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_pairing_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"
