from decimal import Decimal

from govhall.performance.models import RubricDimension
from govhall.performance.presentation import figure_groups, missing_dimension_names


def _figures(groups):
    return {f.key: (str(g.title), str(f.label), f.kind, f.value) for g in groups for f in g.figures}


def test_department_figures_are_labelled_and_grouped():
    figures = {
        "accepted": 6,
        "completion_rate": 0.1666,
        "good_rate": None,
        "ratings_by_level": {"5": 3, "4": 1, "3": 0, "2": 0, "1": 1},
        "assists_by_type": {"home_visit": 3, "coaching": 1},
        "assists_total": 4,
        "late": 2,
    }
    shown = _figures(figure_groups(figures))
    assert shown["accepted"] == ("办件", "受理办件", "count", 6)
    assert shown["completion_rate"] == ("办件", "办结率", "percent", 0.1666)
    assert shown["good_rate"] == ("好差评", "好评率", "percent", None)
    assert shown["level_5"] == ("各等级评价", "非常满意", "count", 3)
    assert shown["level_1"] == ("各等级评价", "非常不满意", "count", 1)
    assert shown["home_visit"] == ("帮办代办", "上门服务", "count", 3)
    assert shown["weekend"] == ("帮办代办", "双休日服务", "count", 0)
    assert shown["assists_total"] == ("帮办代办", "合计", "count", 4)
    assert shown["late"] == ("考勤", "迟到", "count", 2)
    assert "on_time_rate" not in shown


def test_no_figures_no_groups():
    assert figure_groups({}) == []


def test_missing_marks_are_named_by_the_rubric():
    dimensions = [
        RubricDimension(code="discipline", name="遵纪守规"),
        RubricDimension(code="competence", name="履职能力"),
        RubricDimension(code="democratic", name="民主测评"),
        RubricDimension(code="attendance", name="考勤考核", method=RubricDimension.Method.DATA),
    ]
    scores = {"discipline": Decimal("100"), "competence": None, "democratic": None}
    scores["attendance"] = None  # computed from data, none this period: not "not entered"
    assert missing_dimension_names(scores, dimensions) == ["履职能力", "民主测评"]
