"""The rating invitation by SMS (`govhall.notify`), where a phone is known.

A producer the notification worker calls at each pass (`notify.producers`): every open
invitation of the last day (not used, not expired) whose citizen left a phone — on the
invitation, the ticket or the case — gets its signed rating link once. The finishing
transaction pays nothing for it.
"""

import datetime as dt

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from govhall.feedback.links import rating_url
from govhall.feedback.models import Invitation
from govhall.notify import selectors as notify_selectors
from govhall.notify import services as notify
from govhall.notify.models import Notification

RATING_INVITATION = Notification.Kind.RATING_INVITATION
LOOKBACK = dt.timedelta(days=1)


def open_invitations_by_sms(*, at: dt.datetime) -> int:
    """Enqueue the rating link for recent open invitations with a phone."""
    sent = notify_selectors.already_enqueued(RATING_INVITATION).filter(subject_id=OuterRef("pk"))
    # The phones (the invitation's, the ticket's, the case's) are encrypted: tested through
    # their keyed hashes, read (decrypted) from the rows.
    with_phone = (
        Q(rater_phone_hash__gt="") | Q(ticket__phone_hash__gt="") | Q(case__phone_hash__gt="")
    )
    invitations = (
        Invitation.objects.filter(created_at__gte=at - LOOKBACK, expires_at__gt=at, used_at=None)
        .exclude(Exists(sent))
        .filter(with_phone)
        .select_related("center", "ticket", "case")
    )
    made = 0
    for invitation in invitations:
        phone = invitation.rater_phone or next(
            (p.phone for p in (invitation.ticket, invitation.case) if p is not None and p.phone),
            "",
        )
        params = [invitation.center.name, rating_url(invitation.pk)]
        notify.enqueue(
            center_id=invitation.center_id,
            kind=RATING_INVITATION,
            subject_id=invitation.pk,
            phone=phone,
            params=params,
            text=_("感谢您到%(center)s办事,请为本次服务评价:%(url)s")
            % {"center": params[0], "url": params[1]},
            at=at,
        )
        made += 1
    return made
