"""Cases made through the real services (so every case has its events and outbox rows)."""

import datetime as dt
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from govhall.cases import services
from govhall.cases.errors import CaseError
from govhall.queueing.models import Ticket
from tests.factories import make_id_number
from tests.queueing.factories import QueueCategoryFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
_seq = itertools.count(1)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    """A moment on a local (Asia/Shanghai) day."""
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


@contextmanager
def on(day: dt.date, hour: int = 10) -> Iterator[None]:
    """Every "now" of the code under test is `hour` o'clock on `day` (Asia/Shanghai)."""
    with mock.patch("django.utils.timezone.now", return_value=at(day, hour)):
        yield


def accept(item, *, actor=None, day: dt.date | None = None, phone="13800001234", **kwargs):
    """A person's case accepted at a window on `day` (by the system unless `actor`), with every
    material of the item received unless the test says which."""
    missing = kwargs.get("materials_missing", ())
    kwargs.setdefault(
        "materials_received",
        [n for n in item.materials.values_list("name", flat=True) if n not in missing],
    )
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


def served_ticket(center, department, seq: int, day: dt.date) -> Ticket:
    """A queue ticket served (DONE) on `day` by `department`."""
    category = QueueCategoryFactory(center=center)
    return Ticket.objects.create(
        center=center,
        category=category,
        number=f"{category.prefix}{seq:03d}",
        seq=seq,
        issue_date=day,
        state=Ticket.State.DONE,
        channel=Ticket.Channel.KIOSK,
        department=department,
        queue_at=at(day, 9),
        issued_at=at(day, 9),
        called_at=at(day, 10),
        finished_at=at(day, 11),
    )


def joint_package(center, items, *, lead=None, name="开办餐饮店一件事", limit_days=45):
    """A 一件事 package of `items`, led by `lead` (default: the first item's department)."""
    from govhall.cases.models import JointPackage

    package = JointPackage.objects.create(
        center=center,
        name=name,
        lead_department=lead or items[0].department,
        limit_days=limit_days,
    )
    package.items.set(items)
    return package


def accept_joint(package, *, actor=None, day: dt.date | None = None, **kwargs):
    """A person's joint application accepted on `day`, every material of every item received."""
    from govhall.cases import joint

    kwargs.setdefault(
        "materials_received",
        {i.pk: list(i.materials.values_list("name", flat=True)) for i in package.items.all()},
    )
    return joint.accept_joint_case(
        actor=actor,
        package=package,
        applicant_type="person",
        applicant_name=kwargs.pop("applicant_name", "王五"),
        id_number=kwargs.pop("id_number", None) or make_id_number(next(_seq)),
        phone=kwargs.pop("phone", "13700001234"),
        at=at(day) if day else None,
        **kwargs,
    )


@contextmanager
def refusal(code: CaseError, match: str | None = None) -> Iterator[pytest.ExceptionInfo]:
    """The block is refused with `code`: its kind (so its HTTP status) and its code."""
    with pytest.raises(code.error, match=match) as caught:
        yield caught
    assert caught.value.code == code
