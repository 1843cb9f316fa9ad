"""Page forms of attendance (parsing only; the services decide)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from govhall.attendance.models import LeaveRequest
from govhall.core.formfields import DATETIME_PICKER, YesNoField


class MonthForm(forms.Form):
    month = forms.RegexField(
        label=_("月份"),
        regex=r"^\d{4}-\d{2}$",
        widget=forms.TextInput(attrs={"type": "month"}),
        error_messages={"invalid": _("月份格式应为 YYYY-MM。")},
    )
    department = forms.TypedChoiceField(
        label=_("单位"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("全部单位")), *departments]


class LeaveForm(forms.Form):
    kind = forms.ChoiceField(label=_("假别"), choices=LeaveRequest.Kind.choices)
    start = forms.DateTimeField(label=_("开始时间"), widget=DATETIME_PICKER)
    end = forms.DateTimeField(label=_("结束时间"), widget=DATETIME_PICKER)
    reason = forms.CharField(label=_("事由"), widget=forms.Textarea(attrs={"rows": 2}))


class TemporaryAbsenceForm(forms.Form):
    reason = forms.CharField(label=_("外出事由"), max_length=200)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=500)


class DecideForm(forms.Form):
    upheld = YesNoField(
        label=_("裁定"),
        yes=_("申诉成立,撤销记录"),
        no=_("维持原记录"),
        widget=forms.Select,
    )
    comment = forms.CharField(label=_("裁定意见"), max_length=500)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("考勤机导出文件(.csv/.xlsx)"))
    dry_run = forms.BooleanField(label=_("仅检查,不导入"), required=False, initial=True)
