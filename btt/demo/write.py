"""Save a planned demo data set with ``bulk_create`` in one transaction.

Demo data is written directly, not through the services: it is synthetic, needs to be fast on
first start, and writes no audit rows (nobody read or changed real resident data). The history
of memberships (``MembershipEvent``) is data shown to leaders, not an audit row, so it is
written like the memberships themselves.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

from organisation.models import MembershipEvent
from residents.models import Move

from .common import ADMIN_GROUP_NAME
from .plan import DemoPlan

BATCH_SIZE = 500

# What the "Regional administrator" group may do in Django admin (scoped to the region there).
ADMIN_GROUP_PERMISSIONS = {
    ("organisation", "region"): ("view",),
    ("organisation", "team"): ("add", "change", "view"),
    ("organisation", "facility"): ("add", "change", "view"),
    ("organisation", "facilityaddress"): ("add", "change", "view"),
    ("organisation", "ward"): ("add", "change", "view"),
    ("organisation", "membership"): ("add", "change", "view"),
    ("accounts", "user"): ("add", "change", "view"),
}


def admin_group() -> Group:
    """The group for region admins, with exactly the permissions above (created if missing)."""
    group, _created = Group.objects.get_or_create(name=ADMIN_GROUP_NAME)
    wanted = Q(pk__in=[])
    for (app_label, model), actions in ADMIN_GROUP_PERMISSIONS.items():
        wanted |= Q(
            content_type__app_label=app_label,
            content_type__model=model,
            codename__in=[f"{action}_{model}" for action in actions],
        )
    group.permissions.add(*Permission.objects.filter(wanted))
    return group


def _event_detail(event: MembershipEvent) -> dict:
    """The history row's detail as ``organisation.services`` writes it (ids exist now)."""
    m = event.membership
    scope, unit = next(
        (kind, getattr(m, kind))
        for kind in ("team", "facility", "ward", "region")
        if getattr(m, kind) is not None
    )
    return {
        "event": f"membership_{event.kind}",
        "for_user_id": m.user.pk,
        "scope": scope,
        "scope_id": unit.pk,
        **event.detail,
    }


def write_plan(plan: DemoPlan, *, password_hash: str) -> None:
    """Insert every planned object. ``password_hash`` comes from one ``make_password`` call."""
    with transaction.atomic():
        for label, objects in plan.in_write_order():
            if not objects:
                continue
            if label == "users":
                for user in objects:
                    user.password = password_hash
            if label == "membership_events":
                for event in objects:
                    event.detail = _event_detail(event)
            # ``Move.created_at`` is ``auto_now_add``: insert, then put back the planned times
            planned = [m.created_at for m in objects] if label == "moves" else None
            type(objects[0]).objects.bulk_create(objects, batch_size=BATCH_SIZE)
            if planned is not None:
                for move, created_at in zip(objects, planned, strict=True):
                    move.created_at = created_at
                Move.objects.bulk_update(objects, ["created_at"], batch_size=BATCH_SIZE)
        admin_group().user_set.add(*plan.admins)
