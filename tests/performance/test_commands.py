"""`govhall evaluate` and `govhall report`: refusals that change nothing, --check, --date."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from docx import Document

from govhall.cases import services as cases
from govhall.core.models import OutboxEvent
from govhall.performance.models import EvaluationRun
from tests.cases.factories import accept, at
from tests.factories import ServiceItemFactory, make_id_number

pytestmark = pytest.mark.django_db


def test_a_future_or_empty_period_is_refused_and_nothing_is_written(center, department, tmp_path):
    next_year = timezone.localdate().year + 1
    with pytest.raises(CommandError, match="尚未开始"):
        call_command("evaluate", center=str(center.pk), period=f"{next_year}-01")
    with pytest.raises(CommandError, match="没有任何业务数据"):
        call_command("evaluate", center=str(center.pk), period="2020-01")
    with pytest.raises(CommandError, match="还没有评价结果"):
        call_command("report", center=str(center.pk), period="2020-01", out=tmp_path)
    assert not EvaluationRun.objects.exists()
    assert not list(tmp_path.iterdir())


def test_check_prints_each_rate_with_its_numerator_and_denominator_and_saves_nothing(
    center, department
):
    item = ServiceItemFactory(center=center, department=department, promised_limit_days=5)
    for day in (4, 5, 6):
        case = accept(item, day=dt.date(2026, 5, day))
        if day < 6:
            cases.complete_case(actor=None, case=case, approved=True, at=at(dt.date(2026, 5, 8)))
    out = io.StringIO()
    call_command("evaluate", center=str(center.pk), period="2026-05", check=True, stdout=out)
    text = out.getvalue()
    assert "✓ 办结率 0.6667 = 2 ÷ 3" in text
    assert "✓ 中心办结 2 ≤ 受理 3" in text
    assert "✗" not in text and "全部" in text
    assert not EvaluationRun.objects.exists()


def test_a_draft_report_is_marked_and_dated_as_asked(center, department, tmp_path):
    item = ServiceItemFactory(center=center, department=department)
    accept(item, day=dt.date(2025, 5, 20))  # last year's May: a year-on-year comparison
    last_year = list(OutboxEvent.objects.values_list("id", flat=True))
    for day in (11, 12, 13):
        accept(item, day=dt.date(2026, 5, day))
    online = cases.submit_case(
        item=item,
        applicant_type="person",
        applicant_name="李四",
        phone="13800004321",
        id_number=make_id_number(77),
        at=at(dt.date(2026, 5, 14)),
    )
    cases.accept_submitted_case(actor=None, case=online, at=at(dt.date(2026, 5, 14)))
    # The events of May, as the services wrote them to the outbox (stamped in May): 2 of them
    # acknowledged upstream, the others still waiting (seed 000 二(一)).
    OutboxEvent.objects.filter(pk__in=last_year).update(created_at=at(dt.date(2025, 5, 20)))
    may = OutboxEvent.objects.exclude(pk__in=last_year)
    may.update(created_at=at(dt.date(2026, 5, 20)))
    may.filter(pk__in=list(may.order_by("id").values_list("id", flat=True)[:2])).update(
        status=OutboxEvent.Status.SENT
    )
    waiting = may.filter(status=OutboxEvent.Status.PENDING).count()
    assert waiting
    call_command("evaluate", center=str(center.pk), period="2026-05", stdout=io.StringIO())
    out = io.StringIO()
    call_command(
        "report",
        "--date=2026-06-02",
        center=str(center.pk),
        period="2026-05",
        out=tmp_path,
        stdout=out,
    )
    docx = next(tmp_path.glob("*-v1-draft-bulletin.docx"))
    text = "\n".join(p.text for p in Document(docx).paragraphs)
    assert text.startswith("草稿(未发布)") and "2026年6月2日" in text
    assert "共受理办件4件,较去年同期1件增长300.0%,其中网上办件1件,网上办件占比25%" in text
    assert (
        f"考核期内产生的{waiting + 2}条办件数据中,{waiting}条尚未推送至上级平台,未做到实时全量归集"
    ) in text
