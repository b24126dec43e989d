from django import forms

from teams.models import MAX_INCIDENT_LINK_HOURS, Team

from .models import Deployment

MAX_ENVIRONMENT = Deployment._meta.get_field("environment").max_length
MAX_NAMES = Team._meta.get_field("production_environments").max_length


class DeliveryUploadForm(forms.Form):
    deployments = forms.FileField(
        required=False, help_text="id,service,environment,finished_at,status,rework"
    )
    changes = forms.FileField(required=False, help_text="id,committed_at,deployment_id")
    incidents = forms.FileField(required=False, help_text="id,opened_at,resolved_at,deployment_id")

    problems: list[str] = []

    def clean(self):
        data = super().clean()
        if not any(data.get(name) for name in ("deployments", "changes", "incidents")):
            raise forms.ValidationError("Choose at least one file to send.")
        return data


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        strip=True,
        help_text="What will use it, such as “GitHub Actions” or “GitLab deploy job”.",
    )


class MeasuringRulesForm(forms.Form):
    """How a team's data is measured (Team.production_environments, incident_link_hours)."""

    production_environments = forms.CharField(
        label="Production environments",
        max_length=300,
        strip=True,
        help_text="The environment names that count as production, separated by commas; "
        "matched in any case. Deployments elsewhere are kept but counted in no metric.",
    )
    incident_link_hours = forms.IntegerField(
        label="Link incidents by time (hours)",
        required=False,
        min_value=1,
        max_value=MAX_INCIDENT_LINK_HOURS,
        help_text="An incident that names no deployment is linked to the last successful "
        "production deployment (of its service, when it names one) that finished at most "
        f"this many hours before it opened; 1 to {MAX_INCIDENT_LINK_HOURS}. Empty: off.",
    )

    def clean_production_environments(self):
        text = self.cleaned_data["production_environments"]
        names = [name.strip() for name in text.split(",")]
        if not any(names):
            raise forms.ValidationError("Name at least one environment, such as production.")
        if too_long := [name for name in names if len(name) > MAX_ENVIRONMENT]:
            raise forms.ValidationError(
                f"“{too_long[0][:40]}…” is longer than {MAX_ENVIRONMENT} characters, the "
                "longest an environment may be."
            )
        joined = ", ".join(name for name in names if name)
        if len(joined) > MAX_NAMES:
            raise forms.ValidationError(
                f"The names take {len(joined)} characters written as “a, b”; at most {MAX_NAMES}."
            )
        return joined
