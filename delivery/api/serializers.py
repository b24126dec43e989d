"""What the API takes in: deployments (with the changes they shipped) and incidents, each
checked in full; timestamps must carry Z or an offset."""

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework import serializers

from ..metrics import out_of_range
from ..models import Deployment

MAX_CHANGES_PER_DEPLOYMENT = 1000
MAX_CHANGES_PER_REQUEST = 5000


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 timestamp with Z or an offset (a local time would be ambiguous), that
    exists (no 13th month, no 30 February, no hour 24) and lies in the accepted range."""

    def to_internal_value(self, value):
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:
                raise serializers.ValidationError(
                    f"{value.strip()[:40]!r} is no date and time that exists."
                ) from None
            if parsed is not None and parsed.tzinfo is None:
                raise serializers.ValidationError(
                    "Needs a time zone: Z or an offset such as +01:00."
                )
            if parsed is not None and (problem := out_of_range(parsed, timezone.now().date())):
                raise serializers.ValidationError(f"{value.strip()[:40]!r} {problem}.")
        return super().to_internal_value(value)


class ChangeSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=200)
    committed_at = AwareDateTimeField()


class DeploymentSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=200)
    service = serializers.CharField(max_length=200)
    environment = serializers.CharField(max_length=100)
    finished_at = AwareDateTimeField()
    status = serializers.ChoiceField(choices=Deployment.Status.values)
    rework = serializers.BooleanField(default=False)
    commit = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default=None,
        help_text="The commit it deployed: the next report's CI script reads it back "
        "(GET …/deployments/latest/) to send every commit since. Left out: as stored.",
    )
    changes = ChangeSerializer(
        many=True, required=False, default=list, max_length=MAX_CHANGES_PER_DEPLOYMENT
    )

    def validate_changes(self, changes):
        seen, twice = set(), []
        for change in changes:
            if change["id"] in seen:
                twice.append(change["id"])
            seen.add(change["id"])
        if twice:
            named = ", ".join(f"“{i}”" for i in dict.fromkeys(twice))
            raise serializers.ValidationError(f"Change ids sent twice in this deployment: {named}.")
        return changes


class IncidentSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=200)
    opened_at = AwareDateTimeField()
    resolved_at = AwareDateTimeField(required=False, allow_null=True, default=None)
    deployment_id = serializers.CharField(
        max_length=200, required=False, allow_blank=True, allow_null=True, default=""
    )
    service = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default=None,
        help_text="The service it struck: linking by time looks for that service's deployments.",
    )

    def validate(self, data):
        if data["resolved_at"] is not None and data["resolved_at"] < data["opened_at"]:
            raise serializers.ValidationError({"resolved_at": "Is before opened_at."})
        data["deployment_id"] = data["deployment_id"] or ""
        return data


class MetricsSerializer(serializers.Serializer):
    """The measured key metrics of a window (see delivery/metrics.py for the definitions)."""

    team = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    measured_from = serializers.DateField(
        allow_null=True,
        help_text="The first day counted: start, or the team's first production deployment "
        "if later; null when it had none by the end (then every value is null).",
    )
    measured_days = serializers.IntegerField(
        help_text="Days from measured_from to end: what the frequency is over."
    )
    deployments = serializers.IntegerField(
        help_text="Production deployments finished in the window, whatever their status."
    )
    successful_deployments = serializers.IntegerField(
        help_text="Of those, the successful ones: what the frequency counts."
    )
    deployment_frequency_per_week = serializers.FloatField(allow_null=True)
    deployment_days = serializers.IntegerField(
        help_text="UTC days with at least one successful production deployment."
    )
    deployment_days_per_week = serializers.FloatField(allow_null=True)
    lead_time_hours_median = serializers.FloatField(allow_null=True)
    changes_measured = serializers.IntegerField()
    changes_left_out = serializers.IntegerField(
        help_text="Changes shipped in the window with a lead time of zero or less (a clock "
        "or import error): left out."
    )
    changes_shipped_later = serializers.IntegerField(
        help_text="Of the changes measured, those shipped by the next successful production "
        "deployment of the service after the failed or non-production one they name."
    )
    change_failure_rate = serializers.FloatField(allow_null=True)
    failed_deployments = serializers.IntegerField()
    failed_by_status = serializers.IntegerField(
        help_text="Of the failed deployments, those with a failed status; the rest were "
        "named by an incident."
    )
    recovery_time_hours_median = serializers.FloatField(allow_null=True)
    incidents_resolved = serializers.IntegerField()
    incidents_unlinked = serializers.IntegerField(
        help_text="Of the incidents resolved in the window, those naming no deployment: "
        "they fail none."
    )
    incidents_linked_by_time = serializers.IntegerField(
        help_text="Of the incidents resolved in the window, those the team's rule linked by time."
    )
    failed_deployment_recovery_hours_median = serializers.FloatField(
        allow_null=True,
        help_text="Median hours from a failed deployment to the end of its failure.",
    )
    failures_recovered = serializers.IntegerField(
        help_text="The failed deployments whose failure has ended (the sample of the median)."
    )
    rework_rate = serializers.FloatField(allow_null=True)
    other_environments = serializers.ListField(
        child=serializers.DictField(),
        help_text="Deployments in the window outside the team's production environments, "
        "[{environment, deployments}], most first: counted in no metric.",
    )
    rules_version = serializers.IntegerField(help_text="The version of the rules that counted.")
    levels = serializers.DictField(child=serializers.CharField(allow_null=True))
    scores = serializers.DictField(child=serializers.IntegerField(allow_null=True))
    levels_from = serializers.CharField(
        allow_null=True, help_text="The framework whose headline guidance gives the levels."
    )


class LatestDeploymentSerializer(serializers.Serializer):
    id = serializers.CharField()
    service = serializers.CharField()
    environment = serializers.CharField()
    finished_at = serializers.DateTimeField()
    commit = serializers.CharField(help_text="Empty when the report did not name it.")
