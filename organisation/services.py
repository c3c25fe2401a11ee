"""Granting, proposing, confirming, changing and ending memberships.

Every service asks the membership policy (``organisation.access``) itself, so a direct call
by someone who may not do it raises PermissionDenied (or Http404 where they may not see the
membership), and writes exactly one audit row (purpose: administration, no resident) and one
history row (``MembershipEvent``, shown to the team's or facility's leader) in the same
transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Action, Purpose
from audit.services import record
from lib.errors import TransitionError

from . import access
from .models import (
    FACILITY_ROLES,
    TEAM_ROLES,
    Facility,
    Membership,
    MembershipEvent,
    MembershipEventKind,
    MembershipStatus,
    Profession,
    Region,
    Role,
    Team,
    Ward,
)

if TYPE_CHECKING:
    from .access import User


class _Scope(TypedDict):
    """Where a membership applies: exactly one of these is set (the model's check)."""

    team: Team | None
    facility: Facility | None
    ward: Ward | None
    region: Region | None


def _scope_detail(m: Membership) -> dict[str, Any]:
    kind = (
        "team" if m.team_id else "facility" if m.facility_id else "ward" if m.ward_id else "region"
    )
    return {"scope": kind, "scope_id": m.team_id or m.facility_id or m.ward_id or m.region_id}


def _log(
    *, user: User, m: Membership, kind: str, action: Action, detail: dict[str, Any] | None = None
) -> None:
    """One history row and one audit row for one step (codes and ids only, never names)."""
    detail = {
        "event": f"membership_{kind}",
        "for_user_id": m.user_id,
        **_scope_detail(m),
        **(detail or {}),
    }
    MembershipEvent(membership=m, by=user, kind=kind, detail=detail).save(force_insert=True)
    record(user=user, action=action, obj=m, purpose=Purpose.ADMINISTRATION, detail=detail)


def _duplicate_error() -> ValidationError:
    return ValidationError(
        _("Brugeren har allerede denne rolle her (eller et forslag om den venter)."),
        code="duplicate",
    )


def _holds_already(
    *, for_user: User | None, role: str, scope: _Scope, exclude_pk: int | None = None
) -> bool:
    """Has the user this role here already, in force or proposed (the rows the database's
    ``membership_unique_*`` constraints keep unique)?"""
    found = Membership.objects.filter(
        user=for_user,
        role=role,
        is_active=True,
        status__in=(MembershipStatus.PENDING, MembershipStatus.CONFIRMED),
        **scope,
    )
    if exclude_pk is not None:
        found = found.exclude(pk=exclude_pk)
    return found.exists()


def _save_unique(m: Membership, *, scope: _Scope, **kwargs: Any) -> None:
    """Save; a concurrent grant of the same role that won the race gets the same Danish
    answer as one found by ``_holds_already`` (the database's unique constraint refused it)."""
    try:
        with transaction.atomic():
            m.save(**kwargs)
    except IntegrityError:
        if _holds_already(for_user=m.user, role=m.role, scope=scope, exclude_pk=m.pk):
            raise _duplicate_error() from None
        raise


def _validate_new(
    *,
    for_user: User | None,
    role: str,
    profession: str,
    scope: _Scope,
    exclude_pk: int | None = None,
) -> None:
    """What a membership coming into force needs: granted, proposed or reactivated."""
    if for_user is None or not for_user.is_active:
        raise ValidationError({"user": _("Brugeren findes ikke eller er deaktiveret.")})
    if role not in Role.values:
        raise ValidationError({"role": _("Vælg en rolle.")})
    if profession not in Profession.values:
        raise ValidationError({"profession": _("Vælg en faggruppe.")})
    if not access.scope_matches(role, **scope):
        raise ValidationError(
            _("Rollen passer ikke til det valgte team, botilbud, sengeafsnit eller region.")
        )
    region_id = access.region_id_of(**scope)
    if (
        region_id is None
        or not access.users_in_regions([region_id]).filter(pk=for_user.pk).exists()
    ):
        raise ValidationError(
            {"user": _("Der findes ingen bruger med dette brugernavn i regionen.")}
        )
    if _holds_already(for_user=for_user, role=role, scope=scope, exclude_pk=exclude_pk):
        raise _duplicate_error()


def _scope(
    team: Team | None, facility: Facility | None, ward: Ward | None, region: Region | None
) -> _Scope:
    return {"team": team, "facility": facility, "ward": ward, "region": region}


def _insert(
    *,
    user: User,
    for_user: User | None,
    role: str,
    profession: str,
    scope: _Scope,
    kind: str,
    **state: Any,
) -> Membership:
    """Validate, save and log a new membership (granted in force, or proposed)."""
    _validate_new(for_user=for_user, role=role, profession=profession, scope=scope)
    m = Membership(user=for_user, role=role, profession=profession, **state, **scope)
    _save_unique(m, scope=scope, force_insert=True)
    _log(
        user=user,
        m=m,
        kind=kind,
        action=Action.CREATE,
        detail={"role": role, "profession": profession},
    )
    return m


@transaction.atomic
def membership_grant(
    *,
    user: User,
    for_user: User | None,
    role: str,
    profession: str,
    team: Team | None = None,
    facility: Facility | None = None,
    ward: Ward | None = None,
    region: Region | None = None,
) -> Membership:
    """Give ``for_user`` a role in force at once: the leader of a team or facility in their
    unit, a region administrator a ward membership, a superuser a region administrator."""
    scope = _scope(team, facility, ward, region)
    if not access.can_grant_membership(user, for_user=for_user, role=role, **scope):
        raise PermissionDenied
    return _insert(
        user=user,
        for_user=for_user,
        role=role,
        profession=profession,
        scope=scope,
        kind=MembershipEventKind.GRANTED,
        status=MembershipStatus.CONFIRMED,
        confirmed_by=user,
        confirmed_at=timezone.now(),
    )


@transaction.atomic
def membership_propose(
    *,
    user: User,
    for_user: User | None,
    role: str,
    profession: str,
    team: Team | None = None,
    facility: Facility | None = None,
) -> Membership:
    """A region administrator proposes a team or facility membership; it grants nothing until
    the leader of that team or facility confirms it."""
    scope = _scope(team, facility, None, None)
    if not access.can_propose_membership(
        user, for_user=for_user, role=role, team=team, facility=facility
    ):
        raise PermissionDenied
    return _insert(
        user=user,
        for_user=for_user,
        role=role,
        profession=profession,
        scope=scope,
        kind=MembershipEventKind.PROPOSED,
        status=MembershipStatus.PENDING,
        proposed_by=user,
    )


def _scope_of(m: Membership) -> _Scope:
    return _scope(m.team, m.facility, m.ward, m.region)


def _locked(user: User, membership: Membership, action: str) -> Membership:
    """The membership, locked, re-read through the policy (404 / 403)."""
    Membership.objects.select_for_update().filter(pk=membership.pk).first()
    return access.get_membership_for_user(user, membership.pk, action=action)


@transaction.atomic
def membership_confirm(*, user: User, membership: Membership) -> Membership:
    m = _locked(user, membership, access.MEMBERSHIP_CONFIRM)
    m.status = MembershipStatus.CONFIRMED
    m.confirmed_by = user
    m.confirmed_at = timezone.now()
    m.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    _log(
        user=user,
        m=m,
        kind=MembershipEventKind.CONFIRMED,
        action=Action.TRANSITION,
        detail={"to": MembershipStatus.CONFIRMED.value},
    )
    return m


@transaction.atomic
def membership_reject(*, user: User, membership: Membership) -> Membership:
    m = _locked(user, membership, access.MEMBERSHIP_REJECT)
    m.status = MembershipStatus.REJECTED
    m.is_active = False
    m.ended_at = timezone.now()
    m.save(update_fields=["status", "is_active", "ended_at"])
    _log(
        user=user,
        m=m,
        kind=MembershipEventKind.REJECTED,
        action=Action.TRANSITION,
        detail={"to": MembershipStatus.REJECTED.value},
    )
    return m


@transaction.atomic
def membership_change(
    *,
    user: User,
    membership: Membership,
    role: str | None = None,
    profession: str | None = None,
    is_active: bool | None = None,
) -> Membership:
    """Change role (within the same team or facility), profession or activation. Only who may
    grant the membership may change it: a new profession or role can open other data.
    Reactivating an ended membership is checked as a new grant (the user is active and of the
    region, and has not got the role here already)."""
    m = _locked(user, membership, access.MEMBERSHIP_CHANGE)
    changes: dict[str, tuple[Any, Any]] = {}
    if role is not None and role != m.role:
        same_kind = (m.role in TEAM_ROLES and role in TEAM_ROLES) or (
            m.role in FACILITY_ROLES and role in FACILITY_ROLES
        )
        if not same_kind:
            raise ValidationError(
                {"role": _("Rollen kan kun skiftes inden for samme team eller botilbud.")}
            )
        if not access.can_grant_membership(
            user, for_user=m.user, role=role, team=m.team, facility=m.facility
        ):
            raise PermissionDenied
        changes["role"] = (m.role, role)
        m.role = role
    if profession is not None and profession != m.profession:
        if profession not in Profession.values:
            raise ValidationError({"profession": _("Vælg en faggruppe.")})
        changes["profession"] = (m.profession, profession)
        m.profession = profession
    if is_active is not None and is_active != m.is_active:
        changes["is_active"] = (m.is_active, is_active)
        m.is_active = is_active
        m.ended_at = None if is_active else timezone.now()
    if not changes:
        raise ValidationError(_("Der er intet ændret."), code="unchanged")
    if m.is_active and "is_active" in changes:
        _validate_new(
            for_user=m.user,
            role=m.role,
            profession=m.profession,
            scope=_scope_of(m),
            exclude_pk=m.pk,
        )
    elif (
        m.is_active
        and "role" in changes
        and _holds_already(for_user=m.user, role=m.role, scope=_scope_of(m), exclude_pk=m.pk)
    ):
        raise _duplicate_error()
    fields = list(changes)
    if "is_active" in changes:
        fields.append("ended_at")
    _save_unique(m, scope=_scope_of(m), update_fields=fields)
    _log(
        user=user,
        m=m,
        kind=MembershipEventKind.CHANGED,
        action=Action.UPDATE,
        detail={"changes": {k: list(v) for k, v in changes.items()}},
    )
    return m


@transaction.atomic
def membership_end(*, user: User, membership: Membership) -> Membership:
    """End a membership in force: it grants nothing from the next request on. The row and
    its history stay."""
    m = _locked(user, membership, access.MEMBERSHIP_END)
    if not m.is_active:
        raise TransitionError(_("Tilknytningen er allerede afsluttet."), code="ended")
    m.is_active = False
    m.ended_at = timezone.now()
    m.save(update_fields=["is_active", "ended_at"])
    _log(
        user=user,
        m=m,
        kind=MembershipEventKind.ENDED,
        action=Action.TRANSITION,
        detail={"to": "ended"},
    )
    return m
