"""Demo part of training: the year's sessions so far with who took part, one planned session,
and rotations between windows — through the services, as the office would enter them.

Idempotent: skipped when the centre already has sessions. Needs the staff of the org demo and
returns no logins.
"""

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from govhall.core.models import Center, User
from govhall.core.roles import Role
from govhall.org.models import StaffProfile, Window
from govhall.org.selectors import first_user_in_role
from govhall.training import selectors, services
from govhall.training.models import Rotation, TrainingSession

# (title, topic, provider, hours): a year's programme of a hall, as seeds 003 and 004 list it.
PROGRAMME = [
    ("政务服务“八要八不要”规范培训", TrainingSession.Topic.STANDARDS, "third_party", "4"),
    ("一体化政务服务平台受理操作培训", TrainingSession.Topic.PLATFORM, "center", "3"),
    ("服务礼仪与沟通技巧", TrainingSession.Topic.ETIQUETTE, "third_party", "3"),
    ("纪律作风整顿学习会", TrainingSession.Topic.CONDUCT, "center", "2"),
    ("消防安全知识讲座", TrainingSession.Topic.SAFETY, "center", "2"),
    ("好差评制度与差评整改", TrainingSession.Topic.POLICY, "center", "2"),
]


def load_demo(center: Center, *, password: str) -> list[tuple[str, str]]:
    if TrainingSession.objects.filter(center=center).exists():
        return []
    admin = first_user_in_role(center, Role.CENTER_ADMIN)
    if admin is None:
        return []
    rng = random.Random(f"training-{center.region_code}")
    today = timezone.localdate()
    elapsed = (today - dt.date(today.year, 1, 1)).days
    held = PROGRAMME[:-1]
    for index, (title, topic, provider, hours) in enumerate(held):
        session = services.create_session(
            actor=admin,
            center_id=center.pk,
            title=title,
            topic=topic,
            provider=provider,
            provider_name="第三方培训机构" if provider == "third_party" else "",
            held_on=dt.date(today.year, 1, 1) + dt.timedelta(days=elapsed * index // len(held)),
            hours=Decimal(hours),
            location="市民中心三楼会议室",
        )
        people = [s.pk for s in selectors.audience(session) if rng.random() < 0.85]
        services.record_attendance(actor=admin, session_id=session.pk, present_staff_ids=people)
    title, topic, provider, hours = PROGRAMME[-1]
    services.create_session(
        actor=admin,
        center_id=center.pk,
        title=title,
        topic=topic,
        provider=provider,
        held_on=today + dt.timedelta(days=14),
        hours=Decimal(hours),
    )
    _rotations(center, admin, rng, today)
    return []


def _rotations(center: Center, admin: User, rng: random.Random, today: dt.date) -> None:
    staff = list(StaffProfile.objects.filter(center=center, active=True).order_by("pk"))
    windows = list(Window.objects.filter(center=center).order_by("pk"))
    if not staff or not windows:
        return
    for person in rng.sample(staff, k=min(len(staff), rng.randint(6, 12))):
        started = today - dt.timedelta(days=rng.randint(20, 300))
        services.record_rotation(
            actor=admin,
            center_id=center.pk,
            staff_id=person.pk,
            kind=rng.choice(Rotation.Kind.values),
            to_window_id=rng.choice(windows).pk,
            started_on=started,
            ended_on=min(today, started + dt.timedelta(days=rng.randint(5, 30))),
        )
