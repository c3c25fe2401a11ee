"""The board's rules in its services: who writes which column, versions, lifecycle, history."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from board import services
from board.models import BoardEntry, BoardEntryChange, EntryStatus
from consent.services import consent_record, consent_withdraw
from lib.errors import TransitionError
from tests import factories as f

TODAY = timezone.localdate()


def entry_for_new_resident(w, **changes):
    course = f.CourseFactory(
        referral__resident=f.ResidentFactory(facility=w.facility_a1),
        referral__facility=w.facility_a1,
        responsible_doctor=w.team_doctor,
        team_contacts=[w.team_nurse],
    )
    data = {"criteria": ["early_signs"], "review_on": TODAY + datetime.timedelta(days=14)}
    data.update(changes)
    return services.board_entry_create(user=w.team_doctor, resident=course.resident, **data)


def test_put_on_board_records_who_and_when(world):
    w = world
    entry = entry_for_new_resident(w, need_text="Uro om natten")
    assert entry.version == 1 and entry.status == EntryStatus.ACTIVE
    assert entry.cell_meta["need_text"]["name"] == w.team_doctor.get_full_name()
    assert {c.field for c in entry.changes.all()} >= {"criteria", "need_text", "review_on"}


def test_criteria_and_review_date_required(world):
    w = world
    with pytest.raises(ValidationError) as exc:
        entry_for_new_resident(w, criteria=[], review_on=None)
    assert set(exc.value.message_dict) == {"criteria", "review_on"}


def test_only_residents_in_active_course_and_once(world):
    w = world
    with pytest.raises(TransitionError):
        services.board_entry_create(
            user=w.team_nurse, resident=w.resident_plain, criteria=["other"], review_on=TODAY
        )
    with pytest.raises(TransitionError):
        services.board_entry_create(
            user=w.team_nurse, resident=w.resident_in_course, criteria=["other"], review_on=TODAY
        )


def test_sectors_write_their_own_columns(world):
    w = world
    entry = w.board_entry
    with pytest.raises(ValidationError):
        services.board_entry_update(
            user=w.housing_staff,
            entry=entry,
            version=entry.version,
            changes={"treatment_interventions": "Skjult ændring"},
        )
    with pytest.raises(ValidationError):
        services.board_entry_update(
            user=w.team_nurse,
            entry=entry,
            version=entry.version,
            changes={"social_interventions": "Skjult ændring"},
        )
    entry.refresh_from_db()
    assert "Skjult" not in entry.treatment_interventions + entry.social_interventions
    services.board_entry_update(
        user=w.housing_staff,
        entry=entry,
        version=entry.version,
        changes={"social_interventions": "Gåtur hver dag", "goals_short": "Sove 6 timer"},
    )
    entry.refresh_from_db()
    assert entry.cell_meta["social_interventions"]["by"] == w.housing_staff.pk


def test_outsiders_and_housing_without_consent_cannot_write(world):
    w = world
    entry = w.board_entry
    for user in (w.other_team_nurse, w.other_housing_staff, w.ward_staff):
        with pytest.raises(PermissionDenied):
            services.board_entry_update(
                user=user, entry=entry, version=entry.version, changes={"need_text": "x"}
            )
    consent_withdraw(user=w.team_nurse, consent=w.consent_partial)
    with pytest.raises(PermissionDenied):
        services.board_entry_update(
            user=w.housing_staff, entry=entry, version=entry.version, changes={"need_text": "x"}
        )


def test_housing_cannot_write_goals_without_goals_consent(world):
    """A consent that covers the board but not goals: housing staff may write their own and the
    shared columns, but not the goals (what they may not see, they may not overwrite)."""
    w = world
    entry = w.board_entry
    consent_withdraw(user=w.team_nurse, consent=w.consent_partial)
    board_only = consent_record(
        user=w.team_nurse,
        resident=w.resident_in_course,
        kind="sharing",
        form="written",
        given_by="resident",
        given_on=TODAY - datetime.timedelta(days=1),
        facility=w.facility_a1,
        direction="both",
        categories=["board"],
        purpose="Tavlemøder",
        legal_basis="sul_43",
    )
    assert board_only.pk
    for column in ("goals_short", "goals_long", "resident_goals"):
        with pytest.raises(PermissionDenied):
            services.board_entry_update(
                user=w.housing_staff,
                entry=entry,
                version=entry.version,
                changes={column: "Egen lejlighed"},
            )
        with pytest.raises(PermissionDenied):
            services.board_entry_edit(
                user=w.housing_staff,
                entry=entry,
                version=entry.version,
                changes={column: "Egen lejlighed", "social_interventions": "Gåtur"},
            )
    fresh = BoardEntry.objects.get(pk=entry.pk)
    assert fresh.version == entry.version
    assert (fresh.goals_short, fresh.goals_long, fresh.resident_goals) == (
        entry.goals_short,
        entry.goals_long,
        entry.resident_goals,
    )
    # the columns the consent does not withhold are still theirs to write
    services.board_entry_update(
        user=w.housing_staff,
        entry=entry,
        version=entry.version,
        changes={"social_interventions": "Gåtur hver dag"},
    )
    assert BoardEntry.objects.get(pk=entry.pk).social_interventions == "Gåtur hver dag"


def test_housing_with_goals_consent_may_write_goals(world):
    """The world's consent covers the board and goals: the goals are shared columns."""
    w = world
    entry = w.board_entry
    services.board_entry_update(
        user=w.housing_staff,
        entry=entry,
        version=entry.version,
        changes={"goals_long": "Egen lejlighed"},
    )
    fresh = BoardEntry.objects.get(pk=entry.pk)
    assert fresh.goals_long == "Egen lejlighed"
    assert fresh.cell_meta["goals_long"]["by"] == w.housing_staff.pk


