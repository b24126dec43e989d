"""The API's reads of assessments: the assessments and results a signed-in user may see, by
the one access rule (`visible_to`, `get_team_for`, `get_assessment_for`), a team with its
assessments, and a submitted assessment's result as the very document of its JSON download
(exports.result_json).

A team token reaches only its own team's delivery endpoints (teams.api.permissions), so
these answer it 403. Another team's data is "not found", as on the pages."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from frameworks.params import id_param
from teams.api.reads import SESSION_ONLY, ReadPagination, ReadView, TeamSerializer, slug_param
from teams.selectors import get_team_for

from ..exports import result_json_of
from ..models import Assessment
from ..selectors import get_assessment_for, get_submitted_for

# What a list of assessments reads: never the stored result, which only /results/ sends.
SUMMARY_FIELDS = (
    "pk",
    "team",
    "title",
    "status",
    "created_at",
    "updated_at",
    "submitted_at",
    "overall_percent",
    "maturity_level",
    "delivery_performance",
    "framework__slug",
    "framework__version",
    "framework__name",
)


def _assessment_id(pk) -> int:
    """The path's id, if a database id could be it: a larger number is not found either."""
    number = id_param(pk)
    if number is None:
        raise Http404("No such assessment.")
    return number


# What the reads answer -------------------------------------------------------------------


class FrameworkRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    version = serializers.CharField()
    name = serializers.CharField()


class AssessmentSerializer(serializers.Serializer):
    """An assessment, a draft or submitted: its score, maturity level and delivery
    performance once submitted (null for a draft), and where its result is."""

    id = serializers.IntegerField(source="pk")
    url = serializers.HyperlinkedIdentityField(view_name="api-assessment")
    title = serializers.CharField()
    team = TeamSerializer()
    framework = FrameworkRefSerializer()
    status = serializers.ChoiceField(choices=Assessment.Status.choices)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    answered_count = serializers.IntegerField(help_text="Questions scored or not applicable.")
    overall_percent = serializers.FloatField(allow_null=True)
    maturity_level = serializers.SerializerMethodField()
    delivery_performance = serializers.SerializerMethodField()
    results_url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_maturity_level(self, assessment):
        return assessment.maturity_level or None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_delivery_performance(self, assessment):
        return assessment.delivery_performance or None

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_results_url(self, assessment):
        if not assessment.is_submitted:
            return None
        return reverse("api-results", args=[assessment.pk], request=self.context["request"])


class TeamDetailSerializer(TeamSerializer):
    assessments = AssessmentSerializer(many=True, source="assessment_rows")


class ResultDocumentSerializer(serializers.Serializer):
    """The JSON download of a submitted assessment's result, as it is (its own
    `format_version`); see assessments/exports.py."""

    format_version = serializers.IntegerField()
    framework = serializers.DictField()
    team = serializers.CharField()
    title = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    submitted_by = serializers.CharField(allow_null=True)
    overall_percent = serializers.FloatField()
    maturity_level = serializers.DictField(allow_null=True)
    delivery_performance = serializers.DictField(allow_null=True)
    coverage = serializers.DictField()
    domains = serializers.ListField(child=serializers.DictField())
    metrics = serializers.ListField(child=serializers.DictField())
    answers = serializers.ListField(child=serializers.DictField())
    measured = serializers.DictField(
        allow_null=True,
        help_text="The team's delivery data for the 91 days up to submission, beside its "
        "answers (null for a framework without key metrics or a team that sends none).",
    )
    recommendations = serializers.ListField(child=serializers.DictField())


# The views -------------------------------------------------------------------------------


@extend_schema(auth=SESSION_ONLY)
class TeamDetailView(ReadView, generics.RetrieveAPIView):
    """The team, with all its assessments (drafts too), the newest first."""

    serializer_class = TeamDetailSerializer

    def get_object(self):
        team = get_team_for(self.request.user, self.kwargs["slug"])
        # The rows know their team already (the related manager sets it on each).
        team.assessment_rows = list(
            team.assessments.select_related("framework")
            .only(*SUMMARY_FIELDS)
            .with_answered_count()
            .order_by("-pk")
        )
        return team


@extend_schema(
    auth=SESSION_ONLY,
    parameters=[
        OpenApiParameter("team", OpenApiTypes.STR, description="Only this team's (its slug)."),
        OpenApiParameter(
            "framework", OpenApiTypes.STR, description="Only this framework's (its slug)."
        ),
    ],
)
class AssessmentListView(ReadView, generics.ListAPIView):
    """The assessments the user may read (drafts too), the newest first."""

    serializer_class = AssessmentSerializer
    pagination_class = ReadPagination

    def get_queryset(self):
        assessments = (
            Assessment.objects.visible_to(self.request.user)
            .select_related("team", "framework")
            .only(*SUMMARY_FIELDS, "team__slug", "team__name")
            .with_answered_count()
            .order_by("-pk")
        )
        team = slug_param(self.request, "team")
        if team is not None:
            assessments = assessments.filter(team__slug=team)
        framework = slug_param(self.request, "framework")
        if framework is not None:
            assessments = assessments.filter(framework__slug=framework)
        return assessments


@extend_schema(auth=SESSION_ONLY)
class AssessmentDetailView(ReadView, generics.RetrieveAPIView):
    """The assessment (a draft or submitted)."""

    serializer_class = AssessmentSerializer

    def get_object(self):
        pk = _assessment_id(self.kwargs["pk"])
        assessment = get_assessment_for(self.request.user, pk, submitter=False)
        assessment.answered_count = assessment.answers.answered().count()
        return assessment


class ResultsView(ReadView, APIView):
    @extend_schema(
        auth=SESSION_ONLY,
        responses={
            200: ResultDocumentSerializer,
            404: OpenApiResponse(description="No such assessment, or a draft: no result yet."),
        },
    )
    def get(self, request, pk):
        """The submitted assessment's result: the same document as its JSON download. A
        draft has no result yet (404, as the download)."""
        return Response(result_json_of(get_submitted_for(request.user, _assessment_id(pk))))
