from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from frameworks.admin import filter_by_id

from .models import Membership, Team, TeamToken
from .services import memberships_end


class EndsMemberships:
    """For an admin whose inline edits memberships: tokens made by a member who leaves the
    team are revoked in the same save (services.memberships_end)."""

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        pairs = {(m.team_id, m.user_id) for m in formset.queryset.all()}
        super().save_formset(request, form, formset, change)
        revoked = memberships_end(ended=pairs)
        if revoked:
            self.message_user(
                request,
                f"{revoked} API token{'s' if revoked > 1 else ''} made by members who left "
                "revoked.",
            )


class TeamFilter(admin.SimpleListFilter):
    """Rows of one team, by its id; anything that is no id shows no rows."""

    title = "team"
    parameter_name = "team"

    def lookups(self, request, model_admin):
        return list(Team.objects.order_by("name").values_list("pk", "name"))

    def queryset(self, request, queryset):
        return filter_by_id(queryset, "team", self.value())


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(EndsMemberships, admin.ModelAdmin):
    list_display = ["name", "slug", "member_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]
    # Changing them rewrites the team's stored delivery data (which deployments count, which
    # changes they ship), which the team's delivery page does; here they are read only.
    readonly_fields = ["production_environments", "incident_link_hours"]

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
class UserWithTeamsAdmin(EndsMemberships, UserAdmin):
    inlines = [*UserAdmin.inlines, UserMembershipInline]


@admin.register(TeamToken)
class TeamTokenAdmin(admin.ModelAdmin):
    """Tokens are made with `manage.py create_team_token` (the key is shown once); here
    staff see them and revoke them by setting "revoked at"."""

    list_display = [
        "name",
        "team",
        "prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
        "revoked_because",
    ]
    list_select_related = ["team"]
    readonly_fields = [
        "team",
        "name",
        "prefix",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_because",
    ]
    fields = [*readonly_fields, "revoked_at"]

    def has_add_permission(self, request):
        return False
