"""A team's thresholds for the early-warning rules, and the suggestions the rules made.

A suggestion is one rule's hit on one resident in one team. Open suggestions are computed when
they are read (``selectors.open_suggestions``) and not stored; a row is stored when the team
accepts (the resident is to be put on the board) or dismisses with a reason. Decided rows stay:
they are the rules' hit rate, and a decision keeps the rule quiet for that resident until new
events arrive after it (see ``selectors``). "open" and "lapsed" rows are from before
(migration 0002).
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
    # when the newest event behind the hit was recorded (see selectors.open_suggestions)
    evidence_at = models.DateTimeField()
    first_seen = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
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
