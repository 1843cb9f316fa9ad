import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from govhall.core.errors import ValidationFailed
from govhall.core.hooks import calendar_changed
from govhall.core.models import WorkCalendarDay, WorkCalendarYear
from govhall.core.selectors import calendar_status
from govhall.core.services import import_calendar
from govhall.core.workdays import add_workdays, is_workday
from tests.cases.factories import on

pytestmark = pytest.mark.django_db

GOOD_2031 = """date,kind,name
2031-01-01,holiday,元旦
2031-01-22,holiday,春节
2031-01-23,holiday,春节
2031-01-24,holiday,春节
2031-01-26,workday,春节
"""


def test_import_makes_a_provisional_year_official():
    assert add_workdays(dt.date(2031, 1, 21), 2).provisional
    years = import_calendar(text=GOOD_2031, file_name="2031.csv")
    assert years == [2031]
    year = WorkCalendarYear.objects.get(year=2031)
    assert year.source == WorkCalendarYear.Source.IMPORT
    assert year.days.count() == 5
    # 01-22..24 holidays, Sunday 01-26 a make-up working day.
    result = add_workdays(dt.date(2031, 1, 21), 2)
    assert result == type(result)(dt.date(2031, 1, 27), False)
    assert add_workdays(dt.date(2031, 1, 21), 1).date == dt.date(2031, 1, 26)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("date,kind,name\n2031-13-01,holiday,x\n", 2),
        ("date,kind,name\n2031-01-01,holiday,元旦\n2031-01-02,rest,x\n", 3),
        ("date,kind,name\n2031-01-01,holiday,元旦\n2031-01-06,workday,周一\n", 3),
        ("date,kind,name\n2031-01-01,holiday,元旦\n2031-01-01,holiday,元旦\n", 3),
        ("date,kind,name\n2031-01-01,holiday\n", 2),
    ],
)
def test_bad_file_changes_nothing_and_names_the_line(text, line):
    before = (WorkCalendarYear.objects.count(), WorkCalendarDay.objects.count())
    with pytest.raises(ValidationFailed) as err:
        import_calendar(text=text)
    assert [p["line"] for p in err.value.detail] == [line]
    assert (WorkCalendarYear.objects.count(), WorkCalendarDay.objects.count()) == before


def test_bad_header_is_refused():
    with pytest.raises(ValidationFailed):
        import_calendar(text="day,type\n2031-01-01,holiday\n")


def test_import_replaces_a_year_and_tells_the_hook():
    seen = []
    fn = calendar_changed.register(lambda **kw: seen.append(kw["years"]))
    try:
        import_calendar(text=GOOD_2031)
        import_calendar(text="date,kind,name\n2031-05-01,holiday,劳动节\n")
    finally:
        calendar_changed._functions.remove(fn)
    assert seen == [[2031], [2031]]
    assert list(WorkCalendarDay.objects.filter(year__year=2031).values_list("name", flat=True)) == [
        "劳动节"
    ]


def test_the_hook_is_told_the_calendar_before_and_the_dates_that_changed():
    seen = []
    fn = calendar_changed.register(lambda **kw: seen.append(kw))
    try:
        import_calendar(text=GOOD_2031)
        import_calendar(text=GOOD_2031)  # the same file again
        import_calendar(text=GOOD_2031 + "2031-03-03,holiday,更正\n")
        import_calendar(text=GOOD_2031)  # the correction taken back
    finally:
        calendar_changed.unregister(fn)
    first, again, corrected, back = seen
    # Before the notice 2031 was counted by the weekday rule and the statutory holidays: 春节
    # 除夕 Wed 01-22 to 初三 Sat 01-25, the Saturday made up on Mon 01-27.
    assert not first["before"].is_known(dt.date(2031, 1, 1))
    assert {dt.date(2031, 1, 26), dt.date(2031, 1, 27)} <= set(first["changed_dates"])
    assert dt.date(2031, 1, 22) not in first["changed_dates"]
    assert first["changed_dates"] == sorted(first["changed_dates"])
    assert again["changed_dates"] == []
    assert again["before"].is_known(dt.date(2031, 1, 1))
    assert corrected["changed_dates"] == [dt.date(2031, 3, 3)]
    assert corrected["before"].is_workday(dt.date(2031, 3, 3))
    assert back["changed_dates"] == [dt.date(2031, 3, 3)]
    assert [kw["years"] for kw in seen] == [[2031]] * 4


def test_two_imports_within_one_tick_of_the_clock_are_both_seen():
    """The calendar each process caches is reloaded when the stored days change, even when the
    clock says the same time (a frozen clock here; a coarse or stepped-back one in life)."""
    seen = []
    fn = calendar_changed.register(lambda **kw: seen.append(kw["changed_dates"]))
    try:
        with on(dt.date(2031, 1, 5)):
            import_calendar(text=GOOD_2031)
            assert is_workday(dt.date(2031, 3, 3))
            import_calendar(text=GOOD_2031 + "2031-03-03,holiday,更正\n")
            assert not is_workday(dt.date(2031, 3, 3))
    finally:
        calendar_changed.unregister(fn)
    assert seen[1] == [dt.date(2031, 3, 3)]


