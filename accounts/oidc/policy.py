"""Who may sign in how: which provider serves a user, and who may still use the password.

- A provider serves a user when the user belongs to one of its regions (a membership in force
  or proposed in a team, facility, ward or the region, or the account's administering region),
  or when it serves every region (``"*"``).
- ``OIDC_PASSWORD_LOGIN`` (``accounts.oidc.config.password_login_policy``):
  ``all``: everybody may sign in with the password and authenticator (the default without
  providers: the demo); ``unlinked`` (the default with providers): everybody except users
  linked to a configured provider, who sign in through it; administrators (superusers, Django
  staff, region administrators) always keep the password, as the break-glass path;
  ``admins``: only administrators.
"""

from __future__ import annotations

from django.conf import settings

from organisation.access import may_administer, user_ids_in_regions
from organisation.models import Region

from ..models import FederatedIdentity, User
from .config import Provider
from .session import providers


def serves(provider: Provider, user: User) -> bool:
    if provider.serves_every_region:
        return True
    region_ids = list(Region.objects.filter(name__in=provider.regions).values_list("pk", flat=True))
    if not region_ids:
        return False
    if user.region_id in region_ids:
        return True
    return user_ids_in_regions(region_ids).filter(user_id=user.pk).exists()


def is_break_glass(user: User) -> bool:
    """Administrators keep the local password whatever the policy."""
    return bool(user.is_superuser or user.is_staff or may_administer(user))


def password_login_allowed(user: User) -> bool:
    policy = getattr(settings, "OIDC_PASSWORD_LOGIN", "all")
    if policy == "all" or is_break_glass(user):
        return True
    if policy == "admins":
        return False
    linked = FederatedIdentity.objects.filter(user=user, provider__in=list(providers()))
    return not linked.exists()
