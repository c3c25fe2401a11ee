"""Concern → referral → visitation → course (forløb).

State changes happen only in ``courses.services``; the legal transitions are listed here next
to the states so the rules can be read in one place.
"""

from __future__ import annotations

import datetime
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisation.models import Facility, Team
from residents.models import Resident


class Criterion(models.TextChoices):
    """The framework's target-group criteria (seed 001, 2.1). Not all are needed."""

    ADMISSIONS = "admissions", _("Hyppige genindlæggelser og/eller lange indlæggelser")
    COMPLEX = "complex", _("Komplekse psykiatriske eller sociale problemstillinger")
    AGGRESSION_FORCE = (
        "aggression_force",
        _("Udadreagerende adfærd, selvskade, magtanvendelse eller tvang"),
    )
    NO_INSIGHT = "no_insight", _("Manglende sygdomsindsigt og dermed medicinsvigt")


class ConsentForm(models.TextChoices):
    WRITTEN = "written", _("Skriftligt")
    ORAL = "oral", _("Mundtligt")


class ConsentGivenBy(models.TextChoices):
    RESIDENT = "resident", _("Beboeren")
    GUARDIAN = "guardian", _("Værge")


class ConcernStatus(models.TextChoices):
    OPEN = "open", _("Afventer teamets vurdering")
    REFERRED = "referred", _("Henvist")
    CLOSED = "closed", _("Afsluttet uden henvisning")


class Concern(models.Model):
    """Housing staff's bekymring about a resident who is not in a course."""

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        ConcernStatus.OPEN: {ConcernStatus.REFERRED, ConcernStatus.CLOSED},
        ConcernStatus.REFERRED: set(),
        ConcernStatus.CLOSED: set(),
    }

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="concerns")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="concerns")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="concerns")
    description = models.TextField(_("beskrivelse af bekymringen"), max_length=5000)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        _("status"), max_length=20, choices=ConcernStatus.choices, default=ConcernStatus.OPEN
    )
    assessment_note = models.TextField(_("teamets vurdering"), blank=True, max_length=5000)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    assessed_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("bekymring")
        verbose_name_plural = _("bekymringer")
        indexes = [models.Index(fields=["team", "status"])]

    def __str__(self) -> str:
        return f"{self.resident} ({self.get_status_display()})"


class ReferralSource(models.TextChoices):
    REGIONAL_PSYCHIATRY = "regional_psychiatry", _("Regionspsykiatrien (herunder botilbudsteamet)")
    GP = "gp", _("Almen praksis")
    HOSPITAL = "hospital", _("Anden hospitalsafdeling")
    SPECIALIST = "specialist", _("Speciallægepraksis")
    FACILITY_DOCTOR = "facility_doctor", _("Læge tilknyttet botilbuddet")


class ReferralStatus(models.TextChoices):
    # a referral of an existing resident whom the referring team could not see: it gives the
    # team nothing until someone who acts for the resident confirms it (courses/access.py)
    HELD = "held", _("Afventer bekræftelse")
    NOT_CONFIRMED = "not_confirmed", _("Ikke bekræftet")
    PENDING = "pending", _("Afventer visitation")
    ACCEPTED = "accepted", _("Visiteret")
    REJECTED = "rejected", _("Ikke visiteret")
    WITHDRAWN = "withdrawn", _("Trukket tilbage")


