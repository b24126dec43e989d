"""The API's reads: the teams, assessments and results a signed-in user may see, by the one
access rule (`visible_to`, `get_team_for`, `get_assessment_for`), and a submitted
assessment's result as the very document of its JSON download (exports.result_json).

A team token reaches only its own team's delivery endpoints (permissions.team_for), so
these answer it 403. Another team's data is "not found", as on the pages."""

import re

from django.db.models.functions import Lower
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from assessments.exports import result_json_of
from assessments.models import Assessment, Team
from assessments.selectors import (
    get_assessment_for,
    get_submitted_for,
    get_team_for,
)
from frameworks.params import id_param

from .permissions import SignedIn

# Only the session may read: the schema names no other way in.
SESSION_ONLY = [{"cookieAuth": []}]
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,60}")
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


class ReadPagination(PageNumberPagination):
    """Pages of 50 rows (`?page_size=` up to 200). A page number that cannot be one is
    refused (400); one past the last page is not found (404)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param, "1")
        number = id_param(raw)
        if number is None:
            raise ValidationError({self.page_query_param: "A page number: 1, 2, 3 and so on."})
        return number


def _slug_param(request, name: str) -> str | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    if not SLUG.fullmatch(raw):
        raise ValidationError({name: "A slug: letters, digits, hyphens and underscores."})
    return raw


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


class TeamSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    url = serializers.HyperlinkedIdentityField(
        view_name="api-team", lookup_field="slug", lookup_url_kwarg="slug"
    )


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


class ReadView:
    """Reads only (GET, HEAD, OPTIONS), for a signed-in session."""

    permission_classes = [SignedIn]
    http_method_names = ["get", "head", "options"]


@extend_schema(auth=SESSION_ONLY)
class TeamListView(ReadView, generics.ListAPIView):
    """The teams the user may read, by name."""

    serializer_class = TeamSerializer
    pagination_class = ReadPagination

    def get_queryset(self):
        teams = Team.objects.visible_to(self.request.user).only("slug", "name")
        return teams.order_by(Lower("name"), "pk")


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
        team = _slug_param(self.request, "team")
        if team is not None:
            assessments = assessments.filter(team__slug=team)
        framework = _slug_param(self.request, "framework")
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
