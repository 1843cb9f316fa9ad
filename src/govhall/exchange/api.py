"""REST API of the exchange: the receiver (province mode), reconciliation, dead letters and
the ranking of remote centres."""

from django.db.models import QuerySet
from django.http.request import RawPostDataException
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govhall.core.api import validated
from govhall.core.forms import cleaned_data
from govhall.core.models import OutboxEvent
from govhall.core.routing import route
from govhall.exchange import protocol, selectors, services
from govhall.exchange.access import centre_of
from govhall.exchange.errors import ExchangeError
from govhall.exchange.forms import PeriodForm, RankingForm
from govhall.exchange.serializers import (
    PendingEventSerializer,
    PushAnswerSerializer,
    PushEnvelopeSerializer,
    RankedCenterSerializer,
    ReconciliationSerializer,
    RedriveInputSerializer,
    RedriveOutputSerializer,
)

PERIOD_PARAMS = [
    OpenApiParameter("start", str, description="YYYY-MM-DD"),
    OpenApiParameter("end", str, description="YYYY-MM-DD"),
]


@route("inbound/", name="inbound")
class ReceivePushView(APIView):
    """Receive a signed push from a registered centre (province mode)."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=PushEnvelopeSerializer,
        responses={200: PushAnswerSerializer},
        parameters=[
            OpenApiParameter(protocol.HEADER_KEY_ID, str, OpenApiParameter.HEADER, required=True),
            OpenApiParameter(
                protocol.HEADER_TIMESTAMP, str, OpenApiParameter.HEADER, required=True
            ),
            OpenApiParameter(
                protocol.HEADER_SIGNATURE, str, OpenApiParameter.HEADER, required=True
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        try:
            body = request.body
        except RawPostDataException as exc:
            # A multipart form body was parsed (and its stream consumed) by the NUL check of
            # the middleware: it is no JSON push.
            raise ExchangeError.BAD_JSON(_("请求体不是有效的 JSON。")) from exc
        remote = services.authenticate_push(
            key_id=request.headers.get(protocol.HEADER_KEY_ID, ""),
            timestamp=request.headers.get(protocol.HEADER_TIMESTAMP, ""),
            signature=request.headers.get(protocol.HEADER_SIGNATURE, ""),
            body=body,
        )
        return Response(services.receive_push(remote=remote, body=body))


@route("status/", name="status")
class ReconciliationView(APIView):
    """Local events of a period against those acknowledged upstream, and the lag."""

    @extend_schema(parameters=PERIOD_PARAMS, responses={200: ReconciliationSerializer})
    def get(self, request: Request) -> Response:
        center_id = centre_of(request.user, "exchange.view_exchange_status")
        period = cleaned_data(PeriodForm(request.query_params))
        settings = selectors.exchange_settings(center_id=center_id)
        result = selectors.reconciliation(
            center_id=center_id,
            start=period["start"],
            end=period["end"],
            threshold_seconds=settings.lag_alert_seconds,
        )
        return Response(ReconciliationSerializer(result).data)


@route("pending/", name="pending")
class UnacknowledgedListView(ListAPIView):
    """Events not yet acknowledged upstream (pending and dead), oldest first, with their age."""

    serializer_class = PendingEventSerializer
    queryset = OutboxEvent.objects.none()  # for the schema; get_queryset scopes the rows

    def get_queryset(self) -> QuerySet[OutboxEvent]:
        return selectors.unacknowledged_events(
            center_id=centre_of(self.request.user, "exchange.view_exchange_status")
        )

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "now": timezone.now()}


@route("dead-letters/", name="dead-letters")
class DeadLetterListView(UnacknowledgedListView):
    """The dead letters: events that ran out of attempts or that the receiver rejected."""

    def get_queryset(self) -> QuerySet[OutboxEvent]:
        return selectors.dead_letters(
            center_id=centre_of(self.request.user, "exchange.view_exchange_status")
        )


@route("dead-letters/redrive/", name="redrive")
class RedriveView(APIView):
    """Put dead letters back in the queue (``ids``, or ``all``)."""

    @extend_schema(
        request=RedriveInputSerializer,
        responses={200: RedriveOutputSerializer},
    )
    def post(self, request: Request) -> Response:
        center_id = centre_of(request.user, "exchange.redrive_outbox")
        data = validated(RedriveInputSerializer, request.data)
        count = services.redrive_dead_letters(
            actor=request.user,
            center_id=center_id,
            ids=None if data["all"] else data["ids"],
        )
        return Response({"redriven": count})


@route("province/ranking/", name="ranking")
class ProvinceRankingView(APIView):
    """The remote centres ranked on one figure of the period, from the data they pushed."""

    @extend_schema(
        parameters=[*PERIOD_PARAMS, OpenApiParameter("order_by", str)],
        responses={200: RankedCenterSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        center_id = centre_of(request.user, "exchange.view_province_ranking")
        form = cleaned_data(RankingForm(request.query_params))
        ranking = selectors.province_ranking(
            center_id=center_id, start=form["start"], end=form["end"], order_by=form["order_by"]
        )
        return Response(RankedCenterSerializer(ranking, many=True).data)
