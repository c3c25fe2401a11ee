"""Residents (beboere), their identifiers over time, and where they have lived."""

from __future__ import annotations

import datetime
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lib.cpr import IdentifierKind, age_on
from organisation.models import Facility


class Resident(models.Model):
    first_name = models.CharField(_("fornavn(e)"), max_length=100)
    last_name = models.CharField(_("efternavn"), max_length=100)
    birth_date = models.DateField(_("fødselsdato"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    legal_hold = models.BooleanField(
        _("retligt tilbagehold"),
        default=False,
        help_text=_("Sæt ved klage- eller erstatningssag: intet slettes, så længe det er sat."),
    )
    legal_hold_reason = models.CharField(_("årsag til tilbagehold"), max_length=200, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name = _("beboer")
        verbose_name_plural = _("beboere")
        indexes = [models.Index(fields=["last_name", "first_name"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def age_on(self, day: datetime.date) -> int:
        return age_on(self.birth_date, day)


class IdentifierKindChoices(models.TextChoices):
    CPR = IdentifierKind.CPR.value, _("CPR-nummer")
    ECPR_NATIONAL = IdentifierKind.ECPR_NATIONAL.value, _("Erstatnings-CPR (nationalt eCPR)")
    ECPR_REGIONAL = IdentifierKind.ECPR_REGIONAL.value, _("Erstatnings-CPR (regionalt)")


class ResidentIdentifier(models.Model):
    """CPR numbers can change (and replacement numbers are replaced by a CPR number later):
    every identifier a resident has held is kept, the current one has ``valid_to`` empty."""

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(_("type"), max_length=20, choices=IdentifierKindChoices.choices)
    value = models.CharField(_("nummer"), max_length=10)
    valid_from = models.DateField(_("gyldig fra"))
    valid_to = models.DateField(_("gyldig til"), null=True, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        ordering = ["-valid_from", "-id"]
        verbose_name = _("identifikationsnummer")
        verbose_name_plural = _("identifikationsnumre")
        constraints = [
            models.UniqueConstraint(fields=["value"], name="identifier_value_unique"),
            models.UniqueConstraint(
                fields=["resident"],
                condition=Q(valid_to__isnull=True),
                name="identifier_one_current_per_resident",
            ),
        ]

    def __str__(self) -> str:
        return self.display

    @property
    def display(self) -> str:
        return f"{self.value[:6]}-{self.value[6:]}"


class Residence(models.Model):
    """A period of living at a facility. At most one open period per resident."""

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="residences")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="residences")
    moved_in = models.DateField(_("indflyttet"))
    moved_out = models.DateField(_("fraflyttet"), null=True, blank=True)

    class Meta:
        ordering = ["-moved_in", "-id"]
        verbose_name = _("bopæl på botilbud")
        verbose_name_plural = _("bopæle på botilbud")
        constraints = [
            models.UniqueConstraint(
                fields=["resident"],
                condition=Q(moved_out__isnull=True),
                name="residence_one_open_per_resident",
            ),
            models.CheckConstraint(
                name="residence_out_after_in",
                condition=Q(moved_out__isnull=True) | Q(moved_out__gte=models.F("moved_in")),
            ),
        ]
        indexes = [models.Index(fields=["facility", "moved_out"])]

    def __str__(self) -> str:
        return f"{self.resident} @ {self.facility}"


class MoveStatus(models.TextChoices):
    RECORDED = "recorded", _("Registreret")
    PROPOSED = "proposed", _("Foreslået – afventer bekræftelse")
    CONFIRMED = "confirmed", _("Bekræftet")
    REJECTED = "rejected", _("Afvist")


class Move(models.Model):
    """One step of a move between facilities (or a first move-in when a resident is
    registered): recorded directly by someone who acts for the resident, or proposed by the
    new facility and then confirmed or rejected by someone who acts for the resident.

    A proposal keeps what the proposer typed (``typed_*``): until it is confirmed, that is all
    the new facility sees."""

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        MoveStatus.PROPOSED: {MoveStatus.CONFIRMED, MoveStatus.REJECTED},
        MoveStatus.RECORDED: set(),
        MoveStatus.CONFIRMED: set(),
        MoveStatus.REJECTED: set(),
    }

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="moves")
    from_facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    to_facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="+")
    moved_in = models.DateField(_("indflyttet"))
    status = models.CharField(_("status"), max_length=10, choices=MoveStatus.choices)
    typed_first_name = models.CharField(_("fornavn(e) som skrevet"), max_length=100, blank=True)
    typed_last_name = models.CharField(_("efternavn som skrevet"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("begrundelse"), blank=True, max_length=2000)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("flytning")
        verbose_name_plural = _("flytninger")
        indexes = [
            models.Index(fields=["to_facility", "status"]),
            models.Index(fields=["resident", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.pk}: {self.get_status_display()}"

    @property
    def typed_name(self) -> str:
        return f"{self.typed_first_name} {self.typed_last_name}".strip()
