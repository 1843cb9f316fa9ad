"""Rate limits (django-ratelimit) keyed by the client's real address (`core.clients`), counted
in the shared cache so every worker process sees the same count."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited

from govhall.core.clients import address_in, client_address
from govhall.core.error_codes import CoreError


def throttle(request: HttpRequest, *, group: str, rate: str, message: str, scope: str = "") -> None:
    """Count one try of `group` for this client (and `scope`, e.g. a category); past `rate`
    (``"10/m"``, ``"3/10m"``) raise RateLimited (429) with `message`."""
    if is_ratelimited(
        request,
        group=group,
        key=lambda _group, req: f"{client_address(req)}|{scope}",
        rate=rate,
        increment=True,
    ):
        raise CoreError.RATE_LIMITED(message, detail={"rate": rate})


def throttle_ticket_issuing(request: HttpRequest, *, category_id: int) -> None:
    """Anonymous ticket issuing (kiosk page, phone page, API): ``GOVHALL_TICKET_RATE`` tickets
    per client address in all, ``GOVHALL_TICKET_CATEGORY_RATE`` per address and category.
    The hall's own kiosks are not limited: a kiosk machine at an address in
    ``GOVHALL_KIOSK_NETWORKS``, or a kiosk program calling the API with the token of an account
    allowed to issue for citizens (as a clerk at the window is)."""
    user = getattr(request, "user", None)
    if user is not None and user.has_perm("queueing.issue_ticket_for_citizen"):
        return
    if address_in(client_address(request), settings.GOVHALL_KIOSK_NETWORKS):
        return
    message = _("取号过于频繁,请稍后再试;如需帮助请到咨询台。")
    throttle(request, group="queueing.issue", rate=settings.GOVHALL_TICKET_RATE, message=message)
    throttle(
        request,
        group="queueing.issue_category",
        rate=settings.GOVHALL_TICKET_CATEGORY_RATE,
        message=message,
        scope=str(category_id),
    )
