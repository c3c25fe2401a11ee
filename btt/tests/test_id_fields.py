"""Ids in forms: anything a database could not hold is a form error, never a 500."""

import pytest
from django.core.exceptions import ValidationError

from btt.forms import IdChoiceField, IdsChoiceField
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
