"""REST API of training: the year's figures (培训期数、人次、覆盖率、轮岗交流)."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govhall.core.api import validated
from govhall.core.routing import route
from govhall.org.scoping import scope_for
from govhall.training import selectors
from govhall.training.serializers import TrainingYearOut, YearInput


@route("year/", name="year")
class TrainingYearApi(APIView):
    @extend_schema(parameters=[YearInput], responses={200: TrainingYearOut})
    def get(self, request: Request) -> Response:
        scope = scope_for(request.user)
        scope.require("training.view_trainingsession")
        params = validated(YearInput, request.query_params)
        figures = selectors.training_year(
            center_id=scope.center_id,
            year=params.get("year", timezone.localdate().year),
            department_id=None if scope.whole_center else scope.department_id,
        )
        return Response(TrainingYearOut(figures).data)
