"""行政许可法 art. 44 (the certificate delivered within 10 working days of the decision) binds
licences only: the delivery date and its lateness are taken off the cases of items that are not
a 行政许可 (行政确认, 公共服务…), which the 电子监察 listed as "逾期未送达" under the article."""

from django.db import migrations


def clear_delivery_clock(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Case.objects.filter(delivery_due__isnull=False).exclude(item__kind="license").update(
        delivery_due=None, delivery_due_provisional=False, delivered_late=False
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_provisional_dates_each_marked"),
        ("catalog", "0007_settings_row_for_every_center"),
    ]

    operations = [migrations.RunPython(clear_delivery_clock, migrations.RunPython.noop)]
