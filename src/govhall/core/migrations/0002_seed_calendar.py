from django.db import migrations


def seed(apps, schema_editor):
    from govhall.core.calendar_data import package_days, package_years

    Year = apps.get_model("core", "WorkCalendarYear")
    Day = apps.get_model("core", "WorkCalendarDay")
    for year in package_years():
        if Year.objects.filter(year=year).exists():
            continue
        y = Year.objects.create(year=year, source="chinese_calendar", official=True)
        Day.objects.bulk_create(
            [Day(year=y, date=d, kind=kind, name=name) for d, kind, name in package_days(year)]
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
