"""The residents/courses services added or changed for issue 11 ask a policy and write
exactly one audit row (the cases of tests/services_policy_residents.py, run as
tests/test_services_policy.py runs its own)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from audit.models import AuditEvent
from tests.services_policy_residents import cases
from tests.test_access_valid_forms import fingerprint

NAMES = sorted(cases())


@pytest.mark.parametrize("name", NAMES)
def test_service_asks_a_policy_and_writes_one_audit_row(world, name):
    case = cases()[name]
    if case.setup is not None:
        case.setup(world)
    before = fingerprint()
    with pytest.raises((PermissionDenied, Http404)):
        case.call(world, getattr(world, case.denied))
    after = fingerprint()
    assert [t for t in before if before[t] != after[t]] == []
    rows = AuditEvent.objects.count()
    case.call(world, getattr(world, case.allowed))
    assert AuditEvent.objects.count() - rows == 1
