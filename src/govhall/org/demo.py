"""Demo organisation of a city centre: departments, windows across three floors, 100 staff and
one login per role. Deterministic and idempotent (`get_or_create` on natural keys)."""

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _

from govhall.core.models import Center, User
from govhall.core.roles import Role
from govhall.core.validators import uscc_check_char
from govhall.org.models import Department, StaffProfile, Window

# (name, short name, USCC category (11 organ, 12 public institution, 13 mass organisation,
#  91 company), entered in the hall)
DEPARTMENTS: list[tuple[str, str, str, bool]] = [
    ("市场监督管理局", "市场监管", "11", True),
    ("税务局", "税务", "11", True),
    ("公安局", "公安", "11", True),
    ("不动产登记服务中心", "不动产", "12", True),
    ("人力资源和社会保障局", "人社", "11", True),
    ("医疗保障局", "医保", "11", True),
    ("公积金管理中心", "公积金", "12", True),
    ("住房和城乡建设局", "住建", "11", True),
    ("自然资源和规划局", "自然资源", "11", True),
    ("民政局", "民政", "11", True),
    ("司法局", "司法", "11", True),
    ("农业农村局", "农业农村", "11", True),
    ("交通运输局", "交通", "11", True),
    ("卫生健康委员会", "卫健", "11", True),
    ("生态环境局", "生态环境", "11", True),
    ("教育局", "教育", "11", True),
    ("发展和改革委员会", "发改", "11", True),
    ("退役军人事务局", "退役军人", "11", True),
    ("文化广电和旅游局", "文广旅", "11", True),
    ("应急管理局", "应急", "11", True),
    ("商务局", "商务", "11", True),
    ("残疾人联合会", "残联", "13", True),
    ("供电公司", "供电", "91", True),
    ("供水公司", "供水", "91", True),
    ("城市管理局", "城管", "11", True),
    ("财政局", "财政", "11", True),
    ("统计局", "统计", "11", True),
    ("气象局", "气象", "11", True),
    ("档案馆", "档案", "12", True),
    ("燃气公司", "燃气", "91", True),
    ("林业局", "林业", "11", False),
    ("水利局", "水利", "11", False),
    ("人民防空办公室", "人防", "11", False),
    ("烟草专卖局", "烟草", "11", False),
    ("电信公司", "电信", "91", True),
    ("印章刻制服务公司", "刻章", "91", True),
]

# The enterprises brought into the hall (seed 003: "引进水、电、气、电信、复印和印章刻制等16家
# 企业"): the hall's figures count them and their items apart from the government's. Their
# windows stand together in their own area (`ENTERPRISE_AREA`).
ENTERPRISES = {"供电", "供水", "燃气", "电信", "刻章"}
ENTERPRISE_AREA = "便民服务区"

# The kinds of window that belong to one unit: its people are posted there.
OWN_WINDOW_KINDS = {Window.Kind.DEPARTMENT, Window.Kind.ENTERPRISE}

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
# fmt: off
GIVEN = ["晓", "静", "伟", "敏", "磊", "娜", "洋", "艳", "勇", "军", "杰", "娟", "涛",
         "明", "超", "秀英", "华", "丽", "强", "平", "刚", "桂英", "建华", "红梅", "志强"]
# fmt: on

# The login for each role: (username, role, department name or None, is_staff, full name).
ROLE_LOGINS: list[tuple[str, Role, str | None, bool, str]] = [
    ("admin", Role.CENTER_ADMIN, None, True, "中心管理员"),
    ("lead", Role.UNIT_LEAD, "市场监督管理局", True, "刘建华"),
    ("window", Role.WINDOW_STAFF, "市场监督管理局", False, "王晓静"),
    ("approver", Role.APPROVER, "市场监督管理局", False, "陈志强"),
    ("inspector", Role.INSPECTOR, None, True, "赵红梅"),
    ("leader", Role.LEADER, None, True, "孙明"),
]

STAFF_COUNT = 100


