"""Demo part of supervision: the campaign of seed 002 (2018) with its lists and census, and a
current campaign on which "create from data" can be tried. Idempotent: a campaign found by its
title is left as it is."""

import datetime as dt

from django.contrib.auth.models import Group
from django.utils import timezone

from govhall.core.dates import local_moment
from govhall.core.models import Center, User
from govhall.core.roles import Role
from govhall.org.models import Department, StaffProfile
from govhall.supervision import services
from govhall.supervision.models import Campaign, CampaignUnit, Phase, ProblemCategory

SEED_TITLE = "政府机构窗口服务突出问题排查整改(2018)"
SEED_SUMMARY = (
    "按照有则改之、立行立改的要求,分自查自纠、集中督查、巩固提升三个阶段进行。"
    "各单位逐条对照排查整改内容,列出问题整改清单,明确工作路线图和时间表;"
    "未单独设立窗口的部门实行零报告制度。"
)


def _moment(day: str, hour: int = 10, minute: int = 0) -> dt.datetime:
    return local_moment(dt.date.fromisoformat(day), dt.time(hour, minute))


def _user(
    center: Center, role: Role, username: str, full_name: str, password: str, created: list
) -> User:
    user = User.objects.filter(center=center, groups__name=role.value).order_by("pk").first()
    if user is not None:
        return user
    user, made = User.objects.get_or_create(
        username=username,
        defaults={"center": center, "full_name": full_name, "is_staff": role == Role.CENTER_ADMIN},
    )
    if made:
        user.set_password(password)
        user.save()
        created.append((str(role.label), username))
    user.groups.add(Group.objects.get(name=role.value))
    return user


def _lead(center: Center, department: Department, password: str, created: list) -> User:
    """The unit lead of `department`: an existing one, else a demo account."""
    profile = (
        StaffProfile.objects.filter(
            center=center, department=department, user__groups__name=Role.UNIT_LEAD.value
        )
        .select_related("user")
        .first()
    )
    if profile is not None:
        return profile.user
    username = f"sv-lead-{department.pk}"
    user, made = User.objects.get_or_create(
        username=username, defaults={"center": center, "full_name": f"{department.name}首席代表"}
    )
    if made:
        user.set_password(password)
        user.save()
        created.append((str(Role.UNIT_LEAD.label), username))
    user.groups.add(Group.objects.get(name=Role.UNIT_LEAD.value))
    StaffProfile.objects.get_or_create(
        user=user,
        defaults={"center": center, "department": department, "staff_number": f"SV{user.pk:04d}"},
    )
    return user


def _departments(center: Center) -> list[Department]:
    departments = list(Department.objects.filter(center=center, entered=True, is_active=True)[:4])
    for name in ("市自然资源和规划局", "市市场监督管理局")[: max(0, 2 - len(departments))]:
        departments.append(Department.objects.get_or_create(center=center, name=name)[0])
    return departments


def load_demo(center: Center, *, password: str) -> list[tuple[str, str]]:
    created: list[tuple[str, str]] = []
    admin = _user(center, Role.CENTER_ADMIN, "sv-admin", "中心管理员", password, created)
    inspector = _user(center, Role.INSPECTOR, "sv-inspector", "督查室", password, created)
    departments = _departments(center)
    if not Campaign.objects.filter(center=center, title=SEED_TITLE).exists():
        _seed_campaign(center, admin, inspector, departments, password, created)
    _current_campaign(center, admin, inspector)
    return created


