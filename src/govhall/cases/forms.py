"""Forms of the case pages (parsing only; the services decide)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from govhall.cases.importing import DEFAULT_MAPPING
from govhall.cases.models import OTHER_RESULT_LABELS, Case, ClockStop, JointCase, Light
from govhall.catalog.models import ServiceItem
from govhall.core.formfields import DATE_PICKER, IdentifierField, PhoneField, YesNoField
from govhall.core.forms import PeriodForm
from govhall.core.validators import validate_year_range
from govhall.org.models import Window


class ApplicantMixin:
    """What an acceptance form says of the applicant, as the intake services take it."""

    cleaned_data: dict[str, Any]

    def applicant(self) -> dict[str, Any]:
        """The applicant's kwargs: the identifier is the ID number of a person, or the
        unified social credit code (统一社会信用代码) of a company."""
        data = self.cleaned_data
        identifier = data["identifier"].upper()
        return {
            "applicant_type": data["applicant_type"],
            "applicant_name": data["applicant_name"],
            "id_number": identifier if data["applicant_type"] == "person" else "",
            "uscc": identifier if data["applicant_type"] == "company" else "",
            "phone": data["phone"],
            "window": data["window"],
        }


class MaterialsForm(forms.Form):
    """The materials checklist of an item and the acceptance mode (一般受理 / 容缺 / 告知承诺);
    the service refuses a mode the materials do not allow."""

    mode = forms.ChoiceField(
        label=_("受理方式"), choices=Case.Mode.choices, initial=Case.Mode.NORMAL
    )
    received = forms.MultipleChoiceField(
        label=_("已收材料"), required=False, widget=forms.CheckboxSelectMultiple
    )
    missing = forms.MultipleChoiceField(
        label=_("容缺材料(后补)"), required=False, widget=forms.CheckboxSelectMultiple
    )
    supply_by = forms.DateField(
        label=_("容缺材料补交期限"),
        required=False,
        widget=DATE_PICKER,
        help_text=_("留空则按中心设置的默认期限。"),
    )

    def __init__(self, *args, item: ServiceItem, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        names = [(m.name, m.name) for m in item.materials.all()]
        self.fields["received"].choices = names
        self.fields["missing"].choices = names


class AcceptForm(ApplicantMixin, MaterialsForm):
    """前台受理: the applicant, the materials checklist of the item and the 容缺 choice."""

    applicant_type = forms.ChoiceField(
        label=_("申请人类型"), choices=Case.ApplicantType.choices, initial="person"
    )
    applicant_name = forms.CharField(label=_("申请人(姓名或单位名称)"), max_length=200)
    identifier = IdentifierField(label=_("身份证号码 / 统一社会信用代码"), max_length=18)
    phone = PhoneField(label=_("联系电话"), max_length=20)
    window = forms.ModelChoiceField(label=_("受理窗口"), queryset=Window.objects.none())
    field_order = [
        "applicant_type",
        "applicant_name",
        "identifier",
        "phone",
        "window",
        "mode",
        "received",
        "missing",
        "supply_by",
    ]

    def __init__(self, *args, item: ServiceItem, windows, **kwargs) -> None:
        super().__init__(*args, item=item, **kwargs)
        self.fields["window"].queryset = windows
        choices = list(windows[:2])
        if len(choices) == 1:
            self.fields["window"].initial = choices[0]
        self.fields["window"].required = bool(choices)


class ItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ServiceItem) -> str:
        return f"{obj.name}({obj.code} · {obj.department.name})"


class ItemChoiceForm(forms.Form):
    """The item to accept: a long list, searchable by name, code or department (govhall.js)."""

    item = ItemChoiceField(
        label=_("事项"),
        queryset=ServiceItem.objects.none(),
        widget=forms.Select(
            attrs={
                "data-search": _("输入事项名称、编码或部门搜索"),
                "data-count-text": _("找到 %s 项"),
            }
        ),
    )

    def __init__(self, *args, items, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items.select_related("department")


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由 / 说明"), widget=forms.Textarea(attrs={"rows": 2}))


class CorrectionForm(ReasonForm):
    """补正 (before or after acceptance): everything at once; a second notice states why."""

    repeat_reason = forms.CharField(
        label=_("再次要求补正的理由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("一次性告知:本件已告知过补正时必填。"),
    )


class ExtendForm(forms.Form):
    days = forms.IntegerField(
        label=_("延长(工作日)"), min_value=1, max_value=Case.EXTENSION_DAYS, initial=10
    )
    reason = forms.CharField(
        label=_("延期理由(将告知申请人)"), widget=forms.Textarea(attrs={"rows": 2})
    )


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class EmptyForm(forms.Form):
    pass


class SuspendForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("特别程序"), choices=[(k.value, k.label) for k in ClockStop.PROCEDURES]
    )
    told_days = forms.IntegerField(label=_("告知所需时间(工作日)"), min_value=1, max_value=365)
    reason = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}))


class CompleteForm(forms.Form):
    approved = YesNoField(
        label=_("审批结果"),
        yes=_("准予许可"),
        no=_("不予许可"),
        initial="1",
    )
    reason = forms.CharField(
        label=_("不予许可理由"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, item: ServiceItem | None = None, **kwargs: Any) -> None:
        """An item that is not a 行政许可 is decided 准予办理 / 不予办理 (`Case.result_label`)."""
        super().__init__(*args, **kwargs)
        if item is not None and item.kind != ServiceItem.Kind.LICENSE:
            self.fields["approved"].choices = [
                ("1", OTHER_RESULT_LABELS[Case.Result.APPROVED]),
                ("0", OTHER_RESULT_LABELS[Case.Result.DENIED]),
            ]
            self.fields["reason"].label = _("不予办理理由")


class DeliverForm(forms.Form):
    method = forms.ChoiceField(
        label=_("送达方式"),
        choices=[(Case.Delivery.WINDOW, _("窗口领取")), (Case.Delivery.MAIL, _("邮寄送达"))],
    )
    tracking_number = forms.CharField(label=_("邮寄单号"), required=False, max_length=64)
    window = forms.ModelChoiceField(
        label=_("出件窗口"), queryset=Window.objects.none(), required=False
    )

    def __init__(self, *args, windows=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if windows is not None:
            self.fields["window"].queryset = windows

    def clean(self) -> dict:
        data = super().clean()
        if data.get("method") == Case.Delivery.WINDOW and not data.get("window"):
            self.add_error("window", _("窗口领取须选择出件窗口(统一窗口出件)。"))
        return data


class LookupForm(forms.Form):
    number = forms.CharField(label=_("办件编号"), max_length=32)
    phone_last4 = forms.RegexField(
        label=_("联系电话后4位"),
        regex=r"^\d{4}$",
        error_messages={"invalid": _("请输入4位数字。")},
    )


# The largest key a database row can have (64-bit); beyond it a filter is refused, not a 500.
MAX_KEY = 2**63 - 1


class SupervisionFilterForm(forms.Form):
    department = forms.IntegerField(required=False, min_value=1, max_value=MAX_KEY)
    item = forms.IntegerField(required=False, min_value=1, max_value=MAX_KEY)
    light = forms.ChoiceField(required=False, choices=[("", _("全部")), *Light.choices])
    state = forms.ChoiceField(required=False, choices=[("", _("全部")), *Case.State.choices])
    number = forms.CharField(required=False, max_length=32)
    accepted_from = forms.DateField(required=False, validators=[validate_year_range])
    accepted_to = forms.DateField(required=False, validators=[validate_year_range])


class ImportForm(forms.Form):
    file = forms.FileField(label=_("文件(.xlsx 或 .csv)"))
    mapping = forms.CharField(
        label=_("列映射"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("格式:字段=列名,用逗号分隔;留空使用默认列名。字段:%(fields)s")
        % {"fields": ", ".join(f"{k}={v}" for k, v in DEFAULT_MAPPING.items())},
    )
    dry_run = forms.BooleanField(label=_("仅检查(不导入)"), required=False, initial=True)


class JointAcceptForm(ApplicantMixin, forms.Form):
    """一件事统一受理: the applicant and, per item of the package, the materials received
    (values ``<item id>:<material name>``)."""

    applicant_type = forms.ChoiceField(
        label=_("申请人类型"), choices=Case.ApplicantType.choices, initial="person"
    )
    applicant_name = forms.CharField(label=_("申请人(姓名或单位名称)"), max_length=200)
    identifier = forms.CharField(
        label=_("身份证号码 / 统一社会信用代码"), max_length=18, strip=True
    )
    phone = forms.CharField(label=_("联系电话"), max_length=20)
    window = forms.ModelChoiceField(
        label=_("受理窗口"), queryset=Window.objects.none(), required=False
    )
    received = forms.MultipleChoiceField(
        label=_("已收材料"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, package, windows, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["window"].queryset = windows
        self.fields["received"].choices = [
            (f"{item.pk}:{m.name}", f"{item.name} · {m.name}")
            for item in package.items.all()
            for m in item.materials.all()
        ]

    def materials(self) -> dict[int, list[str]]:
        """The received materials by item id."""
        by_item: dict[int, list[str]] = {}
        for value in self.cleaned_data["received"]:
            pk, name = value.split(":", 1)
            by_item.setdefault(int(pk), []).append(name)
        return by_item


class JointExtendForm(ExtendForm):
    """The extension of a joint case: its own longest extension and default."""

    days = forms.IntegerField(
        label=_("延长(工作日)"), min_value=1, max_value=JointCase.EXTENSION_DAYS, initial=15
    )


class JointFiguresForm(PeriodForm):
    start = forms.DateField(label=_("起始日"), widget=DATE_PICKER)
    end = forms.DateField(label=_("截止日"), widget=DATE_PICKER)
