"""Save a planned demo data set with ``bulk_create`` in one transaction.

Demo data is written directly, not through the services: it is synthetic, needs to be fast on
first start, and writes no audit rows (nobody read or changed real resident data).
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

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


def write_plan(plan: DemoPlan, *, password_hash: str) -> None:
    """Insert every planned object. ``password_hash`` comes from one ``make_password`` call."""
    with transaction.atomic():
        for label, objects in plan.in_write_order():
            if not objects:
                continue
            if label == "users":
                for user in objects:
                    user.password = password_hash
            type(objects[0]).objects.bulk_create(objects, batch_size=BATCH_SIZE)
        admin_group().user_set.add(*plan.admins)
