"""Teams, their members, and the one access rule; the team tokens that a team's CI uses.

The access rule lives here, once: `team_access` says which teams' data a user may see or
change, as a filter for lists, and `may_read` / `may_change` say it of one team already read.
Every app's querysets apply it along the relation that leads to the team (`visible_to(user)`,
`changeable_by(user)`), and every lookup of one row through `may_read`, so pages, downloads,
the API, forms and services never restate membership.

The tables keep the names they had when these models lived in `assessments` and `delivery`.
"""

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

VIEW_ALL_TEAMS = "teams.view_all_teams"


def _viewer_permissions(user):
    """The permission rows that make the user an organisation viewer: the permission
    (Team.Meta) given to the user directly or through a group."""
    app_label, codename = VIEW_ALL_TEAMS.split(".")
    return Permission.objects.filter(
        Q(user=user) | Q(group__user=user), content_type__app_label=app_label, codename=codename
    )


def sees_every_team(user) -> bool:
    """Whether the user may read every team's assessments without being a member: every
    active superuser, and organisation viewers. Read in one query and kept on the user
    object, which a request loads anew (Django's ModelBackend.has_perm would read every
    permission of the user and of its groups, two queries on every page, to answer this
    one question)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    found = getattr(user, "_sees_every_team", None)
    if found is None:
        found = user._sees_every_team = _viewer_permissions(user).exists()
    return found


def member_team_ids(user) -> frozenset[int]:
    """The ids of the user's teams, read once per user object and kept on it, as Django's
    ModelBackend keeps a user's permissions: a request's user is loaded anew for every
    request, so a membership change counts from the next request on."""
    teams = getattr(user, "_member_team_ids", None)
    if teams is None:
        rows = Membership.objects.filter(user=user).order_by().values_list("team_id", flat=True)
        teams = user._member_team_ids = frozenset(rows)
    return teams


def team_access(user, *, change: bool, team: str = "pk", inline: bool = False) -> Q:
    """THE access rule, as a filter on the team field `team` of the model queried ("pk" for
    Team itself, "team" for Assessment, "assessment__team" for Answer).

    - Reading: members of the team, and users who see every team (the permission
      `teams.view_all_teams`: organisation viewers, and superusers).
    - Changing (starting, answering, submitting): members of the team only, whatever
      their other permissions: nobody writes a team's answers through the site but its
      members, superusers included. `is_staff` grants the admin, and nothing here.
    - Nobody who is not signed in and active sees anything.

    The user's teams come from member_team_ids (read once per request), or with `inline`,
    for changing, from a join to the user's membership in the filtered query itself, for a
    lookup of one row by a request that needs nothing else of them (a save).
    """
    if not (user.is_authenticated and user.is_active):
        return Q(pk__in=[])
    if not change and sees_every_team(user):
        return Q()
    if inline and change:
        return Q(**{f"{team}__memberships__user": user})
    return Q(**{f"{team}__in": sorted(member_team_ids(user))})


def may_read(user, team_id: int) -> bool:
    """The access rule for one team already read: may the user read its data? A member's
    own team needs no look at permissions."""
    if not (user.is_authenticated and user.is_active):
        return False
    return team_id in member_team_ids(user) or sees_every_team(user)


def may_change(user, team_id: int) -> bool:
    """The access rule for one team already read: may the user change its assessments?"""
    return user.is_authenticated and user.is_active and team_id in member_team_ids(user)


class TeamQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Teams whose assessments the user may read."""
        return self.filter(team_access(user, change=False))

    def changeable_by(self, user):
        """Teams whose assessments the user may start, answer and submit."""
        return self.filter(team_access(user, change=True))


DEFAULT_PRODUCTION_ENVIRONMENTS = "production, prod, prd, live"
MAX_INCIDENT_LINK_HOURS = 168
MAX_ACTIONS_IN_PROGRESS = 10  # a week: further back, a deployment is no likely cause


class Team(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="teams", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # How the team's delivery data is measured (delivery/metrics.py; members change them on
    # the delivery page, which applies them to the stored rows at once).
    production_environments = models.CharField(
        max_length=300,
        default=DEFAULT_PRODUCTION_ENVIRONMENTS,
        help_text="The environment names that are production, comma-separated; matched "
        "regardless of case.",
    )
    incident_link_hours = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_INCIDENT_LINK_HOURS)],
        help_text="Link an incident that names no deployment to the last successful "
        "production deployment (of its service) that finished at most this many hours before "
        "it opened. Empty: off.",
    )

    min_respondents = models.PositiveSmallIntegerField(
        "respondents before a reveal",
        default=3,
        validators=[MinValueValidator(3), MaxValueValidator(50)],
        help_text="How many must have finished answering on their own before the spreads "
        "are revealed (every member, when the team has fewer).",
    )
    actions_in_progress_limit = models.PositiveSmallIntegerField(
        "actions in progress at most",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_ACTIONS_IN_PROGRESS)],
        help_text="How many improvement actions may be in progress at once: focus.",
    )

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        permissions = [
            (
                "view_all_teams",
                "Can read every team's assessments, results and overview (organisation viewer)",
            )
        ]
        # Lists of teams (the overview, above all) sort by name regardless of case.
        indexes = [models.Index(Lower("name"), name="team_name_lower")]
        db_table = "assessments_team"

    def __str__(self):
        return self.name

    @property
    def production_names(self) -> list[str]:
        """The team's production environment names, lower-case, each once, in its order."""
        names = (name.strip().lower() for name in self.production_environments.split(","))
        return list(dict.fromkeys(name for name in names if name))


class Membership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["team_id", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="membership_unique"),
        ]
        db_table = "assessments_membership"

    def __str__(self):
        return f"{self.user} in {self.team}"


class TeamToken(models.Model):
    """A credential for one team's delivery endpoints of the API, for its CI to report
    deployments and incidents. The token itself is shown once, when it is made; only its
    SHA-256 digest is kept, with a short prefix to recognise it by."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="tokens")
    name = models.CharField(max_length=100, help_text="What uses it, such as 'GitHub Actions'.")
    prefix = models.CharField(max_length=8, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_because = models.CharField(
        max_length=100, blank=True, help_text="Why it was revoked, when not by hand."
    )

    class Meta:
        ordering = ["team_id", "-created_at"]
        db_table = "delivery_teamtoken"

    def __str__(self):
        return f"{self.team} · {self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(key: str) -> str:
        return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()

    @classmethod
    def issue(cls, *, team, name: str, user=None) -> tuple["TeamToken", str]:
        """A new token for the team, and its key (to show once)."""
        key = secrets.token_urlsafe(32)
        token = cls.objects.create(
            team=team, name=name, prefix=key[:8], digest=cls.digest_of(key), created_by=user
        )
        return token, key
