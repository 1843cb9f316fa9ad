"""Forms of the queue pages (parsing only; the services decide)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from govhall.core import forms as core_forms
from govhall.core.dates import month_so_far
from govhall.core.formfields import DATE_PICKER, IdNumberField, PhoneField
from govhall.org.models import Window
from govhall.queueing.models import QueueCategory, Ticket, WindowPause


class IssueTicketForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("排队类别"), queryset=QueueCategory.objects.none(), widget=forms.HiddenInput
    )
    phone = PhoneField(label=_("手机号(选填,用于到号提醒)"), max_length=20, required=False)
    id_number = IdNumberField(label=_("身份证号(选填)"), max_length=18, required=False)
    priority_reason = forms.ChoiceField(
        label=_("绿色通道"), choices=Ticket.Priority.choices, required=False
    )

    def __init__(self, *args, center_id: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = QueueCategory.objects.filter(
            center_id=center_id, is_active=True
        )


class CheckInForm(forms.Form):
    code = forms.CharField(label=_("预约码"), max_length=12)
    id_number = IdNumberField(label=_("身份证号"), max_length=18)


class PauseForm(forms.Form):
    reason = forms.ChoiceField(label=_("暂停原因"), choices=WindowPause.Reason.choices)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class TransferForm(forms.Form):
    to_category = forms.ModelChoiceField(
        label=_("转到类别"), queryset=QueueCategory.objects.none(), required=False
    )
    to_window = forms.ModelChoiceField(
        label=_("转到窗口"), queryset=Window.objects.none(), required=False
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, center_id: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_category"].queryset = QueueCategory.objects.filter(
            center_id=center_id, is_active=True
        )
        self.fields["to_window"].queryset = Window.objects.filter(center_id=center_id)

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("to_category") and not data.get("to_window"):
            raise forms.ValidationError(_("请选择转入的排队类别或窗口。"))
        return data


class AppointmentForm(forms.Form):
    category = forms.ModelChoiceField(label=_("排队类别"), queryset=QueueCategory.objects.none())
    date = forms.DateField(label=_("日期"), widget=DATE_PICKER)
    slot_start = forms.TimeField(label=_("时段"))
    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = PhoneField(label=_("手机号"), max_length=20)
    id_number = IdNumberField(label=_("身份证号"), max_length=18)

    def __init__(self, *args, center_id: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = QueueCategory.objects.filter(
            center_id=center_id, is_active=True, appointment_capacity__gt=0
        )


class AppointmentLookupForm(forms.Form):
    code = forms.CharField(label=_("预约码"), max_length=12)
    phone = PhoneField(label=_("手机号"), max_length=20)
    id_number = IdNumberField(label=_("身份证号"), max_length=18)


class PeriodForm(core_forms.PeriodForm):
    DIMENSIONS = [
        ("category", _("按类别")),
        ("department", _("按单位")),
        ("window", _("按窗口")),
        ("staff", _("按人员")),
        ("day", _("按日")),
        ("hour", _("按时段")),
    ]
    dimension = forms.ChoiceField(label=_("维度"), choices=DIMENSIONS, required=False)

    @classmethod
    def initial_period(cls) -> dict:
        start, end = month_so_far()
        return {"start": start, "end": end, "dimension": "category"}
