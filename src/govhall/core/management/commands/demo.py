"""`govhall demo`: load the demo city centre, idempotently, and print its logins.

The centre itself is made here; each app adds its part in ``govhall.<app>.demo.load_demo``
(called in dependency order), returning the logins it created as (role label, username).
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from govhall.core.app_modules import optional_module
from govhall.core.models import Center
from govhall.core.services import create_center

DEMO_PASSWORD = "govhall-demo-2026"
DEMO_REGION = "411700"


def demo_center() -> Center:
    return Center.objects.filter(region_code=DEMO_REGION).first() or create_center(
        Center(
            region_code=DEMO_REGION,
            name="驻马店市民中心",
            level=Center.Level.CITY,
            address="驻马店市驿城区市民中心",
            phone="0396-12345",
        )
    )


class Command(BaseCommand):
    help = _("加载演示中心(可重复执行,不会重复创建数据)并打印演示账号。")

    def handle(self, *args: Any, **options: Any) -> None:
        logins: list[tuple[str, str]] = []
        with transaction.atomic():
            center = demo_center()
            for app in settings.GOVHALL_APPS:
                module = optional_module(app, "demo")
                if module is not None:
                    logins.extend(module.load_demo(center, password=DEMO_PASSWORD) or [])
        self.stdout.write(self.style.SUCCESS(_("演示中心已就绪:%(name)s") % {"name": center.name}))
        self.stdout.write(_("演示账号(密码均为 %(pw)s):") % {"pw": DEMO_PASSWORD})
        for label, username in logins:
            self.stdout.write(f"  {label:<12} {username}")
        self.stdout.write("  http://127.0.0.1:8000/")
