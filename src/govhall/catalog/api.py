"""The catalogue API: the public guide list and guide (no login), and the guide lint (login)."""

from dataclasses import asdict

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govhall.catalog import selectors
from govhall.catalog.serializers import (
    DepartmentBrief,
    FindingOutput,
    GuideSearchInput,
    ItemDetailOutput,
    ItemListOutput,
    ThemeOutput,
)
from govhall.core.api import validated
from govhall.core.routing import route
from govhall.org.scoping import scope_for


class PublicAPIMixin:
    permission_classes = [AllowAny]
    authentication_classes: list = []


CENTER_PARAM = OpenApiParameter(
    "center", str, description="中心的行政区划代码(6位);不填为第一个中心。", required=False
)


def _center_id(request: Request) -> int:
    return selectors.public_center(region_code=request.query_params.get("center") or None).pk


@route("items/", name="items")
@extend_schema(tags=["catalog"], parameters=[GuideSearchInput])
class ItemListApi(PublicAPIMixin, ListAPIView):
    """Public items of a centre, searched and filtered like the guide list page."""

    serializer_class = ItemListOutput
    filter_backends: list = []

    def get_queryset(self):
        data = validated(GuideSearchInput, self.request.query_params)
        center_id = selectors.public_center(region_code=data.get("center")).pk
        query = selectors.GuideQuery(
            q=data.get("q", ""),
            department_id=data.get("department"),
            theme_id=data.get("theme"),
            kind=data.get("kind", ""),
            in_hall=data["in_hall"],
            online=data["online"],
        )
        return selectors.search_items(center_id=center_id, query=query)


@route("items/<int:pk>/", name="item")
@extend_schema(tags=["catalog"], responses=ItemDetailOutput)
class ItemDetailApi(PublicAPIMixin, APIView):
    """One item's full guide."""

    def get(self, request: Request, pk: int) -> Response:
        return Response(ItemDetailOutput(selectors.guide(item_id=pk)).data)


@route("departments/", name="departments")
@extend_schema(tags=["catalog"], responses=DepartmentBrief(many=True), parameters=[CENTER_PARAM])
class DepartmentListApi(PublicAPIMixin, APIView):
    """Departments with public items (for the department filter)."""

    def get(self, request: Request) -> Response:
        departments = selectors.public_departments(center_id=_center_id(request))
        return Response(DepartmentBrief(departments, many=True).data)


@route("themes/", name="themes")
@extend_schema(tags=["catalog"], responses=ThemeOutput(many=True), parameters=[CENTER_PARAM])
class ThemeListApi(PublicAPIMixin, APIView):
    """The centre's themes (for the theme filter)."""

    def get(self, request: Request) -> Response:
        themes = selectors.public_themes(center_id=_center_id(request))
        return Response(ThemeOutput(themes, many=True).data)


@route("lint/", name="lint")
@extend_schema(tags=["catalog"], responses=FindingOutput(many=True), parameters=[CENTER_PARAM])
class LintApi(APIView):
    """The guide lint's findings for the user's centre (a unit's people: their department)."""

    permission_classes = [IsAuthenticated]

    def get(self, request: Request) -> Response:
        scope = scope_for(request.user)
        scope.require("catalog.view_guide_lint")
        findings = selectors.lint_for_scope(
            scope, region_code=request.query_params.get("center") or None
        )
        return Response(FindingOutput([asdict(f) for f in findings], many=True).data)
