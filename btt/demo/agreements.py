"""Demo data for the cooperation agreements (samarbejdsaftaler) and the joint competence
development activities, written after the board demo (the meeting weekday follows the
facility's MeetingSchedule).

Of the adult facilities with a team, about 80 % have an agreement in force, about 5 % are
under renegotiation (a second, unsigned version), about 5 % in notice, about 3 % drafts, and
the rest none. Bostedet Egely always has one in force. Each facility with a signed agreement has
1-3 competence activities. Deterministic (one seeded random stream, facilities in primary-key
order, dates as offsets from today); written with ``bulk_create``, no services, no audit rows.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from agreements.models import (
    ActivityKind,
    Agreement,
    AgreementVersion,
    CompetenceActivity,
    Party,
    Signature,
    Status,
)
from agreements.services import standard_sections
from board.models import MeetingSchedule
from lib.notice import notice_end
from organisation.models import Facility, Membership, MembershipStatus, Role, TeamKind

from .common import days, span

EGELY = "Bostedet Egely"
# (status, cumulative share): in force 80 %, renegotiation 5 %, notice 5 %, draft 3 %, none 7 %
_SHARES = (
    (Status.IN_FORCE, 0.80),
    (Status.RENEGOTIATION, 0.85),
    (Status.NOTICE, 0.90),
    (Status.DRAFT, 0.93),
)
_AFTER_HOURS = (
    "Psykiatrisk Akutmodtagelse, tlf. 38 64 00 00 (døgnåben)",
    "Psykiatrisk Akutmodtagelse, tlf. 38 64 00 01. Ved livsfare: 112",
    "Akuttelefonen 1813; ved behov for psykiatrisk vurdering Psykiatrisk Akutmodtagelse, "
    "tlf. 38 64 00 02",
)
_SAFETY = (
    "Personalet bærer overfaldsalarm ved samtaler. Samtaler holdes i beboerens lejlighed med "
    "åben dør eller i samtalerummet ved personalekontoret. Botilbuddet overleverer den seneste "
    "risikovurdering ved besøgets start; ved forhøjet risiko deltager en medarbejder fra "
    "botilbuddet.",
    "Samtaler holdes i fællesrummet eller samtalerummet. Botilbuddet orienterer mundtligt om "
    "aktuel risiko ved ankomst. Ved tidligere udadreagerende adfærd er to medarbejdere til stede.",
)
_TOPICS = {
    ActivityKind.EXCHANGE: ("Udvekslingsbesøg: en dag med botilbudsteamet",),
    ActivityKind.THEME_DAY: ("Temadag om tidlige tegn og kriseplaner", "Temadag om misbrug"),
    ActivityKind.TEACHING: ("Undervisning i antipsykotisk medicin", "Undervisning om selvskade"),
    ActivityKind.SPARRING: ("Fælles faglig sparring om udadreagerende adfærd",),
    ActivityKind.INTRO: ("Fælles introkursus for nye medarbejdere",),
}
_KINDS = tuple(_TOPICS)


@dataclass
class AgreementsSummary:
    agreements: int
    in_force: int
    activities: int


def _leaders(role, field: str) -> dict[int, list[int]]:
    """Per team / facility: user ids, the leaders first, then staff."""
    out: dict[int, list[int]] = {}
    rows = (
        Membership.objects.filter(
            is_active=True, status=MembershipStatus.CONFIRMED, **{f"{field}__isnull": False}
        )
        .filter(role__in=role)
        .order_by(field, "pk")
        .values_list(field, "user_id", "role")
    )
    for key, user_id, member_role in rows:
        bucket = out.setdefault(key, [])
        if member_role in (Role.TEAM_LEADER, Role.FACILITY_LEADER):
            bucket.insert(0, user_id)
        else:
            bucket.append(user_id)
    return out


def _status(rng: random.Random, facility: Facility) -> str | None:
    roll = rng.random()
    if facility.name == EGELY:
        return Status.IN_FORCE
    return next((status for status, share in _SHARES if roll < share), None)


@transaction.atomic
def write_demo_agreements(seed: int) -> AgreementsSummary:
    rng = random.Random(seed * 53 + 11)  # noqa: S311  # nosec B311
    today = timezone.localdate()
    now = timezone.now()
    facilities = list(
        Facility.objects.filter(team__isnull=False, team__kind=TeamKind.ADULT)
        .select_related("team")
        .order_by("pk")
    )
    meeting = {
        pk: (weekday, starts_at)
        for pk, weekday, starts_at in MeetingSchedule.objects.values_list(
            "facility_id", "weekday", "starts_at"
        )
    }
    team_users = _leaders((Role.TEAM_LEADER, Role.TEAM_STAFF), "team_id")
    facility_users = _leaders((Role.FACILITY_LEADER, Role.FACILITY_STAFF), "facility_id")

    agreements: list[Agreement] = []
    versions: list[tuple[int, AgreementVersion]] = []  # (agreement index, version)
    signatures: list[tuple[int, str, int, datetime.datetime]] = []  # (version index, ...)
    activities: list[tuple[CompetenceActivity, list[int]]] = []
    for facility in facilities:
        status = _status(rng, facility)
        # every facility draws the same number of values, whatever its status
        signed_days_ago = span(rng, 60, 400)
        visit_days = sorted(rng.sample(range(5), 1 + (rng.random() < 0.5)))
        late = rng.random() < 0.25
        after_hours = rng.choice(_AFTER_HOURS)
        safety = rng.choice(_SAFETY)
        notice_days_ago = span(rng, 5, 45)
        n_activities = span(rng, 1, 3)
        team_ids = team_users.get(facility.team_id or 0, [])
        facility_ids = facility_users.get(facility.pk, [])
        if status is None or not team_ids or not facility_ids or facility.team is None:
            continue
        team, team_leader, facility_leader = facility.team, team_ids[0], facility_ids[0]
        signed_on = today - days(signed_days_ago)
        created_at = now - days(signed_days_ago + 30)
        agreement = Agreement(
            team=team,
            facility=facility,
            status=status,
            created_by_id=team_leader,
            created_at=created_at,
            version=1 if status == Status.DRAFT else 3,
        )
        if status == Status.NOTICE:
            agreement.notice_given_on = today - days(notice_days_ago)
            agreement.notice_given_by_id = facility_leader
            agreement.ends_on = notice_end(agreement.notice_given_on, agreement.notice_months)
        if status == Status.RENEGOTIATION:
            agreement.version = 4
        agreements.append(agreement)
        sections = standard_sections(team, facility)
        sections = {key: str(text) for key, text in sections.items()}
        sections["safety"] = safety
        fields = {
            "sections": sections,
            "visit_days": visit_days,
            "visit_from": datetime.time(9, 0),
            "visit_to": datetime.time(12, 0),
            "meeting_weekday": meeting.get(facility.pk, (visit_days[0], None))[0],
            "meeting_time": meeting.get(facility.pk, (None, datetime.time(10, 0)))[1],
            "team_contacts": "",
            "facility_contacts": "",
            "shared_mailbox": team.email,
            "team_phone": team.phone,
            "opening_days": [0, 1, 2, 3, 4],
            "opens_at": datetime.time(8, 30) if late else datetime.time(8, 0),
            "closes_at": datetime.time(15, 0) if late else datetime.time(15, 30),
            "after_hours": after_hours,
            "created_by_id": team_leader,
        }
        signed = status != Status.DRAFT
        versions.append(
            (
                len(agreements) - 1,
                AgreementVersion(
                    number=1,
                    created_at=created_at,
                    in_force_from=signed_on if signed else None,
                    **fields,
                ),
            )
        )
        if signed:
            at = now - days(signed_days_ago)
            signatures.append((len(versions) - 1, Party.TEAM, team_leader, at - days(2)))
            signatures.append((len(versions) - 1, Party.FACILITY, facility_leader, at))
        if status == Status.RENEGOTIATION:
            versions.append(
                (
                    len(agreements) - 1,
                    AgreementVersion(number=2, created_at=now - days(notice_days_ago), **fields),
                )
            )
        if not signed:
            continue
        people = team_ids[:3] + facility_ids[:3]
        for i in range(n_activities):
            kind = _KINDS[(facility.pk + i) % len(_KINDS)]
            topics = _TOPICS[kind]
            activities.append(
                (
                    CompetenceActivity(
                        team=team,
                        facility=facility,
                        kind=kind,
                        held_on=signed_on + days(20 + 45 * i),
                        topic=topics[(facility.pk + i) % len(topics)],
                        other_participants="",
                        created_by_id=facility_leader,
                    ),
                    people[i % 2 :: 2] or people,
                )
            )

    Agreement.objects.bulk_create(agreements)
    for index, version in versions:
        version.agreement = agreements[index]
    AgreementVersion.objects.bulk_create([v for _i, v in versions])
    names = _names({s[2] for s in signatures})
    Signature.objects.bulk_create(
        [
            Signature(
                version=versions[index][1],
                party=party,
                user_id=user_id,
                name=names.get(user_id, ""),
                role="Leder af botilbudsteam" if party == Party.TEAM else "Leder af botilbud",
                signed_at=at,
            )
            for index, party, user_id, at in signatures
        ]
    )
    CompetenceActivity.objects.bulk_create([a for a, _p in activities])
    through = CompetenceActivity.participants.through
    through.objects.bulk_create(
        [
            through(competenceactivity_id=a.pk, user_id=user_id)
            for a, people in activities
            for user_id in dict.fromkeys(people)
        ]
    )
    return AgreementsSummary(
        agreements=len(agreements),
        in_force=sum(1 for a in agreements if a.status == Status.IN_FORCE),
        activities=len(activities),
    )


def _names(user_ids) -> dict[int, str]:
    return {
        u.pk: (f"{u.first_name} {u.last_name}".strip() or u.username)
        for u in User.objects.filter(pk__in=user_ids).only(
            "pk", "first_name", "last_name", "username"
        )
    }


def agreements_summary(summary: AgreementsSummary) -> str:
    return (
        f"Cooperation agreements: {summary.agreements} ({summary.in_force} in force), "
        f"{summary.activities} joint competence activities."
    )
