"""Admissions and other events from the course record on the board meeting's agenda.

The agenda is shared by both sectors, so only events the FACILITY may see count: what housing
staff recorded themselves, and the team's entries whose consent category an active sharing
consent to the facility covers (less refusals). Admissions started or ended since the last
closed meeting, and compulsory measures, force, medication failure and crisis since then.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from board import services
from board.models import AgendaItem, AgendaReason, Meeting, MeetingStatus
from consent.services import consent_record
from record.selectors import facility_events_since
from record.tests.samples import make_entry, new_resident_in_course
from residents.models import Residence

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
ADMISSION_LABEL = "Indlagt eller udskrevet siden sidste møde"
EVENT_LABEL = "Hændelse siden sidste møde"


def day(offset: int) -> str:
    return (TODAY + datetime.timedelta(days=offset)).isoformat()


def share(w, resident, categories, kind="sharing"):
    extra = {"facility": w.facility_a1, "direction": "both"} if kind == "sharing" else {}
    return consent_record(
        user=w.team_nurse,
        resident=resident,
        kind=kind,
        form="written",
        given_by="resident",
        given_on=TODAY - datetime.timedelta(days=10),
        categories=list(categories),
        purpose="Fælles indsats",
        legal_basis="sul_43",
        **extra,
    )


def put_on_board(w, resident, *, placed_days_ago=60):
    return services.board_entry_create(
        user=w.team_nurse,
        resident=resident,
        placed_on=TODAY - datetime.timedelta(days=placed_days_ago),
        criteria=["early_signs"],
        review_on=TODAY + datetime.timedelta(days=30),
    )


def agenda(w):
    """{resident id: reasons} of the agenda built today for facility A1, and the order."""
    built = services.build_agenda(w.facility_a1, TODAY)
    return {rid: list(reasons) for rid, reasons, _entry in built}, [rid for rid, *_ in built]


def admission(user, resident, start: int, end: int | None = None, **extra):
    return make_entry(
        user,
        resident,
        "admission",
        occurred_on=day(start),
        occurred_until=day(end) if end is not None else None,
        **extra,
    )


# --- admissions ----------------------------------------------------------------------------


def test_admission_recorded_by_housing_staff_since_last_meeting(world):
    """The last meeting was 7 days ago; an admission 3 days ago puts the resident on it."""
    w = world
    resident = new_resident_in_course(w, first_name="Ingrid")
    admission(w.housing_staff, resident, -3)
    reasons, _order = agenda(w)
    assert reasons[resident.pk] == [AgendaReason.ADMISSION]


def test_discharge_since_last_meeting_counts_too(world):
    w = world
    resident = new_resident_in_course(w, first_name="Ulrik")
    admission(w.housing_staff, resident, -20, -2)  # admitted before, discharged after
    reasons, _order = agenda(w)
    assert reasons[resident.pk] == [AgendaReason.ADMISSION]


def test_admission_over_before_the_last_meeting_does_not_count(world):
    """The world's own admission of resident_in_course ran from day -20 to day -12."""
    w = world
    resident = new_resident_in_course(w, first_name="Gamle")
    admission(w.housing_staff, resident, -30, -8)
    reasons, _order = agenda(w)
    assert resident.pk not in reasons
    assert AgendaReason.ADMISSION not in reasons[w.resident_in_course.pk]


def test_team_admission_needs_a_consent_covering_admissions(world):
    """resident_in_course shares board and goals only: the team's admission stays in the team."""
    w = world
    admission(w.team_nurse, w.resident_in_course, -2)
    reasons, _order = agenda(w)
    assert AgendaReason.ADMISSION not in reasons[w.resident_in_course.pk]

    share(w, w.resident_in_course, ["admissions"])
    reasons, _order = agenda(w)
    assert AgendaReason.ADMISSION in reasons[w.resident_in_course.pk]

    share(w, w.resident_in_course, ["admissions"], kind="refusal")
    reasons, _order = agenda(w)
    assert AgendaReason.ADMISSION not in reasons[w.resident_in_course.pk]


# --- other events --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["force", "medication_failure", "crisis"])
def test_facility_events_since_last_meeting(world, kind):
    w = world
    resident = new_resident_in_course(w, first_name="Hændelse")
    make_entry(w.housing_staff, resident, kind, occurred_on=day(-1))
    reasons, _order = agenda(w)
    assert reasons[resident.pk] == [AgendaReason.EVENT]


def test_event_before_the_last_meeting_does_not_count(world):
    w = world
    resident = new_resident_in_course(w, first_name="Før")
    make_entry(w.housing_staff, resident, "crisis", occurred_on=day(-9))
    reasons, _order = agenda(w)
    assert resident.pk not in reasons


def test_team_events_only_under_consent(world):
    """Team force (never shared) and compulsory measures (category admissions) and crisis
    (category plans): only what the consent to the facility covers."""
    w = world
    resident = new_resident_in_course(w, first_name="Samtykke")
    make_entry(w.team_nurse, resident, "force", occurred_on=day(-1))
    make_entry(w.team_nurse, resident, "compulsory", occurred_on=day(-2))
    make_entry(w.team_nurse, resident, "crisis", occurred_on=day(-1))
    reasons, _order = agenda(w)
    assert resident.pk not in reasons

    share(w, resident, ["plans"])
    kinds = set(
        facility_events_since(w.facility_a1, TODAY - datetime.timedelta(days=7))
        .filter(resident=resident)
        .values_list("kind", flat=True)
    )
    assert kinds == {"crisis"}
    reasons, _order = agenda(w)
    assert reasons[resident.pk] == [AgendaReason.EVENT]

    share(w, resident, ["admissions"])
    kinds = set(
        facility_events_since(w.facility_a1, TODAY - datetime.timedelta(days=7))
        .filter(resident=resident)
        .values_list("kind", flat=True)
    )
    assert kinds == {"crisis", "compulsory"}  # force by the team is the team's own journal


