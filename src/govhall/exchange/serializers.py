"""Input and output shapes of the exchange API (the receiver parses its envelope itself, with
`govhall.exchange.mapping`; these serializers describe it for the OpenAPI schema)."""

from rest_framework import serializers

from govhall.core.models import OutboxEvent
from govhall.core.serializers import KeyField, ModelSerializer
from govhall.exchange.mapping import CASE_ITEMS, RATING_ITEMS
from govhall.exchange.models import RemoteCenter
from govhall.exchange.selectors import RANKING_FIGURES, event_age_seconds


class SenderSerializer(serializers.Serializer):
    region_code = serializers.CharField()
    name = serializers.CharField()


class PushEventSerializer(serializers.Serializer):
    idempotency_key = serializers.UUIDField()
    sequence = serializers.IntegerField(min_value=0)
    stream = serializers.CharField(help_text="case:<办件编号> | rating:<评价编号>")
    kind = serializers.CharField(help_text="case.<事件> | rating.<事件>")
    occurred_at = serializers.DateTimeField()
    data = serializers.DictField(
        help_text="case: "
        + ", ".join(i.name for i in CASE_ITEMS)
        + "; rating: "
        + ", ".join(i.name for i in RATING_ITEMS)
    )


class PushEnvelopeSerializer(serializers.Serializer):
    protocol = serializers.CharField()
    sender = SenderSerializer()
    sent_at = serializers.DateTimeField()
    events = PushEventSerializer(many=True)


class EventAnswerSerializer(serializers.Serializer):
    idempotency_key = serializers.CharField()
    status = serializers.ChoiceField(choices=["stored", "duplicate", "rejected"])
    code = serializers.CharField(required=False)
    message = serializers.CharField(required=False)
    detail = serializers.JSONField(required=False)


class PushAnswerSerializer(serializers.Serializer):
    stored = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    rejected = serializers.IntegerField()
    results = EventAnswerSerializer(many=True)


class PendingEventSerializer(ModelSerializer):
    age_seconds = serializers.SerializerMethodField()

    class Meta:
        model = OutboxEvent
        fields = [
            "id",
            "idempotency_key",
            "stream",
            "kind",
            "status",
            "attempts",
            "created_at",
            "next_attempt_at",
            "last_error",
            "age_seconds",
        ]

    def get_age_seconds(self, obj: OutboxEvent) -> float:
        return round(event_age_seconds(obj, self.context["now"]), 1)


class KindCountsSerializer(serializers.Serializer):
    kind = serializers.CharField()
    local = serializers.IntegerField()
    acked = serializers.IntegerField()
    pending = serializers.IntegerField()
    dead = serializers.IntegerField()
    unacked = serializers.IntegerField()


class ReconciliationSerializer(serializers.Serializer):
    center_id = serializers.IntegerField()
    start = serializers.DateField()
    end = serializers.DateField()
    kinds = KindCountsSerializer(many=True)
    total = KindCountsSerializer()
    unacked_total = serializers.IntegerField()
    dead_total = serializers.IntegerField()
    oldest_unacked_at = serializers.DateTimeField(allow_null=True)
    lag_seconds = serializers.FloatField()
    threshold_seconds = serializers.IntegerField()
    alert = serializers.BooleanField()


class RedriveInputSerializer(serializers.Serializer):
    ids = serializers.ListField(child=KeyField(), required=False, max_length=10000)
    all = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs: dict) -> dict:
        if not attrs.get("all") and not attrs.get("ids"):
            raise serializers.ValidationError("ids or all")
        return attrs


class RedriveOutputSerializer(serializers.Serializer):
    redriven = serializers.IntegerField()


class RemoteCenterSerializer(ModelSerializer):
    class Meta:
        model = RemoteCenter
        fields = ["id", "name", "region_code"]


class RankedCenterSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    remote = RemoteCenterSerializer()
    figures = serializers.DictField(
        help_text=", ".join(RANKING_FIGURES), child=serializers.FloatField(allow_null=True)
    )
