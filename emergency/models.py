"""Emergency access ("break the glass"): a health professional opens one resident outside
their own team for a limited time, with a stated reason, full logging and a review after."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisation.models import Team
from residents.models import Resident

DURATION = datetime.timedelta(hours=2)


class ReasonCategory(models.TextChoices):
    ACUTE_ADMISSION = "acute_admission", _("Akut indlæggelse eller udskrivelse")
    ACUTE_CRISIS = "acute_crisis", _("Akut krise eller selvmordsrisiko")
    TEAM_UNREACHABLE = "team_unreachable", _("Beboerens eget team kan ikke træffes")
    COVERING = "covering", _("Dækker for andet team (vagt/ferie)")
    OTHER = "other", _("Andet")


class EmergencyAccess(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="emergency_accesses"
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="the user's team, whose leader reviews",
    )
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    reason_category = models.CharField(_("årsag"), max_length=20, choices=ReasonCategory.choices)
    reason_text = models.TextField(_("begrundelse"), max_length=2000)
    started_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    review_note = models.TextField(_("leders vurdering"), max_length=2000, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("nødadgang")
        verbose_name_plural = _("nødadgange")
        indexes = [models.Index(fields=["user", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.user} → {self.resident} ({self.started_at:%Y-%m-%d %H:%M})"

    def is_active_at(self, moment: datetime.datetime) -> bool:
        return self.ended_at is None and self.started_at <= moment < self.expires_at
