"""The monthly figures (selectors) on a fixture month, and the .xlsx table against them."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from govhall.attendance import exports, selectors, services
from govhall.attendance.models import LeaveRequest, Punch
from govhall.core.roles import Role
from govhall.org.models import Department
from govhall.queueing.models import WindowSession
from tests.attendance.conftest import NOW
from tests.attendance.factories import assign, at

pytestmark = pytest.mark.django_db

OCTOBER = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
WORKING_DAYS_IN_OCTOBER_2026 = 18  # 8–9, 10 (make-up Saturday), 12–16, 19–23, 26–30


@pytest.fixture
def month(
    center, timetable, staff, window, unit_lead, admin_user, inspector, make_user, other_department
):
    """October 2026 for `staff` at `window`, with one of each anomaly; `other` never comes."""
    other = make_user(Role.WINDOW_STAFF, department=other_department).staff_profile
    assign(other)
    calendar = selectors.load_calendar()
    days = [OCTOBER[0] + dt.timedelta(days=i) for i in range(31)]
    special = {
        "2026-10-09": [("09:20", "12:02"), ("13:25", "17:33")],  # late 20
        "2026-10-12": [("08:55", "11:30"), ("13:25", "17:33")],  # early 30
        "2026-10-13": [("08:55", "12:02")],  # afternoon: one machine punch, no logout
        "2026-10-14": [],  # approved leave
        "2026-10-15": [("08:55", "10:00"), ("10:30", "12:02"), ("13:25", "17:33")],
    }
    for day in days:
        if not calendar.is_workday(day):
            continue
        for opened, closed in special.get(str(day), [("08:55", "12:02"), ("13:25", "17:33")]):
            WindowSession.objects.create(
                center=center,
                window=window,
                staff=staff,
                opened_at=at(str(day), opened),
                closed_at=at(str(day), closed),
            )
    Punch.objects.create(
        center=center,
        staff=staff,
        punched_at=at("2026-10-13", "13:28"),
        kind=Punch.Kind.ANY,
        source=Punch.Source.MACHINE,
    )
    leave = services.request_leave(
        actor=staff.user,
        kind=LeaveRequest.Kind.ANNUAL,
        start=at("2026-10-14", "00:00"),
        end=at("2026-10-14", "23:59"),
        reason="年休假",
    )
    services.approve_leave_as_unit(actor=unit_lead, leave=leave)
    services.approve_leave_as_center(actor=admin_user, leave=leave)
    services.register_temporary_absence(
        actor=staff.user,
        reason="送件",
        left_at=at("2026-10-15", "10:00"),
        returned_at=at("2026-10-15", "10:30"),
    )
    categories = {c.name: c for c in selectors.categories_for(center.pk)}
    services.record_violation(
        actor=inspector,
        staff=staff,
        category=categories["着装不规范"],
        occurred_at=at("2026-10-16", "10:00"),
        points=Decimal("2"),
    )
    withdrawn = services.record_violation(
        actor=inspector,
        staff=staff,
        category=categories["脱岗"],
        occurred_at=at("2026-10-16", "15:00"),
    )
    services.appeal_violation(actor=staff.user, violation=withdrawn, reason="系统误报")
    services.decide_appeal(actor=admin_user, violation=withdrawn, upheld=True, comment="属实")
    services.derive_range(center=center, start=OCTOBER[0], end=OCTOBER[1], now=NOW)
    return {"staff": staff, "lead": unit_lead.staff_profile, "other": other}


def test_staff_figures_of_the_fixture_month(center, month):
    figures = selectors.staff_figures(center_id=center.pk, start=OCTOBER[0], end=OCTOBER[1])
    mine = figures[month["staff"].pk]
    assert mine == {
        "working_days": WORKING_DAYS_IN_OCTOBER_2026,
        "staff_count": 1,
        "present_days": Decimal("17"),
        "late": 1,
        "early": 1,
        "missing_punches": 1,
        "absent_days": Decimal("0"),
        "leave_days": Decimal("1"),
        "temp_absences": 1,
        "scheduled_minutes": WORKING_DAYS_IN_OCTOBER_2026 * (180 + 240),
        # Only the afternoon of 10-13: at work (a machine punch at 13:28, no check-out) and
        # never at the window. The late morning of 10-09 and the early 10-12 are lateness and
        # early leave, the half hour out on 10-15 was registered.
        "absence_from_post_minutes": 240,
        "violations": 1,
        "violation_points": Decimal("2"),
    }
    assert figures[month["other"].pk]["absent_days"] == WORKING_DAYS_IN_OCTOBER_2026


def test_department_and_centre_figures_add_up(center, department, other_department, month):
    by_staff = selectors.staff_figures(center_id=center.pk, start=OCTOBER[0], end=OCTOBER[1])
    by_department = selectors.department_figures(
        center_id=center.pk, start=OCTOBER[0], end=OCTOBER[1]
    )
    total = selectors.center_figures(center_id=center.pk, start=OCTOBER[0], end=OCTOBER[1])
    assert set(by_department[department.pk]) == set(selectors.FIGURE_KEYS)
    assert by_department[department.pk]["staff_count"] == 2  # the staff member and the lead
    assert by_department[other_department.pk]["absent_days"] == WORKING_DAYS_IN_OCTOBER_2026
    # Days in one unit: staff-days beside staff-days (three people expected every working day).
    assert by_department[department.pk]["working_days"] == 2 * WORKING_DAYS_IN_OCTOBER_2026
    assert total["working_days"] == 3 * WORKING_DAYS_IN_OCTOBER_2026
    for key in selectors.FIGURE_KEYS:
        assert total[key] == sum(f[key] for f in by_staff.values()), key
        assert total[key] == sum(f[key] for f in by_department.values()), key
    for figures in [total, *by_department.values(), *by_staff.values()]:
        days = figures["present_days"] + figures["absent_days"] + figures["leave_days"]
        assert days == figures["working_days"]
        assert figures["absence_from_post_minutes"] <= figures["scheduled_minutes"]


def test_department_filter_limits_staff_rows(center, department, month):
    figures = selectors.staff_figures(
        center_id=center.pk, start=OCTOBER[0], end=OCTOBER[1], department_id=department.pk
    )
    assert set(figures) == {month["staff"].pk, month["lead"].pk}


def _as_number(value):
    return Decimal(str(value)) if value is not None else None


def test_xlsx_matches_the_selectors(center, month):
    table = selectors.monthly_table(center_id=center.pk, start=OCTOBER[0], end=OCTOBER[1])
    workbook = load_workbook(io.BytesIO(exports.monthly_workbook(table, center_name=center.name)))
    by_staff, by_department = workbook["按人员"], workbook["按单位"]
    figures = selectors.staff_figures(center_id=center.pk, start=OCTOBER[0], end=OCTOBER[1])
    numbers = {p.staff_number: pk for pk, p in ((m.pk, m) for m in month.values())}
    rows = list(by_staff.iter_rows(min_row=3, values_only=True))
    assert len(rows) == len(figures) == 3
    for row in rows:
        expected = figures[numbers[row[0]]]
        assert [_as_number(v) for v in row[3:]] == [
            _as_number(expected[k]) for k in selectors.FIGURE_KEYS
        ]
    dept_figures = selectors.department_figures(
        center_id=center.pk, start=OCTOBER[0], end=OCTOBER[1]
    )
    ids = dict(Department.objects.filter(center=center).values_list("name", "id"))
    dept_rows = list(by_department.iter_rows(min_row=3, values_only=True))
    assert len(dept_rows) == len(dept_figures) + 1
    for row in dept_rows[:-1]:
        expected = dept_figures[ids[row[0]]]
        assert [_as_number(v) for v in row[1:]] == [
            _as_number(expected[k]) for k in selectors.FIGURE_KEYS
        ]
    total = selectors.center_figures(center_id=center.pk, start=OCTOBER[0], end=OCTOBER[1])
    assert dept_rows[-1][0] == "合计"
    assert [_as_number(v) for v in dept_rows[-1][1:]] == [
        _as_number(total[k]) for k in selectors.FIGURE_KEYS
    ]


def test_stability_counts_moves(center, department, other_department, staff, admin_user, window):
    services.change_assignment(
        actor=admin_user,
        staff=staff,
        department=other_department,
        windows=[],
        reason="单位抽调",
        at=at("2026-10-20", "09:00"),
    )
    services.change_assignment(
        actor=admin_user,
        staff=staff,
        department=other_department,
        windows=[window],
        reason="调整窗口",
        at=at("2026-10-21", "09:00"),
    )
    figures = selectors.department_stability(center_id=center.pk, start=OCTOBER[0], end=OCTOBER[1])
    assert figures[department.pk]["left"] == 1
    assert figures[department.pk]["headcount_start"] == 1
    assert figures[other_department.pk]["joined"] == 1
    assert figures[other_department.pk]["window_changes"] == 1
    assert figures[other_department.pk]["changes"] == 2
