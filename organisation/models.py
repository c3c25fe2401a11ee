"""Regions, teams, facilities (botilbud), wards and the memberships that give users roles."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    name = models.CharField(_("navn"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regioner")

    def __str__(self) -> str:
        return self.name


class TeamKind(models.TextChoices):
    ADULT = "adult", _("Botilbudsteam (voksne)")
    CHILD_YOUTH = "child_youth", _("Døgninstitutionsteam (børn og unge)")


class Team(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(_("navn"), max_length=150)
    kind = models.CharField(_("type"), max_length=20, choices=TeamKind.choices)
    phone = models.CharField(_("telefon"), max_length=30, blank=True)
    email = models.EmailField(_("fælles postkasse"), blank=True)
    board_flag_weeks = models.PositiveSmallIntegerField(
        _("marker tavleindgange efter antal uger"),
        default=12,
        help_text=_("En beboer, der har været længere tid på tavlen, markeres til opfølgning."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="team_unique_name_in_region")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def minimum_age(self) -> int | None:
        """Adult teams take residents of 18 or older (the framework's target group)."""
        return 18 if self.kind == TeamKind.ADULT else None


class OwnerType(models.TextChoices):
    MUNICIPAL = "municipal", _("Kommunal")
    REGIONAL = "regional", _("Regional")
    SELF_OWNING = "self_owning", _("Selvejende")
    PRIVATE = "private", _("Privat")


class LegalBasis(models.TextChoices):
    SEL_107 = "sel_107", _("Serviceloven § 107")
    SEL_108 = "sel_108", _("Serviceloven § 108")
    ABL_105_SEL_85 = "abl_105_sel_85", _("Almenboligloven § 105 med støtte efter serviceloven § 85")
    CLARIFICATION = "clarification", _("Afklaringsplads")
    SHELTER_OTHER = "shelter_other", _("Herberg/andet")
    SEL_66 = "sel_66", _("Døgninstitution efter serviceloven § 66")


class Facility(models.Model):
    """A botilbud (or, for the child-and-youth team, a døgninstitution)."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="facilities")
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        related_name="facilities",
        null=True,
        blank=True,
        verbose_name=_("betjenes af team"),
        help_text=_("Tomt, hvis botilbuddet endnu ikke betjenes af et botilbudsteam."),
    )
    name = models.CharField(_("navn"), max_length=150)
    owner_type = models.CharField(_("ejerform"), max_length=20, choices=OwnerType.choices)
    legal_basis = models.CharField(_("lovgrundlag"), max_length=20, choices=LegalBasis.choices)
    municipality = models.CharField(_("kommune"), max_length=100)
    phone = models.CharField(_("telefon"), max_length=30, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("botilbud")
        verbose_name_plural = _("botilbud")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"], name="facility_unique_name_in_region"
            )
        ]

    def __str__(self) -> str:
        return self.name


class FacilityAddress(models.Model):
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="addresses")
    street = models.CharField(_("adresse"), max_length=200)
    postal_code = models.CharField(_("postnummer"), max_length=4)
    city = models.CharField(_("by"), max_length=100)

    class Meta:
        ordering = ["id"]
        verbose_name = _("adresse")
        verbose_name_plural = _("adresser")

    def __str__(self) -> str:
        return f"{self.street}, {self.postal_code} {self.city}"


class Ward(models.Model):
    """An inpatient ward (sengeafsnit) whose staff may use the look-up."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="wards")
    name = models.CharField(_("navn"), max_length=150)

    class Meta:
        ordering = ["name"]
        verbose_name = _("sengeafsnit")
        verbose_name_plural = _("sengeafsnit")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    TEAM_STAFF = "team_staff", _("Medarbejder i botilbudsteam")
    TEAM_LEADER = "team_leader", _("Leder af botilbudsteam")
    FACILITY_STAFF = "facility_staff", _("Medarbejder på botilbud")
    FACILITY_LEADER = "facility_leader", _("Leder af botilbud")
    WARD_STAFF = "ward_staff", _("Medarbejder på sengeafsnit")
    REGION_ADMIN = "region_admin", _("Regional administrator")


TEAM_ROLES = (Role.TEAM_STAFF, Role.TEAM_LEADER)
FACILITY_ROLES = (Role.FACILITY_STAFF, Role.FACILITY_LEADER)


class Profession(models.TextChoices):
    NURSE = "nurse", _("Sygeplejerske")
    DOCTOR = "doctor", _("Læge")
    PHARMACIST = "pharmacist", _("Farmaceut")
    SOCIAL_WORKER = "social_worker", _("Socialrådgiver")
    PSYCHOLOGIST = "psychologist", _("Psykolog")
    PSYCHOMOTOR_THERAPIST = "psychomotor_therapist", _("Psykomotorisk terapeut")
    PHYSIO_OCCUPATIONAL = "physio_occupational", _("Fysio-/ergoterapeut")
    RECOVERY_MENTOR = "recovery_mentor", _("Recovery-mentor/peer-medarbejder")
    SOCIAL_EDUCATOR = "social_educator", _("Socialpædagog")
    LEADER = "leader", _("Leder")
    OTHER = "other", _("Andet")


# Memberships that open resident data: granted by the team's or facility's leader only.
RESIDENT_DATA_ROLES = (*TEAM_ROLES, *FACILITY_ROLES)
LEADER_ROLES = (Role.TEAM_LEADER, Role.FACILITY_LEADER)


class MembershipStatus(models.TextChoices):
    PENDING = "pending", _("Afventer bekræftelse")
    CONFIRMED = "confirmed", _("Bekræftet")
    REJECTED = "rejected", _("Afvist")


class Membership(models.Model):
    """A user's role in one team, facility, ward or region. Roles are data, not code.

    Only a confirmed, active membership grants anything (``organisation.access.principal_for``).
    A region administrator's proposal is pending until the team's or facility's leader
    confirms it. Memberships are written only by ``organisation.services``; rows written
    directly (demo data, fixtures) are confirmed.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices)
    profession = models.CharField(_("faggruppe"), max_length=30, choices=Profession.choices)
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    facility = models.ForeignKey(
        Facility, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    ward = models.ForeignKey(
        Ward, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MembershipStatus.choices,
        default=MembershipStatus.CONFIRMED,
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("foreslået af"),
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("givet af"),
    )
    confirmed_at = models.DateTimeField(_("givet"), null=True, blank=True)
    ended_at = models.DateTimeField(_("afsluttet"), null=True, blank=True)

    class Meta:
        verbose_name = _("tilknytning")
        verbose_name_plural = _("tilknytninger")
        constraints = [
            # Nobody grants themselves a role (also checked by organisation.access).
            models.CheckConstraint(
                name="membership_not_confirmed_by_its_user",
                condition=Q(confirmed_by__isnull=True) | ~Q(confirmed_by=F("user")),
            ),
            models.CheckConstraint(
                name="membership_scope_matches_role",
                condition=(
                    Q(
                        role__in=TEAM_ROLES,
                        team__isnull=False,
                        facility__isnull=True,
                        ward__isnull=True,
                        region__isnull=True,
                    )
                    | Q(
                        role__in=FACILITY_ROLES,
                        team__isnull=True,
                        facility__isnull=False,
                        ward__isnull=True,
                        region__isnull=True,
                    )
                    | Q(
                        role=Role.WARD_STAFF,
                        team__isnull=True,
                        facility__isnull=True,
                        ward__isnull=False,
                        region__isnull=True,
                    )
                    | Q(
                        role=Role.REGION_ADMIN,
                        team__isnull=True,
                        facility__isnull=True,
                        ward__isnull=True,
                        region__isnull=False,
                    )
                ),
            ),
            # A user holds a role in one team, facility, ward or region at most once in force
            # or proposed (ended and rejected rows stay as history). One constraint per kind
            # of scope: the three empty scope columns are NULL, and NULLs never collide.
            *(
                models.UniqueConstraint(
                    fields=["user", "role", scope],
                    condition=Q(
                        **{f"{scope}__isnull": False},
                        is_active=True,
                        status__in=["pending", "confirmed"],
                    ),
                    name=f"membership_unique_in_force_per_{scope}",
                )
                for scope in ("team", "facility", "ward", "region")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.scope}"

    @property
    def scope(self) -> Team | Facility | Ward | Region | None:
        return self.team or self.facility or self.ward or self.region

    @property
    def unit(self) -> Team | Facility | None:
        """The team or facility whose leader decides about this membership (else None)."""
        return self.team or self.facility

    @property
    def region_id_of_scope(self) -> int | None:
        if self.region_id is not None:
            return self.region_id
        scope = self.team or self.facility or self.ward
        return scope.region_id if scope is not None else None

    @property
    def grants_access(self) -> bool:
        return self.is_active and self.status == MembershipStatus.CONFIRMED


class MembershipEventKind(models.TextChoices):
    GRANTED = "granted", _("Tildelt")
    PROPOSED = "proposed", _("Foreslået")
    CONFIRMED = "confirmed", _("Bekræftet")
    REJECTED = "rejected", _("Afvist")
    CHANGED = "changed", _("Ændret")
    ENDED = "ended", _("Afsluttet")


class MembershipEvent(models.Model):
    """The history of one membership, shown to the leader of its team or facility.

    Written by ``organisation.services`` next to the audit row of the same step; never changed.
    """

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(_("hændelse"), max_length=20, choices=MembershipEventKind.choices)
    # before/after of role, profession and activation (codes, never free text)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("ændring af tilknytning")
        verbose_name_plural = _("ændringer af tilknytninger")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.membership_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("membership history is append-only")
        super().save(*args, **kwargs)

    @property
    def summary(self) -> str:
        """What was given or changed, in the users' words (labels of the stored codes)."""
        labels = {"role": dict(Role.choices), "profession": dict(Profession.choices)}
        d = self.detail
        if "changes" in d:
            parts = []
            for field, (before, after) in d["changes"].items():
                if field == "is_active":
                    parts.append(str(_("genaktiveret") if after else _("deaktiveret")))
                else:
                    names = labels.get(field, {})
                    parts.append(f"{names.get(before, before)} → {names.get(after, after)}")
            return "; ".join(parts)
        if "role" in d:
            return f"{labels['role'].get(d['role'], d['role'])}, " + str(
                labels["profession"].get(d.get("profession"), d.get("profession", ""))
            )
        return ""
