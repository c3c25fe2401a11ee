"""The policy of staff accounts: who may see, change and activate which user.

- A superuser: every account.
- A region administrator sees the accounts of their own region(s): users whose administering
  region (``User.region``) is theirs or who hold a membership in a team, facility, ward or the
  region itself. They change, reset the password or the authenticator of, deactivate and
  delete those accounts only if the account belongs to no other region. Never other
  administrators' (staff, superuser, region administrator) accounts, never their own.
- Activation codes (the first authenticator) are split from passwords, so that nobody alone
  can take over an account that opens resident data: for an account with a membership in
  force in a team or facility, only the leader of a team or facility the user belongs to
  issues the code (a leader never sets passwords), and not a leader who also administers
  that account. A region administrator issues codes only for the accounts they manage that
  open no resident data (a proposal still waiting for the leader, ward staff, ...).
- The leader of a team or facility sees its members and issues activation codes for them,
  nothing more.
- Authenticators (``device_accepted``): an account that opens resident data signs in only
  with an authenticator enrolled with a code from a leader of one of its teams or facilities,
  a superuser or the operator (``manage.py issue_activation``, demo data), or one written
  without any activation (provisioned by the operator: the demo personas' published secrets).
  A device enrolled with an administrator's code (issued while the account opened no resident
  data) stops counting when a membership is confirmed: on the next request the session goes
  back to the second factor, and the user needs a new code from their leader, whose
  enrolment replaces the old device.

Views, the admin and the services ask this module; none re-derives the rule.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django_otp.plugins.otp_totp.models import TOTPDevice

from organisation.access import (
    principal_for,
    user_ids_in_regions,
    user_ids_of_units,
    user_ids_outside_regions,
    user_ids_with_roles,
)
from organisation.models import RESIDENT_DATA_ROLES, Role

from .models import Activation, Issuer, User

VIEW = "view"  # see the account (admin list, leader's activation page)
MANAGE = "manage"  # change it, its password and authenticator; deactivate or delete it
ACTIVATE = "activate"  # issue a one-time activation code for the first authenticator
ACTIONS = (VIEW, MANAGE, ACTIVATE)


def visible(user) -> QuerySet[User]:
    """The accounts ``user`` may see as an administrator or leader."""
    return _users(_visible_q(user))


def manageable(user) -> QuerySet[User]:
    """The accounts ``user`` may change (password, authenticator, status, deletion)."""
    return _users(_manageable_q(user))


def activatable(user) -> QuerySet[User]:
    """The accounts ``user`` may issue an activation code for: those they manage as an
    administrator that open no resident data, and the members of the teams and facilities
    they lead (unless they also manage that member's password)."""
    return _users(_activatable_q(user))


def activated_by_leader_only(user) -> QuerySet[User]:
    """The accounts ``user`` manages as an administrator but whose activation code only a
    leader of the user's team or facility issues (they open resident data)."""
    if not _acting(user) or user.is_superuser:
        return User.objects.none()
    return _users(_manageable_q(user) & _opens_resident_data())


_CONDITIONS: dict[str, Callable[[Any], Q]] = {}  # filled below: action -> user -> Q


def get_for_user(user, pk, *, action: str) -> User:
    """The account ``pk`` for ``action``: Http404 if ``user`` may not see it (existence must
    not leak), PermissionDenied if they may see it but not do ``action``."""
    if action not in _CONDITIONS:
        raise ValueError(f"unknown user action {action!r}")
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    seen = _users(_visible_q(user) | _activatable_q(user)).filter(pk=pk).first()
    if seen is None:
        raise Http404
    if action != VIEW and not _users(_CONDITIONS[action](user)).filter(pk=pk).exists():
        raise PermissionDenied
    return seen


def can(user, action: str, target) -> bool:
    """May ``user`` do ``action`` to the account ``target`` (for templates and menus)?"""
    if action not in _CONDITIONS:
        raise ValueError(f"unknown user action {action!r}")
    if target is None or target.pk is None:
        return False
    return _users(_CONDITIONS[action](user)).filter(pk=target.pk).exists()


def _users(condition: Q) -> QuerySet[User]:
    return User.objects.filter(condition)


_NOBODY = Q(pk__in=[])


def _visible_q(user) -> Q:
    if not _acting(user):
        return _NOBODY
    if user.is_superuser:
        return Q()
    return (_in_admin_regions(user) | _led_members(user)) & _ordinary()


def _manageable_q(user) -> Q:
    if not _acting(user):
        return _NOBODY
    if user.is_superuser:
        return Q()
    regions = principal_for(user).admin_region_ids
    if not regions:
        return _NOBODY
    return (
        _in_admin_regions(user)
        & _ordinary()
        & (Q(region__isnull=True) | Q(region__in=regions))
        & ~Q(pk__in=user_ids_outside_regions(regions))
        & ~Q(pk=user.pk)
    )


def _activatable_q(user) -> Q:
    if not _acting(user):
        return _NOBODY
    if user.is_superuser:
        return ~Q(pk=user.pk)
    by_leader = _led_members(user) & _ordinary() & ~Q(pk=user.pk)
    if not principal_for(user).admin_region_ids:
        return by_leader
    managed = _manageable_q(user)
    # Whoever sets the password never also issues the code of a resident-data account.
    return (managed & ~_opens_resident_data()) | (by_leader & ~(managed & _opens_resident_data()))


_CONDITIONS.update({VIEW: _visible_q, MANAGE: _manageable_q, ACTIVATE: _activatable_q})


def may_issue_activations(user) -> bool:
    """Does ``user`` lead a team or facility (the leader's activation page)?"""
    return principal_for(user).is_leader


# --- authenticators ------------------------------------------------------------------------

# Capacities whose activation codes vouch for a person who opens resident data.
TRUSTED_ISSUERS = frozenset({Issuer.LEADER, Issuer.SUPERUSER, Issuer.OPERATOR})


def issuer_capacity(issuer, target) -> str:
    """In which capacity ``issuer`` issues a code for ``target`` (recorded on the activation):
    the operator (nobody in the application), a superuser, a leader of one of ``target``'s
    teams or facilities who does not also set ``target``'s password, else an administrator."""
    if issuer is None:
        return Issuer.OPERATOR
    if issuer.is_superuser:
        return Issuer.SUPERUSER
    led = _users(_led_members(issuer) & ~_manageable_q(issuer)).filter(pk=target.pk).exists()
    return Issuer.LEADER if led else Issuer.ADMINISTRATOR


def opens_resident_data(user) -> bool:
    """Does ``user`` hold a confirmed, active team or facility membership (per request)?"""
    p = principal_for(user)
    return p.is_team_staff or p.is_facility_staff


def _trusted_device_q() -> Q:
    """Devices that count for an account opening resident data: enrolled with a trusted
    issuer's code, or written without any activation (provisioned by the operator)."""
    trusted = Activation.objects.filter(device=OuterRef("pk"), issued_as__in=TRUSTED_ISSUERS)
    any_activation = Activation.objects.filter(device=OuterRef("pk"))
    return Q(Exists(trusted)) | ~Q(Exists(any_activation))


def device_trusted(device) -> bool:
    """Does ``device`` count for an account that opens resident data?"""
    return TOTPDevice.objects.filter(_trusted_device_q(), pk=device.pk).exists()


def accepted_devices(user) -> QuerySet[TOTPDevice]:
    """``user``'s confirmed authenticators that count for signing in now."""
    devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    if opens_resident_data(user):
        devices = devices.filter(_trusted_device_q())
    return devices


def device_accepted(user, device) -> bool:
    return accepted_devices(user).filter(pk=device.pk).exists()


def needs_new_activation(user) -> bool:
    """Has ``user`` an authenticator that no longer counts (their access changed), so that
    a leader must issue a new code?"""
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        and not accepted_devices(user).exists()
    )


