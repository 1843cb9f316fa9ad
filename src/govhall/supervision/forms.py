"""Forms of the supervision pages: they parse input; the services decide."""

from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from govhall.core.formfields import DATE_PICKER, DATETIME_PICKER, RowsField
from govhall.core.forms import GivenChoicesForm
from govhall.org.models import Department
from govhall.supervision.models import CampaignUnit, CensusEntry, Problem, ProblemCategory


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("名称"), max_length=200)
    issuer = forms.CharField(label=_("发文机关"), max_length=100, required=False)
    issued_on = forms.DateField(label=_("发文日期"), required=False, widget=DATE_PICKER)
    census_due = forms.DateTimeField(
        label=_("窗口统计表报送截止"), required=False, widget=DATETIME_PICKER
    )
    self_check = forms.DateField(label=_("自查自纠 截止"), widget=DATE_PICKER)
    inspection = forms.DateField(label=_("集中督查 截止"), widget=DATE_PICKER)
    consolidation = forms.DateField(label=_("巩固提升 截止"), widget=DATE_PICKER)
    departments = RowsField(
        label=_("县直部门"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    towns = forms.CharField(
        label=_("镇(园区)"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一个。"),
    )  # fmt: skip
    halls = forms.CharField(
        label=_("单独设立的办事大厅"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一个。"),
    )  # fmt: skip
    categories = forms.CharField(
        label=_("问题类别"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("每行一个;留空则使用通知列出的六类问题。"),
    )
    summary = forms.CharField(
        label=_("工作要求"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, center_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = Department.objects.filter(
            center_id=center_id, is_active=True
        )

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        categories = _lines(data["categories"])
        return {
            "title": data["title"],
            "issuer": data["issuer"],
            "issued_on": data["issued_on"],
            "census_due": data["census_due"],
            "summary": data["summary"],
            "phase_ends": {
                "self_check": data["self_check"],
                "inspection": data["inspection"],
                "consolidation": data["consolidation"],
            },
            "department_ids": [d.pk for d in data["departments"]],
            "towns": _lines(data["towns"]),
            "halls": _lines(data["halls"]),
            "categories": categories or None,
        }


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    doc_number = forms.CharField(label=_("文号"), max_length=100, required=False)
    file = forms.FileField(label=_("文件"))


class ProblemForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("单位"), queryset=CampaignUnit.objects.none())
    category = forms.ModelChoiceField(label=_("类别"), queryset=ProblemCategory.objects.none())
    found_by = forms.ChoiceField(label=_("发现方式"))
    description = forms.CharField(label=_("问题"), widget=forms.Textarea(attrs={"rows": 3}))
    measure = forms.CharField(
        label=_("整改措施"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.CharField(label=_("责任人"), max_length=50, required=False)
    deadline = forms.DateField(
        label=_("整改时限"),
        required=False,
        widget=DATE_PICKER,
        help_text=_("留空则为当前阶段的截止日期。"),
    )

    def __init__(
        self,
        *args: Any,
        units: Any,
        categories: Any,
        centre_sources: bool,
        unit_sources: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        only = list(units[:2])
        if len(only) == 1:
            self.fields["unit"].initial = only[0].pk
        self.fields["category"].queryset = categories
        choices = []
        if unit_sources:
            choices.append((Problem.Source.SELF_CHECK, Problem.Source.SELF_CHECK.label))
        if centre_sources:
            choices += [
                (Problem.Source.INSPECTION, Problem.Source.INSPECTION.label),
                (Problem.Source.PUBLIC_REPORT, Problem.Source.PUBLIC_REPORT.label),
            ]
        self.fields["found_by"].choices = choices


class ProblemEditForm(GivenChoicesForm):
    choices_from = {"category": "categories"}

    category = forms.ModelChoiceField(label=_("类别"), queryset=ProblemCategory.objects.none())
    description = forms.CharField(label=_("问题"), widget=forms.Textarea(attrs={"rows": 3}))
    measure = forms.CharField(
        label=_("整改措施"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.CharField(label=_("责任人"), max_length=50, required=False)
    deadline = forms.DateField(label=_("整改时限"), widget=DATE_PICKER)

    def __init__(self, *args: Any, deadline_editable: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not deadline_editable:
            self.fields["deadline"].disabled = True
            self.fields["deadline"].required = False


class FixForm(forms.Form):
    measure = forms.CharField(label=_("整改措施"), widget=forms.Textarea(attrs={"rows": 2}))
    fix_note = forms.CharField(label=_("整改情况"), widget=forms.Textarea(attrs={"rows": 3}))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("说明"), required=False, max_length=500)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("退回原因"), max_length=500)


class EvidenceForm(forms.Form):
    title = forms.CharField(label=_("说明"), max_length=200, required=False)
    file = forms.FileField(label=_("佐证材料"))


class ImportForm(forms.Form):
    source = forms.ChoiceField(choices=[(s, s.label) for s in Problem.DATA_SOURCES])
    start = forms.DateField(label=_("开始日期"), required=False, widget=DATE_PICKER)
    end = forms.DateField(label=_("结束日期"), required=False, widget=DATE_PICKER)


class CensusForm(forms.Form):
    unit = forms.IntegerField(widget=forms.HiddenInput)
    zero_report = forms.BooleanField(label=_("零报告(未单独设立窗口和服务大厅)"), required=False)
    signed_by_name = forms.CharField(label=_("主要负责人"), max_length=50)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=40, required=False)
    note = forms.CharField(
        label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CensusLineForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("类型"), choices=CensusEntry.Kind.choices, initial=CensusEntry.Kind.HALL
    )
    name = forms.CharField(label=_("名称"), max_length=100)
    address = forms.CharField(label=_("地址"), max_length=200)
    windows = forms.IntegerField(label=_("窗口数"), min_value=0, max_value=10000)
    items = forms.IntegerField(label=_("办理事项数"), min_value=0, max_value=100000)
    staff = forms.IntegerField(label=_("工作人员数"), min_value=0, max_value=100000)


CensusLineFormSet = formset_factory(CensusLineForm, extra=3, max_num=50, validate_max=True)


class SignOffForm(forms.Form):
    unit = forms.IntegerField(widget=forms.HiddenInput)
    signer_name = forms.CharField(label=_("签字人"), max_length=50, required=False)
    note = forms.CharField(label=_("说明"), required=False, max_length=500)
