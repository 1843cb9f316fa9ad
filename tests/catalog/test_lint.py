import pytest

from govhall.catalog.lint import ERROR, RULES, WARNING, Finding, compile_patterns, lint_guides
from govhall.catalog.models import ServiceItem
from govhall.catalog.selectors import catalog_settings, lint_items
from tests.catalog.factories import clean_item
from tests.factories import DepartmentFactory, MaterialFactory

pytestmark = pytest.mark.django_db


def lint(center):
    items = ServiceItem.objects.filter(center=center).select_related("department")
    return lint_guides(items.prefetch_related("materials").order_by("pk"))


def rules(findings):
    return sorted(f.rule for f in findings)


def test_a_clean_guide_has_no_finding(center, department):
    clean_item(center=center, department=department)
    assert lint(center) == []


@pytest.mark.parametrize(
    "material",
    [
        "其他材料",
        "根据有关法律法规规定应提交的其他材料",
        "身份证、户口簿等材料",
        "与申请事项相关的相关材料",
        "法律法规规定需要提交的有关材料",
        "根据项目情况需提交的其它材料",
    ],
)
def test_catch_all_material_clauses_are_errors(center, department, material):
    item = clean_item(center=center, department=department)
    MaterialFactory(item=item, name=material)
    [finding] = lint(center)
    assert finding.rule == "catch_all_material"
    assert finding.severity == ERROR
    assert material in finding.message


@pytest.mark.parametrize(
    "material", ["申请人居民身份证", "其他股东的身份证明", "法定代表人任职文件"]
)
def test_plain_material_names_are_not_catch_all(center, department, material):
    item = clean_item(center=center, department=department)
    MaterialFactory(item=item, name=material)
    assert lint(center) == []


def test_form_without_blank_is_an_error_and_without_sample_a_warning(center, department):
    item = clean_item(center=center, department=department)
    MaterialFactory(item=item, name="《申请表》", needs_form=True)
    findings = lint(center)
    assert rules(findings) == ["form_without_blank", "form_without_sample"]
    assert {f.rule: f.severity for f in findings} == {
        "form_without_blank": ERROR,
        "form_without_sample": WARNING,
    }


def test_promised_limit_above_legal_limit(center, department):
    clean_item(center=center, department=department, legal_limit_days=20, promised_limit_days=25)
    [finding] = lint(center)
    assert finding.rule == "promised_over_legal"
    assert "25" in finding.message and "20" in finding.message


def test_promised_limit_equal_to_legal_or_immediate_is_fine(center, department):
    clean_item(center=center, department=department, legal_limit_days=20, promised_limit_days=20)
    clean_item(
        center=center,
        department=department,
        legal_limit_days=1,
        promised_limit_days=5,
        immediate=True,
    )
    assert lint(center) == []


@pytest.mark.parametrize(
    ("field", "rule", "severity"),
    [
        ("fees", "missing_fees", ERROR),
        ("basis", "missing_basis", ERROR),
        ("consult_phone", "missing_consult_phone", ERROR),
        ("supervise_phone", "missing_supervise_phone", ERROR),
        ("conditions", "missing_conditions", WARNING),
        ("steps", "missing_steps", WARNING),
    ],
)
def test_missing_fields(center, department, field, rule, severity):
    clean_item(center=center, department=department, **{field: "   "})
    [finding] = lint(center)
    assert (finding.rule, finding.severity) == (rule, severity)


def test_malformed_phone_is_a_warning(center, department):
    clean_item(center=center, department=department, consult_phone="0396-123")
    [finding] = lint(center)
    assert (finding.rule, finding.severity) == ("invalid_phone", WARNING)


def test_promised_item_without_materials(center, department):
    item = clean_item(center=center, department=department)
    item.materials.all().delete()
    assert rules(lint(center)) == ["no_materials"]


def test_same_item_described_differently_by_two_departments(center, department, other_department):
    a = clean_item(center=center, department=department, name="临时占用城市道路审批")
    b = clean_item(
        center=center,
        department=other_department,
        name="临时占用城市道路审批",
        promised_limit_days=10,
    )
    findings = lint(center)
    assert rules(findings) == ["inconsistent_item", "inconsistent_item"]
    by_item = {f.item_id: f for f in findings}
    assert other_department.name in by_item[a.pk].message
    assert department.name in by_item[b.pk].message
    assert "承诺时限" in by_item[a.pk].message


def test_different_material_lists_are_inconsistent(center, department, other_department):
    clean_item(center=center, department=department, name="户外广告设置审批")
    b = clean_item(center=center, department=other_department, name="户外广告设置审批")
    MaterialFactory(item=b, name="设计效果图")
    findings = lint(center)
    assert rules(findings) == ["inconsistent_item", "inconsistent_item"]
    assert all("申请材料" in f.message for f in findings)


