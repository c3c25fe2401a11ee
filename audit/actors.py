"""Who acts, as an audit row names them: the acting user's units and roles, and why they touch
the resident (``audit.services.purpose_for``).

Every app writes audit rows, the organisation among them, so the audit app sits at the bottom
of the layers and imports none of them. The principal (``organisation.access.principal_for``)
is handed over at start-up: ``OrganisationConfig.ready`` calls ``set_principal_source``. This
module imports no models, so an ``apps.py`` may import it before the registry is ready.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured


class ActingPrincipal(Protocol):
    """What a row reads from the principal (``organisation.access.Principal``)."""

    @property
    def organisation_label(self) -> str: ...

    @property
    def role_label(self) -> str: ...

    @property
    def emergency_resident_ids(self) -> frozenset[int]: ...

    @property
    def is_team_staff(self) -> bool: ...

    @property
    def is_facility_staff(self) -> bool: ...

    @property
    def is_ward_staff(self) -> bool: ...


PrincipalSource = Callable[[Any], ActingPrincipal]

_source: PrincipalSource | None = None


def set_principal_source(source: PrincipalSource) -> None:
    """Called once, by ``OrganisationConfig.ready``, with ``principal_for``."""
    global _source
    _source = source


def principal_of(user: Any) -> ActingPrincipal:
    """The acting user's principal (anonymous and signed-out users get the empty one). Refuses
    to guess when nothing was handed over: a row without its actor's roles is worse than none."""
    if _source is None:
        raise ImproperlyConfigured(
            "audit rows need the organisation app (OrganisationConfig.ready)"
        )
    return _source(user)
