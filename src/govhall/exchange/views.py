"""Pages of the exchange: the reconciliation and dead letters of a centre, the province ranking."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govhall.core.routing import route
from govhall.exchange import selectors, services
from govhall.exchange.access import centre_of
from govhall.exchange.forms import FIGURE_LABELS, PeriodForm, RankingForm, RedriveForm
from govhall.exchange.selectors import RANKING_FIGURES
from govhall.org.scoping import scope_for

LIST_LIMIT = 200


def format_figure(name: str, value: float | None) -> str:
    if value is None:
        return "—"
    if name.endswith("_rate"):
        return f"{value * 100:.1f}%"
    return str(value)


@route("exchange/")
@login_required
def status(request: HttpRequest) -> HttpResponse:
    center_id = centre_of(request.user, "exchange.view_exchange_status", request.GET.get("center"))
    form = PeriodForm(request.GET or None)
    period = form.values()
    settings = selectors.exchange_settings(center_id=center_id)
    now = timezone.now()
    unacked = list(selectors.unacknowledged_events(center_id=center_id)[:LIST_LIMIT])
    return render(
        request,
        "exchange/status.html",
        {
            "form": form,
            "settings": settings,
            "report": selectors.reconciliation(
                center_id=center_id,
                start=period["start"],
                end=period["end"],
                threshold_seconds=settings.lag_alert_seconds,
                now=now,
            ),
            "unacked": [(e, selectors.event_age_seconds(e, now)) for e in unacked],
            "list_limit": LIST_LIMIT,
            "may_redrive": scope_for(request.user).can("exchange.redrive_outbox"),
        },
    )


@route("exchange/redrive/")
@login_required
@require_POST
def redrive(request: HttpRequest) -> HttpResponse:
    center_id = centre_of(request.user, "exchange.redrive_outbox", request.POST.get("center"))
    dead_ids = list(selectors.dead_letters(center_id=center_id).values_list("pk", flat=True))
    form = RedriveForm(request.POST, dead_ids=dead_ids)
    if form.is_valid():
        count = services.redrive_dead_letters(
            actor=request.user,
            center_id=center_id,
            ids=None if form.cleaned_data["all"] else form.cleaned_data["ids"],
        )
        messages.success(request, _("已重新排队 %(n)s 条死信。") % {"n": count})
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("exchange:status")


@route("exchange/province/")
@login_required
def province(request: HttpRequest) -> HttpResponse:
    center_id = centre_of(request.user, "exchange.view_province_ranking", request.GET.get("center"))
    form = RankingForm(request.GET or None)
    data = form.values()
    ranking = selectors.province_ranking(
        center_id=center_id, start=data["start"], end=data["end"], order_by=data["order_by"]
    )
    return render(
        request,
        "exchange/province.html",
        {
            "form": form,
            "period": data,
            "ranking": [
                (row, [format_figure(f, row.figures[f]) for f in RANKING_FIGURES])
                for row in ranking
            ],
            "figures": [(f, FIGURE_LABELS[f]) for f in RANKING_FIGURES],
            "order_by": data["order_by"],
        },
    )
