"""The API of a team's improvement actions: whoever may read the team reads them; its members
make and move them, by a signed-in session (a team token reaches only delivery data: 403).
The rules are assessments/improvements.py's, as on the pages; another team is "not found"."""

from django.contrib.auth import get_user_model
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from delivery.metrics import out_of_range
from frameworks.key_metrics import CODES
from frameworks.models import Question
from frameworks.params import MAX_ID, id_param
from teams.api.permissions import SignedIn
from teams.api.reads import SESSION_ONLY, ReadPagination
from teams.selectors import get_team_for

from ..improvements import (
    ActionRefused,
    action_create,
    action_move,
    frameworks_for_actions,
    verdict,
)
from ..models import Action


class ActionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", read_only=True)
    title = serializers.CharField(max_length=200)
    plan = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    framework = serializers.SerializerMethodField()
    questions = serializers.SerializerMethodField()
    key_metric = serializers.CharField(allow_blank=True)
    owner = serializers.SerializerMethodField()
    due = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=Action.Status.choices)
    dropped_reason = serializers.CharField()
    link = serializers.CharField()
    baseline = serializers.JSONField()
    verdict = serializers.JSONField(help_text="As confirmed when the action was verified.")
    created_at = serializers.DateTimeField()
    done_at = serializers.DateTimeField(allow_null=True)

    def get_framework(self, action) -> dict:
        f = action.framework
        return {"slug": f.slug, "version": f.version, "name": f.name}

    def get_questions(self, action) -> list[dict]:
        return [{"id": q.pk, "topic": q.topic} for q in action.questions.all()]

    def get_owner(self, action) -> str | None:
        return action.owner.get_username() if action.owner else None


class ActionInputSerializer(serializers.Serializer):
    """A new action: its framework by slug and version, its questions by id."""

    title = serializers.CharField(max_length=200)
    plan = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    framework = serializers.CharField(max_length=60)
    version = serializers.CharField(max_length=20)
    questions = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), min_length=1, max_length=100
    )
    key_metric = serializers.ChoiceField(
        choices=[("", "none"), *((c, c) for c in CODES)], required=False, default=""
    )
    owner = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    due = serializers.DateField(required=False, allow_null=True, default=None)
    link = serializers.URLField(max_length=500, required=False, allow_blank=True, default="")

    def validate_due(self, due):
        if due is not None and (problem := out_of_range(due, timezone.now().date())):
            raise serializers.ValidationError(f"{due.isoformat()} {problem}.")
        return due


class MoveSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Action.Status.choices)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


def _actions(team):
    return (
        Action.objects.filter(team=team)
        .select_related("framework", "owner")
        .prefetch_related("questions")
        .order_by("-created_at", "-pk")
    )


def _writable(request, slug):
    team = get_team_for(request.user, slug)
    if not team.user_may_change:
        raise PermissionDenied(f"Only members of {team} can make and move its actions.")
    return team


@extend_schema(auth=SESSION_ONLY)
class ActionListView(generics.ListAPIView):
    """The team's improvement actions, newest first (GET); a member makes one (POST)."""

    permission_classes = [SignedIn]
    serializer_class = ActionSerializer
    pagination_class = ReadPagination

    def get_queryset(self):
        return _actions(get_team_for(self.request.user, self.kwargs["slug"]))

    @extend_schema(request=ActionInputSerializer, responses={201: ActionSerializer})
    def post(self, request, slug):
        team = _writable(request, slug)
        data = ActionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        framework = (
            frameworks_for_actions(team)
            .filter(slug=fields["framework"], version=fields["version"])
            .first()
        )
        if framework is None:
            raise ValidationError({"framework": "No such framework and version."})
        questions = list(
            Question.objects.filter(pk__in=fields["questions"]).select_related("gate__domain")
        )
        missing = set(fields["questions"]) - {q.pk for q in questions}
        if missing:
            raise ValidationError({"questions": f"No such questions: {sorted(missing)}."})
        owner = None
        if fields["owner"]:
            owner = get_user_model().objects.filter(username=fields["owner"]).first()
            if owner is None:
                raise ValidationError({"owner": "No such user."})
        try:
            action = action_create(
                team=team,
                user=request.user,
                framework=framework,
                questions=questions,
                title=fields["title"],
                plan=fields["plan"],
                key_metric=fields["key_metric"],
                owner=owner,
                due=fields["due"],
                link=fields["link"],
            )
        except ActionRefused as refused:
            raise ValidationError(refused.errors) from None
        return Response(ActionSerializer(_actions(team).get(pk=action.pk)).data, status=201)


def _action(request, slug, pk) -> tuple:
    team = get_team_for(request.user, slug)
    number = id_param(pk)
    action = _actions(team).filter(pk=number).first() if number is not None else None
    if action is None:
        raise Http404("No such action of this team.")
    return team, action


@extend_schema(auth=SESSION_ONLY)
class ActionDetailView(APIView):
    permission_classes = [SignedIn]

    @extend_schema(responses=ActionSerializer)
    def get(self, request, slug, pk):
        """One action, with its history and its verdict as it stands today."""
        _, action = _action(request, slug, pk)
        found = verdict(action, timezone.now().date())
        if found is not None:
            found = {
                "state": found["state"],
                "words": found["words"],
                "result": found["result"].pk if found.get("result") else None,
            }
        return Response(
            ActionSerializer(action).data
            | {
                "verdict_today": found,
                "history": [
                    {
                        "status": event.status,
                        "by": event.by.get_username() if event.by else None,
                        "at": event.at,
                        "note": event.note,
                    }
                    for event in action.events.select_related("by")
                ],
            }
        )


@extend_schema(auth=SESSION_ONLY)
class ActionMoveView(APIView):
    permission_classes = [SignedIn]

    @extend_schema(request=MoveSerializer, responses={200: ActionSerializer})
    def post(self, request, slug, pk):
        """Move an action to another status (a member): the same rules as the page."""
        _writable(request, slug)
        team, action = _action(request, slug, pk)
        data = MoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            action_move(action=action, user=request.user, **data.validated_data)
        except ActionRefused as refused:
            raise ValidationError(refused.errors) from None
        return Response(
            ActionSerializer(_actions(team).get(pk=action.pk)).data, status=status.HTTP_200_OK
        )
