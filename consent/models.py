"""The consent ledger: consents, refusals and withdrawals per resident. Never deleted.

Legal frame (shared/RULES.md): sharing with non-health staff such as housing social educators
(Sundhedsloven §43, and the social side) needs written consent naming which kinds of
information, from whom and for what, and lapses at the latest one year after it was given.
Until the region's lawyers decide otherwise, all team -> facility sharing follows this stricter
rule, whatever legal basis is chosen.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisation.models import Facility
from residents.models import Resident


class ConsentKind(models.TextChoices):
    TREATMENT = "treatment", _("Samtykke til henvisning og behandlingstilbud")
    SHARING = "sharing", _("Samtykke til videregivelse mellem botilbudsteam og botilbud")
    RELATIVES = "relatives", _("Samtykke til inddragelse af pårørende i netværksmøder")
    REFUSAL = "refusal", _("Frabedelse af videregivelse")


class Direction(models.TextChoices):
    TEAM_TO_FACILITY = "team_to_facility", _("Fra botilbudsteam til botilbud")
    FACILITY_TO_TEAM = "facility_to_team", _("Fra botilbud til botilbudsteam")
    BOTH = "both", _("Begge veje")


# Directions under which housing staff may read the team's information.
TO_FACILITY = (Direction.TEAM_TO_FACILITY, Direction.BOTH)


class Category(models.TextChoices):
    """Kinds of information a sharing consent (or refusal) names."""

    BOARD = "board", _("Tavlen (beboeroverblikstavle)")
    GOALS = "goals", _("Mål for indsatsen")
    PLANS = "plans", _("Behandlingsplan og kriseplan")
    MEDICATION = "medication", _("Medicin")
    ASSESSMENTS = "assessments", _("Udredninger og vurderinger")
    ADMISSIONS = "admissions", _("Indlæggelser")


ALL_CATEGORIES = frozenset(Category.values)


class LegalBasis(models.TextChoices):
    SUL_41 = "sul_41", _("Sundhedsloven § 41 (behandling)")
    SUL_43 = "sul_43", _("Sundhedsloven § 43 (andre formål)")
    SEL = "sel", _("Serviceloven")


class ConsentForm(models.TextChoices):
    WRITTEN = "written", _("Skriftligt")
    ORAL = "oral", _("Mundtligt")


class GivenBy(models.TextChoices):
    RESIDENT = "resident", _("Beboeren")
    GUARDIAN = "guardian", _("Værge")


def one_year_after(day: datetime.date) -> datetime.date:
    """The same date a year later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


class Consent(models.Model):
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="consents")
    kind = models.CharField(_("type"), max_length=20, choices=ConsentKind.choices)
    facility = models.ForeignKey(
        Facility,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
        verbose_name=_("botilbud"),
    )
    direction = models.CharField(_("retning"), max_length=20, choices=Direction.choices, blank=True)
    purpose = models.TextField(_("formål"), max_length=2000, blank=True)
    legal_basis = models.CharField(
        _("lovgrundlag"), max_length=10, choices=LegalBasis.choices, blank=True
    )
    relatives = models.TextField(_("pårørende (navn og relation)"), max_length=2000, blank=True)
    form = models.CharField(_("form"), max_length=10, choices=ConsentForm.choices)
    given_by = models.CharField(_("givet af"), max_length=10, choices=GivenBy.choices)
    given_on = models.DateField(_("givet den"))
    expires_on = models.DateField(_("udløber"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(_("trukket tilbage"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    withdrawal_note = models.TextField(_("note om tilbagetrækning"), max_length=2000, blank=True)
    # not a field: set by ``consent.views.ledger`` for its template
    can_withdraw: bool

    class Meta:
        ordering = ["-given_on", "-id"]
        verbose_name = _("samtykke")
        verbose_name_plural = _("samtykker")
        indexes = [models.Index(fields=["resident", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.resident}"

    def is_active_on(self, day: datetime.date) -> bool:
        """In force: given, not withdrawn, not lapsed (it lapses ON ``expires_on``)."""
        from .rules import in_force

        return in_force(self.given_on, self.expires_on, self.withdrawn_at, day)

    @property
    def is_active(self) -> bool:
        return self.is_active_on(timezone.localdate())

    def status_label(self) -> str:
        today = timezone.localdate()
        if self.withdrawn_at is not None:
            return str(_("Trukket tilbage"))
        if self.expires_on is not None and today >= self.expires_on:
            return str(_("Udløbet"))
        if self.given_on > today:
            return str(_("Ikke trådt i kraft"))
        return str(_("Gyldigt"))

    @property
    def category_codes(self) -> list[str]:
        """Uses prefetched ``scopes`` when present (selectors prefetch them)."""
        return sorted(scope.category for scope in self.scopes.all())

    def category_labels(self) -> list[str]:
        labels = dict(Category.choices)
        return [str(labels[code]) for code in self.category_codes]


class ConsentScope(models.Model):
    """One kind of information a sharing consent or a refusal names (a row, so lists such as
    the board can filter on it in SQL on every database)."""

    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="scopes")
    category = models.CharField(max_length=20, choices=Category.choices)

    class Meta:
        verbose_name = _("omfang")
        verbose_name_plural = _("omfang")
        constraints = [
            models.UniqueConstraint(fields=["consent", "category"], name="consent_scope_unique")
        ]
        indexes = [models.Index(fields=["category", "consent"])]

    def __str__(self) -> str:
        return self.get_category_display()
