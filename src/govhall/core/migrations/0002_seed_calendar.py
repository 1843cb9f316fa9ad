from django.db import migrations


def seed(apps, schema_editor):
    from govhall.core.calendar_data import seed_package_years

    seed_package_years(apps.get_model("core", "WorkCalendarYear"), apps.get_model("core", "WorkCalendarDay"))


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
