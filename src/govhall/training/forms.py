"""Forms of the training pages: they parse input; the services decide."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from govhall.core.formfields import DATE_PICKER, RowsField
from govhall.core.forms import GivenChoicesForm
from govhall.org.models import Department, StaffProfile, Window
from govhall.training.models import Rotation, TrainingSession


class SessionForm(forms.Form):
    title = forms.CharField(label=_("培训名称"), max_length=200)
    topic = forms.ChoiceField(label=_("培训内容"), choices=TrainingSession.Topic.choices)
    held_on = forms.DateField(label=_("培训日期"), widget=DATE_PICKER)
    hours = forms.DecimalField(
        label=_("学时"), min_value=Decimal("0.5"), max_value=Decimal(24), decimal_places=1
    )
    provider = forms.ChoiceField(label=_("组织方式"), choices=TrainingSession.Provider.choices)
    provider_name = forms.CharField(label=_("承办单位"), max_length=100, required=False)
    location = forms.CharField(label=_("地点"), max_length=100, required=False)
    departments = RowsField(
        label=_("参训单位"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("留空表示全体驻厅人员。"),
    )

    def __init__(self, *args: Any, center_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = Department.objects.filter(
            center_id=center_id, is_active=True
        )

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["department_ids"] = [d.pk for d in data.pop("departments")]
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=200)


class RotationForm(GivenChoicesForm):
    choices_from = {"staff": "staff"}

    staff = forms.ModelChoiceField(label=_("工作人员"), queryset=StaffProfile.objects.none())
    kind = forms.ChoiceField(label=_("类型"), choices=Rotation.Kind.choices)
    to_window = forms.ModelChoiceField(
        label=_("轮至窗口"), queryset=Window.objects.none(), required=False
    )
    to_post = forms.CharField(
        label=_("轮至岗位"),
        max_length=100,
        required=False,
        help_text=_("如后台审批岗、综合受理岗;窗口和岗位至少填一项。"),
    )
    started_on = forms.DateField(label=_("开始日期"), widget=DATE_PICKER)
    ended_on = forms.DateField(label=_("结束日期"), widget=DATE_PICKER, required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args: Any, center_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_window"].queryset = Window.objects.filter(center_id=center_id)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("to_window") and not (data.get("to_post") or "").strip():
            self.add_error("to_post", _("窗口和岗位至少填一项。"))
        started, ended = data.get("started_on"), data.get("ended_on")
        if started and ended and ended < started:
            self.add_error("ended_on", _("结束日期不能早于开始日期。"))
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        staff, window = data.pop("staff"), data.pop("to_window")
        return {**data, "staff_id": staff.pk, "to_window_id": window.pk if window else None}


class EndRotationForm(forms.Form):
    ended_on = forms.DateField(label=_("结束日期"), widget=DATE_PICKER)
