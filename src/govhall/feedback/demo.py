"""Demo ratings, rectifications in every state, complaints and assisted services (idempotent).

Ratings go to the served tickets the queue demo left waiting for a rating, and, so that last
month's disclosure has data whatever else is loaded, to 12345 work orders ``DEMO-Rnnn``. Assisted
services are drawn day by day from each unit's rate per kind (weekend services on rest days), so
last month's counts by type are an outcome, of the size of seed 000's (391 over 28 units).
"""

import csv
import datetime as dt
import io
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from govhall.core.dates import local_moment, previous_month
from govhall.core.models import Center
from govhall.core.roles import Role
from govhall.core.workdays import load_calendar
from govhall.feedback import services
from govhall.feedback.hotline import RATING_COLUMNS
from govhall.feedback.models import (
    AssistRecord,
    Channel,
    Complaint,
    Evaluation,
    Invitation,
    Rectification,
)
from govhall.org.models import Department, StaffProfile
from govhall.org.selectors import first_user_in_role

DEMO_NOTE = "演示数据"
DEMO_DEPARTMENTS = ["市场监督管理局", "自然资源和规划局", "人力资源和社会保障局"]
# Mostly good (seed 003: 好评率 99.9%); every eighth work order is bad so the demo shows
# rectifications in each state.
GOOD_WEIGHTS = {5: 75, 4: 18, 3: 7}
BAD_EVERY = 8
# The chance that a unit gives an assisted service of a kind on a day (working days; rest days
# for weekend services).
ASSIST_RATES = {
    AssistRecord.Kind.HOME_VISIT: 0.16,
    AssistRecord.Kind.AFTER_HOURS: 0.065,
    AssistRecord.Kind.COACHING: 0.22,
    AssistRecord.Kind.WEEKEND: 0.5,
}
# The share of the people served at a window who rate the service on the pad or by QR code.
RATED_SHARE = 0.85
COMPLAINTS = [
    ("DEMO-C1", Complaint.Channel.WINDOW, "办理营业执照变更,窗口称需回原籍开证明,无法办成。"),
    ("DEMO-C2", Complaint.Channel.HOTLINE, "办税预约号源太少,连续三天约不上。"),
    ("DEMO-C3", Complaint.Channel.PHONE, "窗口工作人员午休提前离岗。"),
    ("DEMO-C4", Complaint.Channel.WEB, "办事指南材料清单与窗口要求不一致。"),
]


def _departments(center: Center) -> list[Department]:
    """The centre's departments, the demo unit lead's first (its bad ratings show on login)."""
    departments = list(Department.objects.filter(center=center, entered=True, is_active=True))
    lead = StaffProfile.objects.filter(center=center, user__groups__name="unit_lead").first()
    if lead is not None and lead.department in departments:
        departments.remove(lead.department)
        departments.insert(0, lead.department)
    if departments:
        return departments
    return [
        Department.objects.get_or_create(center=center, name=name)[0] for name in DEMO_DEPARTMENTS
    ]


def _good_level(rng: random.Random) -> int:
    return rng.choices(list(GOOD_WEIGHTS), weights=list(GOOD_WEIGHTS.values()))[0]


def _advance(evaluation: Evaluation, steps: int, actor: Any) -> None:
    """Walk a new bad rating's rectification `steps` steps (0 = left open), one a working day
    from the rating on, as far as today: verified the next working day, fixed the day after."""
    rect = evaluation.rectification
    actions = [
        lambda r, at: services.verify_rectification(
            rectification=r, valid=True, reason="经调取录像核实,情况属实。", actor=actor, at=at
        ),
        lambda r, at: services.rectify(
            rectification=r,
            measures="对窗口人员批评教育,已为群众重新办理。",
            kind=Rectification.Kind.IMMEDIATE,
            actor=actor,
            at=at,
        ),
        lambda r, at: services.record_callback(
            rectification=r, reached=True, satisfaction="satisfied", actor=actor, at=at
        ),
        lambda r, at: services.close_rectification(rectification=r, actor=actor, at=at),
    ]
    calendar = load_calendar()
    day = timezone.localdate(evaluation.rated_at)
    for action in actions[:steps]:
        day = calendar.next_workday(day)
        at = local_moment(day, dt.time(10))
        if at > timezone.now():
            return
        rect = action(rect, at)


