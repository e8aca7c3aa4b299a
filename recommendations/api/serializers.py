"""JSON shapes of the read API, exactly as API.md names them (extend, never rename)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from recommendations.content import guideline_slugs_in_fixtures

from ..models import (
    RECOMMENDATION_HEADING_FIELDS,
    Direction,
    Guideline,
    Recommendation,
    RedFlag,
    Strength,
)
from ..provenance import StrengthBasis, TextKind, provenance_api


class VerifiedSerializer(serializers.Serializer):
    by = serializers.CharField()
    on = serializers.DateField()


class ProvenanceSerializer(serializers.Serializer):
    """API.md `provenance`: what the title and rationale are, where the grade comes from."""

    title = serializers.ChoiceField(choices=TextKind.choices())
    rationale = serializers.ChoiceField(choices=TextKind.choices())
    strength = serializers.ChoiceField(choices=StrengthBasis.choices())
    verified = VerifiedSerializer(allow_null=True)


class RecommendationSerializer(serializers.ModelSerializer):
    guideline = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    certainty = serializers.SerializerMethodField()
    label = serializers.CharField(read_only=True, help_text="Dansk styrketekst")
    symbol = serializers.CharField(read_only=True)
    url = serializers.SerializerMethodField()
    trace = serializers.SerializerMethodField(
        help_text="Intern sporbarhed (kildefil, beslutninger); ikke en citérbar kilde"
    )
    provenance = serializers.SerializerMethodField()
    provenance_text = serializers.CharField(
        source="provenance_line", read_only=True, help_text="Oprindelsen i læserens ord"
    )

    class Meta:
        model = Recommendation
        fields = [
            *RECOMMENDATION_HEADING_FIELDS,
            "label",
            "symbol",
            "rationale",
            "update_note",
            "source",
            "version",
            "updated_at",
            "url",
            "certainty_note",
            "strength_source",
            "source_ref",
            "trace",
            "provenance",
            "provenance_text",
        ]

    @extend_schema_field(ProvenanceSerializer)
    def get_provenance(self, rec: Recommendation) -> dict:
        return provenance_api(rec.provenance, rec.verified)

    def get_certainty(self, rec: Recommendation) -> str | None:
        return rec.certainty or None

    def get_trace(self, rec: Recommendation) -> str:
        return rec.extra.get("trace", "")

    def get_url(self, rec: Recommendation) -> str:
        return self.context["request"].build_absolute_uri(rec.get_absolute_url())


class GuidelineSerializer(serializers.ModelSerializer):
    recommendation_count = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Guideline
        fields = [
            "slug",
            "title",
            "short_title",
            "population",
            "source",
            "recommendation_count",
            "url",
            "population_summary",
            "population_source",
            "source_short",
            "source_ref",
            "trace",
        ]

    def get_url(self, guideline: Guideline) -> str:
        return self.context["request"].build_absolute_uri(guideline.get_absolute_url())


class GuidelineDetailSerializer(GuidelineSerializer):
    recommendations = RecommendationSerializer(many=True, read_only=True)
    note = serializers.CharField(read_only=True)

    class Meta(GuidelineSerializer.Meta):
        fields = [*GuidelineSerializer.Meta.fields, "note", "recommendations"]


class RedFlagSerializer(serializers.ModelSerializer):
    categories = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = RedFlag
        fields = ["code", "label", "categories", "level"]


Q_MAX_LENGTH = 200


def _choice_field(choices) -> serializers.ChoiceField:
    # DRF's default ('"STRONG" is not a valid choice.') does not say what is allowed.
    allowed = ", ".join(value for value, _label in choices)
    return serializers.ChoiceField(
        choices=choices,
        required=False,
        allow_blank=True,
        error_messages={"invalid_choice": f"Ukendt værdi {{input!r}}. Tilladt: {allowed}."},
    )


# The empty value (allow_blank) is documented beside it by drf-spectacular.
@extend_schema_field({"type": "string", "enum": guideline_slugs_in_fixtures()})
class GuidelineSlugFilterField(serializers.SlugField):
    """A guideline's slug; the document lists them (guidelines come only from fixtures/)."""


class RecommendationFilterSerializer(serializers.Serializer):
    """Query parameters of the recommendation list; bad values are a 400, never ignored."""

    guideline = GuidelineSlugFilterField(required=False, allow_blank=True)
    strength = _choice_field(Strength.choices)
    direction = _choice_field(Direction.choices)
    q = serializers.CharField(required=False, allow_blank=True, max_length=Q_MAX_LENGTH)

    def to_internal_value(self, data):
        # A repeated parameter (?guideline=a&guideline=b) would silently keep only the last.
        if hasattr(data, "getlist"):
            repeated = {
                name: [f"Angiv højst én værdi; fik {len(data.getlist(name))}."]
                for name in self.fields
                if len(data.getlist(name)) > 1
            }
            if repeated:
                raise serializers.ValidationError(repeated)
        return super().to_internal_value(data)

    def validate_guideline(self, value: str) -> str:
        known = self.context["guideline_slugs"]
        if value and value not in known:
            raise serializers.ValidationError(
                f"Ukendt retningslinje {value!r}. Tilladt: {', '.join(known)}."
            )
        return value
