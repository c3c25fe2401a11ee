"""What the principal learns from apps in higher layers, handed over at start-up.

``organisation.access`` builds the principal and sits near the bottom of the layers, so it may
not import the apps above it. The one thing it needs from one of them, the residents an active
emergency access opens to a user, the emergency app hands over in ``EmergencyConfig.ready``.
This module imports no models, so an ``apps.py`` may import it before the registry is ready.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

EmergencySource = Callable[[Any], Iterable[int]]

_emergency_source: EmergencySource | None = None


def set_emergency_source(source: EmergencySource) -> None:
    """Called once, by ``EmergencyConfig.ready``: how to find the residents an active emergency
    access opens to a (signed-in) user."""
    global _emergency_source
    _emergency_source = source


def emergency_resident_ids(user: Any) -> frozenset[int]:
    """The residents an active emergency access opens to ``user``; none without the emergency
    app (nobody can open one then)."""
    if _emergency_source is None:
        return frozenset()
    return frozenset(_emergency_source(user))
