from django import forms


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
