from django.contrib import admin

from frameworks.admin import FrameworkFilter
from teams.admin import TeamFilter

from .models import Answer, Assessment
from .services import assessment_delete


class AnswerInline(admin.TabularInline):
    model = Answer
    fields = [
        "question",
        "score",
        "not_applicable",
        "not_applicable_reason",
        "notes",
        "updated_by",
        "updated_at",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("question__gate__domain__framework", "updated_by")
        )


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    """Staff may look at assessments; answers change only through the team's pages."""

    list_display = [
        "title",
        "team",
        "framework",
        "status",
        "overall_percent",
        "maturity_level",
        "updated_at",
    ]
    list_filter = ["status", FrameworkFilter, TeamFilter]
    list_select_related = ["team", "framework"]
    search_fields = ["title", "team__name"]
    readonly_fields = [
        "team",
        "framework",
        "status",
        "created_by",
        "created_at",
        "updated_at",
        "submitted_by",
        "submitted_at",
        "overall_percent",
        "maturity_level",
        "maturity_level_number",
        "result",
    ]
    fields = ["title", *readonly_fields]
    inlines = [AnswerInline]

    def delete_model(self, request, obj):
        assessment_delete(assessment=obj)

    def delete_queryset(self, request, queryset):
        for assessment in queryset:
            assessment_delete(assessment=assessment)
