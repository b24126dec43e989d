from django import forms

from .documents import MAX_DOCUMENT_BYTES
from .models import Framework, version_validator


class FrameworkImportForm(forms.Form):
    document = forms.FileField(
        help_text="A framework document (JSON) as exported from this or another site.",
    )
    version = forms.CharField(
        max_length=20,
        required=False,
        validators=[version_validator],
        help_text="Import it as this version instead of the version in the document.",
    )
    replace = forms.BooleanField(
        required=False,
        help_text="Replace a version of the same number that no assessment uses yet.",
    )
    publish = forms.BooleanField(required=False, help_text="Publish it at once.")

    def clean_document(self):
        document = self.cleaned_data["document"]
        if document.size > MAX_DOCUMENT_BYTES:
            raise forms.ValidationError(
                f"The file is {document.size:,} bytes; at most {MAX_DOCUMENT_BYTES:,} allowed."
            )
        return document


class NewVersionForm(forms.Form):
    version = forms.CharField(max_length=20, validators=[version_validator])

    def __init__(self, *args, framework: Framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.framework = framework

    def clean_version(self):
        version = self.cleaned_data["version"]
        if Framework.objects.filter(slug=self.framework.slug, version=version).exists():
            raise forms.ValidationError(f"{self.framework.name} {version} exists already.")
        return version
