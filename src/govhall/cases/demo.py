"""Demo cases: a few hundred over the last four months across the departments' items, made by
the real services (events, outbox rows, deadlines), some completed late, some running with
yellow and red lights, some with corrections, procedures, 容缺 and 告知承诺; and a few 一件事
packages (开办餐饮店, 新生儿出生, 企业开办) with joint cases, decided step by step.

Deterministic (seeded by the centre) and idempotent: skipped when the centre has cases.
"""

import datetime as dt
import random

from django.utils import timezone

from govhall.cases import joint, services
from govhall.cases.models import Case, JointPackage
from govhall.catalog.models import ServiceItem
from govhall.core.dates import local_moment
from govhall.core.models import Center, User
from govhall.core.validators import id_number_check_char, uscc_check_char
from govhall.core.workdays import load_calendar
from govhall.org.models import StaffProfile
from govhall.org.scoping import scope_for

DAYS_BACK = 120
CASES = 360
LATE_EVERY = 25  # one demo case in 25 is decided after its deadline
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚"
COMPANIES = ["驿城区宏达商贸", "天中建筑工程", "汝南县丰收农业", "遂平县恒信物流", "确山县绿源食品"]


def _id_number(rng: random.Random) -> str:
    first17 = (
        f"411702{rng.randint(1950, 2004)}{rng.randint(1, 12):02d}"
        f"{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    )
    return first17 + id_number_check_char(first17)


def _uscc(rng: random.Random) -> str:
    first17 = f"91411700MA{rng.randint(0, 9_999_999):07d}"
    return first17 + uscc_check_char(first17)


def _moment(day: dt.date, rng: random.Random, now: dt.datetime) -> dt.datetime:
    clock = dt.time(rng.randint(9, 16), rng.randint(0, 59))
    at = local_moment(day, clock)
    return min(at, now - dt.timedelta(minutes=1))


def _clerk(item: ServiceItem, staff: dict[int, list[User]]) -> tuple[User | None, object]:
    """A window clerk of the item's department who may accept it, and their window."""
    for user in staff.get(item.department_id, []):
        scope = scope_for(user)
        if scope.can("cases.accept_case") and scope.may_see_department(item.department_id):
            return user, user.staff_profile.windows.first()
    return None, None


def load_demo(center: Center, *, password: str) -> list[tuple[str, str]]:
    if Case.objects.filter(center=center).exists():
        return []
    items = list(
        ServiceItem.objects.filter(center=center, is_active=True, entered=True)
        .select_related("department")
        .order_by("code")
    )
    if not items:
        return []
    staff: dict[int, list[User]] = {}
    for profile in StaffProfile.objects.filter(center=center, active=True).select_related("user"):
        staff.setdefault(profile.department_id, []).append(profile.user)
    rng = random.Random(center.pk * 7919)
    cal = load_calendar()
    now = timezone.now()
    today = timezone.localdate()
    workdays = [
        today - dt.timedelta(days=n)
        for n in range(DAYS_BACK, -1, -1)
        if cal.is_workday(today - dt.timedelta(days=n))
    ]
    for n in range(CASES):
        item = rng.choice(items)
        late = n % LATE_EVERY == LATE_EVERY // 2
        # A late case is taken from the older half, so that its late decision is already past.
        span = len(workdays) // 2 if late else len(workdays)
        day = workdays[min(span - 1, int(span * (rng.random() ** 0.7)))]
        _demo_case(item, day, rng=rng, cal=cal, now=now, today=today, staff=staff, late=late)
    for name, item_names in PACKAGES:
        package = _demo_package(center, name, item_names)
        if package is not None:
            for _n in range(JOINT_CASES):
                day = rng.choice(workdays)
                _demo_joint(package, day, rng=rng, cal=cal, now=now, today=today, staff=staff)
    return []


# 一件事 packages of the demo: name → the items' names (the first one's department leads)
PACKAGES = [
    ("开办餐饮店一件事", ["个体工商户设立登记", "食品经营许可", "建设工程消防验收"]),
    ("新生儿出生一件事", ["出生登记", "城乡居民基本医疗保险参保登记", "生育医疗费用报销"]),
    ("企业开办一件事", ["企业设立登记", "税务登记信息确认", "增值税一般纳税人登记"]),
]
JOINT_CASES = 8


def _demo_package(center: Center, name: str, item_names: list[str]) -> JointPackage | None:
    by_name = {
        i.name: i
        for i in ServiceItem.objects.filter(center=center, is_active=True, name__in=item_names)
    }
    items = [by_name[n] for n in item_names if n in by_name]
    if len(items) < 2:
        return None
    package = JointPackage.objects.create(
        center=center, name=name, lead_department=items[0].department
    )
    package.items.set(items)
    return package


def _deliver(case: Case, decided: dt.date, *, rng, cal, today: dt.date, at) -> None:
    """The decision handed over at the window or posted on the next working day (a few still
    waiting), the certificate's delivery clock (行政许可法第四十四条) met."""
    delivered = cal.next_workday(decided)
    if delivered < today and rng.random() < 0.97:
        mail = rng.random() < 0.3
        services.deliver_case(
            actor=None,
            case=case,
            method="mail" if mail else "window",
            tracking_number=f"EMS{case.pk:09d}CN" if mail else "",
            at=at(delivered),
        )


def _demo_joint(package, day, *, rng, cal, now, today, staff) -> None:
    """A joint application accepted on `day` at the lead's window; each department decides
    its step within its limit (a few late, a few refused), or has not yet (a quarter of the
    joint cases wait on one department)."""
    items = list(package.items.all())
    clerk, window = _clerk(items[0], staff)
    accepted_at = _moment(day, rng, now)
    whole = joint.accept_joint_case(
        actor=clerk,
        package=package,
        applicant_type="person",
        applicant_name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
        id_number=_id_number(rng),
        phone=f"13{rng.randint(0, 9)}{rng.randint(0, 99_999_999):08d}",
        window=window,
        materials_received={i.pk: list(i.materials.values_list("name", flat=True)) for i in items},
        at=accepted_at,
    )
    steps = list(Case.objects.filter(joint_step__joint=whole).order_by("pk"))
    # A quarter of them wait on one department (red once past the whole's 45 days).
    waiting = rng.choice(steps) if rng.random() < 0.25 else None
    for step in steps:
        if step == waiting:
            continue
        late = rng.random() < 0.1
        days = step.limit_days + rng.randint(1, 3) if late else rng.randint(0, step.limit_days)
        decided = cal.add_workdays(day, days).date
        if decided >= today:
            continue
        approved = rng.random() < 0.97
        decided_at = max(_moment(decided, rng, now), accepted_at + dt.timedelta(minutes=30))
        step = joint.decide_step(
            actor=None,
            joint=whole,
            case=step,
            approved=approved,
            reason="" if approved else "经现场核查,不符合法定条件",
            at=decided_at,
        )
        _deliver(
            step,
            decided,
            rng=rng,
            cal=cal,
            today=today,
            at=lambda on, after=decided_at: min(
                max(_moment(on, rng, now), after + dt.timedelta(minutes=30)), now
            ),
        )


def _demo_case(item, day, *, rng, cal, now, today, staff, late) -> None:
    clerk, window = _clerk(item, staff)
    last = [local_moment(day, dt.time(8, 30))]

    def tick(on: dt.date) -> dt.datetime:
        """A moment on `on`, after the case's previous step and before now."""
        at = max(_moment(on, rng, now), last[0] + dt.timedelta(minutes=rng.randint(5, 90)))
        last[0] = min(at, now - dt.timedelta(seconds=30))
        return last[0]

    company = rng.random() < 0.3
    materials = list(item.materials.values_list("name", flat=True))
    # 容缺 leaves out a secondary material: one listed after the application and the identity,
    # and not a form the applicant fills in at the window.
    required = item.materials.filter(required=True).order_by("sort_order")
    secondary = [
        name for name, form in list(required.values_list("name", "needs_form"))[2:] if not form
    ]
    mode = Case.Mode.NORMAL
    missing: list[str] = []
    roll = rng.random()
    if roll < 0.08 and secondary:
        mode, missing = Case.Mode.MISSING, secondary[-1:]
    elif roll < 0.14:
        mode = Case.Mode.COMMITMENT
    case = services.accept_case(
        actor=clerk,
        item=item,
        applicant_type="company" if company else "person",
        applicant_name=rng.choice(COMPANIES) + "有限公司"
        if company
        else rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
        id_number="" if company else _id_number(rng),
        uscc=_uscc(rng) if company else "",
        phone=f"13{rng.randint(0, 9)}{rng.randint(0, 99_999_999):08d}",
        window=window,
        mode=mode,
        materials_received=[m for m in materials if m not in missing],
        materials_missing=missing,
        at=tick(day),
    )
    step = day
    if mode == Case.Mode.MISSING and case.supply_by and case.supply_by < today:
        step = cal.next_workday(step)
        if step < today:
            case = services.supply_materials(actor=None, case=case, at=tick(step))
    if case.limit_days and rng.random() < 0.1 and cal.next_workday(step) < today:
        step = cal.next_workday(step)
        case = services.request_correction(
            actor=None, case=case, reason="申请表填写不完整,请补充签字", at=tick(step)
        )
        answered = cal.add_workdays(step, rng.randint(1, 4)).date
        if answered >= today:
            return
        step = answered
        case = services.resubmit_case(actor=None, case=case, at=tick(step))
    if case.due_date is None:
        return
    if case.limit_days > 3 and rng.random() < 0.05 and cal.next_workday(step) < today:
        step = cal.next_workday(step)
        case = services.suspend_case(
            actor=None,
            case=case,
            kind="expert_review",
            reason="组织专家评审",
            told_days=5,
            at=tick(step),
        )
        ended = cal.add_workdays(step, 5).date
        if ended >= today:
            return
        step = ended
        case = services.resume_case(actor=None, case=case, at=tick(step))
    # Decide: most on time, the late ones after their deadline, some still running (left
    # green, yellow or red).
    leave_running = not late and rng.random() < (0.5 if case.due_date >= today else 0.03)
    if leave_running:
        if rng.random() < 0.5 and case.state == Case.State.ACCEPTED:
            services.start_review(actor=None, case=case, at=tick(step))
        return
    span = max(0, cal.workdays_between(step, case.due_date))
    decided = (
        cal.add_workdays(case.due_date, rng.randint(1, 3)).date
        if late
        else cal.add_workdays(step, rng.randint(0, span)).date
    )
    if decided > today:
        return
    services.start_review(actor=None, case=case, at=tick(step))
    approved = rng.random() < 0.95 and not (
        case.mode == Case.Mode.MISSING and case.supplied_at is None
    )
    case = services.complete_case(
        actor=None,
        case=case,
        approved=approved,
        reason="" if approved else "申请材料不符合法定条件",
        at=tick(decided),
    )
    _deliver(case, decided, rng=rng, cal=cal, today=today, at=tick)
