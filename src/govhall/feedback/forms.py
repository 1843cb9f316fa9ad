"""Forms of the feedback pages: they parse input; the services decide."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govhall.catalog.models import ServiceItem
from govhall.core import forms as core_forms
from govhall.core.formfields import DATE_PICKER, PhoneField, YesNoField
from govhall.feedback.models import (
    MAX_COUNT,
    MAX_QUANTITY,
    MAX_SAVING,
    AssistRecord,
    Complaint,
    Level,
    Rectification,
)
from govhall.org.models import Department, StaffProfile, Window


class RateForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("总体评价"), choices=Level.choices, coerce=int, widget=forms.RadioSelect
    )
    aspects = forms.MultipleChoiceField(
        label=_("分项评价"), required=False, widget=forms.CheckboxSelectMultiple
    )
    comment = forms.CharField(
        label=_("意见建议"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    rater_name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    rater_phone = PhoneField(
        label=_("手机号"),
        max_length=20,
        required=False,
        help_text=_("差评请留下手机号:实名差评由办理单位核实整改并回访,号码仅核实回访人员可见。"),
    )

    def __init__(
        self, *args: Any, aspects: list[str], known_phone: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["aspects"].choices = [(a, a) for a in aspects]
        self.known_phone = known_phone

    def clean(self) -> dict[str, Any]:
        """A bad rating (差评) asks for the phone to call back, unless the service knows it; one
        that stays anonymous must say what went wrong (the unit has nobody to call)."""
        data = super().clean()
        bad = data.get("level") is not None and data["level"] <= Level.DISSATISFIED
        asked = "rater_phone" not in self.errors and not self.known_phone
        if bad and asked and not data.get("rater_phone") and not data.get("comment"):
            self.add_error("rater_phone", _("差评请留下手机号,以便核实整改后回访。"))
            self.add_error("comment", _("不留手机号的差评请写明原因,以便核实整改。"))
        return data


class PairForm(forms.Form):
    code = forms.CharField(
        label=_("配对码"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class PadCodeForm(core_forms.GivenChoicesForm):
    choices_from = {"window": "windows"}

    window = forms.ModelChoiceField(label=_("窗口"), queryset=Window.objects.none())


class VerifyForm(forms.Form):
    valid = YesNoField(
        label=_("核实结论"),
        yes=_("属实"),
        no=_("不属实"),
    )
    reason = forms.CharField(label=_("核实情况"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(label=_("佐证材料"), required=False)


class RectifyForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("整改方式"), choices=Rectification.Kind.choices, widget=forms.RadioSelect
    )
    rectify_by = forms.DateField(
        label=_("限期整改期限"),
        required=False,
        widget=DATE_PICKER,
        help_text=_("限期整改时必填。"),
    )
    measures = forms.CharField(
        label=_("整改措施(或解释说明)"), widget=forms.Textarea(attrs={"rows": 3})
    )


class CallbackForm(forms.Form):
    reached = YesNoField(
        label=_("是否联系上"),
        yes=_("已联系上"),
        no=_("未联系上"),
    )
    satisfaction = forms.ChoiceField(
        label=_("对整改的满意度"),
        choices=[("", "—"), *Rectification.Satisfaction.choices],
        required=False,
    )
    note = forms.CharField(
        label=_("回访记录"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AppealForm(forms.Form):
    reason = forms.CharField(label=_("申诉理由"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(label=_("证明材料"), required=False)


class DecideAppealForm(forms.Form):
    upheld = YesNoField(
        label=_("复核结论"),
        yes=_("申诉成立(不计入统计)"),
        no=_("驳回申诉"),
    )
    note = forms.CharField(label=_("复核意见"), required=False)


class CenterChoicesMixin:
    """Limit the department / window / staff / item choices to the user's centre."""

    def limit_to_center(self, center_id: int | None) -> None:
        querysets = {
            "department": Department.objects.filter(center_id=center_id, is_active=True),
            "window": Window.objects.filter(center_id=center_id),
            "staff": StaffProfile.objects.filter(center_id=center_id, active=True).select_related(
                "user"
            ),
            "item": ServiceItem.objects.filter(center_id=center_id, is_active=True),
        }
        for name, qs in querysets.items():
            if name in self.fields:
                self.fields[name].queryset = qs


