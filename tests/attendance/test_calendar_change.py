"""A calendar import that changes whether a derived day is a working day derives it again
(services.rederive_after_calendar_change, on core's calendar_changed hook): a holiday added
afterwards is no longer a day of absences, a new make-up working day (调休) gets its records."""

import datetime as dt
import logging

import pytest

from govhall.attendance import selectors, services
from govhall.attendance.models import AttendanceRecord, Punch
from govhall.core.models import WorkCalendarDay
from govhall.performance import services as performance
from tests.attendance.factories import at
from tests.cases.factories import at as moment
from tests.cases.factories import on
from tests.factories import CenterFactory, import_notice
from tests.feedback.factories import served_ticket

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat
S = AttendanceRecord.Status
TODAY = D("2026-11-02")  # a Monday; the centre has derived 10-12 (Mon) to 10-23 (Fri)
FIRST, LAST = D("2026-10-12"), D("2026-10-23")
FRIDAY, SATURDAY = "2026-10-16", "2026-10-17"


def came(staff, day: str) -> None:
    """The staff member punched the machine in the morning and out in the evening."""
    for clock in ("08:55", "17:35"):
        Punch.objects.create(
            center_id=staff.center_id,
            staff=staff,
            punched_at=at(day, clock),
            kind=Punch.Kind.ANY,
            source=Punch.Source.MACHINE,
        )


def statuses(staff, day: str) -> list[str]:
    return list(
        AttendanceRecord.objects.filter(staff=staff, date=D(day))
        .order_by("starts_at")
        .values_list("status", flat=True)
    )


def reimport_2026(tmp_path, *, holidays=(), workdays=()) -> None:
    """The 2026 calendar imported again as stored, corrected by `holidays` and `workdays`."""
    rows = list(WorkCalendarDay.objects.filter(year__year=2026).values_list("date", "kind", "name"))
    rows += [(D(d), "holiday", "更正") for d in holidays]
    rows += [(D(d), "workday", "更正") for d in workdays]
    text = "date,kind,name\n" + "".join(f"{d},{k},{n}\n" for d, k, n in sorted(rows))
    import_notice(tmp_path, text)


@pytest.fixture
def derived(center, timetable, staff):
    """`staff` comes every working day of the span but Fri 10-16, and also on Sat 10-17 and
    Sun 10-11 (before the span) and Sat 10-24 (after it), days that were rest days."""
    day = FIRST - dt.timedelta(days=1)
    while day <= LAST + dt.timedelta(days=1):
        if str(day) != FRIDAY:
            came(staff, str(day))
        day += dt.timedelta(days=1)
    with on(TODAY):
        services.derive_range(center=center, start=FIRST, end=LAST)
    assert statuses(staff, FRIDAY) == [S.ABSENT, S.ABSENT]
    assert statuses(staff, SATURDAY) == []
    return staff


def test_a_holiday_added_turns_the_absence_into_a_rest_day(tmp_path, derived):
    thursday = {r.pk: r.derived_at for r in AttendanceRecord.objects.filter(date=D("2026-10-15"))}
    with on(TODAY, 15):
        reimport_2026(tmp_path, holidays=[FRIDAY])
    assert statuses(derived, FRIDAY) == []  # a holiday: nobody is expected, nobody is absent
    # The other days are as they were (same rows, same derivation time).
    assert {
        r.pk: r.derived_at for r in AttendanceRecord.objects.filter(date=D("2026-10-15"))
    } == thursday
    figures = selectors.staff_figures(center_id=derived.center_id, start=FIRST, end=LAST)[
        derived.pk
    ]
    assert figures["absent_days"] == 0
    assert figures["working_days"] == 9  # 10 weekdays, one of them now a holiday


def test_a_new_make_up_working_day_is_derived(tmp_path, derived):
    with on(TODAY, 15):
        reimport_2026(tmp_path, workdays=[SATURDAY])
    records = AttendanceRecord.objects.filter(staff=derived, date=D(SATURDAY))
    assert [r.status for r in records] == [S.PRESENT, S.PRESENT]
    assert {r.derived_at for r in records} == {moment(TODAY, 15)}  # when it was derived
    assert (
        selectors.staff_figures(center_id=derived.center_id, start=FIRST, end=LAST)[derived.pk][
            "working_days"
        ]
        == 11
    )


def test_days_outside_the_derived_span_are_left_alone(tmp_path, center, derived):
    other = CenterFactory()  # has derived nothing
    # Sun 10-11 is before the centre's first derived day, Sat 10-24 after its last (the nightly
    # run derives it on the calendar of its night), Sat 11-07 is still to come.
    outside = ["2026-10-11", "2026-10-24", "2026-11-07"]
    with on(TODAY, 15):
        reimport_2026(tmp_path, workdays=[*outside, SATURDAY])
    for day in outside:
        assert not AttendanceRecord.objects.filter(date=D(day)).exists()
    assert statuses(derived, SATURDAY) == [S.PRESENT, S.PRESENT]
    with on(TODAY, 16):
        done = services.rederive_after_calendar_change(
            changed_dates=[D(d) for d in [*outside, SATURDAY]]
        )
    assert {c: [r.date for r in results] for c, results in done.items()} == {
        center.pk: [D(SATURDAY)]
    }
    assert other.pk not in done


def test_the_future_is_never_derived(center, derived):
    # Even a centre that has rows up to a later day (here: written by hand) is derived only up
    # to today.
    later = AttendanceRecord.objects.filter(date=LAST).first()
    AttendanceRecord.objects.filter(pk=later.pk).update(date=D("2026-11-20"))
    with on(TODAY, 15):
        done = services.rederive_after_calendar_change(
            changed_dates=[D(SATURDAY), D("2026-11-07"), D("2026-11-20")]
        )
    assert [r.date for r in done[center.pk]] == [D(SATURDAY)]


def test_importing_the_same_file_again_derives_nothing(tmp_path, derived, caplog):
    caplog.set_level(logging.INFO, logger="govhall.attendance.services.derivation")
    with on(TODAY, 15):
        reimport_2026(tmp_path, holidays=[FRIDAY], workdays=[SATURDAY])
    assert "derived again for 2026-10-16, 2026-10-17" in caplog.text
    caplog.clear()
    before = dict(AttendanceRecord.objects.values_list("pk", "derived_at"))
    with on(TODAY, 16):
        reimport_2026(tmp_path)  # the stored calendar as it is now
    assert dict(AttendanceRecord.objects.values_list("pk", "derived_at")) == before
    assert "derived again" not in caplog.text


def test_a_published_evaluation_keeps_the_figures_it_counted(
    tmp_path, center, window, admin_user, derived
):
    served_ticket(staff=derived, window=window, finished_at=at("2026-10-13", "10:00"))
    with on(TODAY):
        run = performance.publish_run(
            run=performance.evaluate_period(center=center, code="2026-10"), actor=admin_user
        )
    published = run.inputs["staff"][str(derived.pk)]["figures"]
    assert published["absent_days"] == 1

    with on(TODAY, 15):
        reimport_2026(tmp_path, holidays=[FRIDAY], workdays=[SATURDAY])

    run.refresh_from_db()
    assert run.inputs["staff"][str(derived.pk)]["figures"] == published
    # A run computed now counts the days as derived on the corrected calendar.
    with on(TODAY, 16):
        again = performance.evaluate_period(center=center, code="2026-10")
    figures = again.inputs["staff"][str(derived.pk)]["figures"]
    assert (figures["absent_days"], figures["working_days"]) == (0, published["working_days"])