class Referral(models.Model):
    """A henvisning to a team, and the visitation decision on it."""

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        ReferralStatus.HELD: {
            ReferralStatus.PENDING,
            ReferralStatus.NOT_CONFIRMED,
            ReferralStatus.WITHDRAWN,
        },
        ReferralStatus.NOT_CONFIRMED: set(),
        ReferralStatus.PENDING: {
            ReferralStatus.ACCEPTED,
            ReferralStatus.REJECTED,
            ReferralStatus.WITHDRAWN,
        },
        ReferralStatus.ACCEPTED: set(),
        ReferralStatus.REJECTED: set(),
        ReferralStatus.WITHDRAWN: set(),
    }

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="referrals")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="referrals")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="referrals")
    concern = models.OneToOneField(
        Concern, on_delete=models.PROTECT, null=True, blank=True, related_name="referral"
    )
    source = models.CharField(
        _("henvisende instans"), max_length=30, choices=ReferralSource.choices
    )
    referrer_name = models.CharField(_("henviser (navn)"), max_length=150)
    received_on = models.DateField(_("henvisning modtaget"))
    reason = models.TextField(_("årsag til henvisning"), max_length=5000)
    criteria = models.JSONField(_("målgruppekriterier"), default=list, blank=True)
    criteria_other = models.TextField(_("øvrige forhold (fritekst)"), blank=True, max_length=2000)
    consent_informed_on = models.DateField(_("beboeren informeret og samtykket den"))
    consent_form = models.CharField(
        _("samtykkets form"), max_length=10, choices=ConsentForm.choices
    )
    consent_given_by = models.CharField(
        _("samtykke givet af"), max_length=10, choices=ConsentGivenBy.choices
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.PENDING
    )
    decision_reason = models.TextField(_("begrundelse"), blank=True, max_length=5000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    decided_at = models.DateTimeField(null=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # what the referring team typed, shown to them instead of the resident while held
    typed_first_name = models.CharField(_("fornavn(e) som skrevet"), max_length=100, blank=True)
    typed_last_name = models.CharField(_("efternavn som skrevet"), max_length=100, blank=True)

    class Meta:
        ordering = ["received_on", "id"]
        verbose_name = _("henvisning")
        verbose_name_plural = _("henvisninger")
        indexes = [models.Index(fields=["team", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "team"],
                condition=Q(status="pending"),
                name="referral_one_pending_per_resident_and_team",
            )
        ]

    def __str__(self) -> str:
        return f"{self.resident} → {self.team} ({self.get_status_display()})"

    def waiting_days(self, today: datetime.date | None = None) -> int:
        """Days from receipt to the decision, or to today while pending."""
        if self.decided_at is not None:
            end = timezone.localdate(self.decided_at)
        else:
            end = today or timezone.localdate()
        return (end - self.received_on).days

    @property
    def typed_name(self) -> str:
        return f"{self.typed_first_name} {self.typed_last_name}".strip()

    def criteria_labels(self) -> list[str]:
        labels = dict(Criterion.choices)
        return [str(labels.get(code, code)) for code in self.criteria]


class CourseStatus(models.TextChoices):
    ACTIVE = "active", _("Aktivt")
    ENDED = "ended", _("Afsluttet")


class EndReason(models.TextChoices):
    TREATMENT_COMPLETED = "completed", _("Behandlingen er afsluttet efter planen")
    MOVED = "moved", _("Beboeren er flyttet fra botilbuddet")
    OTHER_OFFER = "other_offer", _("Overgår til andet behandlingstilbud")
    DECLINED = "declined", _("Beboeren ønsker ikke længere tilbuddet")
    DIED = "died", _("Beboeren er død")
    OTHER = "other", _("Andet")


class Transition(models.TextChoices):
    GP = "gp", _("Egen læge (almen praksis)")
    COMMUNITY_PSYCHIATRY = "community_psychiatry", _("Distriktspsykiatri/ambulant psykiatri")
    SPECIALISED = "specialised", _("Specialiseret behandling")
    MUNICIPAL = "municipal", _("Kommunalt tilbud")
    OTHER_TEAM = "other_team", _("Andet botilbudsteam")
    NONE = "none", _("Ingen videre behandling")
    OTHER = "other", _("Andet")


class Course(models.Model):
    """A forløb in a team, opened by an accepted referral."""

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        CourseStatus.ACTIVE: {CourseStatus.ENDED},
        CourseStatus.ENDED: set(),
    }

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="courses")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="courses")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="courses")
    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="course")
    started_on = models.DateField(_("startdato"))
    status = models.CharField(
        _("status"), max_length=10, choices=CourseStatus.choices, default=CourseStatus.ACTIVE
    )
    team_contacts = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="contact_courses",
        verbose_name=_("kontaktperson(er) i teamet"),
    )
    responsible_doctor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="doctor_courses",
        verbose_name=_("behandlingsansvarlig læge"),
    )
    facility_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="facility_contact_courses",
        null=True,
        blank=True,
        verbose_name=_("kontaktperson på botilbuddet"),
    )
    ended_on = models.DateField(_("slutdato"), null=True, blank=True)
    end_reason = models.CharField(
        _("årsag til afslutning"), max_length=20, choices=EndReason.choices, blank=True
    )
    transition = models.CharField(
        _("planlagt overgang"), max_length=30, choices=Transition.choices, blank=True
    )
    end_summary = models.TextField(
        _("afslutningsnotat og overgangsplan"), blank=True, max_length=10000
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    version = models.PositiveIntegerField(default=1)

    # not a field: set by ``record.visit_day`` for its template
    note_link: str

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("forløb")
        verbose_name_plural = _("forløb")
        indexes = [models.Index(fields=["team", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["resident"],
                condition=Q(status="active"),
                name="course_one_active_per_resident",
            ),
            models.CheckConstraint(
                name="course_ended_has_date_and_reason",
                condition=Q(status="active", ended_on__isnull=True)
                | Q(status="ended", ended_on__isnull=False) & ~Q(end_reason=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident} – {self.team}"
