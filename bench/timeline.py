"""Server time of a resident's timeline (record:timeline) on the demo data: the first page and
the oldest full page of the resident with the most course-record entries, requested N times
by a member of the resident's team through Django's test client (no network). Prints median
and 95th percentile and the number of SQL queries, on the PostgreSQL database DATABASE_URL
names (the bench seeds and drops a test database beside it, ``test_<name>``).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/btt_bench .venv/bin/python -m bench.timeline
    BENCH_N=200 BENCH_SCALE=region ...

If the demo has no resident with a dense history (fewer than BENCH_DENSE_MIN entries), the
bench gives the resident in an active course with the most entries ten years of dense history
itself (``dense_history``), so there is always something realistic to measure.
``dense_history`` is also what record/tests/test_timeline.py uses.
"""

from __future__ import annotations

import datetime
import os
import random
import statistics
import time

N = int(os.environ.get("BENCH_N", "100"))
DENSE_MIN = int(os.environ.get("BENCH_DENSE_MIN", "1000"))

# How often each kind turns up in a dense history (relative weights, per entry drawn).
WEIGHTS = {
    "visit": 30,
    "advice": 8,
    "external_contact": 6,
    "network_meeting": 2,
    "medication_observation": 5,
    "medication": 3,
    "medication_review": 2,
    "tapering_plan": 1,
    "medication_agreement": 1,
    "psychiatric": 2,
    "suicide_risk": 3,
    "substance": 2,
    "somatic": 2,
    "kram": 1,
    "health_check": 1,
    "admission": 2,
    "admission_role": 2,
    "force": 2,
    "compulsory": 1,
    "medication_failure": 2,
    "crisis": 3,
    "specialised_referral": 1,
}


def _templates() -> dict[str, tuple[dict, dict]]:
    """(columns, data) for every kind, from the sample payloads run through each form."""
    from record.forms import FORMS
    from record.tests.samples import post_data

    out = {}
    for kind, form_class in FORMS.items():
        form = form_class(post_data(kind))
        if not form.is_valid():  # pragma: no cover - a broken sample
            raise RuntimeError(f"sample for {kind} is invalid: {form.errors.as_json()}")
        out[kind] = form.split()
    return out


