"""Denials that name the resident they concern, for the audit log only.

A gatekeeper that refuses a request about a resident raises ``resident_not_found(pk)`` (404,
for those who may not see the resident) or ``resident_forbidden(pk)`` (403, for those who may
see but not act). Both are the ordinary Django exceptions, with the same class, message and
page as a bare ``Http404`` or ``PermissionDenied``: the user learns nothing new. The resident id
rides along as an attribute that ``audit.middleware.AuditDenialsMiddleware`` writes into the
denied audit row when such a resident exists.

This module imports nothing from other apps, so any gatekeeper may use it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

ATTRIBUTE = "audit_resident_id"


def resident_not_found(resident_id: object) -> Http404:
    """A 404 indistinguishable from ``require``'s, naming the resident for the log."""
    exc = Http404()
    setattr(exc, ATTRIBUTE, resident_id)
    return exc


def resident_forbidden(resident_id: object) -> PermissionDenied:
    """A 403 indistinguishable from a bare ``PermissionDenied``, naming the resident."""
    exc = PermissionDenied()
    setattr(exc, ATTRIBUTE, resident_id)
    return exc


def resident_id_of(exception: BaseException) -> int | None:
    """The resident id a denial names, as an int, or None (also for junk values)."""
    raw = getattr(exception, ATTRIBUTE, None)
    if raw is None or isinstance(raw, bool):
        return None
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return None
    return value if 0 < value < 2**63 else None
