"""The course record: one table of dated entries of every kind, and all their versions.

An entry's current content is on ``Entry`` (so lists, the timeline and the indicators read one
table); every version, the first included, is an ``EntryVersion`` row that is never changed.
A correction adds a version: the original stays readable with who wrote it and when. The time
of the event (``occurred_on``) and the time of the entry (``recorded_at``) are kept apart.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import Course
from organisation.models import Facility, Team
from residents.models import Resident

from .kinds import SINGLE_KINDS, Kind


class Sector(models.TextChoices):
    TEAM = "team", _("Botilbudsteam")
    FACILITY = "facility", _("Botilbud")


class Entry(models.Model):
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="record_entries")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="record_entries")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    # the facility the resident lived at when the entry was made
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices)
    # consent category that lets housing staff read it ("" = the team's own journal)
    category = models.CharField(max_length=20, blank=True)
    sector = models.CharField(max_length=10, choices=Sector.choices)
    occurred_on = models.DateField(_("dato"))
    occurred_until = models.DateField(_("til"), null=True, blank=True)
    review_on = models.DateField(_("næste revurdering"), null=True, blank=True)
    # the kind's main choice (risk level, voluntary/compulsory, kind of force, crisis phase ...)
    subtype = models.CharField(max_length=30, blank=True)
    data = models.JSONField(default=dict)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    # not a field: set by ``record.views`` and ``record.visit_day`` for their templates
    overdue: bool

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("journalnotat")
        verbose_name_plural = _("journalnotater")
        indexes = [
            models.Index(fields=["resident", "occurred_on"]),
            models.Index(fields=["team", "kind", "occurred_on"]),
            models.Index(fields=["facility", "kind", "occurred_on"]),
            models.Index(fields=["kind", "review_on"]),
            # the indicators' adherence figures: latest plan/assessment per resident and kind
            models.Index(fields=["kind", "review_on", "occurred_on", "resident"]),
            # the indicators (issue 14): the region's entries with a review date, read from
            # the index alone; and a course's first visit
            models.Index(
                fields=["team", "kind", "review_on"],
                include=["occurred_on", "resident", "id"],
                condition=Q(review_on__isnull=False),
                name="record_entry_team_review",
            ),
            models.Index(
                fields=["course", "occurred_on"],
                include=["id"],
                condition=Q(kind=Kind.VISIT),
                name="record_entry_course_visit",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "kind"],
                condition=Q(kind__in=sorted(SINGLE_KINDS)),
                name="record_one_living_plan_per_resident",
            ),
            models.CheckConstraint(
                name="record_until_not_before_start",
                condition=Q(occurred_until__isnull=True)
                | Q(occurred_until__gte=models.F("occurred_on")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on:%d.%m.%Y}"


class EntryVersion(models.Model):
    """One saved state of an entry. Never updated or deleted (except by retention)."""

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    occurred_on = models.DateField()
    occurred_until = models.DateField(null=True, blank=True)
    review_on = models.DateField(null=True, blank=True)
    subtype = models.CharField(max_length=30, blank=True)
    data = models.JSONField(default=dict)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(_("årsag til rettelse"), blank=True, max_length=1000)

    class Meta:
        ordering = ["entry", "number"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "number"], name="record_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} v{self.number}"
