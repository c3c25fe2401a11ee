"""Jobs of the consent app: nightly reminders of consents that lapse soon or lapsed.

A consent in force that lapses within ``EXPIRY_NOTICE_DAYS`` (30) days, and one that lapsed
(it lapses ON ``expires_on``; a missed night is caught up within ``LAPSED_CATCH_UP_DAYS``),
notifies the team contacts of the resident's active course (the responsible doctor when the
course names no contact), once per consent and threshold (the notification's ``dedupe_key``).
A refusal has no reminder, and neither has a withdrawn consent. The notification holds only its
kind and a link to the resident's consent page, which shows what the user may see.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from procrastinate.contrib.django import app

from courses.models import Course, CourseStatus
from lib.jobs import RETRY, tick_date
from notifications.models import Kind
from notifications.services import notify

from .models import Consent, ConsentKind
from .rules import active_q
from .selectors import EXPIRY_NOTICE_DAYS

logger = logging.getLogger(__name__)

LAPSED_CATCH_UP_DAYS = 7
LAPSING = "30"
LAPSED = "lapsed"


def dedupe_key(consent_id: int, threshold: str) -> str:
    return f"consent-lapse:{consent_id}:{threshold}"


def due_reminders(day: datetime.date) -> list[tuple[Consent, str]]:
    """(consent, threshold) for every consent that should have a reminder on ``day``."""
    lapsing = Q(active_q(day)) & Q(
        expires_on__isnull=False,
        expires_on__lte=day + datetime.timedelta(days=EXPIRY_NOTICE_DAYS),
    )
    lapsed = Q(
        withdrawn_at__isnull=True,
        expires_on__lte=day,
        expires_on__gt=day - datetime.timedelta(days=LAPSED_CATCH_UP_DAYS),
    )
    rows = (
        Consent.objects.exclude(kind=ConsentKind.REFUSAL)
        .filter(lapsing | lapsed)
        .only("pk", "resident_id", "given_on", "expires_on", "withdrawn_at")
        .order_by("pk")
    )
    return [(c, LAPSED if c.expires_on and c.expires_on <= day else LAPSING) for c in rows]


def contacts_by_resident(resident_ids: set[int]) -> dict[int, list[int]]:
    """Resident id -> user ids of their active course's team contacts (or its doctor)."""
    courses = Course.objects.filter(
        resident_id__in=resident_ids, status=CourseStatus.ACTIVE
    ).prefetch_related("team_contacts")
    contacts: dict[int, list[int]] = defaultdict(list)
    for course in courses:
        ids = sorted(user.pk for user in course.team_contacts.all())
        contacts[course.resident_id] = ids or [course.responsible_doctor_id]
    return contacts


@app.periodic(cron=settings.JOB_SCHEDULES["consent_reminders"], periodic_id="nightly")
@app.task(name="consent.remind_lapsing", retry=RETRY, lock="consent.reminders")
def remind_lapsing(timestamp: int) -> int:
    """Ask for the reminders due on the tick's date (a fan-out job per consent; a reminder
    already sent is not sent again). Logs counts only. Returns the number of reminders asked."""
    day = tick_date(timestamp)
    due = due_reminders(day)
    contacts = contacts_by_resident({consent.resident_id for consent, _ in due})
    asked = 0
    for consent, threshold in due:
        recipients = contacts.get(consent.resident_id)
        if not recipients:
            continue
        notify(
            kind=Kind.CONSENT_LAPSED if threshold == LAPSED else Kind.CONSENT_LAPSING,
            recipients=recipients,
            url=reverse("consent:ledger", args=[consent.resident_id]),
            dedupe_key=dedupe_key(consent.pk, threshold),
        )
        asked += 1
    logger.info("consent reminders asked", extra={"due": len(due), "asked": asked})
    return asked
