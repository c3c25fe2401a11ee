"""The audit log: one append-only row per read or write of resident data.

Rows are written only by ``audit.services.record`` and never changed: the model refuses
updates and deletes, and on PostgreSQL a trigger refuses them in the database too; the
application's database role may only INSERT and SELECT them (docs/database-roles.md).

Each row keeps who acted as they were named then (``actor_name``, ``organisation``,
``role``): renaming a user, a team or a facility later does not rewrite the log.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    VIEW = "view", _("Visning")
    LIST = "list", _("Liste")
    SEARCH = "search", _("Søgning")
    LOOKUP = "lookup", _("Opslag fra sengeafsnit")
    CREATE = "create", _("Oprettelse")
    UPDATE = "update", _("Ændring")
    TRANSITION = "transition", _("Statusændring")
    EXPORT = "export", _("Udtræk")


class Purpose(models.TextChoices):
    TREATMENT = "treatment", _("Behandling")
    SHARING = "sharing", _("Samtykkebaseret deling")
    EMERGENCY = "emergency", _("Nødadgang")
    ADMINISTRATION = "administration", _("Administration")
    LOOKUP = "lookup", _("Opslag")


class Outcome(models.TextChoices):
    ALLOWED = "allowed", _("Tilladt")
    DENIED = "denied", _("Afvist")


class AuditEvent(models.Model):
    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # the user's full name (or user name) when the event happened; kept when they are renamed
    actor_name = models.CharField(max_length=301, blank=True)
    organisation = models.CharField(max_length=500, blank=True)
    role = models.CharField(max_length=200, blank=True)
    resident = models.ForeignKey(
        "residents.Resident", on_delete=models.PROTECT, null=True, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=50, blank=True)
    object_id = models.CharField(max_length=50, blank=True)
    object_version = models.PositiveIntegerField(null=True)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.ALLOWED)
    request_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("logpost")
        verbose_name_plural = _("logposter")
        indexes = [models.Index(fields=["resident", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type} {self.outcome}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("audit rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("audit rows are append-only")

    @property
    def actor_label(self) -> str:
        """Who acted, as named when it happened. Rows written before names were stored show
        the user's current name, marked as such."""
        if self.actor_name:
            return self.actor_name
        if self.user is None:
            return ""
        current = self.user.get_full_name() or self.user.get_username()
        return gettext_now("%(name)s (nuværende navn)") % {"name": current}
