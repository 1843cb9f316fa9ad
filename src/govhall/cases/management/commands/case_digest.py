"""`govhall case-digest`: the daily e-supervision digest for each unit lead (首席代表).

Recomputes the deadlines first (stopped clocks, calendar changes), then for every department
with a lead who has red or yellow cases, prints the digest and e-mails it through Django's mail
backend (``--no-mail`` only prints).
"""

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.cases.selectors import digest_for_department
from govhall.cases.services import recompute_deadlines
from govhall.org.models import Department


class Command(BaseCommand):
    help = _("每日电子监察摘要:向各单位首席代表发送超期和临近期限的在办件。")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--center", type=int, help=_("只处理该中心"))
        parser.add_argument("--no-mail", action="store_true", help=_("只打印,不发邮件"))

    def handle(self, *args: Any, **options: Any) -> None:
        recompute_deadlines(center_id=options["center"])
        today = timezone.localdate()
        departments = Department.objects.filter(is_active=True, lead__isnull=False)
        if options["center"]:
            departments = departments.filter(center_id=options["center"])
        sent = 0
        for department in departments.select_related("lead", "center"):
            digest = digest_for_department(department, today)
            if not digest["red"] and not digest["yellow"]:
                continue
            body = render_to_string("cases/digest.txt", {**digest, "department": department})
            self.stdout.write(body)
            if not options["no_mail"] and department.lead.email:
                send_mail(
                    _("【电子监察】%(dept)s %(day)s 办件预警")
                    % {"dept": department.name, "day": today.isoformat()},
                    body,
                    getattr(settings, "DEFAULT_FROM_EMAIL", None),
                    [department.lead.email],
                )
                sent += 1
        self.stdout.write(self.style.SUCCESS(_("已发送 %(n)d 封摘要邮件。") % {"n": sent}))
