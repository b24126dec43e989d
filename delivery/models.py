"""A team's measured delivery: its deployments, the changes they shipped and the incidents
they caused, as the team's own tools report them.

Each row carries the team's own id for it (`external_id`: a deployment id, a commit sha, an
incident number), unique within the team, so that sending the same data again updates rows
in place. Rows name each other by those ids rather than by foreign keys, so files can arrive
in any order. Who may read a team's data is the one access rule (teams/models.py).
"""

from django.db import models
from django.utils import timezone

from teams.models import Team, team_access


class DeliveryQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(team_access(user, change=False, team="team"))


def receipt_field():
    """The arrival that last wrote a row (services.delivery_store uses it to catch an id
    sent twice in one arrival without holding the ids in memory). No index of its own: that
    check looks rows up by (team, id), and an index on the receipt would tempt the database
    to scan all of an arrival's rows for each batch instead. Receipts go only with their
    team, and its rows with them, so nothing needs to find rows by receipt."""
    return models.ForeignKey(
        "Receipt",
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )


class Deployment(models.Model):
    class Status(models.TextChoices):
        SUCCESS = "success"
        FAILURE = "failure"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="deployments")
    external_id = models.CharField("id", max_length=200)
    service = models.CharField(max_length=200)
    environment = models.CharField(max_length=100)
    finished_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices)
    rework = models.BooleanField(
        default=False, help_text="An unplanned deployment made to fix a user-facing bug."
    )
    commit = models.CharField(
        max_length=200, blank=True, help_text="The commit it deployed (optional)."
    )
    # Derived from the environment and the team's production names (Team.production_names)
    # by the code that writes either (services.delivery_store, services.team_rules_apply):
    # whether the deployment counts as a production one.
    production = models.BooleanField(default=False, editable=False)
    # Derived in the same way from the deployment, its service's later deployments and the
    # incidents naming it (services.failures_mark): whether it failed (its status says so,
    # or an incident that opened after it finished names it), and when the failure ended
    # (the last resolution of those incidents, None while one is open; else the next
    # successful production deployment of its service).
    failed = models.BooleanField(default=False, editable=False)
    recovered_at = models.DateTimeField(null=True, blank=True, editable=False)
    receipt = receipt_field()

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "external_id"], name="deployment_unique_id")
        ]
        indexes = [
            # Covers the counts of a window (aggregates.window_counts): a window's
            # deployments by a range on the time, and whether each is production, and the
            # rest that its counts need, read from the index alone.
            models.Index(
                fields=["team", "finished_at", "production", "status", "rework", "failed"],
                name="deployment_window",
            ),
            # The failed ones of a window, few, with when each recovered.
            models.Index(
                fields=["team", "finished_at", "recovered_at"],
                condition=models.Q(failed=True),
                name="deployment_failed",
            ),
            # The next deployment of a service (a change shipped by a failed one, the end of
            # a failure) and the last before an incident (linking by time).
            models.Index(fields=["team", "service", "finished_at"], name="deployment_service"),
        ]

    def __str__(self):
        return f"{self.team} · {self.external_id}"


class Change(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="changes")
    external_id = models.CharField("id", max_length=200)
    committed_at = models.DateTimeField()
    deployment_id = models.CharField(
        "deployment", max_length=200, blank=True, help_text="The deployment that first shipped it."
    )
    # Derived from the deployment it names, by the code that writes either of them
    # (services.delivery_store), in the same transaction: the successful production
    # deployment that shipped it (the one it names, or, when that one failed or went
    # elsewhere, the next successful production deployment of its service), when that
    # finished, and the change's lead time to it. The metrics read them from an index
    # (aggregates.window_counts) rather than joining the two tables.
    shipped_by = models.CharField(max_length=200, blank=True, editable=False)
    # Whether that is a later deployment than the one it names (which failed or went
    # elsewhere first): counted beside the lead time, from the index below.
    shipped_later = models.BooleanField(default=False, editable=False)
    shipped_at = models.DateTimeField(null=True, blank=True, editable=False)
    lead_time = models.DurationField(null=True, blank=True, editable=False)
    receipt = receipt_field()

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "external_id"], name="change_unique_id")
        ]
        indexes = [
            models.Index(fields=["team", "deployment_id"], name="change_deployment"),
            # In lead-time order, so the middle of a window is read by walking it, unsorted.
            models.Index(fields=["team", "lead_time", "shipped_at"], name="change_lead_time"),
            # The few shipped by a later deployment than they name, counted on their own.
            models.Index(
                fields=["team", "shipped_at", "lead_time"],
                condition=models.Q(shipped_later=True),
                name="change_shipped_later",
            ),
        ]

    def __str__(self):
        return f"{self.team} · {self.external_id}"


class Incident(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="incidents")
    external_id = models.CharField("id", max_length=200)
    opened_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Link(models.TextChoices):
        NONE = "", "none"
        REPORTED = "reported", "reported"
        TIME = "time", "by time"

    deployment_id = models.CharField(
        "deployment", max_length=200, blank=True, help_text="The deployment that caused it."
    )
    service = models.CharField(
        max_length=200, blank=True, help_text="The service it struck (optional)."
    )
    # How deployment_id came to be: sent with the incident, or found by the team's linking
    # rule by time (services.incidents_link), which rewrites its own links whenever it runs.
    link = models.CharField(max_length=10, choices=Link.choices, blank=True, editable=False)
    receipt = receipt_field()

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "external_id"], name="incident_unique_id"),
            models.CheckConstraint(
                condition=models.Q(resolved_at__isnull=True)
                | models.Q(resolved_at__gte=models.F("opened_at")),
                name="incident_resolved_after_opened",
            ),
        ]
        indexes = [
            models.Index(fields=["team", "resolved_at"], name="incident_resolved"),
            models.Index(fields=["team", "deployment_id"], name="incident_deployment"),
        ]

    def __str__(self):
        return f"{self.team} · {self.external_id}"


class Receipt(models.Model):
    """One arrival of a team's delivery data: which kind, how many rows, by which way and
    from whom. The team page shows the last of each kind; the log shows who sent what."""

    class Kind(models.TextChoices):
        DEPLOYMENTS = "deployments"
        CHANGES = "changes"
        INCIDENTS = "incidents"

    class Channel(models.TextChoices):
        UPLOAD = "upload", "CSV upload"
        COMMAND = "command", "import command"
        API = "api", "API"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="receipts")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    rows = models.PositiveIntegerField()
    sender = models.CharField(max_length=150, help_text="The user, or the team token's name.")
    received_at = models.DateTimeField(default=timezone.now)
    # A member took the rows this arrival wrote out again (services.arrival_withdraw).
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.CharField(max_length=150, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["team", "kind", "-received_at"], name="receipt_latest")]

    def __str__(self):
        return f"{self.team} · {self.rows} {self.kind} by {self.get_channel_display()}"
