"""Input and output serializers of the supervision API (no business logic here)."""

from rest_framework import serializers

from govhall.core.serializers import KeyField, ModelSerializer
from govhall.supervision import selectors
from govhall.supervision.models import (
    Campaign,
    CampaignDocument,
    CampaignUnit,
    CensusEntry,
    CensusReport,
    Phase,
    Problem,
    ProblemCategory,
    ProblemEvent,
    ProblemEvidence,
)

# --- output ---------------------------------------------------------------------------------


class PhaseOut(ModelSerializer):
    kind = serializers.CharField(help_text="self_check / inspection / consolidation")
    name = serializers.CharField(source="get_kind_display")

    class Meta:
        model = Phase
        fields = ["id", "kind", "name", "ends_on", "description"]


class CategoryOut(ModelSerializer):
    class Meta:
        model = ProblemCategory
        fields = ["id", "key", "name", "description", "sort_order"]


class UnitOut(ModelSerializer):
    kind = serializers.CharField(help_text="department / town / hall")

    class Meta:
        model = CampaignUnit
        fields = ["id", "kind", "name", "department", "sort_order"]


class DocumentOut(ModelSerializer):
    class Meta:
        model = CampaignDocument
        fields = ["id", "title", "doc_number", "file", "uploaded_at"]


class CampaignOut(ModelSerializer):
    class Meta:
        model = Campaign
        fields = ["id", "title", "issuer", "issued_on", "summary", "census_due", "created_at"]


class CampaignDetailOut(CampaignOut):
    phases = PhaseOut(many=True)
    categories = CategoryOut(many=True)
    units = UnitOut(many=True)
    documents = DocumentOut(many=True)
    current_phase = serializers.CharField(allow_null=True)

    class Meta(CampaignOut.Meta):
        fields = [*CampaignOut.Meta.fields, "phases", "categories", "units", "documents",
                  "current_phase"]  # fmt: skip


class EvidenceOut(ModelSerializer):
    class Meta:
        model = ProblemEvidence
        fields = ["id", "title", "file", "uploaded_at"]


class EventOut(ModelSerializer):
    kind = serializers.CharField(
        help_text="created / updated / evidence / fixed / confirmed / reopened"
    )
    actor = serializers.CharField(source="actor.display_name", allow_null=True, default=None)

    class Meta:
        model = ProblemEvent
        fields = ["id", "kind", "actor", "at", "details"]


class ProblemOut(ModelSerializer):
    unit_name = serializers.CharField(source="unit.name")
    category_name = serializers.CharField(source="category.name")
    status = serializers.CharField(help_text="open / fixed / confirmed / reopened")
    found_by = serializers.CharField(
        help_text="self_check / inspection / public_report / guide_lint / overdue_cases / "
        "long_waits / zero_cases"
    )
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Problem
        fields = [
            "id",
            "campaign",
            "unit",
            "unit_name",
            "category",
            "category_name",
            "description",
            "found_by",
            "found_on",
            "source_key",
            "source_ref",
            "item",
            "measure",
            "owner",
            "deadline",
            "status",
            "fix_note",
            "fixed_at",
            "fixed_on",
            "confirmed_at",
            "overdue",
            "created_at",
        ]

    def get_overdue(self, obj: Problem) -> bool:
        return selectors.is_overdue(obj, self.context["on"])


class ProblemDetailOut(ProblemOut):
    evidence = EvidenceOut(many=True)
    events = EventOut(many=True)

    class Meta(ProblemOut.Meta):
        fields = [*ProblemOut.Meta.fields, "evidence", "events"]


class CensusEntryOut(ModelSerializer):
    kind = serializers.CharField(help_text="hall / window")

    class Meta:
        model = CensusEntry
        fields = ["kind", "name", "address", "windows", "items", "staff"]


class CensusReportOut(ModelSerializer):
    unit_name = serializers.CharField(source="unit.name")
    entries = CensusEntryOut(many=True)
    late = serializers.SerializerMethodField()

    class Meta:
        model = CensusReport
        fields = [
            "id",
            "unit",
            "unit_name",
            "zero_report",
            "signed_by_name",
            "contact_phone",
            "note",
            "first_filed_at",
            "filed_at",
            "late",
            "entries",
        ]

    def get_late(self, obj: CensusReport) -> bool:
        due = self.context.get("census_due")
        return due is not None and obj.first_filed_at > due


class CensusOut(serializers.Serializer):
    reports = CensusReportOut(many=True)
    missing = UnitOut(many=True)
    totals = serializers.DictField(child=serializers.IntegerField())


class UnitProgressOut(serializers.Serializer):
    unit_id = serializers.IntegerField()
    unit_name = serializers.CharField()
    unit_kind = serializers.CharField()
    found = serializers.IntegerField()
    fixed_on_time = serializers.IntegerField()
    fixed_late = serializers.IntegerField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    confirmed = serializers.IntegerField()
    census_filed = serializers.BooleanField()
    signer_name = serializers.CharField()
    signed_at = serializers.DateTimeField(allow_null=True)


