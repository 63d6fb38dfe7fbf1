"""/api/v1/insights/…: the figures of PRODUCT.md §4 read from published snapshots, and the
dimensions they can be read by.

Reads never compute: they serve the published snapshot version in one query and say when it
was computed (``computed_at``, null before the first recompute) and whether newer data exists
(``stale``). Every member reads. The recompute request and task progress are in ``recompute``.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts_app.api.base import WorkspaceViewMixin
from insights_app import analytics
from insights_app.models import Assumption, FeatureRequest, InsightSnapshot
from insights_app.selectors import (
    ACCOUNT_DIMENSIONS,
    SEGMENT_PREFIX,
    dimension_get,
    dimension_list,
    snapshot_published_get,
)

MONEY: dict = {"max_digits": 30, "decimal_places": 2, "coerce_to_string": True}
DIMENSIONS_HELP = (
    f"One of {', '.join(ACCOUNT_DIMENSIONS)}, or `{SEGMENT_PREFIX}<id>` for a saved segment "
    "(see `insights/dimensions/`)."
)
DIMENSION_PARAMETER = OpenApiParameter(
    "dimension",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    required=True,
    description=DIMENSIONS_HELP,
)
PERIOD_PARAMETER = OpenApiParameter(
    "period",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    required=False,
    description=(
        "Optional. `all` (the default: every deal), `last4q` (the current quarter and the three "
        "before it) or a quarter such as `2026Q3` that the snapshot has figures for (the "
        "quarters with closed deals, newest first, at most 12). A period restricts the "
        "closed-deal figures (won, lost, win_rate, revenue_won, avg_won_deal, "
        "median_cycle_days, cost_of_sale, roi, win_rate_covered, win_rate_uncovered, "
        "loss_reasons, reason_mismatch_rate) to deals whose close_date falls in it; `deals` "
        "becomes open deals + deals closed in the period; every other figure is as of now. "
        "Any other value answers 400 listing the periods available."
    ),
)
READ_NOTE = (
    "Read from the published snapshot, never computed in the request. `computed_at` is when it "
    "was computed (null, with empty `results`, before the first recompute); `stale` is true "
    "when data changed since. An unknown dimension answers 400. Every member may read."
)


# -- response shapes (documentation; the payloads are stored ready to send) ----------------------


class LossReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="A loss_reason, or `unknown` when none was recorded.")
    deals = serializers.IntegerField()


class PainSerializer(serializers.Serializer):
    tag = serializers.CharField(help_text="A pain tag's name.")
    conversations = serializers.IntegerField()
    accounts = serializers.IntegerField(help_text="Distinct accounts whose conversations had it.")


class CompetitorSerializer(serializers.Serializer):
    competitor = serializers.CharField(help_text="As a buyer wrote it (grouped case-folded).")
    surveys = serializers.IntegerField(help_text="Answered surveys naming it.")
    deals = serializers.IntegerField(help_text="Distinct deals of those surveys.")


class SegmentMetricsSerializer(serializers.Serializer):
    """Every metric of PRODUCT.md §4 for one value of the dimension."""

    value = serializers.CharField(help_text="The value (`unknown` when empty), or segment name.")
    accounts = serializers.IntegerField()
    deals = serializers.IntegerField()
    open_deals = serializers.IntegerField()
    won = serializers.IntegerField()
    lost = serializers.IntegerField()
    win_rate = serializers.FloatField(allow_null=True, help_text="won / (won + lost).")
    revenue_won = serializers.DecimalField(**MONEY)
    pipeline = serializers.DecimalField(**MONEY, help_text="Amounts of open deals.")
    avg_won_deal = serializers.DecimalField(**MONEY, allow_null=True)
    median_cycle_days = serializers.FloatField(
        allow_null=True, help_text="Over won deals whose created_on is known."
    )
    cost_of_sale = serializers.DecimalField(**MONEY)
    roi = serializers.FloatField(allow_null=True)
    multithreaded_rate = serializers.FloatField(allow_null=True)
    win_rate_covered = serializers.FloatField(allow_null=True)
    win_rate_uncovered = serializers.FloatField(allow_null=True)
    loss_reasons = LossReasonSerializer(many=True, help_text="Largest first.")
    top_pains = PainSerializer(many=True, help_text="Most conversations first.")
    value_claimed = serializers.DecimalField(**MONEY)
    reason_mismatch_rate = serializers.FloatField(allow_null=True)
    survey_response_rate = serializers.FloatField(
        allow_null=True,
        help_text="Win/loss surveys answered / sent (deals of these accounts, all time); null "
        "when none was sent.",
    )
    competitors = CompetitorSerializer(
        many=True,
        help_text="Competitors buyers named in answered surveys, most surveys first (top 10; "
        "all time).",
    )
    conversations_90d = serializers.IntegerField()
    pipeline_share = serializers.FloatField(allow_null=True)


class InsightResponseSerializer(serializers.Serializer):
    dimension = serializers.CharField()
    computed_at = serializers.DateTimeField(allow_null=True)
    stale = serializers.BooleanField()


class PeriodSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="`last4q` or a quarter such as `2026Q3`.")
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like a Field attribute (label/source); DRF moves it off the class
    first_day = serializers.DateField(help_text="The first close date counted.")
    last_day = serializers.DateField(help_text="The last close date counted.")
    quarters = serializers.ListField(child=serializers.CharField(), help_text="e.g. 2026-Q3.")


class SegmentsResponseSerializer(InsightResponseSerializer):
    period = PeriodSerializer(
        required=False, help_text="Only when `period` was asked for (and is not `all`)."
    )
    results = SegmentMetricsSerializer(many=True)


class FeatureDemandSerializer(serializers.Serializer):
    feature = serializers.IntegerField(help_text="The feature request's id.")
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=FeatureRequest.Status.choices)
    value = serializers.CharField()
    accounts = serializers.IntegerField(help_text="Distinct accounts that mentioned it.")
    revenue_weighted_demand = serializers.DecimalField(
        **MONEY, help_text="Amounts of the distinct open or won deals linked to its mentions."
    )
    lost_revenue = serializers.DecimalField(**MONEY)
    concentration = serializers.FloatField(
        allow_null=True, help_text="The largest single deal's share of the demand."
    )


class FeaturesResponseSerializer(InsightResponseSerializer):
    results = FeatureDemandSerializer(many=True, help_text="Per feature and value.")
    overall = FeatureDemandSerializer(many=True, help_text="Per feature, every account (`all`).")


class AssumptionSupportSerializer(serializers.Serializer):
    assumption = serializers.IntegerField(help_text="The assumption's id.")
    statement = serializers.CharField()
    area = serializers.CharField()
    value = serializers.CharField()
    supports = serializers.IntegerField()
    contradicts = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Assumption.Status.choices)


class AssumptionsResponseSerializer(InsightResponseSerializer):
    results = AssumptionSupportSerializer(many=True, help_text="Per assumption and value.")
    overall = AssumptionSupportSerializer(many=True, help_text="Per assumption, all evidence.")


class TrendPointSerializer(serializers.Serializer):
    value = serializers.CharField()
    quarter = serializers.CharField(help_text="Quarter of close_date, e.g. 2026-Q1.")
    won = serializers.IntegerField()
    lost = serializers.IntegerField()
    revenue_won = serializers.DecimalField(**MONEY)
    win_rate = serializers.FloatField(allow_null=True)


class TrendResponseSerializer(InsightResponseSerializer):
    results = TrendPointSerializer(many=True, help_text="Per value and quarter.")
    overall = TrendPointSerializer(many=True, help_text="Per quarter, every account (`all`).")


class DimensionSerializer(serializers.Serializer):
    dimension = serializers.CharField(help_text="What to pass as `?dimension=`.")
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like a Field attribute (label/source); DRF moves it off the class
    kind = serializers.ChoiceField(choices=["account", "segment"])


class DimensionsResponseSerializer(serializers.Serializer):
    results = DimensionSerializer(many=True)


# -- views ---------------------------------------------------------------------------------------


class InsightReadView(WorkspaceViewMixin, APIView):
    """GET ?dimension=D: one kind of figures of the published snapshot, for one dimension."""

    kind = InsightSnapshot.Kind.SEGMENTS
    with_overall = False

    def get(self, request):
        dimension = self._dimension(request.query_params.get("dimension", ""))
        snapshot = snapshot_published_get(
            workspace=self.workspace, kind=self.kind, dimension=dimension.key
        )
        body = {
            "dimension": dimension.key,
            "computed_at": snapshot.computed_at,
            "stale": snapshot.stale,
            "results": snapshot.payload.get("results", []),
        }
        if self.with_overall:
            body["overall"] = snapshot.payload.get("overall", [])
        return Response(body)

    def _dimension(self, key: str):
        key = key.strip()
        if not key:
            raise exceptions.ValidationError({"dimension": ["This query parameter is required."]})
        dimension = dimension_get(workspace=self.workspace, key=key[:100])
        if dimension is None:
            raise exceptions.ValidationError(
                {"dimension": [f"Unknown dimension '{key[:100]}'. {DIMENSIONS_HELP}"]}
            )
        return dimension


def _read_schema(summary: str, response) -> dict:
    return {
        "summary": summary,
        "description": READ_NOTE,
        "parameters": [DIMENSION_PARAMETER],
        "responses": {200: response},
        "tags": ["insights"],
    }


class SegmentInsightsView(InsightReadView):
    """Segment metrics of all time, or with the closed-deal figures of a stored period."""

    kind = InsightSnapshot.Kind.SEGMENTS

    @extend_schema(
        **{
            **_read_schema("Segment metrics per value", SegmentsResponseSerializer),
            "parameters": [DIMENSION_PARAMETER, PERIOD_PARAMETER],
        }
    )
    def get(self, request):
        requested = request.query_params.get("period", "")
        key = analytics.normalize_period_key(requested) or analytics.ALL_TIME
        if key == analytics.ALL_TIME:
            return super().get(request)
        dimension = self._dimension(request.query_params.get("dimension", ""))
        snapshot = snapshot_published_get(
            workspace=self.workspace, kind=self.kind, dimension=dimension.key
        )
        periods = {p["key"]: p for p in snapshot.payload.get("periods") or []}
        by_period = snapshot.payload.get("by_period") or {}
        if key not in periods or key not in by_period:
            known = ", ".join([analytics.ALL_TIME, *periods]) if periods else analytics.ALL_TIME
            raise exceptions.ValidationError(
                {"period": [f"Unknown period '{requested.strip()[:40]}'. One of: {known}."]}
            )
        return Response(
            {
                "dimension": dimension.key,
                "computed_at": snapshot.computed_at,
                "stale": snapshot.stale,
                "period": periods[key],
                "results": analytics.with_period(
                    snapshot.payload.get("results", []), by_period[key]
                ),
            }
        )


class FeatureInsightsView(InsightReadView):
    kind = InsightSnapshot.Kind.FEATURES
    with_overall = True

    @extend_schema(**_read_schema("Feature demand per value", FeaturesResponseSerializer))
    def get(self, request):
        return super().get(request)


class AssumptionInsightsView(InsightReadView):
    kind = InsightSnapshot.Kind.ASSUMPTIONS
    with_overall = True

    @extend_schema(**_read_schema("Assumption support per value", AssumptionsResponseSerializer))
    def get(self, request):
        return super().get(request)


class TrendInsightsView(InsightReadView):
    kind = InsightSnapshot.Kind.TREND
    with_overall = True

    @extend_schema(**_read_schema("Quarterly trend per value", TrendResponseSerializer))
    def get(self, request):
        return super().get(request)


class DimensionsView(WorkspaceViewMixin, APIView):
    @extend_schema(
        summary="The dimensions insights can be read by",
        description="The seven account dimensions, then the workspace's saved segments.",
        responses={200: DimensionsResponseSerializer},
        tags=["insights"],
    )
    def get(self, request):
        results = [
            {
                "dimension": d.key,
                "label": d.label,
                "kind": "segment" if d.is_segment else "account",
            }
            for d in dimension_list(workspace=self.workspace)
        ]
        return Response({"results": results})