def test_stale_version_refused_with_current_values(world):
    w = world
    entry = w.board_entry
    v = entry.version
    services.board_entry_update(
        user=w.team_nurse, entry=entry, version=v, changes={"need_text": "Første"}
    )
    with pytest.raises(services.StaleEdit) as exc:
        services.board_entry_update(
            user=w.housing_staff, entry=entry, version=v, changes={"need_text": "Anden"}
        )
    assert exc.value.current.need_text == "Første"
    assert BoardEntry.objects.get(pk=entry.pk).need_text == "Første"


def test_review_end_and_put_on_again(world):
    w = world
    entry = w.board_entry
    with pytest.raises(ValidationError):
        services.board_entry_review(
            user=w.team_nurse, entry=entry, version=entry.version, next_review_on=TODAY
        )
    entry = services.board_entry_review(
        user=w.team_nurse,
        entry=entry,
        version=entry.version,
        next_review_on=TODAY + datetime.timedelta(days=14),
    )
    assert entry.last_reviewed_on == TODAY
    with pytest.raises(ValidationError) as exc:
        services.board_entry_end(
            user=w.housing_staff, entry=entry, version=entry.version, end_reason="", ending_text=" "
        )
    assert set(exc.value.message_dict) == {"end_reason", "ending_text"}
    ended = services.board_entry_end(
        user=w.housing_staff,
        entry=entry,
        version=entry.version,
        end_reason="stable",
        ending_text="Talt med Dorte; hun er enig i at stoppe.",
    )
    assert ended.status == EntryStatus.ENDED and ended.ended_on == TODAY
    with pytest.raises(TransitionError):
        services.board_entry_update(
            user=w.team_nurse, entry=ended, version=ended.version, changes={"need_text": "x"}
        )
    again = services.board_entry_create(
        user=w.team_nurse,
        resident=w.resident_in_course,
        criteria=["admission_near"],
        review_on=TODAY + datetime.timedelta(days=7),
    )
    assert BoardEntry.objects.filter(resident=w.resident_in_course).count() == 2
    assert again.status == EntryStatus.ACTIVE
    assert BoardEntryChange.objects.filter(entry=ended, field="ending_text").exists()


def test_days_on_board_and_flags(world):
    from board.selectors import flags

    w = world
    entry = w.board_entry
    assert entry.days_on_board(TODAY) == 20
    assert flags(entry, today=TODAY) == []
    assert "review_overdue" in flags(entry, today=entry.review_on + datetime.timedelta(days=1))
    later = entry.placed_on + datetime.timedelta(weeks=w.team_a.board_flag_weeks, days=1)
    assert "long_on_board" in flags(entry, today=later)
