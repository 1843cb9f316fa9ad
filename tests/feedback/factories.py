"""Services rated in the feedback tests: served tickets and completed cases, made directly.

The queue and case workflows have their own tests; here a ticket or case only needs to be in
the state its hook sees (DONE / COMPLETED) with the fields the invitation reads.
"""

import datetime as dt
import itertools

from django.db import transaction
from django.utils import timezone

from govhall.cases.models import Case
from govhall.feedback import services
from govhall.feedback.models import Channel
from govhall.queueing.models import QueueCategory, Ticket
from tests.factories import ServiceItemFactory, make_id_number

_seq = itertools.count(1)


def served_ticket(*, staff, window, department=None, finished_at=None, phone="13800000001"):
    finished_at = finished_at or timezone.now()
    n = next(_seq)
    category, _created = QueueCategory.objects.get_or_create(
        center=staff.center, prefix="A", defaults={"name": "综合"}
    )
    issued = finished_at - dt.timedelta(minutes=10)
    return Ticket.objects.create(
        center=staff.center,
        category=category,
        number=f"A{n:03d}",
        seq=n,
        issue_date=timezone.localdate(issued),
        phone=phone,
        state=Ticket.State.DONE,
        channel=Ticket.Channel.KIOSK,
        window=window,
        staff=staff,
        department=department or staff.department,
        queue_at=issued,
        issued_at=issued,
        called_at=issued + dt.timedelta(minutes=5),
        started_at=issued + dt.timedelta(minutes=5),
        finished_at=finished_at,
    )


def completed_case(
    *,
    department,
    window=None,
    accepted_by=None,
    channel=Case.Channel.ONLINE,
    completed_at=None,
    ticket=None,
):
    completed_at = completed_at or timezone.now()
    n = next(_seq)
    item = ServiceItemFactory(center=department.center, department=department)
    return Case.objects.create(
        center=department.center,
        number=f"FB{n:08d}",
        item=item,
        department=department,
        applicant_type=Case.ApplicantType.PERSON,
        applicant_name="张三",
        id_number=make_id_number(n),
        phone="13900000002",
        channel=channel,
        window=window,
        accepted_by=accepted_by,
        ticket=ticket,
        state=Case.State.COMPLETED,
        result=Case.Result.APPROVED,
        accepted_at=completed_at - dt.timedelta(days=2),
        completed_at=completed_at,
    )


def hotline_rating(center, department, *, when, ref, level=1, phone=""):
    """A rating of `department` from the 12345 hotline at `when` (work order `ref`), by default
    a 非常不满意 (with its rectification)."""
    with transaction.atomic():
        return services.ratings._record_evaluation(
            center_id=center.pk,
            level=level,
            channel=Channel.HOTLINE,
            department=department,
            window=None,
            staff=None,
            rater_phone=phone,
            external_ref=ref,
            rated_at=when,
        )


def assists(center, department, counts, *, day=dt.date(2026, 5, 6), actor=None):
    """Assisted services recorded for `department` on `day`: `counts` maps each kind
    (`AssistRecord.Kind`) to its count; a kind counted 0 is not recorded."""
    for kind, count in counts.items():
        if count:
            services.record_assist(
                center=center, kind=kind, department=department, date=day, count=count, actor=actor
            )