class ComplaintForm(CenterChoicesMixin, forms.Form):
    channel = forms.ChoiceField(label=_("渠道"), choices=Complaint.Channel.choices)
    content = forms.CharField(label=_("反映内容"), widget=forms.Textarea(attrs={"rows": 3}))
    complainant_name = forms.CharField(label=_("反映人"), max_length=50, required=False)
    complainant_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    department = forms.ModelChoiceField(
        label=_("涉及部门"), queryset=Department.objects.none(), required=False
    )
    window = forms.ModelChoiceField(
        label=_("涉及窗口"), queryset=Window.objects.none(), required=False
    )
    staff = forms.ModelChoiceField(
        label=_("涉及人员"), queryset=StaffProfile.objects.none(), required=False
    )
    item = forms.ModelChoiceField(
        label=_("涉及事项"), queryset=ServiceItem.objects.none(), required=False
    )


class AssignForm(core_forms.GivenChoicesForm):
    choices_from = {"assignee": "staff"}

    assignee = forms.ModelChoiceField(label=_("承办人"), queryset=StaffProfile.objects.none())


class ResolveForm(forms.Form):
    valid = YesNoField(
        label=_("是否属实"),
        yes=_("属实"),
        no=_("不属实"),
    )
    resolution = forms.CharField(label=_("办理结果"), widget=forms.Textarea(attrs={"rows": 3}))
    deduction = forms.DecimalField(
        label=_("扣分"), min_value=0, max_digits=5, decimal_places=2, initial=0
    )


class ComplaintCallbackForm(forms.Form):
    reached = CallbackForm.base_fields["reached"]
    satisfaction = forms.ChoiceField(
        label=_("满意度"), choices=[("", "—"), *Complaint.Satisfaction.choices], required=False
    )


class AssistForm(CenterChoicesMixin, forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=AssistRecord.Kind.choices)
    department = forms.ModelChoiceField(label=_("部门"), queryset=Department.objects.none())
    staff = forms.ModelChoiceField(
        label=_("工作人员"), queryset=StaffProfile.objects.none(), required=False
    )
    date = forms.DateField(label=_("日期"), initial=timezone.localdate, widget=DATE_PICKER)
    count = forms.IntegerField(label=_("次数"), min_value=1, max_value=MAX_COUNT, initial=1)
    households = forms.IntegerField(
        label=_("受益户数"), min_value=0, max_value=MAX_COUNT, required=False
    )
    quantity = forms.IntegerField(
        label=_("数量"), min_value=0, max_value=MAX_QUANTITY, required=False
    )
    unit = forms.CharField(label=_("数量单位"), max_length=8, required=False)
    saving = forms.DecimalField(
        label=_("为群众节省(元)"),
        min_value=Decimal("0"),
        max_value=MAX_SAVING,
        max_digits=12,
        decimal_places=2,
        required=False,
    )
    beneficiary = forms.CharField(label=_("服务对象"), max_length=100, required=False)
    notes = forms.CharField(label=_("说明"), required=False)

    def clean(self) -> dict[str, Any]:
        """Households, quantity and saving left empty are none (0)."""
        data = super().clean()
        for name in ("households", "quantity", "saving"):
            if data.get(name) is None and name not in self.errors:
                data[name] = 0
        return data


class PeriodForm(core_forms.PeriodForm):
    by = forms.ChoiceField(
        label=_("统计口径"),
        choices=[("department", _("按部门")), ("window", _("按窗口")), ("staff", _("按人员"))],
        initial="department",
    )


class MonthForm(forms.Form):
    month = forms.RegexField(
        label=_("月份"), regex=r"^(19|20)\d{2}-(0[1-9]|1[0-2])$", required=False
    )


class HotlineImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("数据类型"), choices=[("ratings", _("评价")), ("complaints", _("投诉"))]
    )
    file = forms.FileField(label=_("文件(.xlsx 或 .csv)"))
    dry_run = forms.BooleanField(label=_("仅校验(不导入)"), required=False, initial=True)
