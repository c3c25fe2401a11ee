"""Reads of agreements, the "hvem ringer jeg til nu?" answer, the agreement facts a facility's
and a resident's pages show, and the region overview."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from courses.models import Course
from lib.notice import end_of_month
from organisation.models import Facility

from . import access
from .models import WEEKDAYS, Agreement, AgreementVersion, Status, in_force_on

LIVE = (Status.DRAFT, Status.SIGNED_ONE, Status.IN_FORCE, Status.RENEGOTIATION, Status.NOTICE)


def agreements_visible_to(user) -> QuerySet[Agreement]:
    """The agreements the user may see: the rule lives in ``agreements.access``."""
    return access.visible(user)


def with_versions(qs: QuerySet[Agreement]) -> QuerySet[Agreement]:
    return qs.select_related("team", "facility", "created_by", "notice_given_by").prefetch_related(
        Prefetch(
            "versions",
            queryset=AgreementVersion.objects.prefetch_related("signatures").order_by("-number"),
        ),
        "facility__addresses",
    )


def effective_status(agreement: Agreement, today: datetime.date | None = None) -> str:
    today = today or timezone.localdate()
    if agreement.status == Status.NOTICE and agreement.ends_on and today > agreement.ends_on:
        return Status.TERMINATED
    return agreement.status


def version_in_force(
    agreement: Agreement, day: datetime.date | None = None
) -> AgreementVersion | None:
    """The text in force on ``day`` (today by default): None before the first signing, after
    the end date, or for a terminated agreement past its end."""
    day = day or timezone.localdate()
    if agreement.ends_on and day > agreement.ends_on:
        return None
    return in_force_on(list(agreement.versions.all()), day)


def live_agreement_for_facility(facility) -> Agreement | None:
    return (
        with_versions(Agreement.objects.filter(facility=facility, status__in=LIVE))
        .order_by("-created_at")
        .first()
    )


@dataclass(frozen=True)
class CallAdvice:
    open_now: bool
    who: str  # whom to call now
    phone: str
    mailbox: str
    hours: str  # the opening hours in words


def who_to_call(version: AgreementVersion | None, now: datetime.datetime) -> CallAdvice | None:
    """ "Hvem ringer jeg til nu?": the team inside its opening hours (opening time included,
    closing time excluded), the agreed after-hours contact outside them."""
    if version is None or version.opens_at is None or version.closes_at is None:
        return None
    local = timezone.localtime(now)
    days = set(version.opening_days or [])
    open_now = local.weekday() in days and version.opens_at <= local.time() < version.closes_at
    names = dict(WEEKDAYS)
    day_words = ", ".join(str(names[d]) for d in sorted(days))
    hours = f"{day_words} {version.opens_at:%H.%M}–{version.closes_at:%H.%M}"
    who = str(version.agreement.team) if open_now else version.after_hours
    return CallAdvice(
        open_now=open_now,
        who=who,
        phone=version.team_phone,
        mailbox=version.shared_mailbox,
        hours=hours,
    )


def agreement_facts(facility, now: datetime.datetime | None = None) -> dict:
    """What a facility's pages show from its agreement in force (a constant number of queries):
    ``agreement_version`` (or None), ``call_advice`` (or None) and the visit days in words."""
    if facility is None:
        return {"agreement_version": None, "call_advice": None, "visit_days_words": ""}
    now = now or timezone.now()
    day = timezone.localtime(now).date()
    # One query: the same answer as live_agreement_for_facility + version_in_force.
    version = (
        AgreementVersion.objects.filter(
            agreement__facility=facility,
            agreement__status__in=LIVE,
            in_force_from__lte=day,
        )
        .filter(Q(agreement__ends_on__isnull=True) | Q(agreement__ends_on__gte=day))
        .select_related("agreement__team")
        .order_by("-agreement__created_at", "-in_force_from")
        .first()
    )
    names = dict(WEEKDAYS)
    return {
        "agreement_version": version,
        "call_advice": who_to_call(version, now),
        "visit_days_words": ", ".join(
            str(names[d]) for d in sorted(version.visit_days or []) if d in names
        )
        if version
        else "",
    }


def region_overview(user, *, months: int = 12, today: datetime.date | None = None) -> dict:
    """Per team: each facility's agreement status; implementation coverage (facilities and
    residents in an active course covered by an agreement in force) at each month end."""
    teams = list(access.overview_teams(user).order_by("name"))  # 404 for everyone else
    today = today or timezone.localdate()
    facilities = list(
        Facility.objects.filter(team__in=teams).select_related("team").order_by("name")
    )
    agreements = list(
        with_versions(Agreement.objects.filter(facility__in=facilities)).order_by("created_at")
    )
    by_facility: dict[int, list[Agreement]] = {}
    for agreement in agreements:
        by_facility.setdefault(agreement.facility_id, []).append(agreement)

    def covered(facility_id: int, day: datetime.date) -> bool:
        return any(version_in_force(a, day) for a in by_facility.get(facility_id, []))

    rows = []
    for facility in facilities:
        live = [
            a
            for a in by_facility.get(facility.pk, [])
            if effective_status(a, today) != Status.TERMINATED
        ]
        current = live[-1] if live else None
        rows.append(
            {
                "facility": facility,
                "team": facility.team,
                "agreement": current,
                "status": effective_status(current, today) if current else None,
                "in_force": bool(current and version_in_force(current, today)),
            }
        )
    courses = list(
        Course.objects.filter(facility__in=facilities).values_list(
            "facility_id", "started_on", "ended_on"
        )
    )
    points = []
    month_end = end_of_month(today)
    for i in range(months - 1, -1, -1):
        year, month = month_end.year, month_end.month - i
        while month <= 0:
            year, month = year - 1, month + 12
        day = min(end_of_month(datetime.date(year, month, 1)), today)
        active = [
            fid for fid, start, end in courses if start <= day and (end is None or end >= day)
        ]
        facilities_covered = sum(1 for f in facilities if covered(f.pk, day))
        residents_covered = sum(1 for fid in active if covered(fid, day))
        points.append(
            {
                "day": day,
                "facilities": len(facilities),
                "facilities_covered": facilities_covered,
                "residents": len(active),
                "residents_covered": residents_covered,
            }
        )
    return {"teams": teams, "rows": rows, "coverage": points}
