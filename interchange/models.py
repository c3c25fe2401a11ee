"""Messages received from other systems (issue 13), and the systems allowed to send them.

A sending system authenticates with a bearer token, of which only the SHA-256 is stored. Each
message is kept as received (JSONB) until a handler registered for its type
(``interchange.handlers``) has processed it in a background job (``interchange.tasks``); the
body of a processed or failed message is cleared after ``INTERCHANGE_KEEP_DAYS`` days, that of
a refused one at once. The metadata row stays: who sent what, when, and what became of it.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SendingSystem(models.Model):
    """Another system that may post messages of the named types to the inbox."""

    name = models.CharField(_("navn"), max_length=100, unique=True)
    # hex SHA-256 of the bearer token; the token itself is shown once and never stored
    token_sha256 = models.CharField(_("tokenets SHA-256"), max_length=64, unique=True)
    message_types = ArrayField(
        models.CharField(max_length=64), verbose_name=_("meddelelsestyper"), default=list
    )
    active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(_("oprettet"), default=timezone.now)
    token_changed_at = models.DateTimeField(_("token skiftet"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("afsendende system")
        verbose_name_plural = _("afsendende systemer")

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    RECEIVED = "received", _("Modtaget")
    PROCESSING = "processing", _("Under behandling")
    PROCESSED = "processed", _("Behandlet")
    REFUSED = "refused", _("Afvist")
    FAILED = "failed", _("Fejlet")


#: Where processing may take a message: a job runs ``received``/``processing`` ->
#: ``processing`` -> ``processed`` | ``refused`` | ``failed`` (or back to ``received`` to be
#: retried). The three outcomes are final.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.RECEIVED: frozenset({Status.PROCESSING, Status.FAILED}),
    Status.PROCESSING: frozenset(
        {Status.PROCESSING, Status.RECEIVED, Status.PROCESSED, Status.REFUSED, Status.FAILED}
    ),
    Status.PROCESSED: frozenset(),
    Status.REFUSED: frozenset(),
    Status.FAILED: frozenset(),
}


class IncomingMessage(models.Model):
    """One message as a sending system posted it, and what processing made of it."""

    Status = Status

    system = models.ForeignKey(
        SendingSystem,
        on_delete=models.PROTECT,
        related_name="messages",
        verbose_name=_("afsender"),
    )
    message_type = models.CharField(_("meddelelsestype"), max_length=64)
    # the sender's own id of the message (for FHIR: Bundle.id): a resent message is the same
    sender_message_id = models.CharField(_("afsenderens meddelelses-id"), max_length=128)
    received_at = models.DateTimeField(_("modtaget"), default=timezone.now, db_index=True)
    # the JSON as received; NULL once cleared (refused at once, others after the keep period)
    body = models.JSONField(_("indhold"), null=True)
    # hex SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8): kept after the body
    body_sha256 = models.CharField(_("indholdets SHA-256"), max_length=64)
    body_cleared_at = models.DateTimeField(_("indhold slettet"), null=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    attempts = models.PositiveIntegerField(_("forsøg"), default=0)
    # short codes only (an exception's class name, a handler's code): never message content
    last_error_code = models.CharField(_("seneste fejlkode"), max_length=64, blank=True)
    result_code = models.CharField(_("resultatkode"), max_length=64, blank=True)
    # when processing ended: processed, refused or failed
    processed_at = models.DateTimeField(_("behandlet"), null=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("modtaget meddelelse")
        verbose_name_plural = _("modtagne meddelelser")
        constraints = [
            models.UniqueConstraint(
                fields=["system", "sender_message_id"],
                name="interchange_message_once_per_system",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="interchange_message_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.REFUSED) | Q(body__isnull=True),
                name="interchange_refused_has_no_body",
            ),
        ]
        indexes = [models.Index(fields=["status", "processed_at"], name="interchange_status_idx")]

    def __str__(self) -> str:
        return f"{self.message_type} #{self.pk} ({self.status})"