def has_accepted_device_q() -> Q:
    """For annotating lists of users (the leader's activation page)."""
    confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    return Q(Exists(confirmed.filter(_trusted_device_q()))) | (
        Q(Exists(confirmed)) & ~_opens_resident_data()
    )


# --- building blocks ------------------------------------------------------------------------


def _acting(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def _ordinary() -> Q:
    """Accounts without admin rights (region admins manage neither staff, superusers nor
    other region administrators)."""
    return Q(is_staff=False, is_superuser=False) & ~Q(
        pk__in=user_ids_with_roles([Role.REGION_ADMIN])
    )


def _opens_resident_data() -> Q:
    """Accounts with a confirmed, active team or facility membership."""
    return Q(pk__in=user_ids_with_roles(RESIDENT_DATA_ROLES))


def _in_admin_regions(user) -> Q:
    regions = principal_for(user).admin_region_ids
    if not regions:
        return _NOBODY
    return Q(region__in=regions) | Q(pk__in=user_ids_in_regions(regions))


def _led_members(user) -> Q:
    p = principal_for(user)
    if not p.leader_team_ids and not p.leader_facility_ids:
        return _NOBODY
    return Q(
        pk__in=user_ids_of_units(team_ids=p.leader_team_ids, facility_ids=p.leader_facility_ids)
    )