def demo_uscc(category: str, region_code: str, index: int) -> str:
    """A valid, deterministic unified social credit code for the index-th demo unit."""
    org_code = f"{(415_000_000 + index * 7_919) % 10**8:08d}"
    first17 = f"{category}{region_code}{org_code}{index % 10}"[:17]
    return first17 + uscc_check_char(first17)


def _windows_plan() -> list[tuple[str, str, str, str, str, list[str]]]:
    """(number, name, floor, area, kind, department short names); 63 windows on three floors,
    the enterprises' in their own area of the third."""
    everyone = [d[1] for d in DEPARTMENTS if d[3]]
    plan: list[tuple[str, str, str, str, str, list[str]]] = []
    for n in range(1, 13):
        plan.append((f"{n:02d}", f"综合受理窗口{n}", "1F", "综合受理区", "comprehensive", everyone))
    plan += [
        ("13", "统一出件窗口", "1F", "综合受理区", "comprehensive", everyone),
        ("14", "统一出件窗口", "1F", "综合受理区", "comprehensive", everyone),
        ("15", "绿色通道", "1F", "服务台", "green_channel", everyone),
        ("16", "爱心窗口", "1F", "服务台", "love", everyone),
        ("17", "跨省通办窗口", "1F", "服务台", "cross_province", everyone),
        ("18", "办不成事反映窗口", "1F", "服务台", "complaint", everyone),
    ]
    enterprise = [
        ("市场监管", 5),
        ("税务", 4),
        ("公安", 1),
        ("人社", 1),
        ("公积金", 1),
        ("商务", 1),
        ("发改", 1),
    ]
    number = 19
    for short, count in enterprise:
        for k in range(1, count + 1):
            plan.append(
                (f"{number:02d}", f"{short}窗口{k}", "2F", "企业服务区", "enterprise", [short])
            )
            number += 1
    plan.append((f"{number:02d}", "企业开办综合窗口", "2F", "企业服务区", "comprehensive",
                 ["市场监管", "税务", "公安", "人社", "公积金"]))  # fmt: skip
    number += 1
    third_floor = [
        ("不动产", 5),
        ("医保", 3),
        ("人社", 2),
        ("住建", 2),
        ("自然资源", 1),
        ("民政", 1),
        ("司法", 1),
        ("农业农村", 1),
        ("交通", 1),
        ("卫健", 1),
        ("生态环境", 1),
        ("教育", 1),
        ("退役军人", 1),
        ("文广旅", 1),
        ("应急", 1),
        ("残联", 1),
        ("供电", 1),
        ("供水", 1),
        ("城管", 1),
    ]
    # The enterprises' windows added since the plan's first 60 come last, so a window's number
    # stays the one it had.
    third_floor += [("燃气", 1), ("电信", 1), ("刻章", 1)]
    for short, count in third_floor:
        area = ENTERPRISE_AREA if short in ENTERPRISES else "部门专区"
        for k in range(1, count + 1):
            plan.append((f"{number:02d}", f"{short}窗口{k}", "3F", area, "department", [short]))
            number += 1
    return plan


def _person_name(index: int) -> str:
    return SURNAMES[index * 7 % len(SURNAMES)] + GIVEN[index * 11 % len(GIVEN)]


def _free_staff_number(center: Center, n: int, taken: set[str]) -> str:
    """The staff number of the plan's n-th person, "ZW4117" + n; on a demo loaded by an earlier
    plan, where another person holds it already (`taken`, the centre's numbers), the next free
    one a plan's length further on. The number returned is added to `taken`."""
    while (number := f"ZW{center.region_code[:4]}{n:04d}") in taken:
        n += STAFF_COUNT
    taken.add(number)
    return number