class ProgressOut(serializers.Serializer):
    on = serializers.DateField()
    rows = UnitProgressOut(many=True)
    totals = serializers.DictField(child=serializers.IntegerField())


class PhaseStatusOut(serializers.Serializer):
    kind = serializers.CharField(source="phase.kind")
    name = serializers.CharField(source="phase.get_kind_display")
    ends_on = serializers.DateField(source="phase.ends_on")
    starts_after = serializers.DateField(allow_null=True)
    due = serializers.IntegerField()
    fixed_on_time = serializers.IntegerField()
    fixed_late = serializers.IntegerField()
    open_overdue = serializers.IntegerField()
    open_not_due = serializers.IntegerField()
    current = serializers.BooleanField()
    ended = serializers.BooleanField()


class SignOffOut(serializers.Serializer):
    id = serializers.IntegerField()
    unit = serializers.IntegerField(source="unit_id")
    signer_name = serializers.CharField()
    signed_at = serializers.DateTimeField()


class ImportOut(serializers.Serializer):
    created = serializers.IntegerField()
    created_ids = serializers.ListField(child=serializers.IntegerField())
    already_listed = serializers.IntegerField()
    outside_scope = serializers.ListField(child=serializers.CharField())


# --- input ----------------------------------------------------------------------------------


class PhaseEndsIn(serializers.Serializer):
    self_check = serializers.DateField(required=False)
    inspection = serializers.DateField(required=False)
    consolidation = serializers.DateField(required=False)


class CampaignCreateIn(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    issuer = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    issued_on = serializers.DateField(required=False, allow_null=True, default=None)
    summary = serializers.CharField(required=False, default="", allow_blank=True)
    census_due = serializers.DateTimeField(required=False, allow_null=True, default=None)
    phase_ends = PhaseEndsIn()
    department_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list
    )
    towns = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, default=list
    )
    halls = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, default=list
    )
    categories = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, allow_null=True, default=None
    )


class DocumentIn(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    doc_number = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    file = serializers.FileField()


class ProblemCreateIn(serializers.Serializer):
    unit = serializers.IntegerField(min_value=1)
    category = serializers.IntegerField(min_value=1)
    description = serializers.CharField()
    found_by = serializers.CharField(
        default=Problem.Source.SELF_CHECK,
        help_text="self_check(单位自查)/ inspection(督查)/ public_report(群众反映);"
        "由数据发现的问题请用“从数据生成”",
    )
    measure = serializers.CharField(required=False, default="", allow_blank=True)
    owner = serializers.CharField(max_length=50, required=False, default="", allow_blank=True)
    deadline = serializers.DateField(required=False, allow_null=True, default=None)


class ProblemUpdateIn(serializers.Serializer):
    description = serializers.CharField(required=False)
    category = serializers.IntegerField(min_value=1, required=False)
    measure = serializers.CharField(required=False, allow_blank=True)
    owner = serializers.CharField(max_length=50, required=False, allow_blank=True)
    deadline = serializers.DateField(required=False)


class FixIn(serializers.Serializer):
    fix_note = serializers.CharField()
    measure = serializers.CharField(required=False)


class ConfirmIn(serializers.Serializer):
    note = serializers.CharField(required=False, default="", allow_blank=True)


class ReopenIn(serializers.Serializer):
    reason = serializers.CharField()


class EvidenceIn(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    file = serializers.FileField()


class CensusEntryIn(serializers.Serializer):
    kind = serializers.CharField(
        max_length=16, default=CensusEntry.Kind.HALL, help_text="hall(服务大厅)/ window(服务窗口)"
    )
    name = serializers.CharField(max_length=100)
    address = serializers.CharField(max_length=200)
    windows = serializers.IntegerField(min_value=0, max_value=10000)
    items = serializers.IntegerField(min_value=0, max_value=100000)
    staff = serializers.IntegerField(min_value=0, max_value=100000)


class CensusIn(serializers.Serializer):
    unit = serializers.IntegerField(min_value=1)
    zero_report = serializers.BooleanField(default=False)
    signed_by_name = serializers.CharField(max_length=50)
    contact_phone = serializers.CharField(
        max_length=40, required=False, default="", allow_blank=True
    )
    note = serializers.CharField(required=False, default="", allow_blank=True)
    entries = CensusEntryIn(many=True, required=False, default=list)


class SignOffIn(serializers.Serializer):
    unit = serializers.IntegerField(min_value=1)
    signer_name = serializers.CharField(max_length=50, required=False, default="", allow_blank=True)
    note = serializers.CharField(required=False, default="", allow_blank=True)


class OnIn(serializers.Serializer):
    on = serializers.DateField(required=False)


class ImportIn(serializers.Serializer):
    on = serializers.DateField(required=False, help_text="超期办件的统计日期(默认今天)")
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)


class ProblemFilterIn(serializers.Serializer):
    unit = KeyField(min_value=1, required=False)
    status = serializers.ChoiceField(choices=Problem.Status.choices, required=False)
    category = KeyField(min_value=1, required=False)
    found_by = serializers.ChoiceField(choices=Problem.Source.choices, required=False)
