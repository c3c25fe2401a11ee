"""Notifications to a user: what happened (a kind) and where to look (a link), nothing more.

The stored row holds no names, CPR numbers, health data or free text: only the kind, whose
Danish label is rendered at display time, and a link to the object, whose page decides (as
always) what the user may see there. A notification is written once per recipient and
``dedupe_key``, so a retried or repeated fan-out changes nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What a notification says; the label is its whole text."""

    CONSENT_LAPSING = "consent_lapsing", _("Samtykke udløber snart")
    CONSENT_LAPSED = "consent_lapsed", _("Samtykke er udløbet")
    EARLYWARNING = "earlywarning", _("Nye forslag fra tidlig opsporing")
    INCOMING_MESSAGE = "incoming_message", _("Ny meddelelse fra et andet system")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("modtager"),
    )
    kind = models.CharField(_("type"), max_length=40, choices=Kind.choices)
    url = models.CharField(_("link"), max_length=300)
    # ids and codes only ("consent-lapse:12:30"): makes the fan-out idempotent per recipient
    dedupe_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(_("oprettet"), default=timezone.now)
    read_at = models.DateTimeField(_("læst"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("besked")
        verbose_name_plural = _("beskeder")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], name="notification_once_per_recipient"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
