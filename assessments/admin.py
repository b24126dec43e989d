from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from .models import Answer, Assessment, Membership, Team
from .services import assessment_delete


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "member_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]

    @admin.display(description="members")
    def member_count(self, obj):
        return obj.memberships.count()


class UserMembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    verbose_name = "team membership"
    verbose_name_plural = "team memberships"


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class UserWithTeamsAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, UserMembershipInline]


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
    list_filter = ["status", "framework", "team"]
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