def test_status_lists_seeded_years():
    years = {s.year: s for s in calendar_status()}
    assert set(range(2004, 2027)) <= set(years)
    assert years[2026].official
    assert years[2026].makeup_workdays == 6


def test_workdays_command_prints_due_date_last(capsys):
    call_command("workdays", "add", "2026-09-30", "5")
    out = capsys.readouterr()
    assert out.out.strip().splitlines()[-1] == "2026-10-13"
    assert out.err == ""


def test_workdays_command_warns_when_provisional(capsys):
    call_command("workdays", "add", "2031-03-03", "1")
    out = capsys.readouterr()
    assert out.out.strip().splitlines()[-1] == "2031-03-04"
    assert "暂定" in out.err


def test_calendar_command_import_and_status(tmp_path, capsys):
    path = tmp_path / "2031.csv"
    path.write_text(GOOD_2031, encoding="utf-8")
    call_command("calendar", "import", str(path))
    call_command("calendar", "status")
    assert "2031" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("date,kind,name\n2032-02-30,holiday,x\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("calendar", "import", str(bad))
    assert "第2行" in capsys.readouterr().err
    assert not WorkCalendarYear.objects.filter(year=2032).exists()


# A 2027 notice typed as the 2019 one reads (its 元旦 reaching back into the December before).
REACHING_BACK = """date,kind,name
2026-12-31,holiday,元旦
2027-01-01,holiday,元旦
2027-02-08,holiday,春节
"""


def test_a_notices_december_days_are_added_to_the_year_before_not_replacing_it(tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text(REACHING_BACK, encoding="utf-8")
    before = WorkCalendarDay.objects.filter(year__year=2026).count()
    call_command("calendar", "import", str(path))
    # 2026 keeps its 国庆 (the worked example) and gains 12-31; 2027 is known.
    assert add_workdays(dt.date(2026, 9, 30), 5).date == dt.date(2026, 10, 13)
    assert WorkCalendarDay.objects.filter(year__year=2026).count() == before + 1
    assert add_workdays(dt.date(2026, 12, 30), 1) == add_workdays(dt.date(2027, 1, 3), 1)
    assert not add_workdays(dt.date(2026, 12, 30), 1).provisional
    assert (
        WorkCalendarYear.objects.get(year=2026).source == WorkCalendarYear.Source.CHINESE_CALENDAR
    )


def test_december_days_of_a_year_not_stored_are_refused(tmp_path, capsys):
    path = tmp_path / "2032.csv"
    path.write_text("date,kind,name\n2031-12-31,holiday,元旦\n2032-01-01,holiday,元旦\n")
    with pytest.raises(CommandError):
        call_command("calendar", "import", str(path))
    assert "第2行" in capsys.readouterr().err
    assert not WorkCalendarYear.objects.filter(year__in=[2031, 2032]).exists()


@pytest.mark.parametrize(
    "content", ["", "\n", "day,type\n2031-01-01,holiday\n", "date,kind\n2031-01-01,holiday\n"]
)
def test_calendar_command_refuses_an_empty_file_or_wrong_columns_with_a_message(
    tmp_path, capsys, content
):
    path = tmp_path / "cal.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match="date,kind,name"):
        call_command("calendar", "import", str(path))
    assert "第1行" in capsys.readouterr().err


def test_the_admin_shows_the_calendar_and_never_edits_it(client, admin_user):
    """An edit there would bypass the checks, the recompute of every deadline and the cached
    calendar of every process: the import is the one way in (docs/calendar.md)."""
    admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    year = WorkCalendarYear.objects.get(year=2026)
    day = year.days.first()
    before = list(WorkCalendarDay.objects.order_by("pk").values_list("date", "kind"))
    shown = client.get(reverse("admin:core_workcalendaryear_change", args=[year.pk]))
    assert shown.status_code == 200
    assert client.get(reverse("admin:core_workcalendarday_changelist")).status_code == 200
    added = client.post(
        reverse("admin:core_workcalendarday_add"),
        {"year": year.pk, "date": "2026-12-07", "kind": "holiday", "name": "x"},
    )
    changed = client.post(
        reverse("admin:core_workcalendarday_change", args=[day.pk]),
        {"year": year.pk, "date": day.date.isoformat(), "kind": "workday", "name": "x"},
    )
    deleted = client.post(
        reverse("admin:core_workcalendarday_delete", args=[day.pk]), {"post": "yes"}
    )
    assert (added.status_code, changed.status_code, deleted.status_code) == (403, 403, 403)
    assert list(WorkCalendarDay.objects.order_by("pk").values_list("date", "kind")) == before
