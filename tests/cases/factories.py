"""Cases made through the real services (so every case has its events and outbox rows)."""

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

from govhall.cases import services
from tests.factories import make_id_number

SHANGHAI = ZoneInfo("Asia/Shanghai")
_seq = itertools.count(1)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    """A moment on a local (Asia/Shanghai) day."""
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


def accept(item, *, actor=None, day: dt.date | None = None, phone="13800001234", **kwargs):
    """A person's case accepted at a window on `day` (by the system unless `actor`)."""
    return services.accept_case(
        actor=actor,
        item=item,
        applicant_type="person",
        applicant_name=kwargs.pop("applicant_name", "张三"),
        id_number=make_id_number(next(_seq)),
        phone=phone,
        at=at(day) if day else None,
        **kwargs,
    )
