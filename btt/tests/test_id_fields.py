"""Ids in forms: anything a database could not hold is a form error, never a 500."""

import pytest
from django.core.exceptions import ValidationError

from lib.forms import IdChoiceField, IdsChoiceField
from organisation.models import Region

HOSTILE = ["99999999999999999999999", "²", "-1", "1.5", "1e3", " 1", "٣", "0x10", "1" * 19]


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE)
def test_one_id_that_no_database_could_hold_is_refused(value):
    field = IdChoiceField(queryset=Region.objects.all())
    with pytest.raises(ValidationError):
        field.clean(value)


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE)
def test_several_ids_that_no_database_could_hold_are_refused(value):
    region = Region.objects.create(name="Region Id")
    field = IdsChoiceField(queryset=Region.objects.all())
    with pytest.raises(ValidationError):
        field.clean([str(region.pk), value])


@pytest.mark.django_db
def test_real_ids_are_chosen():
    region = Region.objects.create(name="Region Id")
    assert IdChoiceField(queryset=Region.objects.all()).clean(str(region.pk)) == region
    assert list(IdsChoiceField(queryset=Region.objects.all()).clean([str(region.pk)])) == [region]


HUGE = "99999999999999999999999"


def _open_meeting(w):
    from django.utils import timezone

    from board import services as board_services

    return board_services.meeting_open(
        user=w.team_nurse, facility=w.facility_a1, held_on=timezone.localdate()
    )


@pytest.mark.parametrize(
    ("name", "args", "data"),
    [
        ("courses:course_contacts", lambda w: [w.course.pk], {"team_contacts": HUGE}),
        ("courses:course_contacts", lambda w: [w.course.pk], {"responsible_doctor": HUGE}),
        ("courses:referral_decide", lambda w: [w.referral_pending.pk], {"team_contacts": "²"}),
        ("board:attendance", lambda w: [_open_meeting(w).pk], {"team": HUGE, "facility": "-1"}),
        ("consent:create", lambda w: [w.resident_in_course.pk], {"facility": HUGE}),
    ],
)
def test_a_hostile_id_in_a_form_is_a_form_error_not_a_500(world, client, name, args, data):
    from django.urls import reverse

    client.force_login(world.team_nurse)
    response = client.post(reverse(name, args=args(world)), data)
    assert response.status_code == 200
