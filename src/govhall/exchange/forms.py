from django import forms
from django.utils.translation import gettext_lazy as _

from govhall.core.dates import month_so_far
from govhall.core.validators import validate_period, validate_year_range
from govhall.exchange.selectors import RANKING_FIGURES


class PeriodForm(forms.Form):
    """A period of local days, inclusive; empty fields mean the current month so far."""

    start = forms.DateField(label=_("开始日期"), required=False, validators=[validate_year_range])
    end = forms.DateField(label=_("结束日期"), required=False, validators=[validate_year_range])

    def defaults(self) -> dict:
        start, end = month_so_far()
        return {"start": start, "end": end}

    def values(self) -> dict:
        """The cleaned input, or the defaults when it is wrong (the form keeps its errors)."""
        return self.cleaned_data if self.is_valid() else self.defaults()

    def clean(self) -> dict:
        data = super().clean()
        for name, value in self.defaults().items():
            data[name] = data.get(name) or value
        validate_period(data["start"], data["end"])
        return data


FIGURE_LABELS = {
    "cases_accepted": _("受理件数"),
    "cases_completed": _("办结件数"),
    "completion_rate": _("办结率"),
    "overdue": _("超期件数"),
    "ratings": _("评价数"),
    "good_rate": _("好评率"),
    "bad_ratings": _("差评数"),
}


class RankingForm(PeriodForm):
    order_by = forms.ChoiceField(
        label=_("排名依据"),
        choices=[(f, FIGURE_LABELS[f]) for f in RANKING_FIGURES],
        required=False,
    )

    def defaults(self) -> dict:
        return {**super().defaults(), "order_by": "completion_rate"}


class RedriveForm(forms.Form):
    ids = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())
    all = forms.BooleanField(required=False)

    def __init__(self, *args: object, dead_ids: list[int], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ids"].choices = [(i, i) for i in dead_ids]

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("all") and not data.get("ids"):
            raise forms.ValidationError(_("请选择要重新推送的死信。"))
        return data
