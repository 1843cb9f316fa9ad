"""Window rating pads: pairing by a one-time code (limited tries), prompts and liveness."""

import datetime as dt
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.feedback import links
from govhall.feedback.errors import FeedbackError
from govhall.feedback.models import (
    RatingPad,
)
from govhall.feedback.selectors import pad_pending_invitation, pairable_windows
from govhall.feedback.services.common import _locked
from govhall.org.models import Window
from govhall.org.scoping import ANY_UNIT, require_perm

PAIRING_CODE_MINUTES = 5
PAIRING_MAX_FAILURES = 5
PAIRING_MAX_FAILURES_ALL = 50
PAIRING_LOCK_SECONDS = 15 * 60


def authorize_pairing(*, actor: Any, center_id: int) -> None:
    """Who pairs pads: the centre's people with the pairing permission (at their own windows)."""
    require_perm(actor, "feedback.pair_rating_pad", center_id=center_id, department_id=ANY_UNIT)


def issue_pairing_code(*, window: Window, actor: Any) -> RatingPad:
    """A one-time code, valid a few minutes, that pairs a pad device with `window`.

    Only with the actor's own window (a centre administrator: any window of the centre), so a
    clerk cannot hold a pad at another unit's counter and rate its staff.
    """
    authorize_pairing(actor=actor, center_id=window.center_id)
    if not pairable_windows(actor).filter(pk=window.pk).exists():
        raise FeedbackError.NOT_OWN_WINDOW(_("只能为本人所在的窗口配对评价器。"))
    with transaction.atomic():
        now = timezone.now()
        RatingPad.objects.filter(pairing_expires_at__lt=now).exclude(pairing_code="").update(
            pairing_code=""
        )
        code = links.new_pairing_code()
        while RatingPad.objects.filter(pairing_code=code).exists():
            code = links.new_pairing_code()
        return RatingPad.objects.create(
            center_id=window.center_id,
            window=window,
            name=_("%(w)s号窗口评价器") % {"w": window.number},
            pairing_code=code,
            pairing_expires_at=now + dt.timedelta(minutes=PAIRING_CODE_MINUTES),
        )


def _count_failure(key: str) -> None:
    cache.add(key, 0, PAIRING_LOCK_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, PAIRING_LOCK_SECONDS)


def pair_pad(*, code: str, client: str) -> tuple[RatingPad, str]:
    """The device enters the code; it gets a token (kept hashed) and the code is spent.

    Wrong codes are counted per client address (PAIRING_MAX_FAILURES) and over all clients
    (PAIRING_MAX_FAILURES_ALL) for PAIRING_LOCK_SECONDS; past either limit every try is refused
    until the window passes, so codes cannot be guessed.
    """
    mine, everyone = f"govhall:feedback:pair-fail:{client}", "govhall:feedback:pair-fail"
    if (cache.get(mine) or 0) >= PAIRING_MAX_FAILURES or (
        cache.get(everyone) or 0
    ) >= PAIRING_MAX_FAILURES_ALL:
        raise FeedbackError.PAIRING_LOCKED(_("配对码输错次数过多,请15分钟后再试。"))
    code = links.normalise_pairing_code(code)
    pad = RatingPad.objects.filter(pairing_code=code, is_active=True).first() if code else None
    if pad is None or pad.pairing_expires_at is None or pad.pairing_expires_at < timezone.now():
        # Counted outside any transaction of ours: the shared cache may be a database table,
        # and a rolled-back count would let guesses go on for ever.
        _count_failure(mine)
        _count_failure(everyone)
        raise FeedbackError.BAD_CODE(_("配对码无效或已过期,请在窗口终端重新生成。"))
    with transaction.atomic():
        pad = _locked(RatingPad, pad.pk)
        if pad.pairing_code != code:
            raise FeedbackError.CODE_SPENT(_("该配对码刚刚已被使用,请在窗口终端重新生成。"))
        token, digest = links.new_device_token()
        pad.token_hash = digest
        pad.pairing_code = ""
        pad.pairing_expires_at = None
        pad.paired_at = timezone.now()
        pad.last_seen_at = pad.paired_at
        pad.save()
        return pad, token


def skip_pad_prompt(*, pad: RatingPad, invitation_id: int) -> None:
    """The person at the window declines to rate on the pad: the prompt ends (the link on their
    ticket stays valid). Only the prompt on show can be skipped."""
    with transaction.atomic():
        pending = pad_pending_invitation(pad)
        if pending is None or pending.pk != invitation_id:
            raise FeedbackError.NOT_PENDING(_("该评价提示已结束。"))
        RatingPad.objects.filter(pk=pad.pk).update(prompt_cleared_at=timezone.now())


def touch_pad(*, pad: RatingPad) -> None:
    """The pad polled: remember when it was last seen (at most once a minute)."""
    now = timezone.now()
    if pad.last_seen_at is None or now - pad.last_seen_at > dt.timedelta(minutes=1):
        RatingPad.objects.filter(pk=pad.pk).update(last_seen_at=now)