def _seed_campaign(
    center: Center,
    admin: User,
    inspector: User,
    departments: list[Department],
    password: str,
    created: list,
) -> None:
    """Seed 002: issued 2018-05-09, census by 05-10 10:00, phases to 05-20, 06-20, 07-20."""
    campaign = services.create_campaign(
        actor=admin,
        center_id=center.pk,
        title=SEED_TITLE,
        issuer="市人民政府办公室",
        issued_on=dt.date(2018, 5, 9),
        summary=SEED_SUMMARY,
        census_due=_moment("2018-05-10", 10),
        phase_ends={
            Phase.Kind.SELF_CHECK: dt.date(2018, 5, 20),
            Phase.Kind.INSPECTION: dt.date(2018, 6, 20),
            Phase.Kind.CONSOLIDATION: dt.date(2018, 7, 20),
        },
        department_ids=[d.pk for d in departments],
        towns=["李庄镇", "经济开发区"],
    )
    units = list(campaign.units.filter(kind=CampaignUnit.Kind.DEPARTMENT))
    first, second = units[0], units[1]
    town = campaign.units.get(name="李庄镇")
    lead_a = _lead(center, first.department, password, created)
    lead_b = _lead(center, second.department, password, created)
    category = {c.key: c for c in campaign.categories.all()}

    def problem(actor, unit, key, text, found_by, day, **kwargs):
        return services.create_problem(
            actor=actor,
            unit=unit,
            category=category[key],
            description=text,
            found_by=found_by,
            at=_moment(day),
            **kwargs,
        )

    guide = problem(
        lead_a, first, ProblemCategory.Key.UNCLEAR_REQUIREMENTS,
        "办事指南材料清单含“根据有关法律法规规定应提交的其他材料”兜底条款,未提供表格下载和示范文本。",
        "self_check", "2018-05-12", measure="删除兜底条款,逐项列明材料,上传空白表格和示范文本。",
        owner="张伟",
    )  # fmt: skip
    services.mark_fixed(
        actor=lead_a, problem=guide, fix_note="12个事项指南已修订并重新发布。",
        at=_moment("2018-05-18", 16),
    )  # fmt: skip
    services.confirm_problem(
        actor=inspector, problem=guide, note="网上抽查指南已更新。", at=_moment("2018-06-10")
    )
    queue = problem(
        inspector, first, ProblemCategory.Key.LONG_WAITS,
        "高峰时段窗口开放偏少,群众排队等候超过1小时。", "inspection", "2018-06-05",
        measure="高峰时段增开2个综合窗口,推行预约办理。", owner="李娜",
    )  # fmt: skip
    services.mark_fixed(
        actor=lead_a, problem=queue, fix_note="已增开窗口并开通预约。",
        at=_moment("2018-06-25", 11),
    )  # fmt: skip
    problem(
        inspector, second, ProblemCategory.Key.FEW_FACILITIES,
        "大厅不提供复印服务,群众需离开窗口复印后重新取号。", "public_report", "2018-06-08",
        owner="王强",
    )  # fmt: skip
    proof = problem(
        lead_b, second, ProblemCategory.Key.EXCESSIVE_CERTIFICATES,
        "要求申请人提供户籍证明等可通过部门共享获取的重复证明。", "self_check", "2018-05-15",
        measure="取消重复证明,改由窗口通过共享平台核验。", owner="赵敏",
    )  # fmt: skip
    services.mark_fixed(
        actor=lead_b, problem=proof, fix_note="已取消3项证明。", at=_moment("2018-05-19", 15)
    )
    services.reopen_problem(
        actor=inspector, problem=proof, reason="暗访发现窗口仍要求提供户籍证明。",
        at=_moment("2018-06-12", 14),
    )  # fmt: skip
    authority = problem(
        inspector, town, ProblemCategory.Key.NOT_CENTRALISED,
        "镇为民服务中心进驻事项未充分授权,材料仍需送回部门审批。", "inspection", "2018-06-01",
        measure="梳理授权清单,窗口现场审批。", owner="镇便民服务中心",
    )  # fmt: skip
    services.mark_fixed(
        actor=admin, problem=authority, fix_note="已完成授权。", at=_moment("2018-06-18", 17)
    )
    services.confirm_problem(actor=inspector, problem=authority, at=_moment("2018-06-20", 9))

    services.file_census(
        actor=lead_a, unit=first, zero_report=True, signed_by_name=lead_a.display_name,
        at=_moment("2018-05-09", 16),
    )  # fmt: skip
    services.file_census(
        actor=lead_b, unit=second, signed_by_name=lead_b.display_name, contact_phone="8828006",
        entries=[
            services.CensusLine(
                name="不动产登记服务大厅", address="汽博城8栋2楼", windows=8, items=36, staff=14
            ),
            services.CensusLine(
                name="城区分局服务窗口", address="人民路1号", windows=2, items=12, staff=3,
                kind="window",
            ),
        ],
        at=_moment("2018-05-10", 11, 30),
    )  # fmt: skip
    services.file_census(
        actor=admin, unit=town, signed_by_name="李庄镇镇长",
        entries=[
            services.CensusLine(
                name="李庄镇为民服务中心", address="李庄镇政府院内", windows=6, items=48, staff=8
            )
        ],
        at=_moment("2018-05-10", 9),
    )  # fmt: skip
    services.sign_off(
        actor=lead_a, unit=first, signer_name=lead_a.display_name, at=_moment("2018-07-18", 16)
    )


def _current_campaign(center: Center, admin: User, inspector: User) -> None:
    """A campaign running now, with what the demo data shows on its lists: the guide-lint
    findings of the catalogue, the overdue cases and the current long waits."""
    today = timezone.localdate()
    title = f"{today.year}年窗口服务突出问题排查整改"
    if Campaign.objects.filter(center=center, title=title).exists():
        return
    campaign = services.create_campaign(
        actor=admin,
        center_id=center.pk,
        title=title,
        issuer="市人民政府办公室",
        issued_on=today,
        summary=SEED_SUMMARY,
        # The statistics are due at the close of business a week on, not at this minute.
        census_due=local_moment(today + dt.timedelta(days=7), dt.time(17, 30)),
        phase_ends={
            Phase.Kind.SELF_CHECK: today + dt.timedelta(days=20),
            Phase.Kind.INSPECTION: today + dt.timedelta(days=50),
            Phase.Kind.CONSOLIDATION: today + dt.timedelta(days=80),
        },
        department_ids=[d.pk for d in Department.objects.filter(center=center, entered=True)],
        towns=["李庄镇", "经济开发区"],
    )
    services.import_lint_findings(actor=inspector, campaign=campaign)
    services.import_overdue_cases(actor=inspector, campaign=campaign)
    services.import_wait_alerts(actor=inspector, campaign=campaign)
