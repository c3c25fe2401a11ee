"""The resident overview board (beboeroverblikstavle), the weekly cross-sector meeting, and the
questions and updates left between meetings (seed 000; DOMAIN.md, "The overview board").

The columns, who writes them and what consent they need are described in ``board.columns``
(checked against ``BoardEntry`` when this module is imported). Every entry carries a version:
a save on a stale version is refused, or merged by ``board.services`` where the columns differ.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import Course
from organisation.models import Facility, Team
from residents.models import Resident

from . import columns
from .columns import CATEGORY as FIELD_CATEGORY  # noqa: F401 - re-exported
from .columns import FACILITY_FIELDS as FACILITY_FIELDS  # re-exported: they live in columns
from .columns import SHARED_FIELDS as SHARED_FIELDS
from .columns import TEAM_FIELDS as TEAM_FIELDS
from .columns import Sector as Sector


class BoardCriterion(models.TextChoices):
    """Why a resident is on the board: the target-group criteria and the usual triggers."""

    ADMISSIONS = "admissions", _("Hyppige eller lange indlæggelser")
    COMPLEX = "complex", _("Komplekse psykiatriske eller sociale problemstillinger")
    AGGRESSION_FORCE = (
        "aggression_force",
        _("Udadreagerende adfærd, selvskade eller magtanvendelse"),
    )
    NO_INSIGHT = "no_insight", _("Manglende sygdomsindsigt")
    EARLY_SIGNS = "early_signs", _("Tidlige tegn på forværring")
    ADMISSION_NEAR = "admission_near", _("Nylig eller kommende indlæggelse")
    DISCHARGE = "discharge", _("Udskrivelse")
    MEDICATION_FAILURE = "medication_failure", _("Medicinsvigt")
    CRISIS_RED = "crisis_red", _("Kriseplan i rød fase")
    SUBSTANCE = "substance", _("Misbrug")
    OTHER = "other", _("Andet")


class EntryStatus(models.TextChoices):
    ACTIVE = "active", _("På tavlen")
    ENDED = "ended", _("Taget af tavlen")


class EndReason(models.TextChoices):
    GOALS_MET = "goals_met", _("Målene er nået")
    STABLE = "stable", _("Beboeren er stabil")
    ADMITTED = "admitted", _("Indlagt – følges på anden vis")
    MOVED = "moved", _("Fraflyttet")
    COURSE_ENDED = "course_ended", _("Forløbet er afsluttet")
    OTHER = "other", _("Andet")


class BoardEntry(models.Model):
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="board_entries")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="board_entries")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="board_entries")
    status = models.CharField(
        _("status"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.ACTIVE
    )
    placed_on = models.DateField(_("dato på tavlen"))
    review_on = models.DateField(_("næste opfølgning"))
    last_reviewed_on = models.DateField(_("sidst fulgt op"), null=True, blank=True)
    housing_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kontaktperson botilbud"),
    )
    others_involved = models.TextField(
        _("øvrige relevante involverede"), blank=True, max_length=2000
    )
    criteria = models.JSONField(_("årsag til at være på tavlen (kriterier)"), default=list)
    need_text = models.TextField(
        _("uddybning af behov for intensiveret indsats"), blank=True, max_length=5000
    )
    goals_short = models.TextField(_("kortsigtede indsatsmål"), blank=True, max_length=3000)
    goals_long = models.TextField(_("langsigtede indsatsmål"), blank=True, max_length=3000)
    resident_goals = models.TextField(_("beboers egne mål og ønsker"), blank=True, max_length=3000)
    resident_informed = models.TextField(
        _("info til beboer om indsats (hvornår og hvordan)"), blank=True, max_length=2000
    )
    social_interventions = models.TextField(
        _("socialpædagogiske/socialpsykiatriske interventioner"), blank=True, max_length=5000
    )
    treatment_interventions = models.TextField(
        _("botilbudsteam-behandlingsinterventioner"), blank=True, max_length=5000
    )
    ended_on = models.DateField(_("taget af tavlen"), null=True, blank=True)
    end_reason = models.CharField(_("årsag"), max_length=20, choices=EndReason.choices, blank=True)
    ending_text = models.TextField(
        _("afslutning af indsats med beboer"), blank=True, max_length=3000
    )
    # Who last changed each column, and when: {"field": {"by": user id, "name": str, "at": iso}}
    cell_meta = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    # not a field: the columns the viewer may not see (``board.access``'s redaction)
    withheld: frozenset[str]

    class Meta:
        ordering = ["placed_on", "id"]
        verbose_name = _("tavleindgang")
        verbose_name_plural = _("tavleindgange")
        indexes = [
            models.Index(fields=["team", "status"]),
            models.Index(fields=["facility", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["resident"],
                condition=Q(status="active"),
                name="board_one_active_entry_per_resident",
            ),
            models.CheckConstraint(
                name="board_ended_has_date_and_text",
                condition=Q(status="active", ended_on__isnull=True)
                | Q(status="ended", ended_on__isnull=False) & ~Q(ending_text=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident} – {self.facility}"

    def days_on_board(self, today: datetime.date | None = None) -> int:
        end = self.ended_on or today or timezone.localdate()
        return (end - self.placed_on).days

    def review_overdue(self, today: datetime.date | None = None) -> bool:
        return self.status == EntryStatus.ACTIVE and self.review_on < (
            today or timezone.localdate()
        )

    def criteria_labels(self) -> list[str]:
        labels = dict(BoardCriterion.choices)
        return [str(labels.get(code, code)) for code in self.criteria]


# Import-time: every field of BoardEntry is a described column (or named as none).
columns.check_against(BoardEntry)


class BoardEntryChange(models.Model):
    """One changed column of one save: the full history behind "who changed what, when"."""

    entry = models.ForeignKey(BoardEntry, on_delete=models.PROTECT, related_name="changes")
    version = models.PositiveIntegerField()
    field = models.CharField(max_length=40)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["entry", "version", "id"]
        indexes = [models.Index(fields=["entry", "version"])]

    def __str__(self) -> str:
        return f"{self.entry_id} v{self.version} {self.field}"


class MeetingSchedule(models.Model):
    """The facility's recurring weekly overview meeting."""

    facility = models.OneToOneField(
        Facility, on_delete=models.CASCADE, related_name="meeting_schedule"
    )
    weekday = models.PositiveSmallIntegerField(
        _("ugedag"),
        choices=[
            (0, _("mandag")),
            (1, _("tirsdag")),
            (2, _("onsdag")),
            (3, _("torsdag")),
            (4, _("fredag")),
        ],
    )
    starts_at = models.TimeField(_("tidspunkt"))
    minutes_per_resident = models.PositiveSmallIntegerField(
        _("minutter pr. beboer"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("mødeplan")
        verbose_name_plural = _("mødeplaner")

    def __str__(self) -> str:
        return f"{self.facility}: {self.get_weekday_display()} {self.starts_at:%H:%M}"


class MeetingStatus(models.TextChoices):
    OPEN = "open", _("I gang")
    CLOSED = "closed", _("Afsluttet")


class Meeting(models.Model):
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="meetings")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("dato"))
    status = models.CharField(
        max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    minutes_per_resident = models.PositiveSmallIntegerField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("tavlemøde")
        verbose_name_plural = _("tavlemøder")
        constraints = [
            models.UniqueConstraint(
                fields=["facility"],
                condition=Q(status="open"),
                name="board_one_open_meeting_per_facility",
            )
        ]

    def __str__(self) -> str:
        return f"{self.facility} {self.held_on}"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sector = models.CharField(max_length=10, choices=Sector.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="board_attendance_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.meeting}"


class AgendaReason(models.TextChoices):
    NEW = "new", _("Ny på tavlen")
    ADMISSION = "admission", _("Indlagt eller udskrevet siden sidste møde")
    EVENT = "event", _("Hændelse siden sidste møde")
    REVIEW_DUE = "review_due", _("Opfølgning forfalden")
    QUESTION = "question", _("Spørgsmål eller opdatering")
    OPEN_ACTION = "open_action", _("Åben handling fra tidligere møde")
    CONSENT_EXPIRING = "consent_expiring", _("Samtykke udløber snart")
    ON_BOARD = "on_board", _("På tavlen")


class AgendaItem(models.Model):
    """One resident on the meeting's agenda: why they are there, and what was said."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(
        BoardEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    position = models.PositiveSmallIntegerField()
    reasons = models.JSONField(default=list)
    note = models.TextField(_("notat"), blank=True, max_length=5000)
    decisions = models.TextField(_("beslutninger"), blank=True, max_length=5000)
    discussed = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)

    # not fields: set by ``board.access`` and ``board.selectors`` for the meeting pages
    shared: bool
    minute_actions: list[Action]
    minute_questions: list[Question]
    ended_at_meeting: bool

    class Meta:
        ordering = ["meeting", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "resident"], name="board_agenda_resident_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting} #{self.position}"

    def reason_labels(self) -> list[str]:
        labels = dict(AgendaReason.choices)
        return [str(labels.get(code, code)) for code in self.reasons]


class Action(models.Model):
    """A follow-up agreed at a meeting; it comes back on every agenda until it is done."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="actions")
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("handling"), max_length=2000)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ansvarlig"),
    )
    owner_sector = models.CharField(max_length=10, choices=Sector.choices)
    due_on = models.DateField(_("frist"))
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    # not a field: set by ``record.visit_day`` for its template
    overdue: bool

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["facility", "done_at"])]

    def __str__(self) -> str:
        return self.text[:50]


class QuestionDirection(models.TextChoices):
    TO_TEAM = "to_team", _("Til botilbudsteamet")
    TO_FACILITY = "to_facility", _("Til botilbuddet")


class QuestionKind(models.TextChoices):
    QUESTION = "question", _("Spørgsmål")
    UPDATE = "update", _("Opdatering")


class Question(models.Model):
    """A question or update left for the next visit or meeting, instead of a hallway question."""

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="board_questions")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("type"), max_length=10, choices=QuestionKind.choices)
    direction = models.CharField(max_length=12, choices=QuestionDirection.choices)
    text = models.TextField(_("tekst"), max_length=3000)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(_("svar"), blank=True, max_length=3000)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "id"]
        indexes = [models.Index(fields=["facility", "answered_at"])]

    def __str__(self) -> str:
        return self.text[:50]

    @property
    def is_open(self) -> bool:
        return self.answered_at is None
