"""Each calendar-computed date of a case carries its own provisional mark: `due_provisional`
no longer also stands for the delivery date. The existing 告知承诺 check dates in a year
without calendar data are marked (they are always computed); a delivery date's mark comes
with the next recompute (such a case has `due_provisional` set, so the import and the daily
digest recompute it); a 容缺 supply date may have been typed by the clerk, so is left firm."""

from django.db import migrations, models


def mark_commitment_checks(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    WorkCalendarYear = apps.get_model("core", "WorkCalendarYear")
    known = list(WorkCalendarYear.objects.values_list("year", flat=True))
    Case.objects.filter(commitment_check_by__isnull=False).exclude(
        commitment_check_by__year__in=known
    ).update(commitment_check_provisional=True)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_settings_row_for_every_center"),
        ("core", "0008_outbox_center_created_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="commitment_check_provisional",
            field=models.BooleanField(default=False, verbose_name="核查期限为暂估(缺少日历数据)"),
        ),
        migrations.AddField(
            model_name="case",
            name="delivery_due_provisional",
            field=models.BooleanField(default=False, verbose_name="送达期限为暂估(缺少日历数据)"),
        ),
        migrations.AddField(
            model_name="case",
            name="supply_by_provisional",
            field=models.BooleanField(default=False, verbose_name="补交期限为暂估(缺少日历数据)"),
        ),
        migrations.AddField(
            model_name="historicalcase",
            name="commitment_check_provisional",
            field=models.BooleanField(default=False, verbose_name="核查期限为暂估(缺少日历数据)"),
        ),
        migrations.AddField(
            model_name="historicalcase",
            name="delivery_due_provisional",
            field=models.BooleanField(default=False, verbose_name="送达期限为暂估(缺少日历数据)"),
        ),
        migrations.AddField(
            model_name="historicalcase",
            name="supply_by_provisional",
            field=models.BooleanField(default=False, verbose_name="补交期限为暂估(缺少日历数据)"),
        ),
        migrations.RunPython(mark_commitment_checks, migrations.RunPython.noop),
    ]