def _aware(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def dense_history(
    resident,
    *,
    team_user,
    facility_user=None,
    years: int = 10,
    per_week: int = 7,
    seed: int = 20240101,
    today: datetime.date | None = None,
) -> dict:
    """Ten years (``years``) of dense history for a resident in an active course, written with
    bulk inserts: two earlier (ended) courses in the same team with their referrals and a
    rejected referral in between, about ``per_week`` course-record entries a week across every
    kind (facility-side events partly recorded by ``facility_user``), stints on the board with
    their saves, and closed weekly meetings with notes while on the board. Returns counts."""
    from django.utils import timezone

    from board import models as bm
    from courses.models import Course, CourseStatus, Referral, ReferralStatus
    from record.kinds import CATEGORY, FACILITY_KINDS, SINGLE_KINDS
    from record.models import Entry, EntryVersion, Sector

    # Synthetic data: not for security.
    rng = random.Random(seed)  # noqa: S311  # nosec B311
    today = today or timezone.localdate()
    current = Course.objects.select_related("team", "facility").get(
        resident=resident, status=CourseStatus.ACTIVE
    )
    team, facility = current.team, current.facility
    start = today - datetime.timedelta(days=365 * years)

    # earlier courses in the same team (re-referrals), filling the years before the current one
    periods: list[tuple[Course, datetime.date, datetime.date]] = []
    gap_end = min(current.started_on, today) - datetime.timedelta(days=60)
    if (gap_end - start).days >= 730:
        third = (gap_end - start).days // 3
        spans = [
            (start, start + datetime.timedelta(days=int(third * 1.4))),
            (start + datetime.timedelta(days=int(third * 1.7)), gap_end),
        ]
        for number, (begin, end) in enumerate(spans):
            received = begin - datetime.timedelta(days=21)
            referral = Referral.objects.create(
                resident=resident,
                team=team,
                facility=facility,
                source="gp",
                referrer_name="Egen læge",
                received_on=received,
                reason=f"Genhenvisning nr. {number + 1}: tiltagende uro og medicinsvigt.",
                criteria=["no_insight"],
                consent_informed_on=received,
                consent_form="written",
                consent_given_by="resident",
                status=ReferralStatus.ACCEPTED,
                decision_reason="Opfylder målgruppekriterierne.",
                decided_by=team_user,
                decided_at=_aware(received + datetime.timedelta(days=7), 11),
                created_by=team_user,
                created_at=_aware(received, 9),
            )
            course = Course.objects.create(
                resident=resident,
                team=team,
                facility=facility,
                referral=referral,
                started_on=begin,
                status=CourseStatus.ENDED,
                responsible_doctor=current.responsible_doctor,
                ended_on=end,
                end_reason="completed" if number == 0 else "other_offer",
                transition="community_psychiatry" if number == 0 else "gp",
                end_summary="Stabil i længere tid; afsluttet efter planen med overlevering.",
                ended_by=team_user,
            )
            periods.append((course, begin, end))
        rejected_on = spans[0][1] + datetime.timedelta(days=30)
        Referral.objects.create(
            resident=resident,
            team=team,
            facility=facility,
            source="facility",
            referrer_name="Botilbuddet",
            received_on=rejected_on,
            reason="Ønske om fornyet vurdering efter en krise.",
            criteria=["early_signs"],
            consent_informed_on=rejected_on,
            consent_form="written",
            consent_given_by="resident",
            status=ReferralStatus.REJECTED,
            decision_reason="Kan klares af egen læge og botilbuddet.",
            decided_by=team_user,
            decided_at=_aware(rejected_on + datetime.timedelta(days=5), 12),
            created_by=team_user,
            created_at=_aware(rejected_on, 10),
        )
    periods.append((current, max(current.started_on, start), today - datetime.timedelta(days=1)))

    templates = _templates()
    kinds, weights = list(WEIGHTS), list(WEIGHTS.values())
    entries: list[Entry] = []
    for course, begin, end in periods:
        day = begin
        while day <= end:
            for _ in range(per_week):
                occurred = day + datetime.timedelta(days=rng.randint(0, 6))
                if occurred > end:
                    continue
                kind = rng.choices(kinds, weights)[0]
                columns, data = templates[kind]
                by_facility = facility_user is not None and kind in FACILITY_KINDS
                by_facility = by_facility and rng.random() < 0.5
                author = facility_user if by_facility else team_user
                recorded = _aware(
                    min(occurred + datetime.timedelta(days=rng.randint(0, 2)), today),
                    rng.randint(8, 15),
                    rng.randint(0, 59),
                )
                until = None
                if kind == "admission":
                    until = occurred + datetime.timedelta(days=rng.randint(3, 40))
                elif kind == "medication" and rng.random() < 0.7:
                    until = occurred + datetime.timedelta(days=rng.randint(30, 400))
                if until is not None and until >= today:
                    until = None
                review = None
                if columns.get("review_on"):
                    review = occurred + datetime.timedelta(days=rng.choice((14, 90, 180)))
                entries.append(
                    Entry(
                        resident=resident,
                        course=course,
                        team=team,
                        facility=facility,
                        kind=kind,
                        category=CATEGORY[kind] or "",
                        sector=Sector.FACILITY if by_facility else Sector.TEAM,
                        occurred_on=occurred,
                        occurred_until=until,
                        review_on=review,
                        subtype=columns.get("subtype") or "",
                        data=data,
                        recorded_by=author,
                        recorded_at=recorded,
                        updated_by=author,
                        updated_at=recorded,
                    )
                )
            day += datetime.timedelta(days=7)
    # the living plans, once each (unless the resident has them already)
    have = set(Entry.objects.filter(resident=resident).values_list("kind", flat=True))
    for kind in sorted(SINGLE_KINDS - have - {"end_plan"}):
        columns, data = templates[kind]
        occurred = max(current.started_on, start)
        entries.append(
            Entry(
                resident=resident,
                course=current,
                team=team,
                facility=facility,
                kind=kind,
                category=CATEGORY[kind] or "",
                sector=Sector.TEAM,
                occurred_on=occurred,
                review_on=today + datetime.timedelta(days=60),
                subtype=columns.get("subtype") or "",
                data=data,
                recorded_by=team_user,
                recorded_at=_aware(occurred, 10),
                updated_by=team_user,
                updated_at=_aware(occurred, 10),
            )
        )
    entries = Entry.objects.bulk_create(entries, batch_size=500)  # PostgreSQL returns the ids
    EntryVersion.objects.bulk_create(
        [
            EntryVersion(
                entry=e,
                number=1,
                occurred_on=e.occurred_on,
                occurred_until=e.occurred_until,
                review_on=e.review_on,
                subtype=e.subtype,
                data=e.data,
                author=e.recorded_by,
                created_at=e.recorded_at,
            )
            for e in entries
        ],
        batch_size=500,
    )

    # stints on the board (ended), with their saves, and the weekly meetings meanwhile
    board_entries, changes, meetings, items = 0, [], 0, []
    facility_author = facility_user or team_user
    for course, begin, end in periods:
        day = begin + datetime.timedelta(days=rng.randint(20, 90))
        last = min(end, today - datetime.timedelta(days=30))
        while day + datetime.timedelta(days=30) < last:
            ended_on = min(day + datetime.timedelta(days=rng.randint(28, 110)), last)
            entry = bm.BoardEntry.objects.create(
                resident=resident,
                course=course,
                team=team,
                facility=facility,
                status=bm.EntryStatus.ENDED,
                placed_on=day,
                review_on=ended_on,
                criteria=["early_signs", "medication_failure"],
                need_text="Sover dårligt og springer medicin over.",
                goals_short="Tager medicin hver dag i to uger.",
                goals_long="Stabil hverdag uden indlæggelse.",
                resident_goals="Jeg vil gerne sove om natten.",
                social_interventions="Daglig kontakt om morgenen.",
                treatment_interventions="Tættere opfølgning ved lægen.",
                ended_on=ended_on,
                end_reason="stable",
                ending_text="Aftalt med beboeren ved mødet; følges som vanligt.",
                created_by=team_user,
                created_at=_aware(day, 10),
                version=1,
            )
            board_entries += 1
            first = {
                "criteria": "early_signs, medication_failure",
                "need_text": entry.need_text,
                "goals_short": entry.goals_short,
                "goals_long": entry.goals_long,
                "resident_goals": entry.resident_goals,
                "treatment_interventions": entry.treatment_interventions,
                "review_on": (day + datetime.timedelta(days=14)).isoformat(),
            }
            for name, value in first.items():
                changes.append(
                    bm.BoardEntryChange(
                        entry=entry,
                        version=1,
                        field=name,
                        new_value=value,
                        changed_by=team_user,
                        changed_at=_aware(day, 10),
                    )
                )
            version, stamp = 1, day
            while True:
                stamp = stamp + datetime.timedelta(days=rng.randint(5, 14))
                if stamp >= ended_on:
                    break
                version += 1
                if rng.random() < 0.5:
                    name, author = "social_interventions", facility_author
                    value = f"Daglig kontakt; gåtur {rng.randint(2, 5)} gange om ugen."
                else:
                    name, author = "goals_short", team_user
                    value = f"Tager medicin {rng.randint(5, 7)} af 7 dage."
                for field_name, new in (
                    (name, value),
                    ("review_on", (stamp + datetime.timedelta(days=14)).isoformat()),
                ):
                    changes.append(
                        bm.BoardEntryChange(
                            entry=entry,
                            version=version,
                            field=field_name,
                            new_value=new,
                            changed_by=author,
                            changed_at=_aware(stamp, 11),
                        )
                    )
            version += 1
            for name, value in (
                ("ending_text", entry.ending_text),
                ("end_reason", entry.end_reason),
                ("ended_on", ended_on.isoformat()),
            ):
                changes.append(
                    bm.BoardEntryChange(
                        entry=entry,
                        version=version,
                        field=name,
                        new_value=value,
                        changed_by=team_user,
                        changed_at=_aware(ended_on, 12),
                    )
                )
            entry.version = version
            entry.save(update_fields=["version"])
            held = day + datetime.timedelta(days=7)
            while held <= ended_on:
                meeting = bm.Meeting.objects.create(
                    facility=facility,
                    team=team,
                    held_on=held,
                    status=bm.MeetingStatus.CLOSED,
                    opened_by=team_user,
                    opened_at=_aware(held, 9),
                    closed_at=_aware(held, 10),
                    closed_by=team_user,
                )
                meetings += 1
                items.append(
                    bm.AgendaItem(
                        meeting=meeting,
                        resident=resident,
                        entry=entry,
                        position=1,
                        reasons=["on_board"],
                        note=f"Medicin taget {rng.randint(3, 7)} af 7 dage; sover bedre.",
                        decisions="Fortsætter på tavlen." if held < ended_on else "Tages af.",
                        discussed=True,
                    )
                )
                held += datetime.timedelta(days=7)
            day = ended_on + datetime.timedelta(days=rng.randint(60, 200))
    bm.BoardEntryChange.objects.bulk_create(changes, batch_size=500)
    bm.AgendaItem.objects.bulk_create(items, batch_size=500)
    return {
        "entries": len(entries),
        "courses": len(periods),
        "board_entries": board_entries,
        "board_changes": len(changes),
        "meetings": meetings,
    }


def measure(client, urls: dict[str, str]) -> dict[str, tuple[float, float, int]]:
    """Median and 95th percentile (ms) and the query count per URL. The URLs take turns, so a
    change in the machine's load during the run hits them alike."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times: dict[str, list[float]] = {label: [] for label in urls}
    for _ in range(5):
        for url in urls.values():
            client.get(url)
    for _ in range(N):
        for label, url in urls.items():
            started = time.perf_counter()
            response = client.get(url)
            times[label].append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
    result = {}
    for label, url in urls.items():
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        ordered = sorted(times[label])
        result[label] = (
            statistics.median(ordered),
            ordered[int(0.95 * (len(ordered) - 1))],
            len(ctx.captured_queries),
        )
    return result


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "btt.settings_test")
    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from bench.common import present
    from courses.models import Course, CourseStatus
    from organisation.models import Membership
    from record.models import Entry
    from residents.models import Resident
    from tests.clients import SignInClient

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    settings.DEBUG = True  # seed_demo refuses otherwise
    try:
        call_command(
            "seed_demo",
            scale=os.environ.get("BENCH_SCALE", "region"),
            stdout=open(os.devnull, "w"),  # noqa: SIM115
        )
        in_course = Course.objects.filter(status=CourseStatus.ACTIVE).values("resident_id")
        densest = (
            Resident.objects.filter(pk__in=in_course)
            .annotate(n=Count("record_entries"))
            .order_by("-n", "pk")
            .first()
        )
        source = "demo"
        if densest is None:
            raise SystemExit("the demo has no resident in an active course")
        course = Course.objects.get(resident=densest, status=CourseStatus.ACTIVE)
        nurse = present(
            Membership.objects.filter(team=course.team, profession="nurse", is_active=True)
            .select_related("user")
            .first()
            or Membership.objects.filter(team=course.team, is_active=True).first(),
            "team member",
        ).user
        if densest.n < DENSE_MIN:
            housing = (
                Membership.objects.filter(facility=course.facility, is_active=True)
                .select_related("user")
                .first()
            )
            counts = dense_history(
                densest, team_user=nurse, facility_user=housing.user if housing else None
            )
            source = f"generated by bench.timeline.dense_history: {counts}"
        settings.DEBUG = False
        total = Entry.objects.filter(resident=densest).count()
        client = SignInClient()
        client.force_login(nurse)
        url = reverse("record:timeline", args=[densest.pk])
        first = client.get(url)
        pages = first.context["page"].paginator.num_pages
        rows = first.context["page"].paginator.count
        print(f"database: {connection.vendor}; {N} requests per page")
        print(
            f"densest resident: #{densest.pk}, {total} course-record entries, "
            f"{rows} timeline rows in {pages} pages ({source}); viewer: {nurse.username}"
        )
        deep = max(1, pages - 1)  # the oldest full page
        urls = {
            "timeline, first page": url,
            f"timeline, page {deep} (oldest full page)": f"{url}?side={deep}",
            "timeline, first page, contacts only": f"{url}?vis=contacts",
            # for scale on a busy machine: the resident's own page, measured in the same turns
            "resident page (comparison)": reverse("residents:detail", args=[densest.pk]),
        }
        for label, (median, p95, queries) in measure(client, urls).items():
            print(f"{label}: median {median:.1f} ms, p95 {p95:.1f} ms, {queries} queries")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
