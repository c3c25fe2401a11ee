"""The accounts services ask a policy and write exactly one audit row (the cases of
tests/services_policy_accounts.py, run as tests/test_services_policy.py runs its own)."""

import inspect

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts import services
from audit.models import AuditEvent
from tests.services_policy_accounts import cases
from tests.test_access_valid_forms import fingerprint

NAMES = sorted(name for name, case in cases().items() if not isinstance(case, str))


def test_every_accounts_service_has_a_case():
    public = {
        f"{services.__name__}.{name}"
        for name, func in inspect.getmembers(services, inspect.isfunction)
        if not name.startswith("_") and func.__module__ == services.__name__
    }
    assert public == set(cases())


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
