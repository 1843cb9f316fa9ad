import datetime as dt

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from govhall.cases.demo import load_demo
from govhall.cases.models import Case
from tests.cases.factories import accept
from tests.factories import MaterialFactory, ServiceItemFactory, UserFactory, make_id_number

pytestmark = pytest.mark.django_db


def test_import_cases_command_dry_run_and_bad_row(tmp_path, center, department):
    ServiceItemFactory(center=center, department=department, code="C-1")
    good = f"C-1,自然人,甲,{make_id_number(1)},13800001234,2026-03-02 09:00"
    bad = "C-1,自然人,乙,123,13800001234,2026-03-02 09:00"
    path = tmp_path / "cases.csv"
    path.write_text(f"事项编码,申请人类型,申请人,证件号码,联系电话,受理时间\n{good}\n{bad}\n")
    with pytest.raises(CommandError, match="未导入"):
        call_command("import_cases", str(path), center=center.pk)
    assert not Case.objects.exists()
    path.write_text(f"事项编码,申请人类型,申请人,证件号码,联系电话,受理时间\n{good}\n")
    call_command("import_cases", str(path), center=center.pk, dry_run=True)
    assert not Case.objects.exists()
    call_command("import_cases", str(path), center=center.pk)
    assert Case.objects.count() == 1


def test_digest_mails_the_unit_lead(center, department):
    lead = UserFactory(center=center, email="lead@example.org")
    department.lead = lead
    department.save()
    item = ServiceItemFactory(center=center, department=department)
    overdue = accept(item, day=dt.date(2026, 1, 5))
    call_command("case_digest")
    assert len(mail.outbox) == 1
    assert overdue.number in mail.outbox[0].body
    assert mail.outbox[0].to == ["lead@example.org"]


def test_demo_is_idempotent(center, department, monkeypatch):
    monkeypatch.setattr("govhall.cases.demo.CASES", 80)
    item = ServiceItemFactory(center=center, department=department, promised_limit_days=5)
    for order, name in enumerate(["申请书", "身份证", "营业执照", "经营场所证明", "《承诺书》"]):
        MaterialFactory(item=item, name=name, sort_order=order, needs_form=name.startswith("《"))
    load_demo(center, password="x")
    count = Case.objects.count()
    assert count == 80
    # 容缺 leaves out a secondary material, supplied once its date has passed.
    missing = Case.objects.filter(mode=Case.Mode.MISSING)
    assert missing.exists()
    assert {tuple(c.materials_missing) for c in missing} == {("经营场所证明",)}
    assert not missing.filter(supply_by__lt=timezone.localdate(), supplied_at__isnull=True)
    assert Case.objects.filter(state__in=Case.RUNNING_STATES).exists()
    assert Case.objects.filter(completed_late=True).exists()
    # A licence's certificate is delivered the working day after the decision, a few are not yet:
    # the demo's 电子监察 shows some art. 44 delays, not a third of the licences.
    past_due = Case.objects.filter(result__isnull=False, delivery_due__lt=timezone.localdate())
    assert past_due.filter(delivered_at__isnull=True).count() <= past_due.count() // 10
    load_demo(center, password="x")
    assert Case.objects.count() == count
