"""Cooperation agreements (samarbejdsaftaler) between one team and one facility, structured as
the national framework's Bilag 1 (seed 001), with every version kept and signatures per party.

Lifecycle: draft → signed by one party → in force (both leaders signed the current version) →
under renegotiation (a new draft while the signed version stays in force) → in force again, or
terminated (notice given on a date, ends at the computed date). Sections are text; the parts the
platform uses elsewhere (visit days, meeting time, opening hours, whom to call) are fields.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisation.models import Facility, Team

# Bilag 1's sections, in its order: (key, heading as in the template).
SECTIONS = [
    ("parties", _("Aftaleparter")),
    ("purpose", _("Formål")),
    ("tasks", _("Opgaver")),
    ("target_group", _("Målgruppe og visitation")),
    ("services", _("Ydelser")),
    ("collaboration", _("Samarbejde")),
    ("conversations", _("Aftaler for koordination af samtaler")),
    ("medication", _("Aftaler for medicinhåndtering og blodprøver")),
    ("safety", _("Sikkerhed")),
    ("competence", _("Fælles kompetenceudviklingsaktiviteter")),
    ("personal_data", _("Behandling af personoplysninger")),
    ("contacts", _("Kontaktoplysninger og aftaler for kommunikationsgange")),
    ("duration", _("Varighed")),
    ("signatures", _("Underskrifter")),
]
SECTION_KEYS = [key for key, _label in SECTIONS]
# Sections written as free text (parties and signatures are built from data).
TEXT_SECTIONS = [key for key in SECTION_KEYS if key not in ("parties", "signatures")]

WEEKDAYS = [
    (0, _("mandag")),
    (1, _("tirsdag")),
    (2, _("onsdag")),
    (3, _("torsdag")),
    (4, _("fredag")),
    (5, _("lørdag")),
    (6, _("søndag")),
]


class Status(models.TextChoices):
    DRAFT = "draft", _("Udkast")
    SIGNED_ONE = "signed_one", _("Underskrevet af én part")
    IN_FORCE = "in_force", _("I kraft")
    RENEGOTIATION = "renegotiation", _("Under genforhandling")
    NOTICE = "notice", _("Opsagt – i opsigelsesperioden")
    TERMINATED = "terminated", _("Ophørt")


class Party(models.TextChoices):
    TEAM = "team", _("Botilbudsteam")
    FACILITY = "facility", _("Botilbud")


class Agreement(models.Model):
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="agreements")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="agreements")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    notice_months = models.PositiveSmallIntegerField(_("opsigelsesvarsel i måneder"), default=3)
    notice_given_on = models.DateField(_("opsagt den"), null=True, blank=True)
    notice_given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ends_on = models.DateField(_("ophører"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)  # lock for concurrent edits

    class Meta:
        ordering = ["facility__name", "-created_at"]
        verbose_name = _("samarbejdsaftale")
        verbose_name_plural = _("samarbejdsaftaler")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "facility"],
                condition=~Q(status="terminated"),
                name="agreement_one_live_per_pair",
            )
        ]

    def __str__(self) -> str:
        return f"{self.team} – {self.facility}"


class AgreementVersion(models.Model):
    """One text of the agreement. A new edit makes a new version; signatures belong to one."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    sections = models.JSONField(default=dict)  # section key -> text
    visit_days = models.JSONField(_("faste besøgsdage"), default=list)  # weekday numbers
    visit_from = models.TimeField(_("besøg fra"), null=True, blank=True)
    visit_to = models.TimeField(_("besøg til"), null=True, blank=True)
    meeting_weekday = models.PositiveSmallIntegerField(
        _("ugentligt tavlemøde, ugedag"), choices=WEEKDAYS, null=True, blank=True
    )
    meeting_time = models.TimeField(_("tavlemøde, tidspunkt"), null=True, blank=True)
    team_contacts = models.TextField(_("faste kontaktpersoner i botilbudsteamet"), blank=True)
    facility_contacts = models.TextField(_("faste kontaktpersoner på botilbuddet"), blank=True)
    shared_mailbox = models.EmailField(_("botilbudsteamets fællespostkasse"), blank=True)
    team_phone = models.CharField(_("botilbudsteamets telefon"), max_length=30, blank=True)
    opening_days = models.JSONField(_("åbningsdage"), default=list)  # weekday numbers
    opens_at = models.TimeField(_("åbner"), null=True, blank=True)
    closes_at = models.TimeField(_("lukker"), null=True, blank=True)
    after_hours = models.TextField(_("hvem ringer botilbuddet til uden for åbningstid"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    in_force_from = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["agreement", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="agreement_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agreement} v{self.number}"


class Signature(models.Model):
    version = models.ForeignKey(
        AgreementVersion, on_delete=models.PROTECT, related_name="signatures"
    )
    party = models.CharField(max_length=10, choices=Party.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)  # as signed, kept if the user is renamed
    role = models.CharField(max_length=200)
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "party"], name="agreement_one_signature_per_party"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_party_display()})"


class ActivityKind(models.TextChoices):
    EXCHANGE = "exchange", _("Tværsektorielt udvekslingsbesøg")
    THEME_DAY = "theme_day", _("Fælles temadag")
    TEACHING = "teaching", _("Undervisning")
    SPARRING = "sparring", _("Fælles fast faglig sparring")
    INTRO = "intro", _("Fælles introkursus for nye medarbejdere")


class CompetenceActivity(models.Model):
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="competence_activities"
    )
    kind = models.CharField(_("type"), max_length=20, choices=ActivityKind.choices)
    held_on = models.DateField(_("dato"))
    topic = models.CharField(_("emne"), max_length=300)
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    other_participants = models.TextField(_("øvrige deltagere"), blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("fælles kompetenceudviklingsaktivitet")
        verbose_name_plural = _("fælles kompetenceudviklingsaktiviteter")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"


def in_force_on(agreement_versions, day: datetime.date):
    """Of one agreement's versions, the one in force on ``day`` (the latest signed before it)."""
    signed = [v for v in agreement_versions if v.in_force_from and v.in_force_from <= day]
    return max(signed, key=lambda v: v.in_force_from, default=None)
