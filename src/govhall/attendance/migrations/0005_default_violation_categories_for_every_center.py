"""Each centre has the default list of violation categories from its creation on
(`services.seed_violation_categories`); the centres without any get it now, as reading the
list no longer makes it."""

from django.db import migrations

from govhall.attendance.selectors import default_categories


def forward(apps, schema_editor):
    category = apps.get_model("attendance", "ViolationCategory")
    bare = (
        apps.get_model("core", "Center")
        .objects.exclude(pk__in=category.objects.values("center_id"))
        .values_list("pk", flat=True)
    )
    category.objects.bulk_create(
        [row for pk in bare for row in default_categories(category, pk)]
    )


class Migration(migrations.Migration):
    dependencies = [("attendance", "0004_settings_row_for_every_center")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
