import pytest

from govhall.cases.models import CaseEvent
from govhall.cases.templatetags.case_tags import event_lines


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
        ("review_started", {}, []),
    ],
)
def test_event_details_read_as_labelled_lines(type_, details, lines):
    assert event_lines(CaseEvent(type=type_, details=details)) == lines
