"""Signals the course record sends, for the apps above it that follow the record without the
record knowing them (``record`` must not import them).

``entry_saved``: an entry was created or corrected (a new version), sent inside the service's
transaction, with ``entry_id``, ``team_id`` (the team whose course the entry belongs to),
``resident_id`` and ``kind``. A receiver that starts work elsewhere must do so when the
transaction commits (``transaction.on_commit``), so a rolled-back entry starts nothing.
Receivers get ids and the kind only, never the entry's content.
"""

from __future__ import annotations

from django.dispatch import Signal

entry_saved = Signal()
