import pytest

from govhall.cases import services
from govhall.cases.models import CaseEvent
from govhall.cases.templatetags.case_tags import event_lines
from govhall.catalog.models import ServiceItem
from tests.cases.factories import accept
from tests.factories import ServiceItemFactory


@pytest.mark.parametrize(
    ("type_", "details", "lines"),
    [
        (
            "accepted",
            {
                "mode": "missing",
                "materials_received": ["《申请书》", "营业执照"],
                "materials_missing": ["身份证明"],
                "supply_by": "2026-08-17",
                "window": "55",
                "ticket": None,
            },
            [
                ("受理方式", "容缺受理"),
                ("已收材料", "《申请书》、营业执照"),
                ("容缺材料", "身份证明"),
                ("补交期限", "2026-08-17"),
                ("受理窗口", "55号"),
            ],
        ),
        (
            "completed",
            {"result": "approved", "reason": "", "late": False},
            [("办理结果", "准予许可")],
        ),
        (
            "completed",
            {"result": "denied", "reason": "材料不符", "late": True},
            [("办理结果", "不予许可"), ("理由", "材料不符"), ("超期办结", "是")],
        ),
        (
            "suspended",
            {"procedure": "expert_review", "reason": "组织专家评审", "told_days": 5},
            [("特别程序", "专家评审"), ("理由", "组织专家评审"), ("告知所需时间", "5 个工作日")],
        ),
        (
            "delivered",
            {"method": "mail", "tracking_number": "EMS1CN"},
            [("送达方式", "邮寄送达"), ("邮寄单号", "EMS1CN")],
        ),
        (
            "correction_requested",
            {
                "reason": "缺签字",
                "materials": ["申请书"],
                "notice": 2,
                "repeat": True,
                "repeat_reason": "首次告知遗漏",
            },
            [
                ("理由", "缺签字"),
                ("材料", "申请书"),
                ("补正告知", "第2次"),
                ("再次补正", "是"),
                ("再次补正理由", "首次告知遗漏"),
            ],
        ),
        (
            "accepted",
            {"joint": "LB41170020261202000008"},
            [("并联审批件", "LB41170020261202000008")],
        ),
        ("review_started", {}, []),
    ],
)
def test_event_details_read_as_labelled_lines(type_, details, lines):
    assert event_lines(CaseEvent(type=type_, details=details)) == lines


@pytest.mark.django_db
def test_the_result_of_an_item_that_is_not_a_licence_reads_as_its_kind(center, department):
    item = ServiceItemFactory(center=center, department=department, kind=ServiceItem.Kind.PAYMENT)
    case = services.complete_case(actor=None, case=accept(item), approved=True)
    completed = case.events.get(type=CaseEvent.Type.COMPLETED)
    assert ("办理结果", "准予办理") in event_lines(completed)
