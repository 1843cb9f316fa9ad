"""The simulated centre's organisation and catalogue: departments, windows, staff, items.

Created once per centre with `bulk_create` (a city's 92 departments, 270 windows, 300 staff and
2,340 items take a second); a centre that already has departments is used as it is. Departments,
windows and items get their history rows too, dated `since` (the hall as it stood then), so the
figures read "on a date" from the history (the yearly report's hall, 最多跑一次 items) see them.
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from govhall.catalog.models import ServiceItem
from govhall.core.models import Center, User
from govhall.core.roles import Role
from govhall.core.validators import uscc_check_char
from govhall.org.models import Department, StaffProfile, Window
from govhall.simulation import names, profiles
from govhall.simulation.profiles import Scale


@dataclass
class World:
    center: Center
    departments: list[Department]
    department_weight: dict[int, float]  # department id → share of the hall's demand
    windows: list[Window]
    window_departments: dict[int, list[int]]  # window id → department ids it serves
    staff: list[StaffProfile]
    window_staff: dict[int, StaffProfile]  # window id → the person at it
    back_office: dict[int, list[StaffProfile]]  # department id → approvers
    items: list[ServiceItem]
    items_by_department: dict[int, list[ServiceItem]] = field(default_factory=dict)
    item_weight: dict[int, float] = field(default_factory=dict)  # item id → share in its dept
    handling_mean_s: dict[int, float] = field(default_factory=dict)  # item id → mean seconds


def zipf(n: int, s: float = 1.0) -> list[float]:
    raw = [1 / (k + 1) ** s for k in range(n)]
    total = sum(raw)
    return [r / total for r in raw]


def _apportion(total: int, weights: list[float], minimum: int) -> list[int]:
    """Split `total` into integers ∝ `weights`, each at least `minimum` (largest remainders)."""
    base = [minimum] * len(weights)
    rest = total - minimum * len(weights)
    if rest < 0:
        raise ValueError("not enough to give every share its minimum")
    exact = [w / sum(weights) * rest for w in weights]
    floors = [int(e) for e in exact]
    order = sorted(range(len(weights)), key=lambda i: exact[i] - floors[i], reverse=True)
    for i in order[: rest - sum(floors)]:
        floors[i] += 1
    return [b + f for b, f in zip(base, floors, strict=True)]


def _department_names(scale: Scale) -> list[tuple[str, str]]:
    chosen = names.DEPARTMENTS[: scale.departments]
    if scale.level == Center.Level.COUNTY:
        return [(n.replace("市", "县", 1), s) for n, s in chosen]
    return chosen


def person_name(rng: random.Random) -> str:
    given = rng.choice(names.GIVEN) + (rng.choice(names.GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(names.SURNAMES) + given


def uscc(seq: int, region: str) -> str:
    first17 = f"91{region}{seq:09d}"[:17]
    return first17 + uscc_check_char(first17)


def load_or_create_world(
    center: Center, scale: Scale, rng: random.Random, *, since: dt.datetime | None = None
) -> World:
    """The centre's world, created (its history dated `since`, default now) when it has no
    departments yet."""
    if not Department.objects.filter(center=center).exists():
        _create_world(center, scale, rng, since or timezone.now())
    return load_world(center, scale)


@transaction.atomic
def _create_world(center: Center, scale: Scale, rng: random.Random, since: dt.datetime) -> None:
    region = center.region_code
    dept_names = _department_names(scale)
    departments = bulk_create_with_history(
        [
            Department(
                center=center,
                name=name,
                short_name=short,
                kind=Department.Kind.ENTERPRISE
                if short in names.ENTERPRISES
                else Department.Kind.GOVERNMENT,
                code=f"{region}{i + 1:03d}",
                uscc=uscc(i + 1, region),
                sort_order=i + 1,
                entered=i < len(dept_names) - scale.not_entered,
            )
            for i, (name, short) in enumerate(dept_names)
        ],
        Department,
        default_date=since,
    )
    weights = department_weights(len(departments), scale)

    # Windows: one line per busy department, the tail shares comprehensive windows (一窗受理);
    # the units not entered (the last ones) have none.
    groups = department_groups(len(departments) - scale.not_entered, scale.categories)
    group_weight = [sum(weights[i] for i in g) for g in groups]
    per_group = _apportion(scale.windows, [w**0.85 for w in group_weight], 2)
    windows: list[Window] = []
    window_groups: list[list[int]] = []
    number = 0
    for g, count in zip(groups, per_group, strict=True):
        comprehensive = len(g) > 1
        for _k in range(count):
            number += 1
            short = "综合" if comprehensive else departments[g[0]].short_name
            windows.append(
                Window(
                    center=center,
                    number=str(number),
                    name=f"{short}窗口{number}",
                    floor=f"{1 + (number - 1) * 3 // scale.windows}F",
                    area=short,
                    kind=Window.Kind.COMPREHENSIVE if comprehensive else Window.Kind.DEPARTMENT,
                )
            )
            window_groups.append(g)
    windows = bulk_create_with_history(windows, Window, default_date=since)
    Through = Window.departments.through
    Through.objects.bulk_create(
        Through(window_id=w.pk, department_id=departments[i].pk)
        for w, g in zip(windows, window_groups, strict=True)
        for i in g
    )

    # Staff: the office staffs each line's first windows by the line's demand (comprehensive
    # windows: the group's units in turn), the rest work in the back offices of the busiest
    # units; each unit's first person is its lead.
    staffed = [
        min(n, s)
        for n, s in zip(per_group, _apportion(scale.window_staff, group_weight, 1), strict=True)
    ]
    people: list[tuple[int, int | None, Role]] = []  # (department index, window index, role)
    first = 0
    for g, count, at_work in zip(groups, per_group, staffed, strict=True):
        for k in range(at_work):
            people.append((g[k % len(g)], first + k, Role.WINDOW_STAFF))
        first += count
    # Every entered unit sends someone: those without a window person approve in the back.
    sent = {d for d, _w, _r in people}
    unsent = [i for i in range(len(departments) - scale.not_entered) if i not in sent]
    for k in range(max(scale.staff - len(people), 0)):
        d = unsent[k] if k < len(unsent) else (k - len(unsent)) % max(1, len(departments) // 3)
        people.append((d, None, Role.APPROVER))
    users = User.objects.bulk_create(
        User(
            username=f"sim{region}-{n + 1:04d}",
            full_name=person_name(rng),
            center=center,
            password="!",  # unusable: simulated people do not log in
        )
        for n in range(len(people))
    )
    profiles = StaffProfile.objects.bulk_create(
        StaffProfile(
            center=center,
            user=u,
            department=departments[d],
            staff_number=f"{region}{n + 1:05d}",
            phone=f"139{rng.randrange(10**8):08d}",
        )
        for n, (u, (d, _w, _r)) in enumerate(zip(users, people, strict=True))
    )
    ProfileWindows = StaffProfile.windows.through
    ProfileWindows.objects.bulk_create(
        ProfileWindows(staffprofile_id=p.pk, window_id=windows[w].pk)
        for p, (_d, w, _r) in zip(profiles, people, strict=True)
        if w is not None
    )
    groups_by_role = {g.name: g for g in Group.objects.filter(name__in=Role.values)}
    UserGroups = User.groups.through
    memberships = [
        UserGroups(user_id=u.pk, group_id=groups_by_role[r.value].pk)
        for u, (_d, _w, r) in zip(users, people, strict=True)
    ]
    leads: dict[int, User] = {}
    for u, (d, _w, _r) in zip(users, people, strict=True):
        leads.setdefault(d, u)
    memberships += [
        UserGroups(user_id=u.pk, group_id=groups_by_role[Role.UNIT_LEAD.value].pk)
        for u in leads.values()
    ]
    UserGroups.objects.bulk_create(memberships)
    for d, u in leads.items():
        departments[d].lead = u
    Department.objects.bulk_update(departments, ["lead"])

    # Items: more for busy units; within a unit a few items carry most of the demand.
    per_dept = _apportion(scale.items, [w**0.5 for w in weights], 2)
    items = []
    for d_index, (dept, count) in enumerate(zip(departments, per_dept, strict=True)):
        for k in range(count):
            stem = names.ITEM_STEMS[k % len(names.ITEM_STEMS)]
            suffix = f"（{k // len(names.ITEM_STEMS) + 1}）" if k >= len(names.ITEM_STEMS) else ""
            immediate = rng.random() < 0.42
            items.append(
                ServiceItem(
                    center=center,
                    code=f"{region}{d_index + 1:03d}{k + 1:04d}",
                    name=f"{dept.short_name}{stem}{suffix}",
                    department=dept,
                    kind=rng.choice(ServiceItem.Kind.values),
                    legal_limit_days=20,
                    promised_limit_days=0 if immediate else rng.choice([1, 3, 5, 5, 7, 10, 15]),
                    immediate=immediate,
                    online=rng.random() < 0.65,
                    max_visits=rng.choice([0, 1, 1, 1, 1, 2]),
                    conditions="申请人符合法定条件。",
                    basis="《中华人民共和国行政许可法》",
                    fees="不收费",
                    steps="申请、受理、审查、决定、送达",
                    location=f"{center.name}",
                    hours="工作日 9:00-12:00,13:30-17:30",
                    consult_phone=center.phone or "12345",
                    supervise_phone="12345",
                )
            )
    items = bulk_create_with_history(items, ServiceItem, default_date=since)
    ItemWindows = ServiceItem.windows.through
    dept_windows: dict[int, list[int]] = {}
    for w, g in zip(windows, window_groups, strict=True):
        for i in g:
            dept_windows.setdefault(departments[i].pk, []).append(w.pk)
    ItemWindows.objects.bulk_create(
        ItemWindows(serviceitem_id=item.pk, window_id=w)
        for item in items
        for w in dept_windows.get(item.department_id, [])
    )


def department_groups(n_departments: int, n_categories: int) -> list[list[int]]:
    """Department indexes per queue line: the busiest each alone, the tail in shared lines."""
    shared = max(1, n_categories // 4)
    alone = n_categories - shared
    groups = [[i] for i in range(alone)]
    tail = list(range(alone, n_departments))
    for k in range(shared):
        groups.append(tail[k::shared])
    return [g for g in groups if g]


def department_weights(count: int, scale: Scale) -> list[float]:
    """Each unit's share of the hall's demand: Zipf by rank, the quiet units (the last entered
    ones) at a small fraction of it."""
    weights = zipf(count, 1.05)
    entered = count - scale.not_entered
    for i in range(max(0, entered - scale.quiet_units), entered):
        weights[i] *= profiles.QUIET_DEMAND
    return weights


def load_world(center: Center, scale: Scale) -> World:
    departments = list(Department.objects.filter(center=center).order_by("sort_order", "pk"))
    weights = department_weights(len(departments), scale)
    windows = list(Window.objects.filter(center=center).order_by("pk"))
    window_departments: dict[int, list[int]] = {}
    for w_id, d_id in Window.departments.through.objects.filter(window__center=center).values_list(
        "window_id", "department_id"
    ):
        window_departments.setdefault(w_id, []).append(d_id)
    staff = list(StaffProfile.objects.filter(center=center).select_related("user").order_by("pk"))
    window_staff: dict[int, StaffProfile] = {}
    by_pk = {s.pk: s for s in staff}
    for s_id, w_id in StaffProfile.windows.through.objects.filter(
        staffprofile__center=center
    ).values_list("staffprofile_id", "window_id"):
        window_staff.setdefault(w_id, by_pk[s_id])
    at_windows = {p.pk for p in window_staff.values()}
    back_office: dict[int, list[StaffProfile]] = {}
    for s in staff:
        if s.pk not in at_windows and s.department_id:
            back_office.setdefault(s.department_id, []).append(s)
    items = list(ServiceItem.objects.filter(center=center, is_active=True).order_by("pk"))
    world = World(
        center=center,
        departments=departments,
        department_weight={d.pk: w for d, w in zip(departments, weights, strict=True)},
        windows=windows,
        window_departments=window_departments,
        staff=staff,
        window_staff=window_staff,
        back_office=back_office,
        items=items,
    )
    for item in items:
        world.items_by_department.setdefault(item.department_id, []).append(item)
    # The same catalogue (in creation order) gets the same handling times in any centre.
    item_rng = random.Random("handling-times")
    for dept_items in world.items_by_department.values():
        for item, w in zip(dept_items, zipf(len(dept_items), 1.2), strict=True):
            world.item_weight[item.pk] = w
            base = (150.0 if item.immediate else 230.0) * scale.handling_factor
            world.handling_mean_s[item.pk] = base * item_rng.uniform(0.7, 1.35)
    return world
