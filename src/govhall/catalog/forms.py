"""Forms of the catalogue pages: the public guide search, the lint page's filters, 四减's dates."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govhall.catalog.lint import RULES
from govhall.catalog.models import ServiceItem
from govhall.catalog.selectors import GuideQuery
from govhall.core.formfields import DATE_PICKER


class GuideSearchForm(forms.Form):
    q = forms.CharField(label=_("关键词"), max_length=100, required=False)
    department = forms.TypedChoiceField(
        label=_("实施部门"), coerce=int, required=False, empty_value=None
    )
    theme = forms.TypedChoiceField(label=_("主题"), coerce=int, required=False, empty_value=None)
    kind = forms.ChoiceField(
        label=_("事项类型"),
        choices=[("", _("全部类型")), *ServiceItem.Kind.choices],
        required=False,
    )
    in_hall = forms.BooleanField(label=_("只看大厅可办"), required=False)
    online = forms.BooleanField(label=_("只看可网上办理"), required=False)

    def __init__(self, *args: Any, departments: Any, themes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("全部部门"))] + [
            (d.pk, d.name) for d in departments
        ]
        self.fields["theme"].choices = [("", _("全部主题"))] + [(t.pk, t.name) for t in themes]

    def query(self) -> GuideQuery:
        """The search the valid part of the input asks for (invalid filters are dropped)."""
        if not self.is_bound:
            return GuideQuery()
        self.is_valid()  # cleaned_data keeps the fields that are valid
        data = self.cleaned_data
        return GuideQuery(
            q=data.get("q") or "",
            department_id=data.get("department"),
            theme_id=data.get("theme"),
            kind=data.get("kind") or "",
            in_hall=bool(data.get("in_hall")),
            online=bool(data.get("online")),
        )


class LintFilterForm(forms.Form):
    department = forms.CharField(label=_("单位"), required=False, max_length=100)
    rule = forms.ChoiceField(
        label=_("规则"),
        choices=[("", _("全部规则")), *[(code, title) for code, (_s, title) in RULES.items()]],
        required=False,
    )
    severity = forms.ChoiceField(
        label=_("级别"),
        choices=[("", _("全部")), ("error", _("错误")), ("warning", _("警告"))],
        required=False,
    )


class ReductionsForm(forms.Form):
    """The two dates 四减 compares: the catalogue at the close of each."""

    baseline = forms.DateField(label=_("基准日"), widget=DATE_PICKER)
    on = forms.DateField(label=_("对比日"), widget=DATE_PICKER)

    def clean(self) -> dict:
        data = super().clean()
        baseline, on = data.get("baseline"), data.get("on")
        if baseline and on and baseline >= on:
            self.add_error("on", _("对比日应晚于基准日。"))
        if on and on > timezone.localdate():
            self.add_error("on", _("对比日不能晚于今天。"))
        return data