def test_admission_and_event_together(world):
    w = world
    resident = new_resident_in_course(w, first_name="Begge")
    admission(w.housing_staff, resident, -2)
    make_entry(w.housing_staff, resident, "force", occurred_on=day(-3))
    reasons, _order = agenda(w)
    assert reasons[resident.pk] == [AgendaReason.ADMISSION, AgendaReason.EVENT]


def test_visit_notes_and_other_kinds_do_not_put_a_resident_on_the_agenda(world):
    w = world
    resident = new_resident_in_course(w, first_name="Besøg")
    share(w, resident, ["plans", "assessments", "medication", "admissions"])
    make_entry(w.team_nurse, resident, "visit")
    make_entry(w.team_nurse, resident, "advice")
    make_entry(w.team_doctor, resident, "psychiatric")
    reasons, _order = agenda(w)
    assert resident.pk not in reasons


def test_residents_who_moved_and_other_facilities_do_not_count(world):
    w = world
    moved = new_resident_in_course(w, first_name="Flyttet")
    admission(w.housing_staff, moved, -3)
    Residence.objects.filter(resident=moved, moved_out__isnull=True).update(
        moved_out=TODAY - datetime.timedelta(days=1)
    )
    Residence.objects.create(resident=moved, facility=w.facility_a2, moved_in=TODAY)
    other = new_resident_in_course(w, facility=w.facility_b1, first_name="Syd")
    make_entry(w.other_housing_staff, other, "crisis", occurred_on=day(-1))
    reasons, _order = agenda(w)
    assert moved.pk not in reasons and other.pk not in reasons


def test_before_the_first_meeting_the_last_two_weeks_count(world):
    """Facility A2 has never held a meeting: events of the last 14 days count, older not."""
    w = world
    recent = new_resident_in_course(w, facility=w.facility_a2, first_name="Nylig")
    old = new_resident_in_course(w, facility=w.facility_a2, first_name="Gammel")
    make_entry(w.team_nurse, recent, "admission", occurred_on=day(-13), occurred_until=None)
    share_a2 = consent_record(
        user=w.team_nurse,
        resident=recent,
        kind="sharing",
        form="written",
        given_by="resident",
        given_on=TODAY,
        facility=w.facility_a2,
        direction="both",
        categories=["admissions"],
        purpose="Fælles indsats",
        legal_basis="sul_43",
    )
    assert share_a2.pk
    make_entry(w.team_nurse, old, "admission", occurred_on=day(-20), occurred_until=day(-15))
    built = services.build_agenda(w.facility_a2, TODAY)
    reasons = {rid: rs for rid, rs, _e in built}
    assert reasons == {recent.pk: [AgendaReason.ADMISSION]}


# --- order, the meeting page, query count -------------------------------------------------


def test_ranked_right_after_new_on_the_board(world):
    w = world
    new = new_resident_in_course(w, first_name="Ny")
    put_on_board(w, new, placed_days_ago=2)
    admitted = new_resident_in_course(w, first_name="Indlagt")
    put_on_board(w, admitted, placed_days_ago=100)
    admission(w.housing_staff, admitted, -1)
    event = new_resident_in_course(w, first_name="Krise")
    make_entry(w.housing_staff, event, "crisis", occurred_on=day(-1))
    due = new_resident_in_course(w, first_name="Forfalden")
    entry = put_on_board(w, due, placed_days_ago=90)
    type(entry).objects.filter(pk=entry.pk).update(review_on=TODAY - datetime.timedelta(days=1))
    reasons, order = agenda(w)
    assert order[:5] == [new.pk, admitted.pk, event.pk, due.pk, w.resident_in_course.pk]
    assert reasons[admitted.pk] == [AgendaReason.ADMISSION]
    assert reasons[due.pk] == [AgendaReason.REVIEW_DUE]


def test_meeting_shows_the_reason_to_both_sectors(world, client):
    w = world
    resident = new_resident_in_course(w, first_name="Vibeke")
    admission(w.housing_staff, resident, -1, subtype="compulsory")
    client.force_login(w.housing_staff)
    response = client.post(reverse("board:meeting_open", args=[w.facility_a1.pk]))
    assert response.status_code == 302
    meeting = Meeting.objects.get(facility=w.facility_a1, status=MeetingStatus.OPEN)
    item = AgendaItem.objects.get(meeting=meeting, resident=resident)
    assert item.reasons == [AgendaReason.ADMISSION]
    assert item.position == 1
    for user in (w.housing_staff, w.team_nurse):
        client.force_login(user)
        body = client.get(reverse("board:meeting", args=[meeting.pk])).content.decode()
        assert ADMISSION_LABEL in body
        assert resident.full_name in body


def test_constant_queries_with_many_events(world, django_assert_max_num_queries):
    w = world

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            services.build_agenda(w.facility_a1, TODAY)
        return len(ctx)

    resident = new_resident_in_course(w, first_name="Første")
    admission(w.housing_staff, resident, -1)
    few = count()
    for i in range(8):
        r = new_resident_in_course(w, first_name=f"Beboer{i}")
        admission(w.housing_staff, r, -2)
        make_entry(w.housing_staff, r, "crisis", occurred_on=day(-1))
        make_entry(w.housing_staff, r, "force", occurred_on=day(-1))
    assert count() == few
    with django_assert_max_num_queries(few):
        reasons, _order = agenda(w)
    assert sum(AgendaReason.EVENT in rs for rs in reasons.values()) == 8
