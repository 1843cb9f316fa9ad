"""Importing an attendance machine's export: validation, dry run, all or nothing."""

import io

import pytest
from openpyxl import Workbook

from govhall.attendance import services
from govhall.attendance.models import Punch, PunchImport
from govhall.core.errors import PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db


def csv_bytes(rows, header=("工号", "打卡时间", "类型")):
    lines = [",".join(header)] + [",".join(r) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_dry_run_checks_without_saving(center, admin_user, staff):
    content = csv_bytes(
        [
            (staff.staff_number, "2026-10-09 08:55:00", "上班"),
            (staff.staff_number, "2026-10-09 12:03", ""),
        ]
    )
    report = services.import_punches(
        actor=admin_user, center=center, filename="m.csv", content=content, dry_run=True
    )
    assert (report.rows, report.created, report.dry_run) == (2, 2, True)
    assert not Punch.objects.exists() and not PunchImport.objects.exists()


def test_import_then_reimport_skips_duplicates(center, admin_user, staff):
    content = csv_bytes([(staff.staff_number, "2026-10-09 08:55:00", "上班")])
    first = services.import_punches(
        actor=admin_user, center=center, filename="m.csv", content=content, dry_run=False
    )
    again = services.import_punches(
        actor=admin_user, center=center, filename="m.csv", content=content, dry_run=False
    )
    assert (first.created, again.created, again.skipped) == (1, 0, 1)
    punch = Punch.objects.get()
    assert (punch.kind, punch.source, punch.batch_id) == ("in", "machine", first.batch_id)


@pytest.mark.parametrize(
    ("bad_row", "reason"),
    [
        (("S-NOBODY", "2026-10-09 09:00", ""), "工号 S-NOBODY 不存在"),
        (("{staff}", "2026-13-45 09:00", ""), "打卡时间无法识别"),
        (("{staff}", "2026-10-09 09:00", "午休"), "类型“午休”无法识别"),
        (("", "2026-10-09 09:00", ""), "工号为空"),
        (("{staff}", "2099-01-01 09:00", ""), "打卡时间晚于当前时间"),
    ],
)
def test_one_bad_row_changes_nothing_and_is_named(center, admin_user, staff, bad_row, reason):
    good = (staff.staff_number, "2026-10-09 08:55", "上班")
    bad = tuple(c.format(staff=staff.staff_number) for c in bad_row)
    content = csv_bytes([good, (*good[:1], "2026-10-09 12:01", "下班"), bad, good])
    with pytest.raises(ValidationFailed) as exc:
        services.import_punches(
            actor=admin_user, center=center, filename="m.csv", content=content, dry_run=False
        )
    assert exc.value.message.startswith("第4行:" + reason)
    assert exc.value.detail["errors"][0]["row"] == 4
    assert not Punch.objects.exists() and not PunchImport.objects.exists()


def test_xlsx_with_separate_date_and_time_columns(center, admin_user, staff):
    import datetime as dt

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["人员编号", "日期", "时间"])
    sheet.append([staff.staff_number, dt.date(2026, 10, 9), dt.time(8, 58)])
    sheet.append([None, None, None])
    sheet.append([staff.staff_number, "2026/10/09", "17:35"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = services.import_punches(
        actor=admin_user,
        center=center,
        filename="机器.xlsx",
        content=buffer.getvalue(),
        dry_run=False,
    )
    assert report.created == 2
    assert sorted(p.punched_at.hour for p in Punch.objects.all()) == [0, 9]  # UTC 08:58 → 00:58


def test_gbk_csv_is_read(center, admin_user, staff):
    content = csv_bytes([(staff.staff_number, "2026-10-09 08:55", "签到")]).decode().encode("gbk")
    report = services.import_punches(
        actor=admin_user, center=center, filename="gbk.csv", content=content, dry_run=True
    )
    assert report.created == 1


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("m.txt", b"x", "只支持"),
        ("m.csv", "姓名,时间\n张三,09:00\n".encode(), "第1行"),
        ("m.xlsx", b"not a workbook", "无法读取"),
        ("m.csv", b"", "文件为空"),
    ],
)
def test_unreadable_files_are_refused(center, admin_user, filename, content, message):
    with pytest.raises(ValidationFailed, match=message):
        services.import_punches(
            actor=admin_user, center=center, filename=filename, content=content, dry_run=False
        )


def test_unit_lead_may_not_import(center, unit_lead, staff):
    content = csv_bytes([(staff.staff_number, "2026-10-09 08:55", "上班")])
    with pytest.raises(PermissionDenied):
        services.import_punches(
            actor=unit_lead, center=center, filename="m.csv", content=content, dry_run=False
        )
    assert not Punch.objects.exists()
