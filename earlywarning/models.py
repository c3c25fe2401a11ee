"""A team's thresholds for the early-warning rules, the suggestions the rules made, and when
they were last computed.

A suggestion is one rule's hit on one resident in one team. Open suggestions are stored rows,
written only by the recompute (``compute.recompute_team``, run by the worker after a relevant
record entry, a threshold change and every night; never by a page read): it inserts new hits,
refreshes the ones still hit and turns the ones no longer hit into "lapsed" (kept: a lapsed row
is a suggestion nobody decided, which the hit rate shows). Accepting or dismissing turns the
resident's open rows into decided ones: decided rows are the rules' hit rate, and a decision
keeps the rule quiet for that resident until new events arrive after it (see ``compute``).
``EarlyWarningRun`` says when a team's suggestions were last computed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import Course
from organisation.models import Team
from residents.models import Resident

from .rules import RULE_CHOICES


class WarningSetting(models.Model):
    """A team's threshold for one rule; without a row the rule's defaults apply."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    rule = models.CharField(_("regel"), max_length=30, choices=RULE_CHOICES)
    enabled = models.BooleanField(_("aktiv"), default=True)
    count = models.PositiveSmallIntegerField(_("antal"), null=True, blank=True)
    days = models.PositiveSmallIntegerField(_("dage"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tærskel for tidlig opsporing")
        verbose_name_plural = _("tærskler for tidlig opsporing")
        constraints = [
            models.UniqueConstraint(fields=["team", "rule"], name="earlywarning_setting_unique")
        ]

    def __str__(self) -> str:
        return f"{self.team_id} {self.rule}"


class SuggestionStatus(models.TextChoices):
    OPEN = "open", _("Åben")
    ACCEPTED = "accepted", _("Accepteret")
    DISMISSED = "dismissed", _("Afvist")
    LAPSED = "lapsed", _("Bortfaldet")


DECIDED = (SuggestionStatus.ACCEPTED, SuggestionStatus.DISMISSED)


class Suggestion(models.Model):
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="+")
    rule = models.CharField(_("regel"), max_length=30, choices=RULE_CHOICES)
    explanation = models.CharField(_("begrundelse"), max_length=300)
    # when the newest event behind the hit was recorded (see compute.recompute_team)
    evidence_at = models.DateTimeField()
    first_seen = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # accepted/dismissed: when decided; lapsed: when the recompute found it no longer hit
    decided_at = models.DateTimeField(null=True, blank=True)
    dismiss_reason = models.TextField(_("begrundelse for afvisning"), blank=True, max_length=1000)

    class Meta:
        ordering = ["first_seen", "id"]
        verbose_name = _("forslag fra tidlig opsporing")
        verbose_name_plural = _("forslag fra tidlig opsporing")
        indexes = [
            models.Index(fields=["team", "status"]),
            models.Index(fields=["team", "resident", "rule"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "resident", "rule"],
                condition=Q(status="open"),
                name="earlywarning_one_open_per_rule",
            ),
            models.CheckConstraint(
                name="earlywarning_dismissed_has_reason",
                condition=~Q(status="dismissed") | ~Q(dismiss_reason=""),
            ),
            models.CheckConstraint(
                name="earlywarning_decided_has_time",
                condition=Q(status="open") | Q(decided_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident_id} {self.rule} ({self.status})"


class EarlyWarningRun(models.Model):
    """When the team's open suggestions were last computed (one row per team, overwritten by
    each recompute), so the list can say how fresh they are."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, primary_key=True, related_name="+")
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("beregning af tidlig opsporing")
        verbose_name_plural = _("beregninger af tidlig opsporing")

    def __str__(self) -> str:
        return f"{self.team_id} {self.computed_at:%Y-%m-%d %H:%M}"