def _rate_served_tickets(center: Center, rng: random.Random) -> list[Evaluation]:
    pending = (
        Invitation.objects.filter(
            center=center, source=Invitation.Source.TICKET, used_at__isnull=True
        )
        .select_related("department", "window", "staff", "ticket")
        .order_by("created_at")
    )
    made = []
    for invitation in pending:
        # Decided by the invitation itself, so a second run leaves the same ones unrated.
        if random.Random(f"rated-{invitation.pk}").random() >= RATED_SHARE:
            continue
        with transaction.atomic():
            made.append(
                services.ratings._record_evaluation(
                    center_id=center.pk,
                    level=_good_level(rng),
                    channel=rng.choice([Channel.PAD, Channel.PAD, Channel.QR]),
                    department=invitation.department,
                    window=invitation.window,
                    staff=invitation.staff,
                    invitation=invitation,
                    ticket=invitation.ticket,
                    rated_at=invitation.ticket.finished_at + dt.timedelta(minutes=1),
                )
            )
    return made


def _hotline_ratings(
    center: Center, departments: list[Department], rng: random.Random, actor: Any
) -> list[Evaluation]:
    """Last month's 12345 ratings, brought in as a centre does: a work-order export through
    the hotline import."""
    start, end = previous_month()
    rows = []
    for n in range(1, 41):
        ref = f"DEMO-R{n:03d}"
        bad = n % BAD_EVERY == 0
        level = 1 + n // BAD_EVERY % 2 if bad else _good_level(rng)
        day = start + dt.timedelta(days=rng.randrange((end - start).days + 1))
        department = departments[0] if bad else departments[n % len(departments)]
        if Evaluation.objects.filter(center=center, external_ref=ref).exists():
            continue
        window = department.windows.first()
        staff = StaffProfile.objects.filter(department=department).first()
        rows.append(
            {
                "external_ref": ref,
                "at": f"{day.isoformat()} 10:{n % 60:02d}",
                "department": department.name,
                "window": window.number if window else "",
                "staff": staff.staff_number if staff else "",
                "level": level,
                "comment": "" if level > 2 else "等候时间长,解释不耐心。",
                "name": "市民" + "甲乙丙丁戊"[n % 5],
                "phone": f"139{n:08d}",
            }
        )
    if not rows:
        return []
    export = io.StringIO()
    writer = csv.writer(export)
    writer.writerow(RATING_COLUMNS)
    writer.writerows([row.get(field, "") for field in RATING_COLUMNS.values()] for row in rows)
    services.import_hotline(
        center=center,
        kind="ratings",
        filename="12345-ratings.csv",
        data=export.getvalue().encode(),
        dry_run=False,
        actor=actor,
    )
    refs = [row["external_ref"] for row in rows]
    return list(
        Evaluation.objects.filter(center=center, external_ref__in=refs).order_by("external_ref")
    )


def _complaints(center: Center, departments: list[Department], actor: Any) -> None:
    for n, (ref, channel, content) in enumerate(COMPLAINTS):
        if Complaint.objects.filter(center=center, external_ref=ref).exists():
            continue
        complaint = services.create_complaint(
            center=center,
            channel=channel,
            content=content,
            complainant_name="王女士",
            complainant_phone="13700001111",
            department=departments[n % len(departments)],
            external_ref=ref,
        )
        if n == 0 or actor is None:
            continue
        complaint = services.assign_complaint(complaint=complaint, assignee=actor, actor=actor)
        if n >= 2:
            services.resolve_complaint(
                complaint=complaint,
                valid=n == 2,
                resolution="已约谈窗口负责人并整改。" if n == 2 else "经核实,窗口要求有依据。",
                deduction=1 if n == 2 else 0,
                actor=actor,
            )


def _assists(center: Center, departments: list[Department], rng: random.Random) -> None:
    if AssistRecord.objects.filter(center=center, notes=DEMO_NOTE).exists():
        return
    start, end = previous_month()
    calendar = load_calendar()
    day = start
    while day <= end:
        for kind, rate in ASSIST_RATES.items():
            if (kind == AssistRecord.Kind.WEEKEND) == calendar.is_workday(day):
                continue
            for department in departments:
                if rng.random() < rate:
                    services.record_assist(
                        center=center,
                        kind=kind,
                        department=department,
                        date=day,
                        beneficiary="辖区企业和群众",
                        notes=DEMO_NOTE,
                    )
        day += dt.timedelta(days=1)


def load_demo(center: Center, *, password: str) -> list[tuple[str, str]]:
    rng = random.Random(f"feedback-{center.region_code}")
    departments = _departments(center)
    actor = first_user_in_role(center, Role.CENTER_ADMIN)
    made = _rate_served_tickets(center, rng) + _hotline_ratings(center, departments, rng, actor)
    for n, evaluation in enumerate(e for e in made if e.is_bad):
        _advance(evaluation, n % 5, actor)
    _complaints(center, departments, actor)
    _assists(center, departments, rng)
    return []