def test_same_guide_in_two_departments_is_consistent(center, department, other_department):
    clean_item(center=center, department=department, name="户外广告设置审批")
    clean_item(center=center, department=other_department, name="户外广告设置审批")
    assert lint(center) == []


def test_finding_carries_the_item(center, department):
    item = clean_item(center=center, department=department, fees="")
    assert lint(center) == [
        Finding(
            item_id=item.pk,
            item_code=item.code,
            item_name=item.name,
            department=department.name,
            rule="missing_fees",
            severity="error",
            message=lint(center)[0].message,
        )
    ]


def test_every_rule_has_a_known_severity():
    assert {severity for severity, _title in RULES.values()} == {ERROR, WARNING}


def test_patterns_use_star_as_wildcard():
    [(phrase, regex)] = compile_patterns("根据*规定*材料\n\n")
    assert phrase == "根据*规定*材料"
    assert regex.search("根据法律规定应当提交的材料")
    assert not regex.search("规定材料根据")
    assert compile_patterns(["a.b"])[0][1].search("a.b")
    assert not compile_patterns(["a.b"])[0][1].search("axb")


def test_lint_items_uses_the_centres_patterns_and_scopes_by_department(
    center, department, other_department
):
    item = clean_item(center=center, department=department)
    MaterialFactory(item=item, name="村委会意见")
    other = clean_item(center=center, department=other_department, fees="")
    assert lint_items(center_id=center.pk) == [
        f for f in lint_items(center_id=center.pk) if f.item_id == other.pk
    ]
    settings = catalog_settings(center_id=center.pk)
    settings.catch_all_patterns += "\n村委会意见"
    settings.save()
    assert rules(lint_items(center_id=center.pk)) == ["catch_all_material", "missing_fees"]
    own = lint_items(center_id=center.pk, department_id=department.pk)
    assert [(f.item_id, f.rule) for f in own] == [(item.pk, "catch_all_material")]


def test_lint_items_ignores_retired_items_and_other_centres(center, department):
    clean_item(center=center, department=department, fees="", is_active=False)
    foreign = DepartmentFactory()
    clean_item(center=foreign.center, department=foreign, fees="")
    assert lint_items(center_id=center.pk) == []


@pytest.mark.parametrize(
    "material",
    [
        "法律、法规、规章规定的其他申请材料",
        "其他资料",
        "其它资料",
        "项目相关资料",
        "有关资料",
        "身份证、户口簿等",
        "营业执照、章程等。",
        "相关证件",
        "其他需要提供的证明",
        "按照规定应当提交的材料",
        "按有关规定需提交的其他文件",
    ],
)
def test_common_catch_alls_are_found_whatever_the_centre_lists(center, department, material):
    settings = catalog_settings(center_id=center.pk)
    settings.catch_all_patterns = ""
    settings.save()
    item = clean_item(center=center, department=department)
    MaterialFactory(item=item, name=material)
    [finding] = lint_items(center_id=center.pk)
    assert finding.rule == "catch_all_material"
    assert material in finding.message


@pytest.mark.parametrize(
    ("field", "text", "rule"),
    [
        ("conditions", "1.有固定场所;\n2.法律、法规规定的其他条件。", "catch_all_conditions"),
        ("conditions", "申请人符合条件,并提交相关资料。", "catch_all_conditions"),
        ("steps", "1.申请;\n2.审查、现场核查等其他环节;\n3.办结。", "catch_all_steps"),
        ("steps", "申请、受理、审查、决定等", "catch_all_steps"),
    ],
)
def test_conditions_and_steps_are_read_sentence_by_sentence(center, department, field, text, rule):
    item = clean_item(center=center, department=department)
    setattr(item, field, text)
    item.save()
    [finding] = lint(center)
    assert finding.rule == rule
    assert finding.severity == RULES[rule][0]
    assert "其他" in finding.message or "等" in finding.message or "相关资料" in finding.message


def test_plain_conditions_and_steps_pass(center, department):
    item = clean_item(center=center, department=department)
    item.conditions = "申请人按《中华人民共和国行政许可法》的规定提出申请,提供本人有效身份证明。"
    item.steps = "1.申请:提交申请材料;\n2.受理:符合条件的予以受理;\n3.审核;\n4.办结。"
    item.save()
    assert lint(center) == []


def test_entered_item_without_window_authority_is_an_error(center, department):
    """Seeds 001 and 002: 进驻未授权 — the window only takes the papers in."""
    authorized = clean_item(center=center, department=department)
    clean_item(center=center, department=department, window_authorized=False, entered=False)
    item = clean_item(center=center, department=department, window_authorized=False)
    [finding] = lint(center)
    assert (finding.item_id, finding.rule, finding.severity) == (
        item.pk,
        "window_not_authorized",
        ERROR,
    )
    assert authorized.pk != finding.item_id
