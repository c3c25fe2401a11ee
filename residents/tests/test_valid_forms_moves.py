"""A denied user cannot save a *valid* form on the move and held-referral pages: the check of
tests/test_access_valid_forms.py, run with the valid data of tests/authz_residents.py."""

import pytest

from tests import authz_forms
from tests import test_access_valid_forms as valid_forms
from tests.authz_residents import VALID_FORMS


@pytest.mark.parametrize("name", sorted(VALID_FORMS))
def test_denied_user_cannot_save_a_valid_form(world, client, name, monkeypatch):
    monkeypatch.setitem(authz_forms.VALID_FORMS, name, VALID_FORMS[name])
    valid_forms.test_denied_user_cannot_save_a_valid_form(world, client, name)