@transaction.atomic
def load_demo(center: Center, *, password: str) -> list[tuple[str, str]]:
    """Departments, windows, staff and the role logins of the demo centre."""
    departments: dict[str, Department] = {}
    for index, (name, short, category, entered) in enumerate(DEPARTMENTS, start=1):
        kind = Department.Kind.ENTERPRISE if short in ENTERPRISES else Department.Kind.GOVERNMENT
        departments[short], _created = Department.objects.get_or_create(
            center=center,
            name=name,
            defaults={
                "short_name": short,
                "kind": kind,
                "code": f"{center.region_code}{index:03d}",
                "uscc": demo_uscc(category, center.region_code, index),
                "entered": entered,
                "sort_order": index * 10,
            },
        )
        if departments[short].kind != kind:  # a demo loaded before units had a kind
            departments[short].kind = kind
            departments[short].save(update_fields=["kind"])

    windows: dict[str, list[Window]] = {}
    for number, name, floor, area, kind, shorts in _windows_plan():
        window, created = Window.objects.get_or_create(
            center=center,
            number=number,
            defaults={"name": name, "floor": floor, "area": area, "kind": kind},
        )
        if created:
            window.departments.set([departments[s] for s in shorts])
        # A unit's people sit at its own windows; the comprehensive windows and the service
        # desk's (绿色通道, 爱心, 跨省通办, 办不成事反映), which take every unit's matters, are
        # staffed from the units that have no window of their own.
        if kind in OWN_WINDOW_KINDS:
            windows.setdefault(shorts[0], []).append(window)
        else:
            windows.setdefault("*", []).append(window)

    hashed = make_password(password)
    taken = set(StaffProfile.objects.filter(center=center).values_list("staff_number", flat=True))
    groups = {g.name: g for g in Group.objects.filter(name__in=Role.values)}
    entered_shorts = [d[1] for d in DEPARTMENTS if d[3]]

    def person(
        username: str, full_name: str, role: Role, short: str | None, *, is_staff: bool, n: int
    ) -> User:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "center": center,
                "full_name": full_name,
                "password": hashed,
                "is_staff": is_staff,
            },
        )
        if created:
            user.groups.add(groups[role.value])
        if short is not None and not hasattr(user, "staff_profile"):
            profile = StaffProfile.objects.create(
                center=center,
                user=user,
                department=departments[short],
                staff_number=_free_staff_number(center, n, taken),
                phone=f"139{center.region_code[2:4]}{n * 37 % 1_000_000:06d}",
            )
            pool = windows.get(short) or windows["*"]
            profile.windows.set([pool[n % len(pool)]])
        return user

    logins: list[tuple[str, str]] = []
    for n, (username, role, dept_name, is_staff, full_name) in enumerate(ROLE_LOGINS, start=1):
        short = next((d[1] for d in DEPARTMENTS if d[0] == dept_name), None)
        user = person(username, full_name, role, short, is_staff=is_staff, n=n)
        if role == Role.UNIT_LEAD and short and departments[short].lead_id is None:
            departments[short].lead = user
            departments[short].save(update_fields=["lead"])
        logins.append((str(role.label), username))

    # The other staff: a unit lead for every entered department, then window staff and approvers.
    # Numbers depend only on the plan, never on what exists, so a second run finds the same ones.
    led = {d[1] for d in DEPARTMENTS for login in ROLE_LOGINS
           if login[1] == Role.UNIT_LEAD and login[2] == d[0]}  # fmt: skip
    n = len(ROLE_LOGINS)
    for short in entered_shorts:
        if short in led:
            continue
        n += 1
        lead = person(f"lead{n:03d}", _person_name(n), Role.UNIT_LEAD, short, is_staff=True, n=n)
        if departments[short].lead_id is None:
            departments[short].lead = lead
            departments[short].save(update_fields=["lead"])
    k = 0
    without_profile = sum(1 for login in ROLE_LOGINS if login[2] is None)
    while n < STAFF_COUNT + without_profile:
        n += 1
        short = entered_shorts[k % len(entered_shorts)]
        role = Role.APPROVER if k % 4 == 3 else Role.WINDOW_STAFF
        person(f"staff{n:03d}", _person_name(n), role, short, is_staff=False, n=n)
        k += 1

    root, created = User.objects.get_or_create(
        username="root",
        defaults={
            "full_name": _("系统管理员"),
            "password": hashed,
            "is_staff": True,
            "is_superuser": True,
        },
    )
    logins.append((_("超级管理员"), root.username))
    return logins
